// A second thread for reading the events table: a full read of a large table (the first run, or after a row
// changed in place) is mostly turning SQLite values into JavaScript ones, one row after another, so the alert
// worker reads the first half of the rowids while this helper reads the second (./event-reader-worker.ts).
// The alert worker's reads are synchronous (one read transaction), so it waits for the helper's answer
// synchronously too: Atomics.wait on a shared flag, then receiveMessageOnPort.
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import type { ExportedEventColumns } from './event-columns.ts';
import type { EventRangeRead } from './event-rows.ts';
import { siblingModuleUrl, startModuleWorker } from '../workers/start-module-worker.ts';

/** `signal` slots: the id of the last answered request, and 1 once the helper has loaded (-1: it could not open the file). */
export type EventReaderWorkerData = { dbFile: string; signal: Int32Array };
export const ANSWERED = 0;
export const LOADED = 1;
export type EventRangeRequest = { id: number; after: number; upTo: number };
export type EventRangeResult =
  | ({ id: number; ok: true; version: number; columns: ExportedEventColumns } & EventRangeRead)
  | { id: number; ok: false; error: string };

/** How long the reader waits for the helper at most before reading the range itself. */
const HELPER_TIMEOUT_MS = 60_000;
/** How long a new helper may take to load (a thread that never loads cannot say so: the wait must end). */
const HELPER_LOAD_TIMEOUT_MS = 10_000;

export type EventReaderHelper = {
  /**
   * Starts reading the rows with rowid in (after, upTo] on the helper thread and returns the wait for them:
   * the helper's columns, or null when it failed or took too long (the caller then reads them itself).
   */
  readRange(after: number, upTo: number): () => Extract<EventRangeResult, { ok: true }> | null;
  close(): void;
};

export function startEventReaderHelper(dbFile: string): EventReaderHelper {
  const signal = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  let channel: { worker: Worker; port: MessagePort; startedAt: number } | null = null;
  // A helper that failed once is not started again: reads stay on the reader's own thread.
  let failed = false;
  let nextId = 1;
  const start = () => {
    const { port1, port2 } = new MessageChannel();
    const workerData: EventReaderWorkerData & { port: MessagePort } = { dbFile, signal, port: port2 };
    const worker = startModuleWorker(siblingModuleUrl(import.meta.url, 'event-reader-worker'), { workerData, transferList: [port2], name: 'roi-event-reader' });
    worker.unref();
    port1.unref();
    worker.on('error', () => (failed = true)); // seen once the reader is no longer waiting: no more helpers
    return { worker, port: port1, startedAt: Date.now() };
  };
  const stop = () => {
    if (!channel) return;
    void channel.worker.terminate();
    channel.port.close();
    channel = null;
  };
  const giveUp = () => {
    failed = true;
    stop();
    return null;
  };
  return {
    readRange(after, upTo) {
      if (failed) return () => null;
      channel ??= start();
      const { port, startedAt } = channel;
      const id = nextId++;
      port.postMessage({ id, after, upTo } satisfies EventRangeRequest);
      return () => {
        const deadline = Date.now() + HELPER_TIMEOUT_MS;
        for (;;) {
          const answered = Atomics.load(signal, ANSWERED);
          if (answered === id) break;
          const now = Date.now();
          const loaded = Atomics.load(signal, LOADED);
          if (now > deadline || loaded < 0 || (loaded === 0 && now > startedAt + HELPER_LOAD_TIMEOUT_MS)) return giveUp();
          Atomics.wait(signal, ANSWERED, answered, 50);
        }
        // The answer is on the port once the flag says so (posted before the flag was set).
        for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
          const result = message.message as EventRangeResult;
          if (result.id === id) return result.ok ? result : giveUp();
        }
        return giveUp();
      };
    },
    close: stop,
  };
}

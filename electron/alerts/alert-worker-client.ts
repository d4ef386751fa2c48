// Starts the alert worker and turns its messages into promises — the same pattern as the valuation worker
// (electron/valuation/valuation-worker-client.ts; how the thread starts: electron/workers). A worker that dies fails the requests waiting on it and is started again by
// the next request; the engine decides when that is (with backoff).
import type { Worker } from 'node:worker_threads';
import { siblingModuleUrl, startModuleWorker } from '../workers/start-module-worker.ts';
import { stopWorker } from '../workers/stop-worker.ts';
import type { AlertCandidate, IntentModelSpec, ScoreRequest, ScoreResult, WorkerRequest, WorkerResponse } from './alert-messages.ts';

/** How long a closing worker may take to finish its batch before it is terminated. */
const CLOSE_TIMEOUT_MS = 10_000;

export class AlertWorkerFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertWorkerFailed';
  }
}

export type AlertWorker = {
  score(request: Omit<ScoreRequest, 'type' | 'id'>): Promise<ScoreResult>;
  setModels(models: IntentModelSpec): void;
  /** Candidates [start, start + count) of run `run` (ScoreResult.run), kept by the worker until its next run. */
  candidates?(run: number, start: number, count: number): Promise<AlertCandidate[]>;
  close(): Promise<void>;
};

export function startAlertWorker(options: { dbFile: string; models: IntentModelSpec; log?: (message: string) => void }): AlertWorker {
  const log = options.log ?? (() => {});
  let models = options.models;
  let worker: Worker | null = null;
  let closed = false;
  let nextId = 1;
  const pending = new Map<number, { worker: Worker; resolve: (response: WorkerResponse) => void; reject: (error: Error) => void }>();

  const ensureWorker = (): Worker => {
    if (worker) return worker;
    if (closed) throw new AlertWorkerFailed('The alert engine has stopped.');
    const started = startModuleWorker(siblingModuleUrl(import.meta.url, 'alert-worker'), { workerData: { dbFile: options.dbFile, models } });
    started.on('message', (response: WorkerResponse) => {
      const waiting = pending.get(response.id);
      pending.delete(response.id);
      waiting?.resolve(response);
    });
    // Only the requests this thread had: a dead thread's late 'exit' must not fail its successor's.
    const fail = (error: Error) => {
      if (worker === started) worker = null;
      for (const [id, waiting] of pending) {
        if (waiting.worker !== started) continue;
        pending.delete(id);
        waiting.reject(error);
      }
    };
    started.on('error', (error) => {
      log(`The alert worker failed: ${error.stack ?? error.message}`);
      fail(new AlertWorkerFailed(`The alert worker stopped (${error.message}).`));
    });
    started.on('exit', (code) => {
      if (code !== 0 && worker === started && !closed) log(`The alert worker exited with code ${code}.`);
      fail(new AlertWorkerFailed('The alert worker stopped.'));
    });
    worker = started;
    return started;
  };

  const ask = (message: (id: number) => WorkerRequest) =>
    new Promise<WorkerResponse>((resolve, reject) => {
      const id = nextId++;
      try {
        const target = ensureWorker();
        pending.set(id, { worker: target, resolve, reject });
        target.postMessage(message(id));
      } catch (error) {
        pending.delete(id);
        reject(error as Error);
      }
    });

  return {
    async score(request) {
      const response = await ask((id) => ({ ...request, type: 'score', id }));
      if ('candidates' in response || !response.ok) throw new AlertWorkerFailed(`Scoring failed in the alert worker: ${'error' in response ? response.error : 'unexpected answer'}`);
      return response.result;
    },
    async candidates(run, start, count) {
      const response = await ask((id) => ({ type: 'candidates', id, run, start, count }));
      if (!('candidates' in response)) throw new AlertWorkerFailed(`Could not read the run's alert candidates: ${'error' in response ? response.error : 'unexpected answer'}`);
      return response.candidates;
    },
    setModels(next) {
      models = next;
      worker?.postMessage({ type: 'setModels', models: next } satisfies WorkerRequest);
    },
    async close() {
      closed = true;
      const running = worker;
      worker = null;
      // At a batch boundary (../workers/stop-worker.ts): terminating a thread inside onnxruntime aborts the process.
      if (running && (await stopWorker(running, { type: 'close' } satisfies WorkerRequest, CLOSE_TIMEOUT_MS)) === 'terminated') {
        log(`The alert worker did not stop within ${CLOSE_TIMEOUT_MS / 1000} s; it was terminated.`);
      }
    },
  };
}

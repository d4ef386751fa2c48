// WAL checkpoints off the main thread. SQLite's automatic checkpoint runs inside whichever commit pushes
// the WAL past its threshold: that commit copies ~1,000 pages into the database file and syncs it, and
// on the main thread that took 60–400 ms (the longest event-loop blocks of an initial sync and of a full
// alert rescore). Here a worker thread with its own connection checkpoints (PASSIVE: never waits for or
// blocks the writer) every few hundred milliseconds, and the main connection's own checkpoint stays only
// as a far-off safety net (wal_autocheckpoint raised, not disabled) should the worker fall behind or die.
//
// How far: the WAL only starts over when a write begins after every frame was copied, so during a long
// burst of writes it keeps growing while the worker copies behind it. With the net at 20,000 pages (80 MB)
// bursts crossed it, and from there every commit checkpointed on the main thread: 40–110 ms blocks every few
// hundred milliseconds (bench: alerts.event_loop_max_block_ms 70–92 ms, main.event_loop_max_block_ms
// 39–62 ms). The net is now 200,000 pages, and a write loop that can pause lets the WAL start over with
// checkpointNow(): the alert engine's full rescore (~17k alert rewrites) waits for one after every 400 ms of
// writing, which keeps its WAL at 67–80 MB where it used to reach 739 MB (bench detail
// wal_mb_after_full_run). An initial sync has no such pauses; its WAL may grow up to the net. Once the WAL
// starts over, journal_size_limit cuts the file back to 64 MB.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Pages the WAL may grow to before the main connection checkpoints itself (~800 MB of 4 KiB pages). */
export const MAIN_CONNECTION_AUTOCHECKPOINT_PAGES = 200_000;
export const CHECKPOINT_EVERY_MS = 250;
/** What the WAL file is cut back to when it starts over after a burst (bytes). */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

// Plain CommonJS evaluated in the worker: no loader, so it runs the same under tsx, vitest and Electron.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db = null;
const checkpoint = () => {
  try {
    db ??= new Database(workerData.file, { fileMustExist: true });
    db.pragma('busy_timeout = 0');
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy or not there yet: the next tick tries again
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message && message.type === 'checkpoint') {
    checkpoint();
    parentPort.postMessage({ type: 'checkpointed', id: message.id });
    return;
  }
  clearInterval(timer);
  checkpoint();
  db?.close();
  parentPort.close();
});
`;

/** How long checkpointNow() waits for the worker at most (a stuck worker must not stall a write loop). */
const CHECKPOINT_NOW_TIMEOUT_MS = 2_000;

export type WalCheckpointer = {
  /** Asks the worker to checkpoint at once; resolves when it has (or could not: busy, stopped, too slow). */
  checkpointNow(): Promise<void>;
  stop(): void;
};

export function startWalCheckpointer(file: string, everyMs = CHECKPOINT_EVERY_MS): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, everyMs }, name: 'roi-wal-checkpoint' });
  worker.unref();
  let stopped = false;
  let exited = false;
  let nextId = 1;
  const waiting = new Map<number, () => void>();
  const settleAll = () => {
    for (const resolve of waiting.values()) resolve();
    waiting.clear();
  };
  worker.on('message', (message: { id: number }) => {
    waiting.get(message.id)?.();
    waiting.delete(message.id);
  });
  worker.on('error', settleAll); // the main connection's own (raised) threshold still bounds the WAL
  worker.on('exit', () => {
    exited = true;
    settleAll();
  });
  return {
    checkpointNow() {
      if (stopped || exited) return Promise.resolve();
      const id = nextId++;
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve();
        }, CHECKPOINT_NOW_TIMEOUT_MS);
        timer.unref();
        waiting.set(id, () => {
          clearTimeout(timer);
          resolve();
        });
        worker.postMessage({ type: 'checkpoint', id });
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      worker.postMessage('stop');
      settleAll();
    },
  };
}

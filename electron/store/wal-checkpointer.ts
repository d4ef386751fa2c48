// WAL checkpoints off the main thread. SQLite's automatic checkpoint runs inside whichever commit pushes
// the WAL past its threshold: that commit copies ~1,000 pages into the database file and syncs it, and
// on the main thread that took 60–400 ms (the longest event-loop blocks of an initial sync and of a full
// alert rescore). Here a worker thread with its own connection checkpoints (PASSIVE: never waits for or
// blocks the writer) every few hundred milliseconds, and the main connection's own checkpoint stays only
// as a far-off safety net (wal_autocheckpoint raised, not disabled) should the worker fall behind or die.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Pages the WAL may grow to before the main connection checkpoints itself (~80 MB of 4 KiB pages). */
export const MAIN_CONNECTION_AUTOCHECKPOINT_PAGES = 20_000;
export const CHECKPOINT_EVERY_MS = 250;

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
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db?.close();
  parentPort.close();
});
`;

export type WalCheckpointer = { stop(): void };

export function startWalCheckpointer(file: string, everyMs = CHECKPOINT_EVERY_MS): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, everyMs }, name: 'roi-wal-checkpoint' });
  worker.unref();
  worker.on('error', () => {}); // the main connection's own (raised) threshold still bounds the WAL
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      worker.postMessage('stop');
    },
  };
}

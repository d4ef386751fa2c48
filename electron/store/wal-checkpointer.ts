// WAL checkpoints off the main thread. SQLite's automatic checkpoint runs inside whichever commit pushes
// the WAL past its threshold: that commit copies ~1,000 pages into the database file and syncs it, and
// on the main thread that took 60–400 ms (the longest event-loop blocks of an initial sync and of a full
// alert rescore). Here a worker thread with its own connection checkpoints (PASSIVE: never waits for or
// blocks the writer) every few hundred milliseconds, and the main connection's own checkpoint stays only
// as a far-off safety net (wal_autocheckpoint raised, not disabled) should the worker fall behind or die.
//
// How far: the WAL only starts over when a write begins after every frame was copied, so during a long
// burst of writes (a full alert rescore rewrites ~17k alerts: ~400 MB of WAL; a large initial sync) it
// keeps growing while the worker copies behind it. With the net at 20,000 pages (80 MB) such bursts crossed
// it, and from there every commit checkpointed on the main thread: 40–110 ms blocks every few hundred
// milliseconds (bench: alerts.event_loop_max_block_ms 70–92 ms, main.event_loop_max_block_ms 39–62 ms;
// with 200,000 pages 30–35 and 28–41 ms). The price is disk: up to ~800 MB of WAL during such a burst
// (truncated back to 64 MB once it starts over, journal_size_limit) and a longer recovery after a crash
// in the middle of one (SQLite reads the whole WAL when it opens).
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

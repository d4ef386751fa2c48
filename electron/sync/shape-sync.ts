// The read path, main-thread side: starts the shape worker (./shape-worker.ts), which runs one ShapeStream
// (the real @electric-sql/client) per synced table and decodes what arrives, and stores each batch it
// sends in the replica — one SQLite transaction with the stream's handle and offset, so a restart resumes
// exactly after what was stored. Only this thread writes the replica file (no second writer, so no lock
// waits and no "database is locked" for anyone else's transactions); the worker takes the HTTP, the
// client's protocol work and the decoding (about two thirds of the cost of a row) off the event loop.
// A worker that dies is started again after a pause, from the stored positions.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { shapeTableInfo, type ShapeTable } from '../../db/sync/shape-tables.ts';
import type { ShapeChange } from './shape-changes.ts';
import type { Replica } from './replica.ts';
import type { MainToWorker, ShapeWorkerData, WorkerToMain } from './shape-worker-messages.ts';
import { siblingModuleUrl, startModuleWorker } from '../workers/start-module-worker.ts';

export type ShapeSyncOptions = {
  serverUrl: string;
  tables: readonly ShapeTable[];
  replica: Replica;
  /** A valid access token, refreshing or signing in again as needed; throws when none can be had. */
  accessToken: () => Promise<string>;
  /** Called after a 401: rotate the tokens and return the new access token. */
  refreshAccessToken: () => Promise<string>;
  /** A batch of server changes was stored (the changes as stored, for consumers that track which rows moved). */
  onApplied?: (table: ShapeTable, changes: readonly ShapeChange[]) => void;
  onUpToDate?: (table: ShapeTable) => void;
  onError?: (table: ShapeTable | null, error: Error) => void;
  /** Pause before a stream (or the worker) that stopped is started again. */
  restartDelayMs?: number;
  /** The worker's entry module (a path or URL), for code that bundles the engine (the crash test); default: beside this file. */
  workerEntry?: string | URL;
};

export type ShapeSyncProgress = {
  /** The worker has loaded and started its streams. */
  workerRunning: boolean;
  /** Responses with rows, and rows, the worker has fetched and decoded (including prefetched ones). */
  batchesDecoded: number;
  rowsDecoded: number;
  /** Batches and rows stored in the replica. */
  batchesStored: number;
  rowsStored: number;
};

export type ShapeSync = {
  /** True when every table has caught up with the server at least once since start. */
  upToDate(): boolean;
  progress(): ShapeSyncProgress;
  /** The worker's thread id while it runs (-1 before it started and after it stopped). */
  workerThreadId(): number;
  stop(): void;
};

function spawn(entry: string | URL | undefined, workerData: ShapeWorkerData): Worker {
  const href =
    entry === undefined
      ? siblingModuleUrl(import.meta.url, 'shape-worker')
      : entry instanceof URL
        ? entry.href
        : /^[a-z][a-z0-9+.-]*:/i.test(entry)
          ? entry
          : pathToFileURL(path.resolve(entry)).href;
  return startModuleWorker(href, { workerData, name: 'roi-shape-sync' });
}

export function startShapeSync(options: ShapeSyncOptions): ShapeSync {
  const upToDate = new Set<ShapeTable>();
  const progress = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  const stored = { batches: 0, rows: 0 };
  const restartDelayMs = options.restartDelayMs ?? 5_000;
  let worker: Worker | null = null;
  let restartTimer: NodeJS.Timeout | null = null;
  let stopped = false;
  // Concurrent 401s of many streams share one refresh: refresh tokens rotate, and reusing one revokes the device.
  let refreshing: Promise<string> | null = null;

  const storeBatch = (message: Extract<WorkerToMain, { type: 'batch' }>): boolean => {
    const { table, changes, position } = message;
    try {
      options.replica.applyChanges(table, changes, position);
    } catch (error) {
      // Nothing was stored (the transaction rolled back): the worker restarts the stream from the stored position.
      options.onError?.(table, error as Error);
      return false;
    }
    const width = shapeTableInfo(table).columns.length;
    const rows = changes.reduce((n, change) => n + (!('op' in change) ? 0 : change.op === 'inserts' ? change.values.length / width : 1), 0);
    stored.batches++;
    stored.rows += rows;
    if (rows > 0) options.onApplied?.(table, changes);
    if (position.upToDate) {
      upToDate.add(table);
      options.onUpToDate?.(table);
    }
    return true;
  };

  const answerToken = async (refresh: boolean, failed: string | undefined): Promise<{ token?: string; error?: string }> => {
    try {
      const token = await options.accessToken().catch((error: unknown) => {
        if (refresh) return undefined; // refreshing is what is needed anyway
        throw error;
      });
      // The session may already hold a newer token than the one refused (another stream or the pusher refreshed).
      if (token !== undefined && (!refresh || token !== failed)) return { token };
      refreshing ??= options.refreshAccessToken().finally(() => (refreshing = null));
      return { token: await refreshing };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };

  // The worker starts with the session's access token in hand, so its first requests never wait for this
  // thread (which may be busy, or blocked, right then). Offline, it starts without one and asks when needed.
  const start = () => {
    if (stopped) return;
    options.accessToken().then(launch, () => launch(undefined));
  };

  const launch = (accessToken: string | undefined) => {
    if (stopped || worker !== null) return;
    const tables = options.tables.map((name) => ({
      name,
      columns: shapeTableInfo(name).columns.map((column) => ({ name: column.name, type: column.type })),
      position: options.replica.shapePosition(name),
    }));
    Atomics.store(progress, 2, 0);
    const started = spawn(options.workerEntry, {
      serverUrl: options.serverUrl,
      tables,
      restartDelayMs,
      progress,
      ...(accessToken !== undefined ? { accessToken } : {}),
    });
    worker = started;
    const reply = (message: MainToWorker) => {
      if (worker === started) started.postMessage(message);
    };
    // Batches are stored one per event-loop turn: a port hands over every message waiting in one go, and
    // storing the batches of several tables back to back would block the loop for their sum.
    const batches: Extract<WorkerToMain, { type: 'batch' }>[] = [];
    const storeNext = () => {
      const message = batches.shift();
      if (!message || worker !== started || stopped) return;
      reply({ type: 'stored', id: message.id, ok: storeBatch(message) });
      if (batches.length > 0) setImmediate(storeNext);
    };
    started.on('message', (message: WorkerToMain) => {
      if (worker !== started || stopped) return; // a worker being replaced or stopped: the replica may be closed
      if (message.type === 'batch') {
        if (batches.push(message) === 1) setImmediate(storeNext);
      } else if (message.type === 'token') void answerToken(message.refresh, message.failed).then((answer) => reply({ type: 'token', id: message.id, ...answer }));
      else options.onError?.(message.table, new Error(message.message));
    });
    const restart = (why: string) => {
      if (worker !== started) return;
      worker = null;
      if (stopped) return;
      options.onError?.(null, new Error(`The sync worker stopped (${why}); it restarts from the stored positions.`));
      restartTimer = setTimeout(() => {
        restartTimer = null;
        start();
      }, restartDelayMs);
      restartTimer.unref();
    };
    started.on('error', (error) => restart(error.message));
    started.on('exit', (code) => restart(`exit code ${code}`));
  };

  start();

  return {
    upToDate: () => options.tables.every((table) => upToDate.has(table)),
    progress: () => ({
      workerRunning: worker !== null && Atomics.load(progress, 2) === 1,
      batchesDecoded: Atomics.load(progress, 0),
      rowsDecoded: Atomics.load(progress, 1),
      batchesStored: stored.batches,
      rowsStored: stored.rows,
    }),
    workerThreadId: () => worker?.threadId ?? -1,
    stop() {
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      restartTimer = null;
      const running = worker;
      worker = null;
      if (running) {
        running.postMessage({ type: 'stop' } satisfies MainToWorker);
        void running.terminate();
      }
    },
  };
}

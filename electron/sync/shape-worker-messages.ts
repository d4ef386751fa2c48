// What the main thread and the shape worker (./shape-worker.ts) say to each other.
import type { ShapeTable } from '../../db/sync/shape-tables.ts';
import type { ShapeChange, ShapeChangePosition } from './shape-changes.ts';
import type { StreamTable } from './shape-streams.ts';

export type ShapeWorkerData = {
  serverUrl: string;
  tables: StreamTable[];
  restartDelayMs?: number;
  /** [batches decoded, rows decoded, 1 once the worker runs]: progress the main thread reads without a message. */
  progress: Int32Array;
  /** The session's access token when the worker was started (none offline): its first requests use it. */
  accessToken?: string;
};

export type WorkerToMain =
  /** A batch to store (one transaction with its position); answered with `stored`. */
  | { type: 'batch'; id: number; table: ShapeTable; changes: ShapeChange[]; position: ShapeChangePosition }
  /**
   * The worker needs an access token; after a 401 (`refresh`) one other than `failed`, rotating the
   * tokens unless the session already has a newer one. Answered with `token`.
   */
  | { type: 'token'; id: number; refresh: boolean; failed?: string }
  | { type: 'error'; table: ShapeTable; message: string };

export type MainToWorker =
  | { type: 'stored'; id: number; ok: boolean }
  | { type: 'token'; id: number; token?: string; error?: string }
  | { type: 'stop' };

// The sync engine of one signed-in session: the replica, one shape stream per table (read path; the
// streams run in a worker thread, the replica is written here) and the outbox pusher (write path).
// Plain Node: the Electron shell, browser mode and tests all run it.
import { SHAPE_TABLES, type ShapeTable } from '../../db/sync/shape-tables.ts';
import type { LocalStore } from '../store/local-store.ts';
import { startPusher } from './pusher.ts';
import { createReplica, type LocalEdit, type OutboxCounts } from './replica.ts';
import type { ShapeChange } from './shape-changes.ts';
import { startShapeSync } from './shape-sync.ts';

export type SyncEngineOptions = {
  store: LocalStore;
  serverUrl: string;
  deviceId: string;
  user: { id: string; brokerageId: string | null };
  accessToken: () => Promise<string>;
  refreshAccessToken: () => Promise<string>;
  tables?: readonly ShapeTable[];
  /** Rows of these tables changed locally or from the server (the UI refreshes what shows them). */
  onTablesChanged?: (tables: ShapeTable[]) => void;
  /** A batch of server rows was stored in the replica (after onTablesChanged's table notice). */
  onServerChangesApplied?: (table: ShapeTable, changes: readonly ShapeChange[]) => void;
  /** Local edits were applied to the replica (and queued for the server). */
  onLocalEdits?: (edits: readonly LocalEdit[]) => void;
  /** Every table has caught up with the server. */
  onCaughtUp?: () => void;
  onOutboxChanged?: (counts: OutboxCounts) => void;
  onError?: (message: string) => void;
  /** Shorter pauses for tests. */
  timings?: { restartDelayMs?: number; pushMinDelayMs?: number; pushMaxDelayMs?: number };
  /** The shape worker's entry module, for code that bundles the engine (the crash test); default: beside shape-sync. */
  shapeWorkerEntry?: string | URL;
};

export type SyncEngine = ReturnType<typeof startSyncEngine>;

export function startSyncEngine(options: SyncEngineOptions) {
  const replica = createReplica(options.store.sqlite, { nodeId: options.deviceId, userId: options.user.id, brokerageId: options.user.brokerageId });
  const outboxChanged = () => options.onOutboxChanged?.(replica.counts());
  const tables = options.tables ?? SHAPE_TABLES.filter((table) => table !== 'brokerages' || options.user.brokerageId !== null);

  const pusher = startPusher({
    serverUrl: options.serverUrl,
    replica,
    clientId: () => options.deviceId,
    accessToken: options.accessToken,
    refreshAccessToken: options.refreshAccessToken,
    ...(options.timings?.pushMinDelayMs ? { minDelayMs: options.timings.pushMinDelayMs } : {}),
    ...(options.timings?.pushMaxDelayMs ? { maxDelayMs: options.timings.pushMaxDelayMs } : {}),
    onPushed: outboxChanged,
    onError: (error) => {
      outboxChanged();
      options.onError?.(`Could not send local changes: ${error.message}`);
    },
  });

  const shapes = startShapeSync({
    serverUrl: options.serverUrl,
    tables: options.user.brokerageId ? tables : tables.filter((table) => table === 'market_sales'),
    replica,
    accessToken: options.accessToken,
    refreshAccessToken: options.refreshAccessToken,
    ...(options.timings?.restartDelayMs ? { restartDelayMs: options.timings.restartDelayMs } : {}),
    ...(options.shapeWorkerEntry ? { workerEntry: options.shapeWorkerEntry } : {}),
    onApplied: (table, changes) => {
      options.onTablesChanged?.([table]);
      options.onServerChangesApplied?.(table, changes);
      outboxChanged();
    },
    onUpToDate: () => {
      if (shapes.upToDate()) options.onCaughtUp?.();
    },
    onError: (table, error) => options.onError?.(table ? `Sync of ${table} failed: ${error.message}` : error.message),
  });

  return {
    replica,
    /** Applies edits locally at once (one transaction) and queues them for the server. Returns their mutation ids. */
    mutate(edits: LocalEdit[]): number[] {
      const ids = replica.mutate(edits);
      options.onTablesChanged?.([...new Set(edits.map((edit) => edit.table))]);
      options.onLocalEdits?.(edits);
      outboxChanged();
      pusher.kick();
      return ids;
    },
    counts: () => replica.counts(),
    upToDate: () => shapes.upToDate(),
    /** How far the read path got: rows decoded by the shape worker, rows stored in the replica. */
    progress: () => shapes.progress(),
    /** The shape worker's thread id (-1 while none runs). */
    shapeWorkerThreadId: () => shapes.workerThreadId(),
    /** Resolves when the pusher has nothing in flight (tests, shutdown). */
    idle: () => pusher.idle(),
    stop() {
      shapes.stop();
      pusher.stop();
    },
  };
}

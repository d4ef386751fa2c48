// One ShapeStream (the real @electric-sql/client) per synced table, feeding the replica. Each batch is
// applied in one SQLite transaction together with the stream's handle and offset, so a restart resumes
// exactly after what was stored. A stream that gives up (server down for long, exhausted retries) is
// recreated from the stored position after a pause.
import { FetchError, ShapeStream, type Message, type Row } from '@electric-sql/client';
import type { ShapeTable } from '../../db/sync/shape-tables.ts';
import type { Replica, ShapeMessage } from './replica.ts';

export type ShapeSyncOptions = {
  serverUrl: string;
  tables: readonly ShapeTable[];
  replica: Replica;
  /** A valid access token, refreshing or signing in again as needed; throws when none can be had. */
  accessToken: () => Promise<string>;
  /** Called after a 401: rotate the tokens and return the new access token. */
  refreshAccessToken: () => Promise<string>;
  onApplied?: (table: ShapeTable, changedRows: number) => void;
  onUpToDate?: (table: ShapeTable) => void;
  onError?: (table: ShapeTable, error: Error) => void;
  /** Pause before a stream that stopped is started again. */
  restartDelayMs?: number;
};

export type ShapeSync = {
  /** True when every table has caught up with the server at least once since start. */
  upToDate(): boolean;
  stop(): void;
};

export function startShapeSync(options: ShapeSyncOptions): ShapeSync {
  const upToDate = new Set<ShapeTable>();
  const controllers = new Map<ShapeTable, AbortController>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const start = (table: ShapeTable) => {
    if (stopped) return;
    const controller = new AbortController();
    controllers.set(table, controller);
    const position = options.replica.shapePosition(table);
    const stream = new ShapeStream<Row>({
      url: `${options.serverUrl}/v1/shape`,
      params: { table },
      ...(position.offset !== '-1' && position.handle ? { offset: position.offset as `${number}_${number}`, handle: position.handle } : {}),
      headers: { authorization: async () => `Bearer ${await options.accessToken()}` },
      signal: controller.signal,
      onError: async (error) => {
        if (error instanceof FetchError && error.status === 401) {
          try {
            const token = await options.refreshAccessToken();
            return { headers: { authorization: `Bearer ${token}` } };
          } catch (refreshError) {
            options.onError?.(table, refreshError as Error);
            return; // the session is over (revoked, signed out): stop this stream
          }
        }
        options.onError?.(table, error);
        if (error instanceof FetchError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429) return;
        return {}; // network trouble: retry (the client backs off)
      },
    });

    stream.subscribe(
      (messages: Message<Row>[]) => {
        if (stopped) return; // a response that landed while stopping: the replica may already be closed
        try {
          const changed = messages.filter((m) => 'key' in m).length;
          options.replica.applyShapeBatch(table, messages as ShapeMessage[], {
            handle: stream.shapeHandle,
            offset: stream.lastOffset,
            upToDate: stream.isUpToDate,
          });
          if (changed > 0) options.onApplied?.(table, changed);
          if (stream.isUpToDate && !upToDate.has(table)) {
            upToDate.add(table);
            options.onUpToDate?.(table);
          } else if (stream.isUpToDate) options.onUpToDate?.(table);
        } catch (error) {
          // Nothing was stored (the transaction rolled back): restart from the stored position.
          options.onError?.(table, error as Error);
          restartLater(table);
        }
        // The client awaits its subscribers before the next response, and prefetched responses are already
        // in memory: without this pause it parses and applies page after page in one macrotask, and the
        // main process (IPC, timers) stalls for the whole initial sync of a table.
        return new Promise<void>((resolve) => setImmediate(resolve));
      },
      () => restartLater(table),
    );
  };

  const restartLater = (table: ShapeTable) => {
    controllers.get(table)?.abort();
    controllers.delete(table);
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      start(table);
    }, options.restartDelayMs ?? 5_000);
    timer.unref();
    timers.add(timer);
  };

  for (const table of options.tables) start(table);

  return {
    upToDate: () => options.tables.every((table) => upToDate.has(table)),
    stop() {
      stopped = true;
      for (const controller of controllers.values()) controller.abort();
      controllers.clear();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

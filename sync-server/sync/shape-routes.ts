// GET /v1/shape — the Electric Shape API (the subset @electric-sql/client uses), served from the change
// log. Contract and pitfalls: ../shared/design/sync-protocol.md; our offsets: db/sync/offsets.ts.
//
//   offset=-1          → a new handle; the first page of a snapshot of the caller's rows (never up-to-date)
//   offset=0_<page>    → the next snapshot page (keyset cursor stored per handle and page)
//   offset=<P+1>_0     → changes after log position P; up-to-date when the log is exhausted
//   …&live=true        → the same, but held until a change arrives or LIVE_TIMEOUT_MS pass
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { syncShapes, syncSnapshotCursors } from '../../db/schema/pg.ts';
import { logOffset, parseShapeOffset, snapshotOffset } from '../../db/sync/offsets.ts';
import { electricSchema, isShapeTable, rowKey, SHAPE_TABLES, shapeTableInfo, toTextForm, type ShapeTable } from '../../db/sync/shape-tables.ts';
import { authOf, requireAuth } from '../auth/require-auth.ts';
import type { ServerDb } from '../database.ts';
import { ApiError } from '../http/errors.ts';
import { logHead, readChanges, readSnapshotPage, type LoggedChange } from './change-log.ts';
import type { LiveChanges } from './live-changes.ts';
import { mayReadTable, scopeOf, type ShapeScope } from './shape-scope.ts';

export type ShapeRouteOptions = {
  liveChanges: LiveChanges;
  /** Rows per snapshot page and changes per log response (at most; see VALUES_PER_PAGE). */
  pageSize?: number;
  /** How long a live request waits for a change before answering up-to-date (the client gives up at 45 s). */
  liveTimeoutMs?: number;
};

export const DEFAULT_PAGE_SIZE = 5_000;
export const LIVE_TIMEOUT_MS = 20_000;

/**
 * Column values per response (rows × columns), at most. The app stores a page in one SQLite transaction
 * on its main thread (about 1–3 µs per value, by machine), so the page size bounds how long that thread is
 * busy: in paired runs of `npm run bench -- --only sync,main.event_loop` (2026-12-07), the longest block
 * was 26–32 ms at 7,000 values against 30–49 ms at 10,000, at the same throughput. A page of wide rows
 * (properties: 34 columns) therefore holds fewer of them than one of narrow rows (events: 8).
 */
export const VALUES_PER_PAGE = 7_000;

const rowsPerPage = (table: ShapeTable, maxRows: number) =>
  Math.max(1, Math.min(maxRows, Math.floor(VALUES_PER_PAGE / shapeTableInfo(table).columns.length)));

type Message = Record<string, unknown>;

const upToDate = (position: number): Message => ({ headers: { control: 'up-to-date', global_last_seen_lsn: String(position) } });
const mustRefetch: Message[] = [{ headers: { control: 'must-refetch' } }];

const single = (value: unknown): string | undefined => (Array.isArray(value) ? undefined : typeof value === 'string' ? value : undefined);

export function registerShapeRoutes(app: FastifyInstance, options: ShapeRouteOptions): void {
  const maxPageRows = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const liveTimeoutMs = options.liveTimeoutMs ?? LIVE_TIMEOUT_MS;
  const db = () => app.syncDb;

  // Requests for the same rows from the same position share one log read while no notification arrives
  // in between: a change wakes every request held on its table at once, and 1,000 devices on one
  // brokerage would otherwise send 2,000 identical queries. A read keyed by the wake-up count began after
  // that notification, so it sees every change it announced; a later change is a new notification, which
  // wakes the sharers again (each registers its waiter before reading).
  const sharedReads = new Map<string, ReturnType<typeof readLog>>();
  const readLogShared = (from: { table: ShapeTable; scope: ShapeScope; after: number; pageSize: number }) => {
    const key = `${options.liveChanges.wakeups()}|${from.table}|${from.scope.key}|${from.after}|${from.pageSize}`;
    let read = sharedReads.get(key);
    if (!read) {
      read = readLog(db(), from).finally(() => sharedReads.delete(key));
      sharedReads.set(key, read);
    }
    return read;
  };

  app.get('/v1/shape', { preHandler: requireAuth }, async (request, reply) => {
    const auth = authOf(request);
    const query = request.query as Record<string, unknown>;
    for (const refused of ['where', 'columns', 'params']) {
      if (Object.keys(query).some((key) => key === refused || key.startsWith(`${refused}[`))) {
        throw new ApiError(400, 'invalid_request', `The "${refused}" parameter is not accepted: the rows you receive follow from your account, not from the request.`);
      }
    }
    const table = single(query.table);
    if (!table || !isShapeTable(table)) {
      throw new ApiError(400, 'invalid_request', `"table" must be one of: ${SHAPE_TABLES.join(', ')}.`);
    }
    const offsetText = single(query.offset);
    const offset = offsetText === undefined ? null : parseShapeOffset(offsetText);
    if (!offset) throw new ApiError(400, 'invalid_request', '"offset" must be -1 or an offset this server returned.');
    const handle = single(query.handle);
    if (offset.kind !== 'start' && !handle) throw new ApiError(400, 'invalid_request', '"handle" is required with an offset other than -1.');
    const live = single(query.live) === 'true';
    if (live && offset.kind === 'start') throw new ApiError(400, 'invalid_request', '"live=true" cannot start a shape: request offset=-1 without live first.');

    const scope = scopeOf(auth);
    if (!mayReadTable(scope, table)) throw new ApiError(403, 'forbidden', `Your account belongs to no brokerage, so it has no ${table} to sync.`);
    const pageSize = rowsPerPage(table, maxPageRows);

    reply.header('cache-control', 'no-store');
    if (offset.kind === 'start') return startShape(db(), reply, { table, scope, userId: auth.userId, pageSize });

    // A snapshot page needs its keyset cursor too: read with the shape, in one round trip.
    const found = await findShape(db(), handle!, { table, scope, userId: auth.userId }, offset.kind === 'snapshot' ? offset.page : null);
    if (!found) return refetch(reply);
    const { shape, afterId } = found;

    if (offset.kind === 'snapshot') {
      if (afterId === null) return refetch(reply);
      return snapshotPage(db(), reply, { table, scope, handle: shape.handle, page: offset.page, afterId, snapshotSeq: shape.snapshotSeq, pageSize });
    }

    // The log: answered at once when something is there. A live request otherwise waits until a change to its rows arrives or the deadline passes. A wake-up only says
    // "the table changed somewhere": if nothing new is ours, keep waiting. The waiter is registered before
    // each read, so a change landing between the read and the wait still wakes us.
    const deadline = Date.now() + (live ? liveTimeoutMs : 0);
    let closing = false;
    for (;;) {
      const wait: ReturnType<LiveChanges['waitFor']> | null = live && !closing ? options.liveChanges.waitFor(table, Math.max(0, deadline - Date.now())) : null;
      try {
        const batch = await readLogShared({ table, scope, after: offset.position, pageSize });
        if (!batch) return refetch(reply); // an offset past the log: not one this server gave out
        if (!wait || batch.changes.length > 0 || Date.now() >= deadline) return sendLog(reply, { table, handle: shape.handle, live, ...batch });
        closing = (await wait.promise) === 'closing';
      } finally {
        wait?.cancel();
      }
    }
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The database the sync routes read and write (decorated by createSyncServer). */
    syncDb: ServerDb;
  }
}

async function startShape(
  db: ServerDb,
  reply: FastifyReply,
  options: { table: ShapeTable; scope: ShapeScope; userId: string; pageSize: number },
): Promise<string> {
  // The log position first, then the rows: every change after it is replayed on top of rows read later,
  // and replaying inserts (upserts), patches and deletes over a newer row converges to the same state.
  const snapshotSeq = await logHead(db);
  const handle = `${options.table}-${randomUUID()}`;
  await db.insert(syncShapes).values({ handle, userId: options.userId, tableName: options.table, scopeKey: options.scope.key, snapshotSeq });
  await db.insert(syncSnapshotCursors).values({ handle, page: 1, afterId: '' });
  return snapshotPage(db, reply, { ...options, handle, page: 1, afterId: '', snapshotSeq });
}

async function snapshotPage(
  db: ServerDb,
  reply: FastifyReply,
  options: { table: ShapeTable; scope: ShapeScope; handle: string; page: number; afterId: string; snapshotSeq: number; pageSize: number },
): Promise<string> {
  const { table, handle, page, pageSize } = options;
  const rows = await readSnapshotPage(db, { table, scope: options.scope, afterId: options.afterId, limit: pageSize, nextCursor: { handle, page: page + 1 } });
  let next: string;
  if (rows.count === pageSize && rows.lastId !== null) {
    next = snapshotOffset(page + 1); // its cursor was stored by the page's statement
  } else {
    next = logOffset(options.snapshotSeq);
  }
  setShapeHeaders(reply, { handle, offset: next, table, live: false, upToDate: false });
  // The body is JSON text already (built by Postgres): sent as it is.
  reply.type('application/json; charset=utf-8');
  return rows.body;
}

async function readLog(
  db: ServerDb,
  options: { table: ShapeTable; scope: ShapeScope; after: number; pageSize: number },
): Promise<{ changes: LoggedChange[]; position: number; complete: boolean } | null> {
  const head = await logHead(db);
  if (head < options.after) return null;
  if (head === options.after) return { changes: [], position: head, complete: true };
  const changes = await readChanges(db, { table: options.table, scope: options.scope, after: options.after, upTo: head, limit: options.pageSize });
  const complete = changes.length < options.pageSize;
  return { changes, position: complete ? head : changes[changes.length - 1]!.seq, complete };
}

function sendLog(
  reply: FastifyReply,
  options: { table: ShapeTable; handle: string; live: boolean; changes: LoggedChange[]; position: number; complete: boolean },
): Message[] {
  const messages = options.changes.map((change) => changeMessage(options.table, change.op, change.row, change.seq));
  if (options.complete) messages.push(upToDate(options.position));
  setShapeHeaders(reply, { handle: options.handle, offset: logOffset(options.position), table: options.table, live: options.live, upToDate: options.complete });
  return messages;
}

function changeMessage(table: ShapeTable, op: LoggedChange['op'], row: Record<string, unknown>, seq?: number): Message {
  const info = shapeTableInfo(table);
  const value: Record<string, string | null> = {};
  for (const [name, raw] of Object.entries(row)) {
    const column = info.byName.get(name);
    if (column) value[name] = toTextForm(column, raw);
  }
  const headers: Record<string, unknown> = { operation: op };
  if (seq !== undefined) Object.assign(headers, { txids: [seq], lsn: String(seq), op_position: 0 });
  return { key: rowKey(table, String(row.id)), value, headers };
}

function setShapeHeaders(reply: FastifyReply, options: { handle: string; offset: string; table: ShapeTable; live: boolean; upToDate: boolean }): void {
  reply.header('electric-handle', options.handle);
  reply.header('electric-offset', options.offset);
  if (options.live) reply.header('electric-cursor', String(Math.floor(Date.now() / 1000)));
  else reply.header('electric-schema', JSON.stringify(electricSchema(options.table)));
  if (options.upToDate) reply.header('electric-up-to-date', '');
}

/** The caller's shape of this handle (null: unknown, foreign or for another scope) and, for a snapshot page, its keyset cursor (null: none stored). */
async function findShape(db: ServerDb, handle: string, expected: { table: ShapeTable; scope: ShapeScope; userId: string }, page: number | null) {
  const [row] = await db
    .select({ shape: syncShapes, afterId: syncSnapshotCursors.afterId })
    .from(syncShapes)
    .leftJoin(syncSnapshotCursors, and(eq(syncSnapshotCursors.handle, syncShapes.handle), eq(syncSnapshotCursors.page, page ?? -1)))
    .where(eq(syncShapes.handle, handle));
  const shape = row?.shape;
  if (!shape || shape.tableName !== expected.table || shape.userId !== expected.userId || shape.scopeKey !== expected.scope.key) return null;
  return { shape, afterId: row.afterId ?? null };
}

/** 409: the handle is unknown, foreign or built for another scope; the client starts over from -1. */
function refetch(reply: FastifyReply): Message[] {
  reply.code(409);
  reply.header('electric-handle', `refetch-${randomUUID()}`);
  reply.header('cache-control', 'no-store');
  return mustRefetch;
}


// Test devices for the sync engine and the checks the sync proofs share: a device is a SQLite replica
// plus startSyncEngine signed in with its own tokens; rows of a replica and of Postgres are compared
// in one normal form (SQLite 1/0 vs boolean, JSON text vs jsonb, timestamp spellings); a ledger of
// every edit (with its HLC) is checked against the final state and the `conflicts` log; and the
// "pending edits are visible" invariant (a pull never clobbers a local edit) is checked on a replica.
import type Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { compareHlc } from '../../db/sync/hlc.ts';
import { isWritableTable, tableRule, type MutationOp, type WritableTable } from '../../db/sync/mutations.ts';
import { fromSqliteValue, shapeTableInfo, type ShapeColumn, type ShapeTable } from '../../db/sync/shape-tables.ts';
import { openLocalStore, type LocalStore } from '../../electron/store/local-store.ts';
import { startSyncEngine, type SyncEngine } from '../../electron/sync/sync-engine.ts';
// Type only: the crash-test child process imports this module and must not load the server's database drivers.
import type { ServerDb } from '../../sync-server/database.ts';

// ---- Sessions and devices ----

export type DeviceSession = {
  accessToken: string;
  refreshToken: string;
  deviceId: string;
  user: { id: string; brokerageId: string | null; role: string };
};

export async function signInDevice(serverUrl: string, credentials: { email: string; password: string }, deviceName: string): Promise<DeviceSession> {
  const response = await fetch(`${serverUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...credentials, deviceName }),
  });
  const body = (await response.json()) as DeviceSession;
  if (response.status !== 200) throw new Error(`Sign-in of ${credentials.email} failed: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Access-token accessors for startSyncEngine: the session's token, rotated through `serverUrl` after a 401. */
export function tokensOf(session: DeviceSession, serverUrl: string) {
  let current = { accessToken: session.accessToken, refreshToken: session.refreshToken };
  return {
    accessToken: async () => current.accessToken,
    refreshAccessToken: async () => {
      const response = await fetch(`${serverUrl}/v1/auth/refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: current.refreshToken }),
      });
      if (!response.ok) throw new Error(`Token refresh failed: HTTP ${response.status}`);
      const pair = (await response.json()) as { accessToken: string; refreshToken: string };
      current = { accessToken: pair.accessToken, refreshToken: pair.refreshToken };
      return current.accessToken;
    },
  };
}

export type SyncTimings = { restartDelayMs?: number; pushMinDelayMs?: number; pushMaxDelayMs?: number };

export const FAST_TIMINGS: SyncTimings = { restartDelayMs: 100, pushMinDelayMs: 40, pushMaxDelayMs: 300 };

export type TestDevice = {
  name: string;
  session: DeviceSession;
  store: LocalStore;
  engine: SyncEngine;
  sqlite: Database.Database;
  errors: string[];
  close(): void;
};

export function openTestDevice(options: {
  name: string;
  file: string;
  serverUrl: string;
  session: DeviceSession;
  tables: readonly ShapeTable[];
  timings?: SyncTimings;
  onTablesChanged?: (tables: ShapeTable[]) => void;
  /** Runs on the opened (migrated) replica before the engine starts: instrumentation for tests. */
  prepare?: (sqlite: Database.Database) => void;
  /** The shape worker's entry when the engine runs bundled (the crash test's child). */
  shapeWorkerEntry?: string;
}): TestDevice {
  const store = openLocalStore(options.file, options.session.user.id);
  options.prepare?.(store.sqlite);
  const errors: string[] = [];
  const engine = startSyncEngine({
    store,
    serverUrl: options.serverUrl,
    deviceId: options.session.deviceId,
    user: { id: options.session.user.id, brokerageId: options.session.user.brokerageId },
    ...tokensOf(options.session, options.serverUrl),
    tables: options.tables,
    timings: options.timings ?? FAST_TIMINGS,
    ...(options.onTablesChanged ? { onTablesChanged: options.onTablesChanged } : {}),
    ...(options.shapeWorkerEntry ? { shapeWorkerEntry: options.shapeWorkerEntry } : {}),
    onError: (message) => errors.push(message),
  });
  return {
    name: options.name,
    session: options.session,
    store,
    engine,
    sqlite: store.sqlite,
    errors,
    close() {
      engine.stop();
      store.close();
    },
  };
}

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

// ---- One normal form for replica and server rows ----

export type NormalRow = Record<string, string | null>;
export type NormalTable = Map<string, NormalRow>;

/** JSON with object keys sorted, so jsonb (key order by length) and JSON text compare equal. */
export function canonicalJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortKeys)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]))
        : v;
  return JSON.stringify(sortKeys(value));
}

/** A parsed column value (JSON from Postgres' to_jsonb, a wire value, or fromSqliteValue of a replica value) as one string. */
export function normalValue(column: ShapeColumn, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'jsonb':
      return canonicalJson(value);
    case 'bool':
      return value === true || value === 1 || value === 't' || value === 'true' ? 'true' : 'false';
    case 'timestamptz':
      return new Date(String(value)).toISOString();
    case 'int4':
    case 'int8':
    case 'float8':
      return String(Number(value));
    default:
      return String(value);
  }
}

export function normalRow(table: ShapeTable, row: Record<string, unknown>, fromSqlite: boolean): NormalRow {
  const info = shapeTableInfo(table);
  const normal: NormalRow = {};
  for (const column of info.columns) {
    const raw = row[column.name];
    normal[column.name] = normalValue(column, fromSqlite ? fromSqliteValue(column, raw) : raw);
  }
  return normal;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

export function replicaTable(sqlite: Database.Database, table: ShapeTable): NormalTable {
  const rows = sqlite.prepare(`SELECT * FROM ${quote(table)} ORDER BY id`).all() as Record<string, unknown>[];
  return new Map(rows.map((row) => [String(row.id), normalRow(table, row, true)]));
}

/** The rows of `table` in one brokerage (`brokerages`: the brokerage itself), as Postgres has them now. */
export async function serverTable(db: ServerDb, table: ShapeTable, brokerageId: string): Promise<NormalTable> {
  const where = table === 'brokerages' ? sql`t.id = ${brokerageId}` : sql`t.brokerage_id = ${brokerageId}`;
  const rows = rowsOf<{ row: Record<string, unknown> | string }>(
    await db.execute(sql`SELECT to_jsonb(t) AS row FROM ${sql.identifier(table)} t WHERE ${where} ORDER BY t.id`),
  );
  return new Map(
    rows.map((r) => {
      const row = typeof r.row === 'string' ? (JSON.parse(r.row) as Record<string, unknown>) : r.row;
      return [String(row.id), normalRow(table, row, false)];
    }),
  );
}

/** The newest log position (what a caught-up stream has delivered). */
export async function serverLogHead(db: ServerDb): Promise<number> {
  const [row] = rowsOf<{ head: string | number | null }>(await db.execute(sql`SELECT max(seq) AS head FROM sync_changes`));
  return Number(row?.head ?? 0);
}

/**
 * The rows of `table` in one brokerage as the change log says they were at log position `upTo`: every
 * logged change folded in order, the way a replica applies them (insert = whole row, update = patch,
 * delete = gone). Valid for a brokerage-wide (manager) scope.
 */
export async function foldChangeLog(db: ServerDb, table: ShapeTable, brokerageId: string, upTo: number): Promise<NormalTable> {
  const changes = rowsOf<{ op: string; row: Record<string, unknown> | string }>(
    await db.execute(sql`SELECT op, row FROM sync_changes WHERE table_name = ${table} AND brokerage_id = ${brokerageId} AND seq <= ${upTo} ORDER BY seq`),
  );
  const state = new Map<string, Record<string, unknown>>();
  for (const change of changes) {
    const row = typeof change.row === 'string' ? (JSON.parse(change.row) as Record<string, unknown>) : change.row;
    const id = String(row.id);
    if (change.op === 'delete') state.delete(id);
    else if (change.op === 'insert') state.set(id, row);
    else state.set(id, { ...(state.get(id) ?? {}), ...row });
  }
  return new Map([...state].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, row]) => [id, normalRow(table, row, false)]));
}

/** Human-readable differences between two normal tables (at most `limit`). */
export function diffTables(label: string, actual: NormalTable, expected: NormalTable, limit = 8): string[] {
  const problems: string[] = [];
  for (const [id, row] of expected) {
    const other = actual.get(id);
    if (!other) problems.push(`${label}: row ${id} is missing`);
    else {
      for (const [column, value] of Object.entries(row)) {
        if (other[column] !== value) problems.push(`${label}: ${id}.${column} is ${JSON.stringify(other[column])}, expected ${JSON.stringify(value)}`);
      }
    }
  }
  for (const id of actual.keys()) if (!expected.has(id)) problems.push(`${label}: row ${id} should not be there`);
  return problems.length > limit ? [...problems.slice(0, limit), `${label}: … ${problems.length - limit} more`] : problems;
}

// ---- Offsets ----

/** The log position a stored shape offset has delivered, -1 in a snapshot or before the start. */
export function deliveredPosition(offset: string): number {
  const match = /^(\d+)_0$/.exec(offset);
  return match && Number(match[1]) > 0 ? Number(match[1]) - 1 : -1;
}

export function storedShapes(sqlite: Database.Database): Map<string, { handle: string | null; offset: string; upToDate: boolean }> {
  const rows = sqlite.prepare(`SELECT table_name, handle, "offset", up_to_date FROM local_shapes`).all() as {
    table_name: string;
    handle: string | null;
    offset: string;
    up_to_date: number;
  }[];
  return new Map(rows.map((r) => [r.table_name, { handle: r.handle, offset: r.offset, upToDate: r.up_to_date === 1 }]));
}

// ---- The edit ledger ----

export type LedgerEdit = {
  device: string;
  /** The HLC node (the device id). */
  node: string;
  outboxId: number;
  table: WritableTable;
  op: MutationOp;
  rowId: string;
  changes: Record<string, unknown>;
  hlc: string;
  baseHlcs: Record<string, string>;
};

type OutboxRow = { id: number; table_name: WritableTable; op: MutationOp; row_id: string; changes: string; base_hlcs: string; hlc: string; status: string };

/** Ledger entries for outbox ids just returned by mutate() (read before the outbox drops them). */
export function ledgerEntries(sqlite: Database.Database, device: string, node: string, ids: number[]): LedgerEdit[] {
  const read = sqlite.prepare('SELECT * FROM local_outbox WHERE id = ?');
  return ids.map((id) => {
    const row = read.get(id) as OutboxRow | undefined;
    if (!row) throw new Error(`Outbox entry ${id} of ${device} is gone right after mutate()`);
    return {
      device,
      node,
      outboxId: id,
      table: row.table_name,
      op: row.op,
      rowId: row.row_id,
      changes: JSON.parse(row.changes) as Record<string, unknown>,
      hlc: row.hlc,
      baseHlcs: JSON.parse(row.base_hlcs) as Record<string, string>,
    };
  });
}

/** A deleted_at set by a delete (the server stamps its own time): any non-null value. */
const TOMBSTONE = '<tombstone>';

/** The fields an edit sets, each as [field, normal value]; deletes set deleted_at to a tombstone. */
function editFields(edit: Pick<LedgerEdit, 'table' | 'op' | 'changes'>): [string, string | null][] {
  if (edit.op === 'delete') return [['deleted_at', TOMBSTONE]];
  const info = shapeTableInfo(edit.table);
  return Object.entries(edit.changes).map(([field, value]) => [field, normalValue(info.byName.get(field)!, value)]);
}

const sameNormal = (field: string, a: string | null, b: string | null) =>
  field === 'deleted_at' ? (a === null) === (b === null) : a === b;

/**
 * The invariant of a replica with edits in flight: every field an unsettled local edit set shows the
 * value of the newest such edit, whatever the server sent meanwhile (a pull never clobbers a pending edit).
 */
export function pendingEditProblems(sqlite: Database.Database, device: string): string[] {
  const entries = sqlite.prepare(`SELECT * FROM local_outbox WHERE status IN ('pending', 'acknowledged') ORDER BY id`).all() as OutboxRow[];
  const expected = new Map<string, { table: WritableTable; rowId: string; fields: Map<string, string | null> }>();
  for (const entry of entries) {
    const key = `${entry.table_name}/${entry.row_id}`;
    const target = expected.get(key) ?? { table: entry.table_name, rowId: entry.row_id, fields: new Map() };
    expected.set(key, target);
    for (const [field, value] of editFields({ table: entry.table_name, op: entry.op, changes: JSON.parse(entry.changes) as Record<string, unknown> })) {
      target.fields.set(field, value);
    }
  }
  const problems: string[] = [];
  for (const { table, rowId, fields } of expected.values()) {
    const row = sqlite.prepare(`SELECT * FROM ${quote(table)} WHERE id = ?`).get(rowId) as Record<string, unknown> | undefined;
    if (!row) {
      problems.push(`${device}: ${table} ${rowId} has edits in flight but is not in the replica`);
      continue;
    }
    const visible = normalRow(table, row, true);
    for (const [field, value] of fields) {
      if (!sameNormal(field, visible[field] ?? null, value)) {
        problems.push(`${device}: ${table} ${rowId}.${field} shows ${JSON.stringify(visible[field])} while a local edit in flight set ${JSON.stringify(value)}`);
      }
    }
  }
  return problems;
}

export type ConflictRow = { table_name: string; row_id: string; field: string; winning_value: unknown; losing_value: unknown; winning_hlc: string; losing_hlc: string };

export async function serverConflicts(db: ServerDb, brokerageId: string): Promise<ConflictRow[]> {
  return rowsOf<ConflictRow>(
    await db.execute(
      sql`SELECT table_name, row_id, field, winning_value, losing_value, winning_hlc, losing_hlc FROM conflicts WHERE brokerage_id = ${brokerageId} ORDER BY created_at, id`,
    ),
  );
}

/**
 * Checks acknowledged edits against the server's final rows and conflict log:
 * - last-writer-wins tables: each field ends with the value of its newest edit (by HLC); every older
 *   edit either was superseded knowingly (a later edit from the same device, or one made on top of it,
 *   or one setting the same value) or has a `conflicts` row naming its HLC as the loser;
 * - every conflict names known edits with the right values, the winner newer than the loser, once;
 * - append-only tables: each inserted row exists with its values, tombstoned iff a delete was made.
 * `rows` are the server's normal rows per table; every edit to those rows must be in `edits`.
 */
export function ledgerProblems(edits: LedgerEdit[], rows: Map<ShapeTable, NormalTable>, conflicts: ConflictRow[]): string[] {
  const problems: string[] = [];
  type FieldEdit = { edit: LedgerEdit; value: string | null };
  const byField = new Map<string, FieldEdit[]>();
  for (const edit of edits) {
    for (const [field, value] of editFields(edit)) {
      const key = `${edit.table}/${edit.rowId}/${field}`;
      byField.set(key, [...(byField.get(key) ?? []), { edit, value }]);
    }
  }
  const conflictsOf = new Map<string, ConflictRow[]>();
  for (const conflict of conflicts) {
    const key = `${conflict.table_name}/${conflict.row_id}/${conflict.field}`;
    conflictsOf.set(key, [...(conflictsOf.get(key) ?? []), conflict]);
  }

  for (const [key, fieldEdits] of byField) {
    const [table, rowId, field] = key.split('/') as [WritableTable, string, string];
    const row = rows.get(table)?.get(rowId);
    if (!row) {
      problems.push(`${key}: the row is not on the server`);
      continue;
    }
    if (tableRule(table).appendOnly) continue; // checked below
    const sorted = [...fieldEdits].sort((a, b) => compareHlc(a.edit.hlc, b.edit.hlc));
    const newest = sorted[sorted.length - 1]!;
    const fieldHlcs = JSON.parse(row.field_hlcs ?? '{}') as Record<string, string>;
    const history = () =>
      `; edits: ${sorted.map((e) => `${e.edit.hlc} ${e.edit.device} ${e.edit.op} ${JSON.stringify(e.value)} base ${e.edit.baseHlcs[field] ?? '-'}`).join(' | ')}; conflicts: ${(conflictsOf.get(key) ?? []).map((c) => `${c.losing_hlc} lost to ${c.winning_hlc}`).join(' | ') || 'none'}`;
    if (fieldHlcs[field] !== newest.edit.hlc) {
      problems.push(`${key}: the field was last set at ${fieldHlcs[field] ?? '(never)'}, but the newest edit is ${newest.edit.hlc} (${newest.edit.device})${history()}`);
    } else if (!sameNormal(field, row[field] ?? null, newest.value)) {
      problems.push(`${key}: ends as ${JSON.stringify(row[field])}, but its newest edit ${newest.edit.hlc} (${newest.edit.device}) set ${JSON.stringify(newest.value)}`);
    }
    const logged = conflictsOf.get(key) ?? [];
    for (const older of sorted.slice(0, -1)) {
      if (logged.some((c) => c.losing_hlc === older.edit.hlc)) continue;
      const knowinglySuperseded = sorted.some(
        (later) =>
          compareHlc(later.edit.hlc, older.edit.hlc) > 0 &&
          (later.edit.node === older.edit.node ||
            compareHlc(later.edit.baseHlcs[field] ?? '', older.edit.hlc) >= 0 ||
            sameNormal(field, later.value, older.value)),
      );
      if (!knowinglySuperseded) {
        problems.push(`${key}: the edit ${older.edit.hlc} (${older.edit.device}, ${JSON.stringify(older.value)}) was overwritten by a concurrent edit, but no conflict records it`);
      }
    }
  }

  // Every conflict: known edits, right values, winner newer, no loser logged twice (a replayed push applied again).
  const seen = new Set<string>();
  for (const conflict of conflicts) {
    const key = `${conflict.table_name}/${conflict.row_id}/${conflict.field}`;
    const once = `${key}/${conflict.losing_hlc}`;
    if (seen.has(once)) problems.push(`${key}: the loss of ${conflict.losing_hlc} is logged more than once`);
    seen.add(once);
    if (compareHlc(conflict.winning_hlc, conflict.losing_hlc) <= 0) problems.push(`${key}: conflict winner ${conflict.winning_hlc} is not newer than loser ${conflict.losing_hlc}`);
    const fieldEdits = byField.get(key) ?? [];
    const column = isWritableTable(conflict.table_name) ? shapeTableInfo(conflict.table_name).byName.get(conflict.field) : undefined;
    for (const [side, hlc, value] of [
      ['loser', conflict.losing_hlc, conflict.losing_value],
      ['winner', conflict.winning_hlc, conflict.winning_value],
    ] as const) {
      const edit = fieldEdits.find((e) => e.edit.hlc === hlc);
      if (!edit) problems.push(`${key}: conflict ${side} ${hlc} is no edit anyone made`);
      else if (column && !sameNormal(conflict.field, normalValue(column, value), edit.value)) {
        problems.push(`${key}: conflict ${side} ${hlc} is logged as ${JSON.stringify(value)}, but that edit set ${JSON.stringify(edit.value)}`);
      }
    }
  }

  // Append-only rows: inserted with their values (once: ids are primary keys), tombstoned iff deleted.
  const appendOnly = new Map<string, LedgerEdit[]>();
  for (const edit of edits) {
    if (!tableRule(edit.table).appendOnly) continue;
    const key = `${edit.table}/${edit.rowId}`;
    appendOnly.set(key, [...(appendOnly.get(key) ?? []), edit]);
  }
  for (const [key, rowEdits] of appendOnly) {
    const [table, rowId] = key.split('/') as [WritableTable, string];
    const row = rows.get(table)?.get(rowId);
    if (!row) continue; // reported above
    const insert = rowEdits.find((e) => e.op === 'insert');
    if (insert) {
      for (const [field, value] of editFields(insert)) {
        if (row[field] !== value) problems.push(`${key}.${field} is ${JSON.stringify(row[field])}, inserted as ${JSON.stringify(value)}`);
      }
    }
    const deleted = rowEdits.some((e) => e.op === 'delete');
    if (deleted !== (row.deleted_at !== null)) problems.push(`${key}: ${deleted ? 'was deleted but has no tombstone' : 'has a tombstone nobody asked for'}`);
  }
  return problems;
}

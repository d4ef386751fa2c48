// The local replica's write side: shape messages from the server and the user's own edits meet here.
//
// Every local edit is applied to its row at once (optimistic) and queued in local_outbox in the same
// SQLite transaction. While a row has edits in flight, the server's version of it is kept aside in
// local_server_rows; messages from the server update that copy and the visible row is rebuilt as
// "server version + pending edits". So a pull never clobbers a local edit, a rejected edit simply
// disappears from the rebuilt row, and once the stream has passed the position the server acknowledged,
// the edit is part of the server version and leaves the outbox. A crash at any point loses nothing:
// rows, outbox, server copies and stream offsets only ever change together, in one transaction.
import type Database from 'better-sqlite3';
import { createHlcClock, parseHlc, type HlcClock } from '../../db/sync/hlc.ts';
import { checkMutation, isWritableTable, tableRule, type Mutation, type MutationOp, type MutationResult, type WritableTable } from '../../db/sync/mutations.ts';
import { deliveredLogPosition } from '../../db/sync/offsets.ts';
import { shapeTableInfo, toSqliteValue, type ShapeTable } from '../../db/sync/shape-tables.ts';
import { AppError } from '../ipc/errors.ts';
import { insertedRow, type ShapeChange, type StoredValue } from './shape-changes.ts';

/** A shape message as @electric-sql/client delivers it (values already parsed by the schema). */
export type ShapeMessage =
  | { key: string; value: Record<string, unknown>; headers: { operation: 'insert' | 'update' | 'delete' } }
  | { headers: { control: string } };

export type ShapePosition = { handle: string | undefined; offset: string; upToDate: boolean };

export type LocalEdit = { table: WritableTable; op: MutationOp; id: string; changes?: Record<string, unknown> };

export type OutboxCounts = { pending: number; failed: number };

type Row = Record<string, unknown>;

export type Replica = ReturnType<typeof createReplica>;

export function createReplica(sqlite: Database.Database, identity: { nodeId: string; userId: string; brokerageId: string | null }) {
  const clock: HlcClock = createHlcClock(identity.nodeId, { last: readSetting<string>(sqlite, 'sync.hlc') ?? '' });
  const statements = new Map<string, Database.Statement>();
  const prepared = (text: string) => {
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = sqlite.prepare(text)));
    return statement;
  };
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

  const readRow = (table: ShapeTable, id: string): Row | null =>
    (prepared(`SELECT * FROM ${quote(table)} WHERE id = ?`).get(id) as Row | undefined) ?? null;

  // The last INSERT statement per table and its columns: a snapshot brings thousands of rows with the same
  // columns, and building (and hashing) the SQL text for each of them cost more than the insert itself.
  const lastInsert = new Map<ShapeTable, { names: string[]; statement: Database.Statement }>();

  /** Writes a whole row (insert or replace); columns absent from `row` take their defaults. */
  const writeRow = (table: ShapeTable, row: Row) => {
    const info = shapeTableInfo(table);
    const names = Object.keys(row).filter((name) => info.byName.has(name));
    let insert = lastInsert.get(table);
    if (!insert || insert.names.length !== names.length || insert.names.some((name, i) => name !== names[i])) {
      insert = {
        names,
        statement: prepared(`INSERT OR REPLACE INTO ${quote(table)} (${names.map(quote).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`),
      };
      lastInsert.set(table, insert);
    }
    insert.statement.run(...names.map((name) => row[name] as never));
  };

  const patchRow = (table: ShapeTable, id: string, patch: Row) => {
    const names = Object.keys(patch).filter((name) => name !== 'id' && shapeTableInfo(table).byName.has(name));
    if (names.length === 0) return;
    prepared(`UPDATE ${quote(table)} SET ${names.map((name) => `${quote(name)} = ?`).join(', ')} WHERE id = ?`).run(
      ...names.map((name) => patch[name] as never),
      id,
    );
  };

  const deleteRow = (table: ShapeTable, id: string) => prepared(`DELETE FROM ${quote(table)} WHERE id = ?`).run(id);

  /** A parsed shape value → the replica's storage form (booleans 1/0, JSON as text). */
  const toStored = (table: ShapeTable, value: Row): Row => {
    const info = shapeTableInfo(table);
    const stored: Row = {};
    for (const name of Object.keys(value)) {
      const column = info.byName.get(name);
      if (column) stored[name] = toSqliteValue(column, value[name]);
    }
    return stored;
  };

  const pendingFor = (table: string, id: string) =>
    prepared(`SELECT id, op, changes, hlc FROM local_outbox WHERE table_name = ? AND row_id = ? AND status IN ('pending', 'acknowledged') ORDER BY id`).all(
      table,
      id,
    ) as { id: number; op: MutationOp; changes: string; hlc: string }[];

  const serverCopy = (table: string, id: string): { row: Row | null } | null => {
    const found = prepared('SELECT row FROM local_server_rows WHERE table_name = ? AND row_id = ?').get(table, id) as { row: string | null } | undefined;
    return found ? { row: found.row === null ? null : (JSON.parse(found.row) as Row) } : null;
  };
  const saveServerCopy = (table: string, id: string, row: Row | null) =>
    prepared('INSERT OR REPLACE INTO local_server_rows (table_name, row_id, row) VALUES (?, ?, ?)').run(table, id, row === null ? null : JSON.stringify(row));
  const dropServerCopy = (table: string, id: string) => prepared('DELETE FROM local_server_rows WHERE table_name = ? AND row_id = ?').run(table, id);

  /** The stored values one local edit sets (tombstones for deletes; HLCs on tables that carry them). */
  const editValues = (table: WritableTable, op: MutationOp, changes: Row, hlc: string, base: Row | null): Row => {
    const info = shapeTableInfo(table);
    // The server stamps its own time on a tombstone; until it arrives, the edit's clock is close enough.
    const at = new Date(parseHlc(hlc).millis).toISOString();
    const values: Row = op === 'delete' ? { deleted_at: at } : toStored(table, changes);
    if (info.byName.has('hlc')) {
      const fieldHlcs = { ...(base?.field_hlcs ? (JSON.parse(String(base.field_hlcs)) as Record<string, string>) : {}) };
      for (const field of Object.keys(op === 'delete' ? { deleted_at: at } : changes)) fieldHlcs[field] = hlc;
      values.field_hlcs = JSON.stringify(fieldHlcs);
      values.hlc = !base?.hlc || String(base.hlc) < hlc ? hlc : base.hlc;
    }
    return values;
  };

  /** Visible row = server copy + every edit still in flight, in the order they were made. */
  const rebuild = (table: WritableTable, id: string) => {
    const copy = serverCopy(table, id);
    const pending = pendingFor(table, id);
    if (pending.length === 0) {
      dropServerCopy(table, id);
      if (copy) {
        if (copy.row) writeRow(table, copy.row);
        else deleteRow(table, id);
      }
      return;
    }
    let row: Row | null = copy?.row ?? null;
    for (const edit of pending) {
      const changes = JSON.parse(edit.changes) as Row;
      if (row === null && edit.op !== 'insert') continue; // edits to a row the server no longer has: they will be rejected
      const values = editValues(table, edit.op, changes, edit.hlc, row);
      row = row === null ? { ...insertDefaults(table), ...values, id } : { ...row, ...values };
    }
    if (row === null) deleteRow(table, id);
    else {
      deleteRow(table, id);
      writeRow(table, row);
    }
  };

  const insertDefaults = (table: WritableTable): Row => {
    const rule = tableRule(table);
    return {
      ...(identity.brokerageId && shapeTableInfo(table).byName.has('brokerage_id') ? { brokerage_id: identity.brokerageId } : {}),
      ...(rule.stampedWithUser ? { [rule.stampedWithUser]: identity.userId } : {}),
    };
  };

  /** Whether any edit of `table` is in flight (one query per batch instead of one per row when none is). */
  const hasEditsInFlight = (table: ShapeTable) =>
    isWritableTable(table) &&
    prepared(`SELECT 1 FROM local_outbox WHERE table_name = ? AND status IN ('pending', 'acknowledged') LIMIT 1`).get(table) !== undefined;

  // The newest HLC handed to clock.receive: HLCs compare as strings (fixed widths), so an older or equal
  // one would not move the clock and needs no parsing.
  let receivedHlc = '';
  const receiveHlc = (hlc: unknown) => {
    if (typeof hlc === 'string' && hlc > receivedHlc) {
      clock.receive(hlc);
      receivedHlc = hlc;
    }
  };

  /** One server change of one row (an `inserts` run is applied here row by row when edits are in flight). */
  type RowChange = { op: 'insert' | 'update'; id: string; row: Row } | { op: 'delete'; id: string };

  const applyServerChange = (table: ShapeTable, change: RowChange, tableHasEditsInFlight: boolean) => {
    const value = 'row' in change ? change.row : { id: change.id };
    const id = change.id;
    receiveHlc(value.hlc);
    const inFlight = tableHasEditsInFlight && pendingFor(table, id).length > 0;
    if (!inFlight) {
      if (change.op === 'delete') deleteRow(table, id);
      else if (change.op === 'insert') writeRow(table, value);
      else if (readRow(table, id)) patchRow(table, id, value);
      else writeRow(table, value); // an update for a row we lack (e.g. after a partial refetch): keep what we got
      return;
    }
    // The row has local edits in flight: fold the message into the server copy, then rebuild.
    const copy = serverCopy(table, id)?.row ?? null;
    const next = change.op === 'delete' ? null : change.op === 'insert' || copy === null ? value : { ...copy, ...value };
    saveServerCopy(table, id, next);
    rebuild(table as WritableTable, id);
  };

  // Runs of whole-row inserts (an initial sync is nothing else) are written INSERT_RUN rows per statement,
  // which saves the per-statement overhead (10–20% of an insert's cost in our measurements; the rest is
  // SQLite's own b-tree and index work).
  const INSERT_RUN = 32;
  const insertAllColumns = (table: ShapeTable, rows: number) => {
    const columns = shapeTableInfo(table).columns;
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    return prepared(`INSERT OR REPLACE INTO ${quote(table)} (${columns.map((c) => quote(c.name)).join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')}`);
  };
  const hlcIndex = (table: ShapeTable) => shapeTableInfo(table).columns.findIndex((column) => column.name === 'hlc');

  /** Writes a run of whole-row inserts of a table without edits in flight, in order (a later row of an id replaces an earlier one). */
  const insertRun = (table: ShapeTable, values: readonly StoredValue[]) => {
    const width = shapeTableInfo(table).columns.length;
    const hlcAt = hlcIndex(table);
    if (hlcAt >= 0) {
      let newest = '';
      for (let at = hlcAt; at < values.length; at += width) {
        const hlc = values[at];
        if (typeof hlc === 'string' && hlc > newest) newest = hlc;
      }
      receiveHlc(newest);
    }
    const chunk = INSERT_RUN * width;
    let at = 0;
    if (values.length >= chunk) {
      const many = insertAllColumns(table, INSERT_RUN);
      for (; at + chunk <= values.length; at += chunk) many.run(values.slice(at, at + chunk) as never[]);
    }
    if (at < values.length) {
      const one = insertAllColumns(table, 1);
      for (; at < values.length; at += width) one.run(values.slice(at, at + width) as never[]);
    }
  };

  const applyChangesInTransaction = (table: ShapeTable, changes: readonly ShapeChange[], position: ShapePosition) => {
    // Applying server changes never adds outbox entries, so this holds for the whole batch.
    const inFlight = hasEditsInFlight(table);
    const { columns } = shapeTableInfo(table);
    const idAt = columns.findIndex((column) => column.name === 'id');
    for (const change of changes) {
      if (!('op' in change)) {
        if (change.control === 'must-refetch') resetTableInTransaction(table);
      } else if (change.op !== 'inserts') applyServerChange(table, change, inFlight);
      else if (!inFlight) insertRun(table, change.values);
      else {
        for (let i = 0; i * columns.length < change.values.length; i++) {
          applyServerChange(table, { op: 'insert', id: String(change.values[i * columns.length + idAt]), row: insertedRow(columns, change.values, i) }, inFlight);
        }
      }
    }
    saveShapePosition(table, position);
    settle(table, position.offset);
    writeSetting(sqlite, 'sync.hlc', clock.last());
  };

  const saveShapePosition = (table: ShapeTable, position: ShapePosition) =>
    prepared(
      `INSERT INTO local_shapes (table_name, handle, "offset", up_to_date, updated_at) VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
       ON CONFLICT (table_name) DO UPDATE SET handle = excluded.handle, "offset" = excluded."offset", up_to_date = excluded.up_to_date, updated_at = excluded.updated_at`,
    ).run(table, position.handle ?? null, position.offset, position.upToDate ? 1 : 0);

  /** Acknowledged edits of `table` whose effect the stream has now delivered leave the outbox. */
  const settle = (table: ShapeTable, offset: string) => {
    const position = deliveredLogPosition(offset);
    if (position < 0) return;
    const settled = prepared(`SELECT id, row_id FROM local_outbox WHERE table_name = ? AND status = 'acknowledged' AND ack_seq <= ?`).all(table, position) as {
      id: number;
      row_id: string;
    }[];
    if (settled.length === 0) return;
    const remove = prepared('DELETE FROM local_outbox WHERE id = ?');
    for (const entry of settled) remove.run(entry.id);
    for (const rowId of new Set(settled.map((entry) => entry.row_id))) rebuild(table as WritableTable, rowId);
  };

  /** Stores one batch of decoded changes and the stream's position after it, in one transaction. */
  const applyChanges = sqlite.transaction(applyChangesInTransaction);

  /** Messages as the Electric client parses them (values typed): converted, then stored like decoded ones. */
  const applyShapeBatch = (table: ShapeTable, messages: readonly ShapeMessage[], position: ShapePosition) => {
    const info = shapeTableInfo(table);
    const changes = messages.map((message): ShapeChange => {
      if (!('key' in message)) return { control: message.headers.control };
      const row: Record<string, StoredValue> = {};
      for (const name of Object.keys(message.value)) {
        const column = info.byName.get(name);
        if (column) row[name] = toSqliteValue(column, message.value[name]);
      }
      const id = String(message.value.id);
      return message.headers.operation === 'delete' ? { op: 'delete', id } : { op: message.headers.operation, id, row };
    });
    applyChanges(table, changes, position);
  };

  /**
   * 409 must-refetch: the table is rebuilt from a new snapshot. Rows with local edits in flight stay, and
   * so do their server copies, until the new snapshot brings the row again and replaces the copy.
   */
  const resetTableInTransaction = (table: ShapeTable) => {
    prepared(
      `DELETE FROM ${quote(table)} WHERE id NOT IN (SELECT row_id FROM local_outbox WHERE table_name = ? AND status IN ('pending', 'acknowledged'))`,
    ).run(table);
    saveShapePosition(table, { handle: undefined, offset: '-1', upToDate: false });
  };

  const mutate = sqlite.transaction((edits: LocalEdit[]): number[] => {
    const ids: number[] = [];
    for (const edit of edits) {
      const changes = edit.changes ?? {};
      const problem = checkMutation({ table: edit.table, op: edit.op, changes });
      if (problem) throw new AppError('invalid_input', `Cannot save this change to ${edit.table}: ${problem}.`);
      const current = readRow(edit.table, edit.id);
      if (edit.op !== 'insert' && !current) throw new AppError('not_found', `There is no ${edit.table} record ${edit.id} on this device.`);
      const hlc = clock.tick();
      // The server copy is what the server last told us; it exists only while edits are in flight.
      if (!serverCopy(edit.table, edit.id)) saveServerCopy(edit.table, edit.id, current);
      const baseHlcs = current?.field_hlcs ? (JSON.parse(String(current.field_hlcs)) as Record<string, string>) : {};
      const touched = edit.op === 'delete' ? ['deleted_at'] : Object.keys(changes);
      const result = prepared(
        `INSERT INTO local_outbox (table_name, op, row_id, changes, base_hlcs, hlc) VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(edit.table, edit.op, edit.id, JSON.stringify(changes), JSON.stringify(Object.fromEntries(touched.filter((f) => baseHlcs[f]).map((f) => [f, baseHlcs[f]]))), hlc);
      ids.push(Number(result.lastInsertRowid));
      const values = editValues(edit.table, edit.op, changes, hlc, current);
      if (current) patchRow(edit.table, edit.id, values);
      else writeRow(edit.table, { ...insertDefaults(edit.table), ...values, id: edit.id });
    }
    writeSetting(sqlite, 'sync.hlc', clock.last());
    return ids;
  });

  /** The oldest edits not yet acknowledged, in the wire format of POST /v1/mutations. */
  const nextBatch = (limit: number): Mutation[] =>
    (
      prepared(`SELECT id, table_name, op, row_id, changes, base_hlcs, hlc FROM local_outbox WHERE status = 'pending' ORDER BY id LIMIT ?`).all(limit) as {
        id: number;
        table_name: WritableTable;
        op: MutationOp;
        row_id: string;
        changes: string;
        base_hlcs: string;
        hlc: string;
      }[]
    ).map((entry) => ({
      id: entry.id,
      table: entry.table_name,
      op: entry.op,
      pk: entry.row_id,
      changes: JSON.parse(entry.changes) as Row,
      hlc: entry.hlc,
      baseHlcs: JSON.parse(entry.base_hlcs) as Record<string, string>,
    }));

  /** Records the server's answers: acknowledged edits wait for the stream; rejected ones leave the row. */
  const recordResults = sqlite.transaction((results: MutationResult[]) => {
    const touched = new Map<string, { table: WritableTable; id: string }>();
    const tables = new Set<WritableTable>();
    for (const result of results) {
      const entry = prepared('SELECT table_name, row_id FROM local_outbox WHERE id = ?').get(result.id) as { table_name: WritableTable; row_id: string } | undefined;
      if (!entry) continue;
      tables.add(entry.table_name);
      if (result.status === 'rejected') {
        prepared(`UPDATE local_outbox SET status = 'rejected', last_error = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`).run(
          result.reason ?? 'rejected by the server',
          result.id,
        );
        touched.set(`${entry.table_name}/${entry.row_id}`, { table: entry.table_name, id: entry.row_id });
      } else {
        prepared(`UPDATE local_outbox SET status = 'acknowledged', ack_seq = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?`).run(
          Number(result.txid),
          result.id,
        );
      }
    }
    for (const { table, id } of touched.values()) rebuild(table, id);
    // Acknowledged edits may already be covered by what the stream delivered.
    for (const table of tables) settle(table, shapePosition(table).offset);
  });

  const recordPushFailure = (ids: number[], error: string) => {
    const update = prepared(`UPDATE local_outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?`);
    sqlite.transaction(() => ids.forEach((id) => update.run(error, id)))();
  };

  const shapePosition = (table: ShapeTable): ShapePosition => {
    const row = prepared(`SELECT handle, "offset", up_to_date FROM local_shapes WHERE table_name = ?`).get(table) as
      | { handle: string | null; offset: string; up_to_date: number }
      | undefined;
    return { handle: row?.handle ?? undefined, offset: row?.offset ?? '-1', upToDate: row?.up_to_date === 1 };
  };

  return {
    applyShapeBatch,
    /** Stores a batch the shape worker decoded (./shape-changes.ts) and the stream's position, in one transaction. */
    applyChanges: (table: ShapeTable, changes: readonly ShapeChange[], position: ShapePosition) => applyChanges(table, changes, position),
    shapePosition,
    mutate: (edits: LocalEdit[]) => mutate(edits),
    nextBatch,
    recordResults: (results: MutationResult[]) => recordResults(results),
    recordPushFailure,
    counts: (): OutboxCounts => {
      const row = prepared(
        `SELECT sum(status IN ('pending', 'acknowledged')) AS pending, sum(status = 'rejected') AS failed FROM local_outbox`,
      ).get() as { pending: number | null; failed: number | null };
      return { pending: row.pending ?? 0, failed: row.failed ?? 0 };
    },
    /** Rejected edits, newest first, for the UI (what was refused and why). */
    rejected: () =>
      prepared(`SELECT id, table_name AS tableName, op, row_id AS rowId, changes, last_error AS reason, updated_at AS at FROM local_outbox WHERE status = 'rejected' ORDER BY id DESC`).all() as {
        id: number;
        tableName: string;
        op: string;
        rowId: string;
        changes: string;
        reason: string;
        at: string;
      }[],
    /** The user has seen a refused edit: forget it. */
    dismissRejected: (id: number) => prepared(`DELETE FROM local_outbox WHERE id = ? AND status = 'rejected'`).run(id),
    hlc: () => clock.last(),
  };
}

function readSetting<T>(sqlite: Database.Database, key: string): T | undefined {
  const row = sqlite.prepare('SELECT value FROM local_settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as T) : undefined;
}

function writeSetting(sqlite: Database.Database, key: string, value: unknown): void {
  sqlite
    .prepare(
      `INSERT INTO local_settings (key, value, updated_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    )
    .run(key, JSON.stringify(value));
}

// Applies a batch of device mutations to Postgres: idempotent per client, authorised per row, merged
// field by field with last-writer-wins on hybrid logical clocks, every lost concurrent edit logged in
// `conflicts`. The whole batch is one transaction; each mutation runs in a savepoint so a rejected one
// leaves no trace while the others apply.
import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { compareHlc, parseHlc } from '../../db/sync/hlc.ts';
import { tableRule, type Mutation, type MutationBatch, type MutationResult, type TableRule } from '../../db/sync/mutations.ts';
import { shapeTableInfo, toTextForm, type ShapeColumn, type ShapeTable } from '../../db/sync/shape-tables.ts';
import type { AuthContext } from '../auth/auth-service.ts';
import { rowsOf, type ServerDb } from '../database.ts';
import { logHead } from './change-log.ts';
import { routeNewAlert } from '../routing/route-alert.ts';

/** Edits stamped further ahead of the server's clock than this are refused: they would win every later edit. */
export const MAX_CLOCK_AHEAD_MS = 60 * 60 * 1000;

/** A mutation the caller may not make: reported back with its reason, nothing written. */
class Rejection extends Error {}

type Tx = Parameters<Parameters<ServerDb['transaction']>[0]>[0];
type Row = Record<string, unknown>;

export async function applyMutationBatch(
  db: ServerDb,
  auth: AuthContext,
  batch: MutationBatch,
  now: () => Date = () => new Date(),
): Promise<MutationResult[]> {
  const outcomes = await db.transaction(async (tx) => {
    // The change-log triggers serialise writers with this lock when a statement starts; taking it before
    // reading rows keeps a second lock order (row lock, then this one) from ever existing — no deadlocks.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(7300, 2)`);
    const [client] = rowsOf<{ last: string | number; user_id: string }>(
      await tx.execute(sql`SELECT last_mutation_id AS last, user_id FROM sync_client_mutations WHERE client_id = ${batch.clientId}`),
    );
    let last = Number(client?.last ?? 0);
    const results: Omit<MutationResult, 'txid'>[] = [];
    for (const mutation of batch.mutations) {
      if (mutation.id <= last) {
        results.push({ id: mutation.id, status: 'duplicate' });
        continue;
      }
      try {
        await tx.transaction((savepoint) => applyOne(savepoint, auth, mutation, now()));
        results.push({ id: mutation.id, status: 'applied' });
      } catch (error) {
        results.push({ id: mutation.id, status: 'rejected', reason: rejectionReason(error) });
      }
      last = mutation.id;
    }
    await tx.execute(sql`
      INSERT INTO sync_client_mutations (client_id, user_id, last_mutation_id, updated_at)
      VALUES (${batch.clientId}, ${auth.userId}, ${last}, now())
      ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id, updated_at = now()`);
    // Read while the writer lock is held: exactly the position of the batch's last change (no later writer's).
    return { results, position: await logHead(tx) };
  });
  const txid = String(outcomes.position);
  return outcomes.results.map((outcome) => ({ ...outcome, txid }));
}

function rejectionReason(error: unknown): string {
  if (error instanceof Rejection) return error.message;
  const pgError = error as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const code = pgError.code ?? pgError.cause?.code;
  const constraint = pgError.constraint ?? pgError.cause?.constraint;
  // Constraint violations are the client's problem and safe to describe; anything else is ours.
  if (code === '23503') return `a referenced record does not exist${constraint ? ` (${constraint})` : ''}`;
  if (code === '23505') return `a record with the same unique value already exists${constraint ? ` (${constraint})` : ''}`;
  if (code === '23502' || code === '23514' || code === '22P02') return 'a value does not fit this record';
  throw error;
}

async function applyOne(tx: Tx, auth: AuthContext, mutation: Mutation, at: Date): Promise<void> {
  if (!auth.brokerageId) throw new Rejection('your account belongs to no brokerage');
  if (parseHlc(mutation.hlc).millis > at.getTime() + MAX_CLOCK_AHEAD_MS) {
    throw new Rejection("the edit's clock is more than an hour ahead of the server's: check this computer's date and time");
  }
  const table = mutation.table as ShapeTable;
  const rule = tableRule(mutation.table);
  const existing = await selectRow(tx, table, mutation.pk);
  // Another brokerage's row is reported exactly like a missing one: ids of other tenants reveal nothing.
  const visible = existing !== null && existing.brokerage_id === auth.brokerageId && (await visibleTo(tx, auth, table, existing));
  if (existing && !visible) throw new Rejection(`${table} ${mutation.pk} does not exist or is not yours to change`);
  if (!existing && mutation.op !== 'insert') throw new Rejection(`${table} ${mutation.pk} does not exist or is not yours to change`);

  await checkAssignments(tx, auth, mutation);
  await checkReferences(tx, auth, rule.references, mutation.changes);

  if (!existing) {
    await insertRow(tx, auth, table, mutation);
    // The brokerage's routing rule picks an assignee once, on the first arrival (sync-server/routing).
    if (table === 'alerts') await routeNewAlert(tx, mutation.pk, { now: at });
  } else if (rule.appendOnly) {
    // Append-only: a replayed insert is already there; a delete only ever sets the tombstone once.
    if (mutation.op === 'delete' && existing.deleted_at === null) {
      await tx.execute(sql`UPDATE ${sql.identifier(table)} SET deleted_at = ${at.toISOString()} WHERE id = ${mutation.pk}`);
    }
  } else {
    // Deleting what is already deleted keeps the first tombstone's time, but a newer delete must still take
    // the field's clock: else an older undo (deleted_at: null) arriving later would revive a row that the
    // newest edit deleted, and the outcome would depend on the order devices push in.
    const alreadyDeleted = existing.deleted_at !== null && existing.deleted_at !== undefined;
    const changes =
      mutation.op === 'delete'
        ? { deleted_at: alreadyDeleted ? existing.deleted_at : at.toISOString() }
        : mutation.op === 'insert'
          ? mergedOnReinsert(rule, mutation.changes)
          : mutation.changes;
    await mergeFields(tx, auth, table, rule, existing, mutation, changes, at);
  }

  // The row must still be the caller's to see after the change (e.g. an agent cannot hand a contact away).
  const after = await selectRow(tx, table, mutation.pk);
  if (after && !(await visibleTo(tx, auth, table, after))) throw new Rejection(`this change would move ${table} ${mutation.pk} out of your reach`);
}

function mergedOnReinsert(rule: TableRule, changes: Record<string, unknown>): Record<string, unknown> {
  if (!rule.mergedOnReinsert) return changes;
  return Object.fromEntries(Object.entries(changes).filter(([field]) => rule.mergedOnReinsert?.includes(field)));
}

async function selectRow(tx: Tx, table: ShapeTable, id: string): Promise<Row | null> {
  const [row] = rowsOf<{ row: Row | string }>(await tx.execute(sql`SELECT to_jsonb(t) AS row FROM ${sql.identifier(table)} t WHERE t.id = ${id}`));
  if (!row) return null;
  return typeof row.row === 'string' ? JSON.parse(row.row) : row.row;
}

async function visibleTo(tx: Tx, auth: AuthContext, table: ShapeTable, row: Row): Promise<boolean> {
  if (auth.role !== 'agent') return true;
  const [scope] = rowsOf<{ visible: boolean }>(
    await tx.execute(sql`
      SELECT (s IS NULL OR s && ARRAY['', ${auth.userId}]::text[]) AS visible
      FROM sync_row_scope(${table}, ${JSON.stringify(row)}::jsonb) AS s`),
  );
  return scope?.visible === true;
}

/** Agents may take a contact, an alert or a task for themselves; handing work to others is a manager's call. */
async function checkAssignments(_tx: Tx, auth: AuthContext, mutation: Mutation): Promise<void> {
  if (auth.role !== 'agent') return;
  for (const field of ['assigned_agent_id', 'assignee_id']) {
    const assignee = mutation.changes[field];
    if (assignee !== undefined && assignee !== null && assignee !== auth.userId) {
      throw new Rejection('only a manager can assign work to someone else');
    }
  }
}

async function checkReferences(tx: Tx, auth: AuthContext, references: Readonly<Record<string, ShapeTable>>, changes: Row): Promise<void> {
  for (const [field, target] of Object.entries(references)) {
    const id = changes[field];
    if (id === undefined || id === null) continue;
    const [row] = rowsOf<{ brokerage_id: string | null }>(
      await tx.execute(sql`SELECT brokerage_id FROM ${sql.identifier(target)} WHERE id = ${String(id)}`),
    );
    if (!row || row.brokerage_id !== auth.brokerageId) throw new Rejection(`${field} ${String(id)} does not exist`);
  }
}

const columnValue = (column: ShapeColumn, value: unknown): SQL =>
  value === null || value === undefined ? sql`NULL` : column.type === 'jsonb' ? sql`${JSON.stringify(value)}::jsonb` : sql`${value}`;

async function insertRow(tx: Tx, auth: AuthContext, table: ShapeTable, mutation: Mutation): Promise<void> {
  const info = shapeTableInfo(table);
  const rule = tableRule(mutation.table);
  const values: Row = { ...mutation.changes, id: mutation.pk, brokerage_id: auth.brokerageId };
  if (rule.stampedWithUser) values[rule.stampedWithUser] = auth.userId;
  if (info.byName.has('hlc')) {
    values.hlc = mutation.hlc;
    values.field_hlcs = Object.fromEntries(Object.keys(mutation.changes).map((field) => [field, mutation.hlc]));
  }
  const names = Object.keys(values);
  await tx.execute(sql`
    INSERT INTO ${sql.identifier(table)} (${sql.join(names.map((name) => sql.identifier(name)), sql`, `)})
    VALUES (${sql.join(names.map((name) => columnValue(info.byName.get(name)!, values[name])), sql`, `)})`);
}

const sameValue = (column: ShapeColumn, a: unknown, b: unknown) => toTextForm(column, a) === toTextForm(column, b);
const nodeOf = (hlc: string) => hlc.slice(hlc.lastIndexOf(':') + 1);

/** +1 when the incoming value of a `settledBy` field is more settled than the stored one, -1 when less, else 0. */
function settledOrder(rule: TableRule, existing: Row, changes: Row): number {
  const settle = rule.settledBy;
  if (!settle || !(settle.field in changes)) return 0;
  const rankOf = (value: unknown) => settle.rank[String(value)] ?? -1;
  return Math.sign(rankOf(changes[settle.field]) - rankOf(existing[settle.field]));
}

/**
 * Per-field last-writer-wins: a field takes the incoming value only if the edit's HLC is newer than the
 * one that last set the field — except a `settledBy` field (and the fields that go with it), ordered by
 * rank first and HLC second. Each field keeps the HLC of the value it holds, so the order is a function
 * of the two values alone and replicas converge whatever order edits arrive in. Whichever value loses a
 * concurrent edit is logged with both values.
 */
async function mergeFields(tx: Tx, auth: AuthContext, table: ShapeTable, rule: TableRule, existing: Row, mutation: Mutation, changes: Row, at: Date): Promise<void> {
  const info = shapeTableInfo(table);
  const settle = rule.settledBy;
  const settled = settledOrder(rule, existing, changes);
  const fieldHlcs = { ...((existing.field_hlcs as Record<string, string> | null) ?? {}) };
  const updates: Row = {};
  for (const [field, incoming] of Object.entries(changes)) {
    const column = info.byName.get(field)!;
    const current = fieldHlcs[field] ?? '';
    const ranked = settled !== 0 && settle !== undefined && (field === settle.field || settle.with.includes(field));
    const order = ranked ? settled : compareHlc(mutation.hlc, current);
    if (order > 0) {
      // Overwriting an edit this device never saw (its base differs) from another device: that edit lost.
      const concurrent = current !== '' && nodeOf(current) !== nodeOf(mutation.hlc) && mutation.baseHlcs?.[field] !== current;
      if (concurrent && !sameValue(column, existing[field], incoming)) {
        await logConflict(tx, auth, table, existing, { field, winner: incoming, winnerHlc: mutation.hlc, loser: existing[field], loserHlc: current, loserIsCaller: false });
      }
      updates[field] = incoming;
      fieldHlcs[field] = mutation.hlc;
    } else if (order < 0 && !sameValue(column, existing[field], incoming)) {
      await logConflict(tx, auth, table, existing, { field, winner: existing[field], winnerHlc: current, loser: incoming, loserHlc: mutation.hlc, loserIsCaller: true });
    }
  }
  if (Object.keys(updates).length === 0) return;
  const rowHlc = compareHlc(mutation.hlc, String(existing.hlc ?? '')) > 0 ? mutation.hlc : String(existing.hlc ?? '');
  const assignments = [
    ...Object.entries(updates).map(([field, value]) => sql`${sql.identifier(field)} = ${columnValue(info.byName.get(field)!, value)}`),
    sql`field_hlcs = ${JSON.stringify(fieldHlcs)}::jsonb`,
    sql`hlc = ${rowHlc}`,
    ...(info.byName.has('updated_at') ? [sql`updated_at = ${at.toISOString()}`] : []),
  ];
  await tx.execute(sql`UPDATE ${sql.identifier(table)} SET ${sql.join(assignments, sql`, `)} WHERE id = ${mutation.pk}`);
}

async function logConflict(
  tx: Tx,
  auth: AuthContext,
  table: ShapeTable,
  row: Row,
  lost: { field: string; winner: unknown; winnerHlc: string; loser: unknown; loserHlc: string; loserIsCaller: boolean },
): Promise<void> {
  const contactId = table === 'contacts' ? row.id : (row.contact_id ?? null);
  const json = (value: unknown) => (value === undefined || value === null ? sql`'null'::jsonb` : sql`${JSON.stringify(value)}::jsonb`);
  await tx.execute(sql`
    INSERT INTO conflicts (id, brokerage_id, table_name, row_id, contact_id, field, winning_value, losing_value,
                           winning_hlc, losing_hlc, losing_device_id, losing_user_id)
    VALUES (${randomUUID()}, ${auth.brokerageId}, ${table}, ${String(row.id)}, ${contactId as string | null}, ${lost.field},
            ${json(lost.winner)}, ${json(lost.loser)}, ${lost.winnerHlc}, ${lost.loserHlc},
            ${lost.loserIsCaller ? auth.deviceId : nodeOf(lost.loserHlc)}, ${lost.loserIsCaller ? auth.userId : null})`);
}

// Reading the change log and the tables behind it. See db/migrations/pg/0004_sync_triggers.sql for how
// the log is written and why a visible seq means every smaller one is settled.
import { sql } from 'drizzle-orm';
import { GLOBAL_TABLES, type ShapeTable } from '../../db/sync/shape-tables.ts';
import { rowsOf, type ServerDb } from '../database.ts';
import { changeScopeFilter, rowScopeFilter, type ShapeScope } from './shape-scope.ts';

export type LoggedChange = { seq: number; op: 'insert' | 'update' | 'delete'; row: Record<string, unknown> };

/** The newest settled log position (0 when the log is empty). */
export async function logHead(db: ServerDb): Promise<number> {
  const [row] = rowsOf<{ head: string | number | null }>(await db.execute(sql`SELECT max(seq) AS head FROM sync_changes`));
  return Number(row?.head ?? 0);
}

/** Changes to `table` visible to `scope` with after < seq ≤ upTo, oldest first. */
export async function readChanges(
  db: ServerDb,
  options: { table: ShapeTable; scope: ShapeScope; after: number; upTo: number; limit: number },
): Promise<LoggedChange[]> {
  const { table, scope, after, upTo, limit } = options;
  const tenant = GLOBAL_TABLES.has(table) ? sql`brokerage_id IS NULL` : sql`brokerage_id = ${scope.brokerageId}`;
  const rows = rowsOf<{ seq: string | number; op: LoggedChange['op']; row: Record<string, unknown> | string }>(
    await db.execute(sql`
      SELECT seq, op, row FROM sync_changes
      WHERE table_name = ${table} AND ${tenant} AND seq > ${after} AND seq <= ${upTo} AND ${changeScopeFilter(scope)}
      ORDER BY seq LIMIT ${limit}`),
  );
  return rows.map((r) => ({ seq: Number(r.seq), op: r.op, row: typeof r.row === 'string' ? JSON.parse(r.row) : r.row }));
}

/** One page of the rows of `table` visible to `scope`, in id order after `afterId`. */
export async function readSnapshotPage(
  db: ServerDb,
  options: { table: ShapeTable; scope: ShapeScope; afterId: string; limit: number },
): Promise<Record<string, unknown>[]> {
  const { table, scope, afterId, limit } = options;
  const rows = rowsOf<{ row: Record<string, unknown> | string }>(
    await db.execute(sql`
      SELECT to_jsonb(t) AS row FROM ${sql.identifier(table)} t
      WHERE t.id > ${afterId} AND ${rowScopeFilter(scope, table)}
      ORDER BY t.id LIMIT ${limit}`),
  );
  return rows.map((r) => (typeof r.row === 'string' ? JSON.parse(r.row) : r.row));
}

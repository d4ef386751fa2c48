// Reading the change log and the tables behind it. See db/migrations/pg/0004_sync_triggers.sql for how
// the log is written and why a visible seq means every smaller one is settled.
import { sql, type SQL } from 'drizzle-orm';
import { GLOBAL_TABLES, shapeTableInfo, type ShapeColumn, type ShapeTable } from '../../db/sync/shape-tables.ts';
import { rowsOf, type ServerDb } from '../database.ts';
import { changeScopeFilter, rowScopeFilter, type ShapeScope } from './shape-scope.ts';

export type LoggedChange = { seq: number; op: 'insert' | 'update' | 'delete'; row: Record<string, unknown> };

/** The newest settled log position (0 when the log is empty). */
export async function logHead(db: Pick<ServerDb, 'execute'>): Promise<number> {
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

/**
 * A column of the row aliased `t` in its Electric text form, computed by Postgres: the same strings
 * toTextForm (db/sync/shape-tables.ts) makes from to_jsonb(t) — timestamps as ISO-8601 UTC with
 * milliseconds (truncated, as Date does), booleans true/false. Not for jsonb: see readSnapshotMessages.
 */
function textFormSql(column: ShapeColumn): SQL {
  const ref = sql`t.${sql.identifier(column.name)}`;
  switch (column.type) {
    case 'text':
      return ref;
    case 'bool':
      return sql`CASE WHEN ${ref} THEN 'true' WHEN NOT ${ref} THEN 'false' END`;
    case 'timestamptz':
      return sql`to_char(${ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    case 'date':
      return sql`to_char(${ref}, 'YYYY-MM-DD')`;
    default: // int4, int8, float8
      return sql`${ref}::text`;
  }
}

const INSERT_HEADERS = JSON.stringify({ operation: 'insert' });

/**
 * One page of the rows of `table` visible to `scope`, in id order after `afterId`, each as the JSON text
 * of its Electric insert message. Postgres builds the JSON of the scalar columns: decoding whole rows
 * into objects and encoding them again in Node cost the server more CPU than the query (an initial sync
 * is hundreds of thousands of rows). JSON columns are still written by JSON.stringify, as toTextForm does
 * (Postgres would print them with spaces), so the text is the same as a change message's.
 */
export async function readSnapshotMessages(
  db: ServerDb,
  options: { table: ShapeTable; scope: ShapeScope; afterId: string; limit: number },
): Promise<{ id: string; message: string }[]> {
  const { table, scope, afterId, limit } = options;
  const columns = shapeTableInfo(table).columns;
  const scalars = columns.filter((column) => column.type !== 'jsonb');
  const jsons = columns.filter((column) => column.type === 'jsonb');
  const values = sql.join(
    scalars.map((column) => sql`${textFormSql(column)} AS ${sql.identifier(column.name)}`),
    sql`, `,
  );
  const jsonTexts = jsons.map((column, i) => sql`, t.${sql.identifier(column.name)}::text AS ${sql.identifier(`j${i}`)}`);
  // The key as rowKey() writes it: "public"."<table>"/"<id with " doubled>".
  const keyPrefix = `"public"."${table}"/"`;
  const rows = rowsOf<Record<string, string | null> & { id: string; head: string }>(
    await db.execute(sql`
      SELECT t.id AS id,
             '{"key":' || to_json(${keyPrefix}::text || replace(t.id, '"', '""') || '"')::text || ',"value":' || left(row_to_json(v)::text, -1) AS head
             ${sql.join(jsonTexts, sql``)}
      FROM ${sql.identifier(table)} t CROSS JOIN LATERAL (SELECT ${values}) v
      WHERE t.id > ${afterId} AND ${rowScopeFilter(scope, table)}
      ORDER BY t.id LIMIT ${limit}`),
  );
  const jsonKeys = jsons.map((column) => `,${JSON.stringify(column.name)}:`);
  return rows.map((row) => {
    let message = row.head;
    for (let i = 0; i < jsonKeys.length; i++) {
      const text = row[`j${i}`];
      message += jsonKeys[i]! + (text === null || text === undefined ? 'null' : JSON.stringify(JSON.stringify(JSON.parse(text))));
    }
    return { id: row.id, message: `${message}},"headers":${INSERT_HEADERS}}` };
  });
}

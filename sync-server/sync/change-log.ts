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
 * milliseconds (truncated, as Date does), booleans true/false — except JSON columns, which come as
 * Postgres prints jsonb (`{"a": 1}`, spaced, as real Electric sends them); the app's decoder stores
 * them compact (electron/sync/shape-changes.ts).
 */
function textFormSql(column: ShapeColumn): SQL {
  const ref = sql`t.${sql.identifier(column.name)}`;
  switch (column.type) {
    case 'text':
      return ref;
    case 'jsonb':
      return sql`${ref}::text`;
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

export type SnapshotPage = {
  /** Rows on the page. */
  count: number;
  /** The id of the last row (the keyset cursor of the next page); null on an empty page. */
  lastId: string | null;
  /** The page as the response body: a JSON array of Electric insert messages. */
  body: string;
};

/**
 * One page of the rows of `table` visible to `scope`, in id order after `afterId`, as the response body.
 * Postgres writes the whole body — every message's JSON and the array around them — and hands it over
 * as one string: decoding rows into objects and encoding them again in Node, or even joining a string per
 * row, cost the server more CPU than the query (an initial sync is hundreds of thousands of rows).
 */
export async function readSnapshotPage(
  db: ServerDb,
  options: {
    table: ShapeTable;
    scope: ShapeScope;
    afterId: string;
    limit: number;
    /** When the page is full, the next page's keyset cursor is stored under (handle, page) by the same statement. */
    nextCursor: { handle: string; page: number };
  },
): Promise<SnapshotPage> {
  const { table, scope, afterId, limit, nextCursor } = options;
  const values = sql.join(
    shapeTableInfo(table).columns.map((column) => sql`${textFormSql(column)} AS ${sql.identifier(column.name)}`),
    sql`, `,
  );
  // The key as rowKey() writes it: "public"."<table>"/"<id with " doubled>".
  const keyPrefix = `"public"."${table}"/"`;
  // One round trip per page: storing the next cursor rides along as a data-modifying CTE.
  const [page] = rowsOf<{ count: string | number; last_id: string | null; body: string }>(
    await db.execute(sql`
      WITH page AS (
        SELECT count(*) AS count, max(p.id) AS last_id, '[' || coalesce(string_agg(p.message, ',' ORDER BY p.id), '') || ']' AS body
        FROM (
          SELECT t.id AS id,
                 '{"key":' || to_json(${keyPrefix}::text || replace(t.id, '"', '""') || '"')::text || ',"value":' || row_to_json(v)::text
                   || ',"headers":{"operation":"insert"}}' AS message
          FROM ${sql.identifier(table)} t CROSS JOIN LATERAL (SELECT ${values}) v
          WHERE t.id > ${afterId} AND ${rowScopeFilter(scope, table)}
          ORDER BY t.id LIMIT ${limit}
        ) p),
      stored AS (
        INSERT INTO sync_snapshot_cursors (handle, page, after_id)
        SELECT ${nextCursor.handle}, ${nextCursor.page}, last_id FROM page WHERE count = ${limit}
        ON CONFLICT DO NOTHING)
      SELECT count, last_id, body FROM page`),
  );
  return { count: Number(page?.count ?? 0), lastId: page?.last_id ?? null, body: page?.body ?? '[]' };
}

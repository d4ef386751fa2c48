// Fast bulk INSERT … ON CONFLICT DO NOTHING for thousands of rows. drizzle's multi-row VALUES spends
// seconds building SQL with one bind parameter per cell (~8 s for the demo's 33,000 rows); shipping
// the rows as one JSON document expanded by json_populate_recordset (json, not jsonb: it is parsed
// once, lazily) takes a fraction of that, and works the same on node-postgres and PGlite (one text
// parameter, no driver-specific COPY). Values are converted by the columns' own input functions.
import { getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { rowsOf, type ServerDb } from './database.ts';

type Executor = Pick<ServerDb, 'execute'>;

// Bounds the JSON text of one statement to a few megabytes.
const ROWS_PER_STATEMENT = 5000;

/**
 * Inserts `rows` (drizzle insert objects: property names as in the schema), skipping rows that hit a
 * unique constraint. Every row must set the same properties: a property missing from some rows would
 * be NULL in those rows rather than the column default. Returns the number of rows inserted.
 */
export async function bulkInsertIgnoringConflicts<T extends PgTable>(
  db: Executor,
  table: T,
  rows: readonly T['$inferInsert'][],
): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  const first = rows[0] as Record<string, unknown>;
  const keys = Object.keys(first).filter((key) => first[key] !== undefined);
  for (const key of keys) {
    if (!columns[key]) throw new Error(`bulkInsert into ${getTableName(table)}: no column for property "${key}".`);
  }
  const names = keys.map((key) => columns[key]!.name);
  const columnList = sql.join(names.map((name) => sql.identifier(name)), sql`, `);
  const tableName = sql.identifier(getTableName(table));

  let inserted = 0;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT).map((row, index) => {
      const record = row as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i += 1) {
        const value = record[keys[i]!];
        if (value === undefined) {
          throw new Error(`bulkInsert into ${getTableName(table)}: row ${start + index} has no "${keys[i]}" (every row must set the same properties).`);
        }
        out[names[i]!] = value;
      }
      return out;
    });
    const result = await db.execute(sql`
      with added as (
        insert into ${tableName} (${columnList})
        select ${columnList} from json_populate_recordset(null::${tableName}, ${JSON.stringify(chunk)}::json)
        on conflict do nothing
        returning 1
      )
      select count(*)::int as count from added`);
    inserted += Number(rowsOf<{ count: unknown }>(result)[0]?.count ?? 0);
  }
  return inserted;
}

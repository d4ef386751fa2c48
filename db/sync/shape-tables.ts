// The tables every device replicates, as shapes, and how their values travel: the Electric Shape
// protocol sends Postgres text forms described by an `electric-schema` header; both ends derive the
// column list and types from the drizzle schemas, so a new column needs no sync code.
import { is } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as pg from '../schema/pg.ts';
import * as sqlite from '../schema/sqlite.ts';

export const SHAPE_TABLES = [
  'brokerages',
  'users',
  'contacts',
  'properties',
  'market_sales',
  'events',
  'alerts',
  'alert_outcomes',
  'notes',
  'tasks',
  'activities',
  'campaigns',
  'campaign_sends',
  'suppressions',
  'conflicts',
] as const;
export type ShapeTable = (typeof SHAPE_TABLES)[number];

export const isShapeTable = (name: string): name is ShapeTable => (SHAPE_TABLES as readonly string[]).includes(name);

/** Rows shared by every brokerage (public records), so they carry no brokerage_id. */
export const GLOBAL_TABLES: ReadonlySet<ShapeTable> = new Set(['market_sales']);

/** Electric column types (the subset of Postgres types our schema uses). */
export type ElectricType = 'text' | 'int4' | 'int8' | 'float8' | 'bool' | 'jsonb' | 'timestamptz' | 'date';

export type ShapeColumn = { name: string; type: ElectricType; notNull: boolean; primaryKey: boolean };

export type ShapeTableInfo = {
  name: ShapeTable;
  columns: ShapeColumn[];
  byName: ReadonlyMap<string, ShapeColumn>;
  pgTable: PgTable;
  sqliteTable: SQLiteTable;
};

const PG_TO_ELECTRIC: Record<string, ElectricType> = {
  text: 'text',
  integer: 'int4',
  bigint: 'int8',
  bigserial: 'int8',
  'double precision': 'float8',
  boolean: 'bool',
  jsonb: 'jsonb',
  'timestamp with time zone': 'timestamptz',
  date: 'date',
};

function tablesByName<T extends PgTable | SQLiteTable>(module: Record<string, unknown>, isTable: (value: unknown) => value is T, nameOf: (table: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const value of Object.values(module)) if (isTable(value)) map.set(nameOf(value), value);
  return map;
}

function buildInfo(): Map<ShapeTable, ShapeTableInfo> {
  const pgTables = tablesByName(pg, (v): v is PgTable => is(v, PgTable), (t) => pgTableConfig(t).name);
  const sqliteTables = tablesByName(sqlite, (v): v is SQLiteTable => is(v, SQLiteTable), (t) => sqliteTableConfig(t).name);
  const info = new Map<ShapeTable, ShapeTableInfo>();
  for (const name of SHAPE_TABLES) {
    const pgTable = pgTables.get(name);
    const sqliteTable = sqliteTables.get(name);
    if (!pgTable || !sqliteTable) throw new Error(`Shape table ${name} is missing from a schema.`);
    const columns = pgTableConfig(pgTable).columns.map((column): ShapeColumn => {
      const sqlType = column.getSQLType();
      const type = PG_TO_ELECTRIC[sqlType];
      if (!type) throw new Error(`No Electric type for ${name}.${column.name} (${sqlType}).`);
      return { name: column.name, type, notNull: column.notNull, primaryKey: column.primary };
    });
    info.set(name, { name, columns, byName: new Map(columns.map((c) => [c.name, c])), pgTable, sqliteTable });
  }
  return info;
}

let cache: Map<ShapeTable, ShapeTableInfo> | undefined;

export function shapeTableInfo(name: ShapeTable): ShapeTableInfo {
  cache ??= buildInfo();
  return cache.get(name)!;
}

/** The `electric-schema` header value: {"col":{"type":"int4","pk_index":0,"not_null":true},…}. */
export function electricSchema(name: ShapeTable): Record<string, { type: ElectricType; pk_index?: number; not_null?: boolean }> {
  const schema: Record<string, { type: ElectricType; pk_index?: number; not_null?: boolean }> = {};
  for (const column of shapeTableInfo(name).columns) {
    schema[column.name] = {
      type: column.type,
      ...(column.primaryKey ? { pk_index: 0 } : {}),
      ...(column.notNull ? { not_null: true } : {}),
    };
  }
  return schema;
}

/**
 * A column value as Postgres' text form, from the JSON `to_jsonb(row)` gives: what Electric sends.
 * Timestamps are normalised to ISO-8601 UTC with milliseconds, the form the replica stores.
 */
export function toTextForm(column: ShapeColumn, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'jsonb':
      return JSON.stringify(value);
    case 'bool':
      return value === true || value === 't' || value === 'true' ? 'true' : 'false';
    case 'timestamptz': {
      const date = new Date(String(value));
      return Number.isNaN(date.getTime()) ? String(value) : date.toISOString(); // 'infinity' stays as written
    }
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

/**
 * A value parsed by the Electric client (numbers, booleans, parsed JSON) as the replica stores it:
 * SQLite has no booleans or JSON, so 1/0 and JSON text.
 */
export function toSqliteValue(column: ShapeColumn, value: unknown): string | number | bigint | null {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'bool':
      return value === true || value === 't' || value === 'true' ? 1 : 0;
    case 'jsonb':
      // Always encode: a JSON string scalar (a conflict's losing phone number, say) arrives parsed, as a
      // JS string, and must be stored as JSON text ("\"555-0101\""), not bare, or reading it back fails.
      return JSON.stringify(value);
    case 'int4':
    case 'int8':
    case 'float8':
      return typeof value === 'number' || typeof value === 'bigint' ? value : Number(value);
    default:
      return String(value);
  }
}

/** A replica value back to the JSON the wire and the server use (the inverse of toSqliteValue). */
export function fromSqliteValue(column: ShapeColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'bool':
      return value === 1 || value === true;
    case 'jsonb':
      return typeof value === 'string' ? JSON.parse(value) : value;
    default:
      return value;
  }
}

/** The Electric message key of a row: "public"."contacts"/"<id>". */
export const rowKey = (table: ShapeTable, id: string) => `"public"."${table}"/"${id.replaceAll('"', '""')}"`;

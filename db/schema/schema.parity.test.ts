// One schema per table per dialect: this proves the server (Postgres) and the replica (SQLite) agree on
// every synced table and column, and that the type families match, so a row synced down fits as-is.
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pg from './pg.ts';
import * as sqlite from './sqlite.ts';

const SERVER_ONLY_TABLES = new Set(['user_credentials', 'refresh_tokens']);
const CLIENT_ONLY_PREFIX = 'local_';
const SERVER_ONLY_PREFIX = ['server_', 'sync_'];

type Column = { name: string; family: string; notNull: boolean; primary: boolean };

const family = (columnType: string, dataType: string): string => {
  if (/Boolean/.test(columnType)) return 'boolean';
  if (/Json/.test(columnType) || dataType === 'json') return 'json';
  if (/Integer|Int/.test(columnType)) return 'integer';
  if (/Real|Double|Numeric/.test(columnType)) return 'real';
  return 'text'; // text, dates and timestamps (ISO text on SQLite)
};

function pgTables(): Map<string, Column[]> {
  const tables = new Map<string, Column[]>();
  for (const value of Object.values(pg)) {
    if (!(value instanceof PgTable)) continue;
    const config = pgConfig(value);
    tables.set(config.name, config.columns.map((c) => ({ name: c.name, family: family(c.columnType, c.dataType), notNull: c.notNull, primary: c.primary })));
  }
  return tables;
}

function sqliteTables(): Map<string, Column[]> {
  const tables = new Map<string, Column[]>();
  for (const value of Object.values(sqlite)) {
    if (!(value instanceof SQLiteTable)) continue;
    const config = sqliteConfig(value);
    tables.set(config.name, config.columns.map((c) => ({ name: c.name, family: family(c.columnType, c.dataType), notNull: c.notNull, primary: c.primary })));
  }
  return tables;
}

const isServerOnly = (name: string) => SERVER_ONLY_TABLES.has(name) || SERVER_ONLY_PREFIX.some((p) => name.startsWith(p));

describe('schema parity between Postgres and SQLite', () => {
  const server = pgTables();
  const client = sqliteTables();

  it('defines the same synced tables on both sides', () => {
    const serverSynced = [...server.keys()].filter((name) => !isServerOnly(name)).sort();
    const clientSynced = [...client.keys()].filter((name) => !name.startsWith(CLIENT_ONLY_PREFIX)).sort();
    expect(clientSynced).toEqual(serverSynced);
    expect(serverSynced).toEqual(
      expect.arrayContaining(['brokerages', 'users', 'devices', 'contacts', 'properties', 'market_sales', 'events', 'alerts', 'alert_outcomes', 'notes', 'tasks', 'activities', 'campaigns', 'campaign_sends', 'suppressions']),
    );
  });

  it('defines the same columns, type families, nullability and keys for every synced table', () => {
    for (const [name, columns] of server) {
      if (isServerOnly(name)) continue;
      expect({ table: name, columns: client.get(name) }).toEqual({ table: name, columns });
    }
  });

  it('uses text ids and a brokerage_id on every tenant table', () => {
    const global = new Set(['brokerages', 'market_sales']);
    for (const [name, columns] of server) {
      if (isServerOnly(name)) continue;
      const id = columns.find((c) => c.name === 'id');
      expect(id, `${name}.id`).toMatchObject({ family: 'text', primary: true });
      if (!global.has(name)) expect(columns.some((c) => c.name === 'brokerage_id'), `${name}.brokerage_id`).toBe(true);
    }
  });
});

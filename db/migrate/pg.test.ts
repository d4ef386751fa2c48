// migratePostgres on both drivers. Self-contained on purpose: db/ sits below sync-server/ in the
// dependency order, so it does not borrow sync-server's test helpers.
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migratePostgres, PG_MIGRATIONS_FOLDER } from './pg.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ADMIN_URL = process.env.ROI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const journal = JSON.parse(readFileSync(path.join(PG_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };

async function publicTables(query: (text: string) => Promise<{ rows: Array<Record<string, unknown>> }>): Promise<string[]> {
  const result = await query("select table_name from information_schema.tables where table_schema = 'public' order by 1");
  return result.rows.map((r) => String(r.table_name));
}

describe('migratePostgres on PGlite', () => {
  it('creates every table, records each migration once, and is a no-op when run again', async () => {
    const client = new PGlite();
    try {
      const db = drizzlePglite({ client });
      await migratePostgres(db);
      await migratePostgres(db);
      const tables = await publicTables((text) => client.query(text));
      expect(tables).toEqual(expect.arrayContaining(['users', 'devices', 'refresh_tokens', 'user_credentials', 'server_settings', 'market_sales']));
      const applied = await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      expect(applied.rows[0]).toEqual({ n: journal.entries.length });
    } finally {
      await client.close();
    }
  });

  it('finds the migrations relative to its own file, whatever the working directory', () => {
    expect(PG_MIGRATIONS_FOLDER).toBe(path.resolve(import.meta.dirname, '..', 'migrations', 'pg') + path.sep);
  });
});

// Probe at collection time so the suite can be skipped (locally) or failed (CI=true) knowingly.
const reachable = await (async () => {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return { ok: true as const };
  } catch (error) {
    return { ok: false as const, reason: String(error) };
  } finally {
    await client.end().catch(() => {});
  }
})();
const skipPostgres = !reachable.ok && process.env.CI !== 'true';
if (skipPostgres) console.warn(`[db/migrate] Skipping the Postgres run: ${ADMIN_URL} is not reachable (${reachable.ok ? '' : reachable.reason}).`);

(skipPostgres ? describe.skip : describe)('migratePostgres on Postgres', () => {
  const name = `roi_test_migrate_${process.pid}_${Date.now().toString(36)}`;
  const admin = () => new pg.Client({ connectionString: ADMIN_URL });
  afterAll(async () => {
    const client = admin();
    await client.connect().catch(() => {});
    await client.query(`drop database if exists "${name}" with (force)`).catch(() => {});
    await client.end().catch(() => {});
  });

  it('applies the migrations once even when several servers start at the same moment', async () => {
    if (!reachable.ok) throw new Error(`Postgres at ${ADMIN_URL} is required when CI=true: ${reachable.reason}`);
    const client = admin();
    await client.connect();
    await client.query(`create database "${name}"`);
    await client.end();

    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: url.toString(), max: 2 }));
    try {
      // Without the advisory lock, concurrent runs fail with "relation already exists".
      await Promise.all(pools.map((pool) => migratePostgres(drizzleNodePg({ client: pool }))));
      const tables = await publicTables((text) => pools[0]!.query(text));
      expect(tables).toEqual(expect.arrayContaining(['users', 'devices', 'refresh_tokens', 'server_settings']));
      const applied = await pools[0]!.query('select count(*)::int as n from drizzle.__drizzle_migrations');
      expect(applied.rows[0]).toEqual({ n: journal.entries.length });
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });
});

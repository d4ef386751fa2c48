// Applies db/migrations/pg to a Postgres database, whether it is a real server (node-postgres) or the
// embedded PGlite. Both go through drizzle's own migrator so the journal table (drizzle.__drizzle_migrations)
// is the one drizzle-kit understands.
import { fileURLToPath } from 'node:url';
import { is } from 'drizzle-orm';
import { drizzle as drizzleNodePg, NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Pool, PoolClient } from 'pg';

/** Resolved from this file, not the cwd: the server may be started from any directory (or packaged). */
export const PG_MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations/pg/', import.meta.url));

// Any key works as long as every ROI Desk process uses the same one; the two-int form avoids clashing
// with single-bigint advisory locks other tools may take on a shared database.
const MIGRATION_LOCK = { classId: 7300, objectId: 1 } as const;

/** A drizzle database on either driver, with any schema (the migrator never looks at it). */
export type MigratablePgDatabase<TSchema extends Record<string, unknown> = Record<string, unknown>> =
  | NodePgDatabase<TSchema>
  | PgliteDatabase<TSchema>;

/**
 * Brings the database up to the newest migration. Safe to call on every start and from several
 * server processes at once: on a real Postgres the run holds an advisory lock, because drizzle's
 * migrator reads "what is applied" outside its transaction and two concurrent runs would both try
 * to create the same tables. PGlite is a single connection in one process, so no lock is needed.
 */
export async function migratePostgres<TSchema extends Record<string, unknown>>(db: MigratablePgDatabase<TSchema>): Promise<void> {
  const config = { migrationsFolder: PG_MIGRATIONS_FOLDER };
  if (is(db, PgliteDatabase)) {
    await migratePglite(db, config);
    return;
  }
  if (!is(db, NodePgDatabase)) {
    throw new TypeError('migratePostgres needs a drizzle database from drizzle-orm/node-postgres or drizzle-orm/pglite.');
  }
  // drizzle() attaches the pg client it was built on as $client (not declared on the class type).
  const client = (db as unknown as { $client: Pool | PoolClient }).$client;
  // A Pool hands out a different connection per query; the lock must live on one session, so take a
  // dedicated client and run the migrator on it.
  const isPool = typeof (client as Pool).totalCount === 'number';
  const session: PoolClient = isPool ? await (client as Pool).connect() : (client as PoolClient);
  try {
    await session.query('select pg_advisory_lock($1, $2)', [MIGRATION_LOCK.classId, MIGRATION_LOCK.objectId]);
    try {
      await migrateNodePg(drizzleNodePg({ client: session }), config);
    } finally {
      await session.query('select pg_advisory_unlock($1, $2)', [MIGRATION_LOCK.classId, MIGRATION_LOCK.objectId]);
    }
  } finally {
    if (isPool) session.release();
  }
}

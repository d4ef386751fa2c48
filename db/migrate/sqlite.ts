// Applies db/migrations/sqlite to a local replica. Drizzle's migrator runs all pending migrations in one
// transaction; before touching an existing file we copy it aside, so a failed upgrade can be undone by hand.
import type Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SQLITE_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/sqlite', import.meta.url));

export type SqliteMigrationResult = { applied: number; backupPath: string | null };

function pendingMigrationCount(sqlite: Database.Database): number {
  const all = readMigrationFiles({ migrationsFolder: SQLITE_MIGRATIONS_DIR });
  const hasTable = sqlite
    .prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`)
    .get();
  if (!hasTable) return all.length;
  const last = sqlite.prepare('SELECT max(created_at) AS at FROM __drizzle_migrations').get() as { at: number | null };
  return all.filter((m) => last.at === null || m.folderMillis > last.at).length;
}

/**
 * Migrates `sqlite` (opened on `file`) to the newest schema. Returns how many migrations ran and where the
 * pre-migration backup went (null for a new database or when nothing was pending).
 */
export function migrateSqlite(sqlite: Database.Database, file: string, now: Date = new Date()): SqliteMigrationResult {
  const pending = pendingMigrationCount(sqlite);
  if (pending === 0) return { applied: 0, backupPath: null };
  const isNewDatabase = !(sqlite.prepare(`SELECT count(*) AS n FROM sqlite_master`).get() as { n: number }).n;
  let backupPath: string | null = null;
  if (!isNewDatabase && file !== ':memory:') {
    backupPath = `${file}.before-migration-${now.toISOString().replace(/[:.]/g, '-')}`;
    if (existsSync(backupPath)) throw new Error(`Backup ${backupPath} already exists; move it away and restart.`);
    // VACUUM INTO writes a consistent copy even in WAL mode, without closing the connection.
    sqlite.prepare('VACUUM INTO ?').run(backupPath);
  }
  migrate(drizzle(sqlite), { migrationsFolder: SQLITE_MIGRATIONS_DIR });
  return { applied: pending, backupPath };
}

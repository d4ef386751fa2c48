import Database from 'better-sqlite3';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrateSqlite } from './sqlite.ts';

const tempFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'roi-migrate-')), 'replica.sqlite');
const tableNames = (db: Database.Database) =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);

describe('migrateSqlite', () => {
  it('creates every table in a new database without a backup, and is a no-op the second time', () => {
    const file = tempFile();
    const db = new Database(file);
    const first = migrateSqlite(db, file);
    expect(first.applied).toBeGreaterThan(0);
    expect(first.backupPath).toBeNull();
    expect(tableNames(db)).toEqual(expect.arrayContaining(['contacts', 'alerts', 'events', 'local_settings']));
    expect(migrateSqlite(db, file)).toEqual({ applied: 0, backupPath: null });
    db.close();
  });

  it('backs up an existing database before migrating it, keeping its data in the copy', () => {
    const file = tempFile();
    const db = new Database(file);
    db.exec(`CREATE TABLE legacy_notes (body TEXT); INSERT INTO legacy_notes VALUES ('keep me')`);
    const result = migrateSqlite(db, file, new Date('2026-01-02T03:04:05Z'));
    expect(result.backupPath).toMatch(/before-migration-2026-01-02T03-04-05-000Z$/);
    expect(existsSync(result.backupPath!)).toBe(true);
    const backup = new Database(result.backupPath!, { readonly: true });
    expect(backup.prepare('SELECT body FROM legacy_notes').get()).toEqual({ body: 'keep me' });
    expect(tableNames(backup)).not.toContain('contacts');
    backup.close();
    db.close();
  });

  it('rolls back a failing migration as a whole, leaving the database as it was', () => {
    const file = tempFile();
    const db = new Database(file);
    migrateSqlite(db, file);
    db.prepare(`INSERT INTO local_settings (key, value) VALUES ('theme', '"dark"')`).run();
    // Forget that the migration ran: re-running it must fail (tables exist) and change nothing.
    db.exec('DELETE FROM __drizzle_migrations');
    expect(() => migrateSqlite(db, file)).toThrow();
    expect(db.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get()).toEqual({ n: 0 });
    expect(db.prepare(`SELECT value FROM local_settings WHERE key = 'theme'`).get()).toEqual({ value: '"dark"' });
    db.close();
  });
});

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase, redactDatabaseUrl, rowsOf } from './database.ts';
import { createTestDatabase } from './testing/test-databases.ts';

describe('embedded database', () => {
  it('refuses a second opener of the same directory, and takes over a lock left by a dead process', async () => {
    const test = await createTestDatabase('pglite');
    try {
      const first = await openDatabase({ dataDir: test.dataDir });
      await expect(openDatabase({ dataDir: test.dataDir })).rejects.toThrow(/in use by another ROI Desk server \(process \d+, this one\)/);
      await first.close();

      // A crashed server leaves its lock behind; a pid that no longer exists does not block.
      await writeFile(path.join(test.dataDir, 'pglite.lock'), '2147483646');
      const second = await openDatabase({ dataDir: test.dataDir });
      expect(rowsOf(await second.db.execute(sql`select 1 as one`))).toEqual([{ one: 1 }]);
      expect(second.kind).toBe('pglite');
      await second.close();
      await second.close(); // idempotent
    } finally {
      await test.drop();
    }
  });
});

describe('redactDatabaseUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactDatabaseUrl('postgres://roi:p%40ss@db.example:5432/roi?sslmode=require')).toBe('postgres://roi:***@db.example:5432/roi?sslmode=require');
    expect(redactDatabaseUrl('postgres://db/roi')).toBe('postgres://db/roi');
    expect(redactDatabaseUrl('not a url')).toBe('(unparseable DATABASE_URL)');
  });
});

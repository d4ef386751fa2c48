import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLocalStore } from './local-store.ts';
import { MAIN_CONNECTION_AUTOCHECKPOINT_PAGES, WAL_SIZE_LIMIT_BYTES } from './wal-checkpointer.ts';

describe('WAL checkpoints off the main thread', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'roi-wal-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the worker copies committed pages into the database file while the main connection never checkpoints', async () => {
    const file = path.join(dir, 'replica.sqlite');
    const store = openLocalStore(file);
    try {
      expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(MAIN_CONNECTION_AUTOCHECKPOINT_PAGES);
      expect(store.sqlite.pragma('journal_size_limit', { simple: true })).toBe(WAL_SIZE_LIMIT_BYTES);
      store.sqlite.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)');
      const before = statSync(file).size;
      const insert = store.sqlite.prepare('INSERT INTO filler (body) VALUES (?)');
      // ~2 MB in 20 commits: far below the main connection's own threshold, so only the worker can move it.
      for (let commit = 0; commit < 20; commit++) store.sqlite.transaction(() => { for (let i = 0; i < 50; i++) insert.run('x'.repeat(2_000)); })();
      const deadline = Date.now() + 10_000;
      while (statSync(file).size < before + 1_500_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(statSync(file).size).toBeGreaterThan(before + 1_500_000);
      expect((store.sqlite.prepare('SELECT count(*) AS n FROM filler').get() as { n: number }).n).toBe(1_000);
    } finally {
      store.close();
    }
  });
});

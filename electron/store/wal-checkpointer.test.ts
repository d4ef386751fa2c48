import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openLocalStore } from './local-store.ts';
import { MAIN_CONNECTION_AUTOCHECKPOINT_PAGES, startWalCheckpointer, WAL_SIZE_LIMIT_BYTES } from './wal-checkpointer.ts';

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

describe('closing a replica', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'roi-wal-close-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves every committed row in the database file itself, even while the worker still has it open', async () => {
    const file = path.join(dir, 'replica.sqlite');
    const store = openLocalStore(file);
    store.sqlite.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)');
    await store.checkpointNow(); // the worker has its connection open from here on
    const insert = store.sqlite.prepare('INSERT INTO filler (body) VALUES (?)');
    store.sqlite.transaction(() => { for (let i = 0; i < 2_000; i++) insert.run('x'.repeat(2_000)); })();
    store.close();
    // The file alone, as a copy or a rename without its -wal would have it (the worker closes later).
    const copy = path.join(dir, 'copy.sqlite');
    copyFileSync(file, copy);
    const reopened = new Database(copy, { readonly: true });
    try {
      expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((reopened.prepare('SELECT count(*) AS n FROM filler').get() as { n: number }).n).toBe(2_000);
    } finally {
      reopened.close();
    }
  });
});

describe('checkpointNow', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'roi-wal-now-'));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies what was written at once, so the next write starts the WAL over; resolves after stop too', async () => {
    const file = path.join(dir, 'replica.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0'); // only the worker checkpoints here
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)');
    const checkpointer = startWalCheckpointer(file, 60_000); // no timer checkpoint during the test
    try {
      const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
      const burst = () => db.transaction(() => { for (let i = 0; i < 500; i++) insert.run('x'.repeat(2_000)); })();
      burst();
      const walAfterBurst = statSync(`${file}-wal`).size;
      expect(walAfterBurst).toBeGreaterThan(1_000_000);
      await checkpointer.checkpointNow();
      expect(statSync(file).size).toBeGreaterThan(1_000_000); // the pages are in the database file
      burst(); // starts the WAL over instead of appending: the file does not grow
      expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(walAfterBurst);
    } finally {
      checkpointer.stop();
      await checkpointer.checkpointNow(); // stopped: resolves at once
      db.close();
    }
  });
});

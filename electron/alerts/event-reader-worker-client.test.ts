// The helper thread that reads part of the events table for the alert worker (a real worker thread on a real file).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalStore } from '../store/local-store.ts';
import { createEventColumns } from './event-columns.ts';
import { startEventReaderHelper } from './event-reader-worker-client.ts';
import { createEventRowReader } from './event-rows.ts';

describe('the event reader helper thread', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'roi-event-reader-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a rowid range on its own connection into columns that append like rows read here', () => {
    const file = path.join(dir, 'replica.sqlite');
    const store = openLocalStore(file);
    const helper = startEventReaderHelper(file);
    try {
      const insert = store.sqlite.prepare(`INSERT INTO events (id, brokerage_id, contact_id, type, occurred_at, props, created_at) VALUES (?, 'b1', ?, ?, ?, ?, '2015-01-01T00:00:00.000Z')`);
      for (let i = 0; i < 500; i++) {
        insert.run(`e${i}`, `c${i % 7}`, i % 3 ? 'home_search' : 'document_viewed', new Date(Date.UTC(2015, 0, 1) + i * 3_600_000).toISOString(), i % 3 ? `{"zipcode":"98${100 + (i % 5)}"}` : '{"document":"deed"}');
      }
      const reader = createEventRowReader(store.sqlite);
      const [low, high] = [0, 500];
      const middle = 200;
      const here = createEventColumns();
      reader.readRange(here, low, high); // the whole table on this thread

      const split = createEventColumns();
      const wait = helper.readRange(middle, high);
      reader.readRange(split, low, middle);
      const answer = wait();
      expect(answer).not.toBeNull();
      expect(answer!.rows).toBe(300);
      expect(answer!.lastRowid).toBe(500);
      expect(answer!.version).toBe(reader.changeVersion());
      split.append(answer!.columns);

      const events = (columns: typeof here) => {
        const seen: string[] = [];
        columns.forEachOf(['c0', 'c3', 'c6'], (c, at, code, detail) => seen.push(`${c}:${at}:${code}:${detail}`), (c) => seen.push(`done ${c}`));
        return seen;
      };
      expect(split.count).toBe(500);
      expect(events(split)).toEqual(events(here));
      expect(split.span()).toEqual(here.span());

      // A second request on the same thread sees what was written since.
      insert.run('e500', 'c0', 'login', '2016-01-01T00:00:00.000Z', '{}');
      expect(helper.readRange(500, 501)()?.rows).toBe(1);
    } finally {
      helper.close();
      store.close();
    }
  });

  it('answers null (the caller reads the range itself) when the file cannot be read, and is not started again', () => {
    const helper = startEventReaderHelper(path.join(dir, 'missing.sqlite'));
    try {
      expect(helper.readRange(0, 10)()).toBeNull();
      expect(helper.readRange(0, 10)()).toBeNull();
    } finally {
      helper.close();
    }
  });
});

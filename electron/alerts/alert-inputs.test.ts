// The event-time parser of the alert worker's reader: its fast path must give exactly what Date.parse gives.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalStore } from '../store/local-store.ts';
import { createAlertInputs, prefetchedHelperShare } from './alert-inputs.ts';
import { createEventColumns } from './event-columns.ts';
import { startEventReaderHelper, type EventReaderHelper } from './event-reader-worker-client.ts';
import { parseEventTime } from './event-rows.ts';

describe('parseEventTime', () => {
  it('gives Date.parse for the stored form and everything else', () => {
    const samples = [
      '2015-05-31T23:59:59.999Z',
      '2015-01-01T00:00:00.000Z',
      '1999-12-28T12:34:56.789Z',
      '2024-02-29T10:00:00.000Z', // past the 28th: Date.parse itself
      '2015-02-30T00:00:00.000Z',
      '2015-13-01T00:00:00.000Z',
      '2015-00-10T00:00:00.000Z',
      '2015-01-10T24:00:00.000Z',
      '2015-01-10T10:60:00.000Z',
      '2015-01-10T10:00:00.000+02:00',
      '2015-01-10T10:00:00Z',
      '2015-01-10',
      '2015-01-10 10:00:00',
      '2015-0a-10T10:00:00.000Z',
      'not a time',
      '',
    ];
    for (let i = 0; i < 2000; i++) samples.push(new Date(Date.UTC(1990, 0, 1) + Math.floor(Math.random() * 40 * 365 * 86_400_000)).toISOString());
    for (const text of samples) expect(Object.is(parseEventTime(text), Date.parse(text)), text).toBe(true);
  });
});

/** A replica (in memory unless `file` is given) with `contactIds` (zip 98103) and a statement that inserts (or replaces) events. */
function replicaWith(contactIds: string[], file = ':memory:') {
  const store = openLocalStore(file);
  const contact = store.sqlite.prepare(`INSERT INTO contacts (id, brokerage_id, zipcode, created_at, updated_at) VALUES (?, 'b1', '98103', '2015-01-01T00:00:00.000Z', '2015-01-01T00:00:00.000Z')`);
  for (const id of contactIds) contact.run(id);
  const insertEvent = store.sqlite.prepare(`INSERT OR REPLACE INTO events (id, brokerage_id, contact_id, type, occurred_at, props, created_at) VALUES (?, 'b1', ?, ?, ?, ?, '2015-01-01T00:00:00.000Z')`);
  return { store, db: store.sqlite, insertEvent };
}

describe('createAlertInputs contacts', () => {
  it("gives each live contact its home: the live property bought last (a later id breaks no tie: the first id wins)", () => {
    const { store, db } = replicaWith(['c1', 'c2', 'c3', 'gone']);
    try {
      db.prepare(`UPDATE contacts SET deleted_at = '2015-02-01T00:00:00.000Z' WHERE id = 'gone'`).run();
      const property = db.prepare(
        `INSERT INTO properties (id, brokerage_id, contact_id, address, purchase_date, purchase_price, loan_rate, deleted_at, created_at, updated_at)
         VALUES (?, 'b1', ?, 'somewhere', ?, ?, ?, ?, '2015-01-01T00:00:00.000Z', '2015-01-01T00:00:00.000Z')`,
      );
      property.run('p-old', 'c1', '2001-05-01', 300_000, 6.5, null);
      property.run('p-new', 'c1', '2012-05-01', 500_000, 3.9, null);
      property.run('p-newest-deleted', 'c1', '2014-05-01', 900_000, 4.1, '2015-01-02T00:00:00.000Z');
      property.run('p-undated', 'c1', null, 100_000, null, null);
      property.run('p-b', 'c2', '2010-01-01', 400_000, null, null);
      property.run('p-a', 'c2', '2010-01-01', 410_000, null, null);
      property.run('p-gone', 'gone', '2010-01-01', 1, null, null);
      const inputs = createAlertInputs(db);
      const homes = (ids: string[] | null) =>
        inputs.contacts(ids).map(({ contact, propertyId }) => [contact.id, propertyId, contact.isOwner, contact.purchasePrice, contact.loanRate, contact.purchaseDate]);
      expect(homes(null)).toEqual([
        ['c1', 'p-new', true, 500_000, 3.9, Date.parse('2012-05-01')],
        ['c2', 'p-a', true, 410_000, null, Date.parse('2010-01-01')],
        ['c3', null, false, null, null, null],
      ]);
      expect(homes(['c2', 'gone', 'c3'])).toEqual([
        ['c2', 'p-a', true, 410_000, null, Date.parse('2010-01-01')],
        ['c3', null, false, null, null, null],
      ]);
    } finally {
      store.close();
    }
  });
});

describe('createAlertInputs histories', () => {
  it('reads hostile details and odd times the same through the table scan as through the index', () => {
    const { store, db, insertEvent: event } = replicaWith(['c1', 'c"2', 'c,3]', 'c4 ✓']);
    try {
      const rows: [string, string, string, string][] = [
        ['c1', 'home_search', '2015-01-10T10:00:00.000Z', '{"zipcode":"98103"}'],
        ['c1', 'home_search', '2015-01-10T10:00:00.000Z', '{"zipcode":"9,8\\"1]0[4"}'], // same time: ties keep table order
        ['c1', 'calculator_used', '2015-02-29T10:00:00.000Z', '{"calculator":"refinance"}'], // no such day: whatever Date.parse makes of it, in both
        ['c"2', 'calculator_used', '2015-01-30T23:59:59.999Z', '{"calculator":"rental ✓ 😀"}'],
        ['c"2', 'document_viewed', '2015-01-11T10:00:00+02:00', '{"document":"deed"}'],
        ['c"2', 'document_shared', '2015-01-12', 'not json'],
        ['c,3]', 'login', '2015-01-05T01:02:03Z', '{}'],
        ['c,3]', 'made_up_type', '2015-01-06T01:02:03.000Z', '{}'],
        ['c4 ✓', 'home_search', '2015-01-07T08:00:00.000Z', '{"zipcode":98103}'], // a number is no detail
        ['nobody', 'login', '2014-12-01T00:00:00.000Z', '{}'], // a contact not asked for counts only in `all`
      ];
      rows.forEach((row, i) => event.run(`e${i}`, ...row));
      const inputs = createAlertInputs(db);
      const contacts = inputs.contacts(null);
      const scanned = inputs.histories(contacts, true);
      const indexed = inputs.histories(contacts, false);
      expect(scanned.histories.map((history) => history.times.length)).toEqual([3, 1, 3, 1]); // contacts in id order: c"2, c,3], c1, c4 ✓
      expect(indexed.histories).toEqual(scanned.histories);
      expect(scanned.all!.first).toBe(Date.parse('2014-12-01T00:00:00.000Z'));
      expect([scanned.first, scanned.newest]).toEqual([Date.parse('2015-01-05T01:02:03Z'), Date.parse('2015-02-29T10:00:00.000Z')]);
    } finally {
      store.close();
    }
  });
});

const day = (n: number) => new Date(Date.UTC(2015, 0, 1 + n, 12)).toISOString();

describe("the scan's copy of the events table", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'roi-alert-inputs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['read on one thread', ':memory:'],
    // A file-backed replica whose whole reads are split with the real helper thread (every read counts as large).
    ['half read by the helper thread', 'replica.sqlite'],
  ] as const)('stays equal to the table through appends, in-place changes, replaced rows and deletes (%s)', (_, file) => {
    const { store, db, insertEvent: insert } = replicaWith(['c1', 'c2', 'c3'], file === ':memory:' ? file : path.join(dir, file));
    let helped = 0;
    let [started, closed] = [0, 0];
    const countingHelper = (dbFile: string): EventReaderHelper => {
      const helper = startEventReaderHelper(dbFile);
      started++;
      return {
        readRange: (after, upTo) => {
          const wait = helper.readRange(after, upTo);
          return () => {
            const answer = wait();
            if (answer) helped++;
            return answer;
          };
        },
        close: () => {
          closed++;
          helper.close();
        },
      };
    };
    const inputs = createAlertInputs(db, file === ':memory:' ? {} : { parallelReadMinRows: 1, startHelper: countingHelper });
    try {
      for (let i = 0; i < 30; i++) insert.run(`e${i}`, `c${(i % 3) + 1}`, i % 2 ? 'home_search' : 'calculator_used', day(i), i % 2 ? '{"zipcode":"98004"}' : '{"calculator":"refinance"}');
      const agree = (contacts = inputs.contacts(null)) => {
        const scanned = inputs.histories(contacts, true);
        expect(scanned.histories).toEqual(inputs.histories(contacts, false).histories);
        return scanned.histories.map((history) => history.times.length);
      };
      expect(agree()).toEqual([10, 10, 10]);
      // A contact moved into the area it searched: its searches become own-area ones (the history is rebuilt).
      db.prepare(`UPDATE contacts SET zipcode = '98004' WHERE id = 'c2'`).run();
      expect(agree()).toEqual([10, 10, 10]);
      expect(inputs.histories(inputs.contacts(['c2']), true).histories[0]!.codes).toEqual(inputs.histories(inputs.contacts(['c2']), false).histories[0]!.codes);
      // Only some contacts asked for.
      expect(agree(inputs.contacts(['c3', 'c1']))).toEqual([10, 10]);
      // Appended: read from where the copy ended.
      insert.run('e30', 'c1', 'login', day(40), '{}');
      insert.run('e31', 'c3', 'document_viewed', day(41), '{"document":"deed"}');
      expect(agree()).toEqual([11, 10, 11]);
      // Changed in place (another contact, another time): the change counter says so.
      db.prepare(`UPDATE events SET contact_id = 'c2', occurred_at = ? WHERE id = 'e0'`).run(day(50));
      expect(agree()).toEqual([10, 11, 11]);
      // Re-sent with INSERT OR REPLACE (a new rowid, no delete trigger): the row count says so.
      insert.run('e1', 'c3', 'calculator_used', day(60), '{"calculator":"rental"}');
      expect(agree()).toEqual([10, 10, 12]);
      // Deleted.
      db.prepare(`DELETE FROM events WHERE id IN ('e2', 'e4')`).run();
      expect(agree()).toEqual([10, 9, 11]);
      // Nothing changed: the copy answers as it is.
      expect(agree()).toEqual([10, 9, 11]);
      // Whole reads: the first, and after the change in place, the replaced row and the deletes.
      expect(helped).toBe(file === ':memory:' ? 0 : 4);
      // Each whole read started a helper thread and ended it once its half was in: none waits idle.
      expect([started, closed]).toEqual(file === ':memory:' ? [0, 0] : [4, 4]);
    } finally {
      inputs.close();
      store.close();
    }
  });

  it.each([
    ['rows appended', (insert: ReturnType<typeof replicaWith>['insertEvent']) => {
      insert.run('e30', 'c1', 'login', day(40), '{}');
      insert.run('e31', 'c2', 'login', day(41), '{}');
    }, [11, 11], 1],
    ['a row changed in place', (_: unknown, db: ReturnType<typeof replicaWith>['db']) => {
      db.prepare(`UPDATE events SET contact_id = 'c1' WHERE id = 'e19'`).run();
    }, [11, 9], 1],
    ['a row of the helper\u2019s half deleted', (_: unknown, db: ReturnType<typeof replicaWith>['db']) => {
      db.prepare(`DELETE FROM events WHERE id = 'e19'`).run();
    }, [10, 9], 1],
  ] as const)('starts the helper before the contacts are read, and stays exact with %s in between', (_, change, counts, requests) => {
    const { store, db, insertEvent: insert } = replicaWith(['c1', 'c2'], path.join(dir, `prefetch-${counts.join('-')}.sqlite`));
    let asked = 0;
    const ranges: number[] = [];
    // The helper's part is read at once, so the change below lands after its snapshot.
    const eagerHelper = (dbFile: string): EventReaderHelper => {
      const helper = startEventReaderHelper(dbFile);
      return {
        readRange: (after, upTo) => {
          asked++;
          ranges.push(upTo - after);
          const answer = helper.readRange(after, upTo)();
          return () => answer;
        },
        close: helper.close,
      };
    };
    const inputs = createAlertInputs(db, { parallelReadMinRows: 1, startHelper: eagerHelper });
    try {
      for (let i = 0; i < 20; i++) insert.run(`e${i}`, `c${(i % 2) + 1}`, 'login', day(i), '{}');
      inputs.prefetchWholeRead();
      change(insert, db);
      const contacts = inputs.contacts(null);
      const scanned = inputs.histories(contacts, true).histories;
      expect(scanned).toEqual(inputs.histories(contacts, false).histories);
      expect(scanned.map((history) => history.times.length)).toEqual(counts);
      expect(asked).toBe(requests); // the read used the split started early: no second request
      // The larger part, as this thread reads the contacts meanwhile: 2 contacts and 20 rows give it 72.5%.
      expect(ranges[0]).toBe(15);
    } finally {
      inputs.close();
      store.close();
    }
  });

  it("reads the helper's half itself when the helper read another snapshot or failed", () => {
    const { store, db, insertEvent: insert } = replicaWith(['c1', 'c2'], path.join(dir, 'stale.sqlite'));
    try {
      for (let i = 0; i < 20; i++) insert.run(`e${i}`, `c${(i % 2) + 1}`, 'login', day(i), '{}');
      // What a helper that read before a change in place would answer: its rows under an older counter.
      const staleHelper = (answer: 'older counter' | 'fewer rows' | 'failed'): EventReaderHelper => ({
        readRange: (after, upTo) => () => {
          if (answer === 'failed') return null;
          const columns = createEventColumns();
          const rows = db.prepare('SELECT rowid, contact_id FROM events WHERE rowid > ? AND rowid <= ? ORDER BY rowid').all(after, upTo) as { rowid: number; contact_id: string }[];
          const kept = answer === 'fewer rows' ? rows.slice(1) : rows;
          for (const row of kept) columns.add(row.contact_id, 0, Date.parse(day(99)), null); // not what the table holds
          const version = (db.prepare('SELECT version FROM local_event_changes WHERE id = 1').pluck().get() as number) - (answer === 'older counter' ? 1 : 0);
          return { id: 1, ok: true, version, lastRowid: upTo, rows: kept.length, columns: columns.export() };
        },
        close: () => {},
      });
      for (const answer of ['older counter', 'fewer rows', 'failed'] as const) {
        const inputs = createAlertInputs(db, { parallelReadMinRows: 1, startHelper: () => staleHelper(answer) });
        const contacts = inputs.contacts(null);
        const scanned = inputs.histories(contacts, true).histories;
        expect(scanned, answer).toEqual(inputs.histories(contacts, false).histories);
        expect(scanned.map((history) => history.times.length), answer).toEqual([10, 10]);
      }
    } finally {
      store.close();
    }
  });
});

describe('prefetchedHelperShare', () => {
  it('gives the helper half of the events plus half of what reading the contacts costs, at most 80%', () => {
    expect(prefetchedHelperShare(0, 1_000_000)).toBe(0.5);
    expect(prefetchedHelperShare(100_000, 0)).toBe(0.5);
    expect(prefetchedHelperShare(100_000, 1_000_000)).toBeCloseTo(0.725); // the bench replica
    expect(prefetchedHelperShare(15_000, 1_144_159)).toBeCloseTo(0.53, 2); // the engagement dataset's shape
    expect(prefetchedHelperShare(1_000_000, 1_000_000)).toBe(0.8);
  });
});

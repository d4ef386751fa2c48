// The event-time parser of the alert worker's reader: its fast path must give exactly what Date.parse gives.
import { describe, expect, it } from 'vitest';
import { openLocalStore } from '../store/local-store.ts';
import { createAlertInputs, parseEventTime } from './alert-inputs.ts';

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

/** An in-memory replica with `contactIds` (zip 98103) and a statement that inserts (or replaces) events. */
function replicaWith(contactIds: string[]) {
  const store = openLocalStore(':memory:');
  const contact = store.sqlite.prepare(`INSERT INTO contacts (id, brokerage_id, zipcode, created_at, updated_at) VALUES (?, 'b1', '98103', '2015-01-01T00:00:00.000Z', '2015-01-01T00:00:00.000Z')`);
  for (const id of contactIds) contact.run(id);
  const insertEvent = store.sqlite.prepare(`INSERT OR REPLACE INTO events (id, brokerage_id, contact_id, type, occurred_at, props, created_at) VALUES (?, 'b1', ?, ?, ?, ?, '2015-01-01T00:00:00.000Z')`);
  return { store, db: store.sqlite, insertEvent };
}

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

describe("the scan's copy of the events table", () => {
  it('stays equal to the table through appends, in-place changes, replaced rows and deletes', () => {
    const { store, db, insertEvent: insert } = replicaWith(['c1', 'c2', 'c3']);
    try {
      const day = (n: number) => new Date(Date.UTC(2015, 0, 1 + n, 12)).toISOString();
      for (let i = 0; i < 30; i++) insert.run(`e${i}`, `c${(i % 3) + 1}`, i % 2 ? 'home_search' : 'calculator_used', day(i), i % 2 ? '{"zipcode":"98004"}' : '{"calculator":"refinance"}');
      const inputs = createAlertInputs(db);
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
    } finally {
      store.close();
    }
  });
});

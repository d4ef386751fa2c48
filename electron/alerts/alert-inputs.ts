// Reads what the intent models need from the replica: contacts with their home (the owner facts live on
// `properties`), their events, and the span of the event history. Produces the same plain records
// (models/intent/intent-inputs.ts) `roi score` builds from CSV files, so both share one feature builder.
// A contact without a property is a non-owner; one without events simply has an empty history.
import type Database from 'better-sqlite3';
import { EVENT_TYPES } from '../../db/schema/vocabulary.ts';
import { prepareContactHistory, type ContactHistory } from '../../models/intent/features.ts';
import { DETAIL_PROP, parseUtc, type IntentContact, type IntentEvent } from '../../models/intent/intent-inputs.ts';
import { isOpen, OPEN_STATUSES } from './alert-rules.ts';
import { createEventColumns, type EventColumns } from './event-columns.ts';

export type ContactInput = { contact: IntentContact; propertyId: string | null; assignedAgentId: string | null };

type ContactRow = {
  id: string;
  zipcode: string | null;
  household_size: number | null;
  age_band: string | null;
  source: string | null;
  assigned_agent_id: string | null;
  property_id: string | null;
  purchase_date: string | null;
  purchase_price: number | null;
  loan_original: number | null;
  loan_rate: number | null;
  loan_term_years: number | null;
  estimate: number | null;
  sqft_living: number | null;
  bedrooms: number | null;
  yr_built: number | null;
  grade: number | null;
};

const TYPES_LIST = EVENT_TYPES.map((type) => `'${type}'`).join(', ');
/** An event's type as its index in EVENT_TYPES (-1: a type the models do not know): a small integer crosses from SQLite far cheaper than a string. */
const TYPE_CODE_SQL = `CASE type ${EVENT_TYPES.map((type, i) => `WHEN '${type}' THEN ${i}`).join(' ')} ELSE -1 END`;
/**
 * An event's detail in SQL, as eventDetail (models/intent/intent-inputs.ts) reads it from the same props:
 * the DETAIL_PROP of its type when that is a JSON string, else none (reading JSON in SQLite is several
 * times faster than JSON.parse per row, and only the types with a detail have their props parsed at all).
 * Damaged JSON only loses the detail.
 */
const DETAIL_SQL = `CASE type ${Object.entries(DETAIL_PROP)
  .map(([type, prop]) => `WHEN '${type}' THEN CASE WHEN json_valid(props) THEN CASE WHEN json_type(props, '$.${prop}') = 'text' THEN json_extract(props, '$.${prop}') END END`)
  .join(' ')} END`;

const digit = (text: string, at: number) => text.charCodeAt(at) - 48;
const isDigits = (text: string, from: number, to: number) => {
  for (let i = from; i < to; i++) {
    const d = digit(text, i);
    if (d < 0 || d > 9) return false;
  }
  return true;
};

/**
 * Date.parse of an event time, with a fast path for the form the replica stores (`YYYY-MM-DDTHH:MM:SS.sssZ`,
 * what toISOString writes): a million events pay ~0.3 µs each in Date.parse. Anything else (other forms,
 * days past the 28th, out-of-range fields) goes to Date.parse, so the result is always Date.parse's.
 */
export function parseEventTime(text: string): number {
  if (
    text.length === 24 &&
    text.charCodeAt(4) === 45 && // -
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 84 && // T
    text.charCodeAt(13) === 58 && // :
    text.charCodeAt(16) === 58 &&
    text.charCodeAt(19) === 46 && // .
    text.charCodeAt(23) === 90 && // Z
    isDigits(text, 0, 4) &&
    isDigits(text, 5, 7) &&
    isDigits(text, 8, 10) &&
    isDigits(text, 11, 13) &&
    isDigits(text, 14, 16) &&
    isDigits(text, 17, 19) &&
    isDigits(text, 20, 23)
  ) {
    const month = digit(text, 5) * 10 + digit(text, 6);
    const day = digit(text, 8) * 10 + digit(text, 9);
    const hour = digit(text, 11) * 10 + digit(text, 12);
    const minute = digit(text, 14) * 10 + digit(text, 15);
    const second = digit(text, 17) * 10 + digit(text, 18);
    if (month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour <= 23 && minute <= 59 && second <= 59) {
      const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
      const ms = digit(text, 20) * 100 + digit(text, 21) * 10 + digit(text, 22);
      return Date.UTC(year, month - 1, day, hour, minute, second, ms);
    }
  }
  return Date.parse(text);
}

const finite = (value: number | null) => (value === null || !Number.isFinite(value) ? null : value);

export type EventHistories = {
  histories: ContactHistory[];
  first: number;
  newest: number;
  /** Over every event row of the replica (contacts deleted since included), when the whole table was read. */
  all: { first: number; newest: number } | null;
};

/** Event rows per page of the table scan (progress is reported after each: the worker checks for a close request there). */
const SCAN_PAGE = 20_000;

export function createAlertInputs(db: Database.Database) {
  const eventsOfContact = db.prepare(`SELECT ${TYPE_CODE_SQL}, occurred_at, ${DETAIL_SQL} FROM events WHERE contact_id = ? ORDER BY occurred_at`).raw();
  // In table (rowid) order from a rowid on, a page at a time: .all() on a page costs ~12% less than
  // iterating row by row, and a page is dropped before the next is read.
  const eventPage = db.prepare(`SELECT rowid, contact_id, ${TYPE_CODE_SQL}, occurred_at, ${DETAIL_SQL} FROM events WHERE rowid > ? ORDER BY rowid LIMIT ${SCAN_PAGE}`).raw();
  const changeVersion = db.prepare('SELECT version FROM local_event_changes WHERE id = 1').pluck();
  const rowCount = db.prepare('SELECT count(*) FROM events').pluck();

  /**
   * The events table in columns, kept between runs: the rows read so far (by rowid: rowids only grow on
   * insert), how many there were, and the change counter they were read under. A row removed or replaced
   * (INSERT OR REPLACE takes a new rowid and fires no delete trigger) makes the table's count disagree with
   * the rows seen; a row changed in place bumps local_event_changes (sqlite migration 0009). Either way the
   * copy is read again whole.
   */
  let kept: { columns: EventColumns; lastRowid: number; rowsSeen: number; version: number } | null = null;
  const readRowsAfter = (copy: NonNullable<typeof kept>, onProgress?: () => void) => {
    for (;;) {
      const rows = eventPage.all(copy.lastRowid) as [number, string, number, string, string | null][];
      if (rows.length === 0) return;
      for (let r = 0; r < rows.length; r++) {
        const [, contactId, code, occurredAt, detail] = rows[r]!;
        if (code < 0) continue;
        const at = parseEventTime(occurredAt);
        if (Number.isFinite(at)) copy.columns.add(contactId, code, at, detail);
      }
      // Kept consistent page by page: a run stopped between pages continues from here next time.
      copy.lastRowid = rows[rows.length - 1]![0];
      copy.rowsSeen += rows.length;
      onProgress?.();
    }
  };
  // One read transaction: the counter, the rows and the count are one snapshot.
  const refreshEventColumns = db.transaction((onProgress?: () => void): EventColumns => {
    const version = changeVersion.get() as number;
    if (kept && kept.version === version) {
      readRowsAfter(kept, onProgress);
      if (rowCount.get() === kept.rowsSeen) return kept.columns;
    }
    kept = { columns: createEventColumns(), lastRowid: Number.MIN_SAFE_INTEGER, rowsSeen: 0, version };
    readRowsAfter(kept, onProgress);
    return kept.columns;
  });

  const indexedHistories = (contacts: readonly ContactInput[], onProgress?: () => void): EventHistories => {
    const histories: ContactHistory[] = new Array<ContactHistory>(contacts.length);
    let first = Number.NaN;
    let newest = Number.NaN;
    const events: IntentEvent[] = [];
    for (let c = 0; c < contacts.length; c++) {
      const { contact } = contacts[c]!;
      const rows = eventsOfContact.all(contact.id) as [number, string, string | null][];
      events.length = 0;
      for (let r = 0; r < rows.length; r++) {
        const [code, occurredAt, detail] = rows[r]!;
        if (code < 0) continue;
        const at = parseEventTime(occurredAt);
        if (!Number.isFinite(at)) continue;
        const type = EVENT_TYPES[code]!;
        events.push(detail === null ? { type, at } : { type, at, detail });
        if (!(at >= first)) first = at;
        if (!(at <= newest)) newest = at;
      }
      histories[c] = prepareContactHistory(contact, events); // copies the events into its own arrays
      if (c % 1024 === 1023) onProgress?.();
    }
    return { histories, first, newest, all: null };
  };

  /**
   * The histories built from the copy, by contact, while the copy lasts: a contact whose events and zip code
   * (which decides own-area searches) are unchanged gets its history again with its current record.
   */
  let built: { columns: EventColumns; byContact: Map<string, { history: ContactHistory; events: number }> } | null = null;

  const scanHistories = (contacts: readonly ContactInput[], onProgress?: () => void): EventHistories => {
    const columns = refreshEventColumns(onProgress);
    if (built?.columns !== columns) built = { columns, byContact: new Map() };
    const previous = built.byContact;
    // A run over most contacts keeps only theirs (contacts deleted since drop out); a small one adds to them.
    const current = contacts.length >= previous.size / 2 ? new Map<string, { history: ContactHistory; events: number }>() : previous;
    built.byContact = current;
    const histories: ContactHistory[] = new Array<ContactHistory>(contacts.length);
    const events: IntentEvent[] = [];
    let first = Number.NaN;
    let newest = Number.NaN;
    const widen = (at: number) => {
      if (!(at >= first)) first = at;
      if (!(at <= newest)) newest = at;
    };
    // Within a contact the events come in table order: prepareContactHistory's stable time sort then orders
    // ties as the index would (by row).
    columns.forEachOf(
      contacts.map(({ contact }) => contact.id),
      (_, at, code, detail) => {
        const type = EVENT_TYPES[code]!;
        events.push(detail === null ? { type, at } : { type, at, detail });
        widen(at);
      },
      (c) => {
        const { contact } = contacts[c]!;
        histories[c] = prepareContactHistory(contact, events); // copies the events into its own arrays
        current.set(contact.id, { history: histories[c], events: events.length });
        events.length = 0;
      },
      (c, count) => {
        const { contact } = contacts[c]!;
        const earlier = previous.get(contact.id);
        if (!earlier || earlier.events !== count || earlier.history.contact.zipcode !== contact.zipcode) return false;
        histories[c] = { ...earlier.history, contact };
        current.set(contact.id, { history: histories[c], events: count });
        if (count > 0) {
          widen(earlier.history.times[0]!);
          widen(earlier.history.times[count - 1]!);
        }
        return true;
      },
    );
    return { histories, first, newest, all: columns.span() };
  };
  const scope = (column: string, ids: string[] | null) => (ids === null ? '' : ` AND ${column} IN (SELECT value FROM json_each(?))`);
  const params = (ids: string[] | null) => (ids === null ? [] : [JSON.stringify(ids)]);

  // A contact's home: its live property (the most recently bought, if several).
  const contactsSql = (ids: string[] | null) => `
    SELECT c.id, c.zipcode, c.household_size, c.age_band, c.source, c.assigned_agent_id,
      p.id AS property_id, p.purchase_date, p.purchase_price, p.loan_original, p.loan_rate, p.loan_term_years,
      p.estimate, p.sqft_living, p.bedrooms, p.yr_built, p.grade
    FROM contacts c
    LEFT JOIN properties p ON p.id = (
      SELECT id FROM properties WHERE contact_id = c.id AND deleted_at IS NULL ORDER BY purchase_date DESC, id LIMIT 1)
    WHERE c.deleted_at IS NULL${scope('c.id', ids)}
    ORDER BY c.id`;

  return {
    contacts(ids: string[] | null): ContactInput[] {
      const rows = db.prepare(contactsSql(ids)).all(...params(ids)) as ContactRow[];
      return rows.map((row) => {
        const owner = row.property_id !== null;
        const purchaseDate = owner && row.purchase_date ? parseUtc(row.purchase_date) : Number.NaN;
        return {
          propertyId: row.property_id,
          assignedAgentId: row.assigned_agent_id,
          contact: {
            id: row.id,
            isOwner: owner,
            zipcode: row.zipcode,
            purchaseDate: Number.isFinite(purchaseDate) ? purchaseDate : null,
            purchasePrice: finite(row.purchase_price),
            loanOriginal: finite(row.loan_original),
            loanRate: finite(row.loan_rate),
            loanTermYears: finite(row.loan_term_years),
            estimatedValue: finite(row.estimate),
            sqftLiving: finite(row.sqft_living),
            bedrooms: finite(row.bedrooms),
            yearBuilt: finite(row.yr_built),
            grade: finite(row.grade),
            householdSize: finite(row.household_size),
            ageBand: row.age_band,
            source: row.source,
          },
        };
      });
    },

    /**
     * The contacts' event histories (prepareContactHistory, the one feature path), in the contacts' order,
     * the first and newest time among their events, and — when the whole table was read — among all events
     * (epoch ms, NaN when none). Unknown types and unreadable times are skipped.
     *
     * `scan` takes the events from this reader's copy of the table in columns, first reading the rows added
     * since the last scan (all of them the first time, or after a row was changed or removed); otherwise
     * each contact's events come from the (contact_id, occurred_at) index. The table's rows are not stored
     * by contact, so the index path visits them in random order: measured on the bench replica (1M events)
     * it costs about twice the CPU of the sequential scan per event read, and wins only when the contacts
     * asked for hold a small share of the events. The copy holds 17 bytes per event (up to twice that while it grows).
     */
    histories(contacts: readonly ContactInput[], scan: boolean, onProgress?: () => void): EventHistories {
      return scan ? scanHistories(contacts, onProgress) : indexedHistories(contacts, onProgress);
    },

    /** First and newest event time (epoch ms, NaN when none) over the whole replica. */
    eventSpan(): { first: number; newest: number } {
      const row = db.prepare(`SELECT min(occurred_at) AS first, max(occurred_at) AS newest FROM events WHERE type IN (${TYPES_LIST})`).get() as {
        first: string | null;
        newest: string | null;
      };
      return { first: row.first ? Date.parse(row.first) : Number.NaN, newest: row.newest ? Date.parse(row.newest) : Number.NaN };
    },

    /** The stored score of the newest alert still being worked per (contact, type), keyed `contact\ttype`. */
    openAlerts(ids: string[] | null, now: number): Map<string, { probability: number; priority: string }> {
      const rows = db
        .prepare(
          `SELECT contact_id, type, probability, priority, status, snoozed_until FROM alerts
           WHERE status IN (${OPEN_STATUSES.map((status) => `'${status}'`).join(', ')})${scope('contact_id', ids)} ORDER BY created_at`,
        )
        .all(...params(ids)) as { contact_id: string; type: string; probability: number; priority: string; status: string; snoozed_until: string | null }[];
      return new Map(
        rows
          .filter((row) => isOpen({ status: row.status, snoozedUntil: row.snoozed_until }, now))
          .map((row) => [`${row.contact_id}\t${row.type}`, { probability: row.probability, priority: row.priority }]),
      );
    },
  };
}

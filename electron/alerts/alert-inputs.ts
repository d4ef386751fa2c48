// Reads what the intent models need from the replica: contacts with their home (the owner facts live on
// `properties`), their events, and the span of the event history. Produces the same plain records
// (models/intent/intent-inputs.ts) `roi score` builds from CSV files, so both share one feature builder.
// A contact without a property is a non-owner; one without events simply has an empty history.
import type Database from 'better-sqlite3';
import { EVENT_TYPES } from '../../db/schema/vocabulary.ts';
import { prepareContactHistory, type ContactHistory } from '../../models/intent/features.ts';
import { parseUtc, type IntentContact, type IntentEvent } from '../../models/intent/intent-inputs.ts';
import { isOpen, OPEN_STATUSES } from './alert-rules.ts';
import { createEventColumns, type EventColumns } from './event-columns.ts';
import { startEventReaderHelper, type EventReaderHelper } from './event-reader-worker-client.ts';
import { createEventRowReader, DETAIL_SQL, parseEventTime, TYPE_CODE_SQL } from './event-rows.ts';

export type ContactInput = { contact: IntentContact; propertyId: string | null; assignedAgentId: string | null };

/** Rows of the contacts and homes queries, as arrays in their column order (arrays cost half of what keyed objects cost here). */
type ContactRow = [id: string, zipcode: string | null, householdSize: number | null, ageBand: string | null, source: string | null, assignedAgentId: string | null];
type HomeRow = [
  contactId: string,
  propertyId: string,
  purchaseDate: string | null,
  purchasePrice: number | null,
  loanOriginal: number | null,
  loanRate: number | null,
  loanTermYears: number | null,
  estimate: number | null,
  sqftLiving: number | null,
  bedrooms: number | null,
  yearBuilt: number | null,
  grade: number | null,
];

const TYPES_LIST = EVENT_TYPES.map((type) => `'${type}'`).join(', ');

/**
 * Reading a contact with its home costs this thread about as much as reading this many event rows
 * (bench replica, 100k contacts and 1M events, timed once on one thread outside the engine: 0.85–0.9 s
 * for the contacts and homes queries against 1.9 s for all events through createEventRowReader).
 */
const CONTACT_READ_IN_EVENT_ROWS = 4.5;

/**
 * The helper's share of a whole events read that starts before this thread reads the contacts: both
 * threads should finish together, so the helper takes half of the events plus half of what the contacts
 * cost this thread, in event rows (at most 80%). On the bench replica that is 0.725. With the share set
 * by hand, `npm run bench -- --only scoring.contacts` gave 25.2–25.5k contacts/s at 0.7 against 24.1–24.8k
 * at 0.5 in three paired runs, and 23.6–24.3k at 0.8 (2026-12-08).
 */
export function prefetchedHelperShare(contacts: number, eventRows: number): number {
  if (eventRows <= 0) return 0.5;
  return Math.min(0.8, 0.5 + (CONTACT_READ_IN_EVENT_ROWS * contacts) / (2 * eventRows));
}

const finite = (value: number | null) => (value === null || !Number.isFinite(value) ? null : value);

export type EventHistories = {
  histories: ContactHistory[];
  first: number;
  newest: number;
  /** Over every event row of the replica (contacts deleted since included), when the whole table was read. */
  all: { first: number; newest: number } | null;
};

/** A whole read of at least this many event rows is shared with a helper thread (./event-reader-worker-client.ts). */
const PARALLEL_READ_MIN_ROWS = 200_000;

export type AlertInputsOptions = {
  /** Rows from which a whole read of the events table is split with a helper thread (0: never; tests lower it). */
  parallelReadMinRows?: number;
  /** Starts the helper thread (tests substitute one). */
  startHelper?: (dbFile: string) => EventReaderHelper;
};

export function createAlertInputs(db: Database.Database, options: AlertInputsOptions = {}) {
  const eventsOfContact = db.prepare(`SELECT ${TYPE_CODE_SQL}, occurred_at, ${DETAIL_SQL} FROM events WHERE contact_id = ? ORDER BY occurred_at`).raw();
  const rows = createEventRowReader(db);
  const rowCount = db.prepare('SELECT count(*) FROM events').pluck();
  const rowsAfter = db.prepare('SELECT count(*) FROM events WHERE rowid > ?').pluck();
  const rowidBounds = db.prepare('SELECT min(rowid) AS low, max(rowid) AS high FROM events');
  const parallelMinRows = options.parallelReadMinRows ?? PARALLEL_READ_MIN_ROWS;
  const splitsWholeReads = (bounds: { low: number | null; high: number | null }) =>
    bounds.low !== null && bounds.high !== null && parallelMinRows > 0 && !db.memory && bounds.high - bounds.low + 1 >= parallelMinRows;
  let helper: EventReaderHelper | null = null;
  const startHelper = () => (helper ??= (options.startHelper ?? startEventReaderHelper)(db.name));
  // Whole reads are rare after the first (a row changed in place), so the thread does not wait idle for one.
  const stopHelper = () => {
    helper?.close();
    helper = null;
  };
  // A large table's first whole read comes soon (the worker's first run): the helper loads meanwhile.
  if (splitsWholeReads(rowidBounds.get() as { low: number | null; high: number | null })) startHelper();

  /**
   * The events table in columns, kept between runs: the rows read so far (by rowid: rowids only grow on
   * insert), how many there were, and the change counter they were read under. A row removed or replaced
   * (INSERT OR REPLACE takes a new rowid and fires no delete trigger) makes the table's count disagree with
   * the rows seen; a row changed in place bumps local_event_changes (sqlite migration 0009). Either way the
   * copy is read again whole.
   */
  type Copy = { columns: EventColumns; lastRowid: number; rowsSeen: number; version: number };
  let kept: Copy | null = null;
  const readRowsAfter = (copy: Copy, upTo: number, onProgress?: () => void) => {
    // Kept consistent page by page: a run stopped between pages continues from here next time.
    const seenBefore = copy.rowsSeen;
    rows.readRange(copy.columns, copy.lastRowid, upTo, (read) => {
      copy.lastRowid = read.lastRowid;
      copy.rowsSeen = seenBefore + read.rows;
      onProgress?.();
    });
  };
  // All contacts, deleted ones too (few): an estimate is enough here, and a plain count reads only the smallest index.
  const contactCount = db.prepare('SELECT count(*) FROM contacts').pluck();
  /** A whole read split at `middle`: the helper reads the rows with rowid in (middle, high] (`helperShare` of the range). */
  type SplitRead = { middle: number; high: number; helped: ReturnType<EventReaderHelper['readRange']> };
  const planSplit = (bounds: { low: number | null; high: number | null }, helperShare = 0.5): SplitRead | null => {
    if (!splitsWholeReads(bounds)) return null;
    const [low, high] = [bounds.low!, bounds.high!];
    const middle = low - 1 + Math.floor((high - low + 1) * (1 - helperShare));
    return { middle, high, helped: startHelper().readRange(middle, high) };
  };
  /** A split the helper started before the read that uses it (prefetchWholeRead): it reads while this thread reads the contacts. */
  let prefetched: SplitRead | null = null;
  /**
   * A whole read: a large table's second half is read by the helper thread meanwhile, on its own
   * connection. Its snapshot may be an earlier or later one than this transaction's: its rows are kept only
   * when it read under the same change counter and the rows of both halves, plus the rows this transaction
   * sees past the helper's range, add up to this snapshot's count (rows only grow past the highest rowid;
   * a row changed in place bumps the counter, one removed lowers the count). Otherwise this thread reads
   * that half too.
   */
  const readWhole = (copy: Copy, onProgress?: () => void): void => {
    const split = prefetched ?? planSplit(rowidBounds.get() as { low: number | null; high: number | null });
    prefetched = null;
    if (!split) {
      readRowsAfter(copy, Number.MAX_SAFE_INTEGER, onProgress);
      return;
    }
    readRowsAfter(copy, split.middle, onProgress);
    const helped = split.helped();
    stopHelper();
    const rowsInSnapshot = rowCount.get() as number;
    if (helped && helped.version === copy.version && copy.rowsSeen + helped.rows + (rowsAfter.get(split.high) as number) === rowsInSnapshot) {
      copy.columns.append(helped.columns);
      copy.rowsSeen += helped.rows;
      copy.lastRowid = Math.max(copy.lastRowid, helped.lastRowid, split.high);
    } else {
      copy.lastRowid = Math.max(copy.lastRowid, split.middle);
    }
    readRowsAfter(copy, Number.MAX_SAFE_INTEGER, onProgress);
  };
  // One read transaction: the counter, the rows and the count are one snapshot.
  const refreshEventColumns = db.transaction((onProgress?: () => void): EventColumns => {
    const version = rows.changeVersion();
    if (kept && kept.version === version) {
      readRowsAfter(kept, Number.MAX_SAFE_INTEGER, onProgress);
      if (rowCount.get() === kept.rowsSeen) {
        if (prefetched) stopHelper(); // not needed after all
        prefetched = null;
        return kept.columns;
      }
    }
    kept = { columns: createEventColumns(), lastRowid: Number.MIN_SAFE_INTEGER, rowsSeen: 0, version };
    readWhole(kept, onProgress);
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

  const contactsSql = (ids: string[] | null) =>
    `SELECT id, zipcode, household_size, age_band, source, assigned_agent_id FROM contacts WHERE deleted_at IS NULL${scope('id', ids)} ORDER BY id`;
  // A contact's home: its live property, the most recently bought if several (the first of its contact
  // here). Two queries merged by contact: a subquery per contact cost more than reading both tables.
  const homesSql = (ids: string[] | null) => `
    SELECT contact_id, id, purchase_date, purchase_price, loan_original, loan_rate, loan_term_years, estimate, sqft_living, bedrooms, yr_built, grade
    FROM properties WHERE deleted_at IS NULL AND contact_id IS NOT NULL${scope('contact_id', ids)}
    ORDER BY contact_id, purchase_date DESC, id`;

  // One read transaction: contacts and homes from one snapshot.
  const readContactsAndHomes = db.transaction((ids: string[] | null, homes: Map<string, HomeRow>): ContactRow[] => {
    for (const home of db.prepare(homesSql(ids)).raw().all(...params(ids)) as HomeRow[]) if (!homes.has(home[0])) homes.set(home[0], home);
    return db.prepare(contactsSql(ids)).raw().all(...params(ids)) as ContactRow[];
  });

  return {
    contacts(ids: string[] | null): ContactInput[] {
      const homes = new Map<string, HomeRow>();
      const rows = readContactsAndHomes(ids, homes);
      return rows.map(([id, zipcode, householdSize, ageBand, source, assignedAgentId]) => {
        const home = homes.get(id);
        const purchaseDate = home?.[2] ? parseUtc(home[2]) : Number.NaN;
        return {
          propertyId: home?.[1] ?? null,
          assignedAgentId,
          contact: {
            id,
            isOwner: home !== undefined,
            zipcode,
            purchaseDate: Number.isFinite(purchaseDate) ? purchaseDate : null,
            purchasePrice: finite(home?.[3] ?? null),
            loanOriginal: finite(home?.[4] ?? null),
            loanRate: finite(home?.[5] ?? null),
            loanTermYears: finite(home?.[6] ?? null),
            estimatedValue: finite(home?.[7] ?? null),
            sqftLiving: finite(home?.[8] ?? null),
            bedrooms: finite(home?.[9] ?? null),
            yearBuilt: finite(home?.[10] ?? null),
            grade: finite(home?.[11] ?? null),
            householdSize: finite(householdSize),
            ageBand,
            source,
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

    /**
     * Call before contacts() when a scan of every contact follows (a full run): when that scan will read the
     * events table whole (the first time, or after a row changed in place) and the table is large, the
     * helper thread starts on its part now, while this thread reads the contacts (so its part is the larger
     * one: prefetchedHelperShare).
     */
    prefetchWholeRead(): void {
      if (prefetched || (kept && kept.version === rows.changeVersion())) return;
      const bounds = rowidBounds.get() as { low: number | null; high: number | null };
      const events = bounds.low === null || bounds.high === null ? 0 : bounds.high - bounds.low + 1;
      prefetched = planSplit(bounds, prefetchedHelperShare(contactCount.get() as number, events));
    },

    /** Ends the helper thread, if one was started. */
    close(): void {
      prefetched = null;
      stopHelper();
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

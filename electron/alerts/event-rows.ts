// The event rows the intent features need, read straight from the replica in table (rowid) order into
// columns (./event-columns.ts). Shared by the alert worker's reader (./alert-inputs.ts) and its helper
// thread (./event-reader-worker.ts), which reads the second half of the table while the reader reads the first.
import type Database from 'better-sqlite3';
import { EVENT_TYPES } from '../../db/schema/vocabulary.ts';
import { DETAIL_PROP } from '../../models/intent/intent-inputs.ts';
import type { EventColumns } from './event-columns.ts';

/** An event's type as its index in EVENT_TYPES (-1: a type the models do not know): a small integer crosses from SQLite far cheaper than a string. */
export const TYPE_CODE_SQL = `CASE type ${EVENT_TYPES.map((type, i) => `WHEN '${type}' THEN ${i}`).join(' ')} ELSE -1 END`;
/**
 * An event's detail in SQL, as eventDetail (models/intent/intent-inputs.ts) reads it from the same props:
 * the DETAIL_PROP of its type when that is a JSON string, else none (reading JSON in SQLite is several
 * times faster than JSON.parse per row, and only the types with a detail have their props parsed at all).
 * Damaged JSON only loses the detail.
 */
export const DETAIL_SQL = `CASE type ${Object.entries(DETAIL_PROP)
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

/** Event rows per page of the table scan (progress is reported after each: the worker checks for a close request there). */
const SCAN_PAGE = 20_000;

export type EventRangeRead = { lastRowid: number; rows: number };

/** Reads event rows by rowid range into columns; call inside a read transaction to see one snapshot. */
export function createEventRowReader(db: Database.Database) {
  // A page at a time: .all() on a page costs ~12% less than iterating row by row, and a page is dropped
  // before the next is read.
  const page = db
    .prepare(`SELECT rowid, contact_id, ${TYPE_CODE_SQL}, occurred_at, ${DETAIL_SQL} FROM events WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ${SCAN_PAGE}`)
    .raw();
  const version = db.prepare('SELECT version FROM local_event_changes WHERE id = 1').pluck();
  return {
    /** The counter a change in place bumps (sqlite migration 0009). */
    changeVersion: () => version.get() as number,
    /**
     * Adds the rows with rowid in (after, upTo] to `columns` (unknown types and unreadable times are
     * skipped but counted in `rows`), calling `onPage` after each page.
     */
    readRange(columns: EventColumns, after: number, upTo: number, onPage?: (read: EventRangeRead) => void): EventRangeRead {
      const read = { lastRowid: after, rows: 0 };
      for (;;) {
        const rows = page.all(read.lastRowid, upTo) as [number, string, number, string, string | null][];
        if (rows.length === 0) return read;
        for (let r = 0; r < rows.length; r++) {
          const [, contactId, code, occurredAt, detail] = rows[r]!;
          if (code < 0) continue;
          const at = parseEventTime(occurredAt);
          if (Number.isFinite(at)) columns.add(contactId, code, at, detail);
        }
        read.lastRowid = rows[rows.length - 1]![0];
        read.rows += rows.length;
        onPage?.(read);
      }
    },
  };
}

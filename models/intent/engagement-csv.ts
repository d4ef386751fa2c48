// Reads the engagement dataset's CSV files (contacts, events[.gz], outcomes) into the plain records the
// feature builder takes. Events are streamed (csv-parse over zlib) and grouped by contact, so a 12 MB
// gzip of a million rows never sits in memory as text. Every problem names the file, the line and what
// to fix; a broken row stops the run rather than silently shifting scores.
import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { EVENT_TYPES, INTENT_TYPES, type EventType, type IntentType } from '../../db/schema/vocabulary.ts';
import { eventDetail, parseUtc, type IntentContact, type IntentEvent, type KnownOutcome } from './intent-inputs.ts';

export class InputFileError extends Error {}

export const CONTACT_COLUMNS = [
  'contact_id',
  'is_owner',
  'zipcode',
  'purchase_date',
  'purchase_price',
  'loan_original',
  'loan_rate',
  'loan_term_years',
  'est_value_2014',
  'sqft_living',
  'bedrooms',
  'yr_built',
  'grade',
  'household_size',
  'owner_age_band',
  'source',
] as const;
export const EVENT_COLUMNS = ['contact_id', 'type', 'occurred_at', 'props'] as const;
export const OUTCOME_COLUMNS = ['contact_id', 'type', 'occurred_at'] as const;

function assertReadable(file: string, what: string): void {
  if (!existsSync(file)) throw new InputFileError(`${what} file not found: ${file}`);
  if (!statSync(file).isFile()) throw new InputFileError(`${what} path is not a file: ${file}`);
}

function columnIndexes<C extends string>(header: readonly string[], required: readonly C[], file: string): Record<C, number> {
  const trimmed = header.map((name) => name.trim().replace(/^\uFEFF/, ''));
  const missing = required.filter((name) => !trimmed.includes(name));
  if (missing.length > 0) {
    throw new InputFileError(`${file}: missing column(s) ${missing.join(', ')} (header: ${trimmed.join(',')}); expected the engagement dataset's columns`);
  }
  return Object.fromEntries(required.map((name) => [name, trimmed.indexOf(name)])) as Record<C, number>;
}

function readTable(file: string, what: string): string[][] {
  assertReadable(file, what);
  try {
    return parseSync(readFileSync(file), { skip_empty_lines: true, bom: true }) as string[][];
  } catch (error) {
    throw new InputFileError(`${file}: not a readable CSV file: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

const rowError = (file: string, line: number, message: string) => new InputFileError(`${file}: line ${line}: ${message}`);

/** contacts.csv → contact records (the columns of the engagement dataset; extra columns are ignored). */
export function readContactsCsv(file: string): IntentContact[] {
  const [header, ...rows] = readTable(file, 'Contacts');
  if (!header) throw new InputFileError(`${file}: empty file; expected a header with ${CONTACT_COLUMNS.join(',')}`);
  const at = columnIndexes(header, CONTACT_COLUMNS, file);
  const seen = new Set<string>();
  return rows.map((row, i) => {
    const line = i + 2;
    const text = (column: (typeof CONTACT_COLUMNS)[number]) => (row[at[column]] ?? '').trim();
    const number = (column: (typeof CONTACT_COLUMNS)[number]): number | null => {
      const raw = text(column);
      if (raw === '') return null;
      const value = Number(raw);
      if (!Number.isFinite(value)) throw rowError(file, line, `${column} must be a number or blank, got '${raw}'`);
      return value;
    };
    const id = text('contact_id');
    if (id === '') throw rowError(file, line, 'contact_id is blank');
    if (seen.has(id)) throw rowError(file, line, `contact_id ${id} appears twice`);
    seen.add(id);
    const owner = text('is_owner');
    if (owner !== '0' && owner !== '1') throw rowError(file, line, `is_owner must be 0 or 1, got '${owner}'`);
    const purchase = text('purchase_date');
    const purchaseDate = purchase === '' ? null : parseUtc(purchase);
    if (purchaseDate !== null && !Number.isFinite(purchaseDate)) throw rowError(file, line, `purchase_date must be YYYY-MM-DD, got '${purchase}'`);
    return {
      id,
      isOwner: owner === '1',
      zipcode: text('zipcode') || null,
      purchaseDate,
      purchasePrice: number('purchase_price'),
      loanOriginal: number('loan_original'),
      loanRate: number('loan_rate'),
      loanTermYears: number('loan_term_years'),
      estimatedValue: number('est_value_2014'),
      sqftLiving: number('sqft_living'),
      bedrooms: number('bedrooms'),
      yearBuilt: number('yr_built'),
      grade: number('grade'),
      householdSize: number('household_size'),
      ageBand: text('owner_age_band') || null,
      source: text('source') || null,
    };
  });
}

/** outcomes.csv → known outcomes per contact, oldest first. */
export function readOutcomesCsv(file: string): Map<string, KnownOutcome[]> {
  const [header, ...rows] = readTable(file, 'Outcomes');
  if (!header) throw new InputFileError(`${file}: empty file; expected a header with ${OUTCOME_COLUMNS.join(',')}`);
  const at = columnIndexes(header, OUTCOME_COLUMNS, file);
  const byContact = new Map<string, KnownOutcome[]>();
  rows.forEach((row, i) => {
    const line = i + 2;
    const contactId = (row[at.contact_id] ?? '').trim();
    const type = (row[at.type] ?? '').trim();
    const date = (row[at.occurred_at] ?? '').trim();
    if (contactId === '') throw rowError(file, line, 'contact_id is blank');
    if (!(INTENT_TYPES as readonly string[]).includes(type)) throw rowError(file, line, `type must be one of ${INTENT_TYPES.join(', ')}, got '${type}'`);
    const ms = parseUtc(date);
    if (!Number.isFinite(ms)) throw rowError(file, line, `occurred_at must be YYYY-MM-DD, got '${date}'`);
    const list = byContact.get(contactId) ?? [];
    list.push({ type: type as IntentType, at: ms });
    byContact.set(contactId, list);
  });
  for (const list of byContact.values()) list.sort((a, b) => a.at - b.at);
  return byContact;
}

export type EventsRead = {
  byContact: Map<string, IntentEvent[]>;
  /** Rows kept. */
  count: number;
  /** Epoch ms of the earliest event (NaN when there is none): where the observed history starts. */
  firstAt: number;
  /** Rows skipped because their contact is not in the contacts file, or their type is not in the vocabulary. */
  skippedUnknownContact: number;
  skippedUnknownType: number;
};

const KNOWN_EVENT_TYPES = new Set<string>(EVENT_TYPES);

/**
 * Streams events.csv or events.csv.gz (gzip detected by the file's magic bytes) into per-contact lists.
 * Only contacts in `contactIds` are kept; the lists are in file order (the feature builder sorts if needed).
 */
export async function readEventsCsv(file: string, contactIds: ReadonlySet<string>): Promise<EventsRead> {
  assertReadable(file, 'Events');
  const head = readFileHead(file);
  const gzipped = head[0] === 0x1f && head[1] === 0x8b;
  const result: EventsRead = { byContact: new Map(), count: 0, firstAt: Number.NaN, skippedUnknownContact: 0, skippedUnknownType: 0 };
  let at: Record<(typeof EVENT_COLUMNS)[number], number> | null = null;

  let line = 0; // the header is line 1 (event rows never span lines: props is one-line JSON)
  const handle = (row: string[]) => {
    line++;
    if (at === null) {
      at = columnIndexes(row, EVENT_COLUMNS, file);
      return;
    }
    const contactId = row[at.contact_id]!.trim();
    if (contactId === '') throw rowError(file, line, 'contact_id is blank');
    if (!contactIds.has(contactId)) {
      result.skippedUnknownContact++;
      return;
    }
    const type = row[at.type]!.trim();
    if (!KNOWN_EVENT_TYPES.has(type)) {
      result.skippedUnknownType++;
      return;
    }
    const occurred = row[at.occurred_at]!;
    const time = Date.parse(occurred);
    if (!Number.isFinite(time)) throw rowError(file, line, `occurred_at must be an ISO-8601 UTC timestamp, got '${occurred}'`);
    const event: IntentEvent = { type: type as EventType, at: time };
    const propsText = row[at.props]!;
    if (propsText !== '{}' && propsText !== '') {
      let props: unknown;
      try {
        props = JSON.parse(propsText);
      } catch {
        throw rowError(file, line, `props is not valid JSON: ${propsText.slice(0, 80)}`);
      }
      if (typeof props !== 'object' || props === null || Array.isArray(props)) throw rowError(file, line, `props must be a JSON object, got ${propsText.slice(0, 80)}`);
      const detail = eventDetail(event.type, props as Record<string, unknown>);
      if (detail !== undefined) event.detail = detail;
    }
    let list = result.byContact.get(contactId);
    if (!list) result.byContact.set(contactId, (list = []));
    list.push(event);
    result.count++;
    if (Number.isNaN(result.firstAt) || time < result.firstAt) result.firstAt = time;
  };

  const parser = parse({ bom: true, skip_empty_lines: true });
  // Drain records synchronously as they become readable: about twice as fast as csv-parse's on_record
  // (which tracks per-record info) or async iteration (a promise per record).
  parser.on('readable', () => {
    try {
      let row: string[] | null;
      while ((row = parser.read() as string[] | null) !== null) handle(row);
    } catch (error) {
      parser.destroy(error as Error);
    }
  });
  try {
    const source = createReadStream(file);
    await Promise.all([once(parser, 'end'), gzipped ? pipeline(source, createGunzip(), parser) : pipeline(source, parser)]);
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new InputFileError(`${file}: cannot read events: ${message}`, { cause: error });
  }
  if (at === null) throw new InputFileError(`${file}: empty file; expected a header with ${EVENT_COLUMNS.join(',')}`);
  return result;
}

function readFileHead(file: string): Buffer {
  const head = Buffer.alloc(2);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  return head;
}

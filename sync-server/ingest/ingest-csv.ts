// CSV import of events (columns as in the engagement dataset: event_id, contact_id, type, occurred_at,
// props). Unlike the JSON API, a file is imported row by row: valid rows are stored, and every other
// row comes back with its line number and what is wrong, so a 100k-line export is never all-or-nothing.
import { parse } from 'csv-parse/sync';
import type { ServerDb } from '../database.ts';
import { ApiError } from '../http/errors.ts';
import { incomingEventSchema, ingestEvents, MAX_EVENTS_PER_BATCH, resolveContacts, type IncomingEvent } from './ingest-events.ts';

export const REQUIRED_CSV_COLUMNS = ['event_id', 'contact_id', 'type', 'occurred_at'] as const;
const MAX_REPORTED_ERRORS = 1_000;

export type CsvRowError = { row: number; message: string };
export type CsvImportResult = { accepted: number; duplicates: number; rejected: number; errors: CsvRowError[] };

export async function ingestEventCsv(db: ServerDb, brokerageId: string, text: string, now: Date): Promise<CsvImportResult> {
  const errors: CsvRowError[] = [];
  let records: { record: Record<string, string>; line: number }[];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      columns: (header: string[]) => {
        const names = header.map((name) => name.trim().toLowerCase());
        const missing = REQUIRED_CSV_COLUMNS.filter((column) => !names.includes(column));
        if (missing.length > 0) throw new ApiError(400, 'invalid_request', `The CSV has no ${missing.join(', ')} column. Expected columns: ${[...REQUIRED_CSV_COLUMNS, 'props'].join(', ')}.`);
        return names;
      },
      skip_empty_lines: true,
      relax_column_count: false,
      skip_records_with_error: true,
      info: true,
      on_skip: (error) => {
        if (error) errors.push({ row: Number((error as { lines?: number }).lines ?? 0), message: error.message });
      },
    }).map((entry) => {
      const { record, info } = entry as unknown as { record: Record<string, string>; info: { lines: number } };
      return { record, line: info.lines };
    });
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(400, 'invalid_request', `The file is not readable CSV: ${(error as Error).message}`);
  }

  const valid: { event: IncomingEvent; line: number }[] = [];
  for (const { record, line } of records) {
    let props: unknown;
    try {
      props = record.props?.trim() ? JSON.parse(record.props) : {};
    } catch {
      errors.push({ row: line, message: 'props is not valid JSON' });
      continue;
    }
    const parsed = incomingEventSchema.safeParse({ id: record.event_id, contactId: record.contact_id, type: record.type, occurredAt: record.occurred_at, props });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      errors.push({ row: line, message: `${String(issue.path[0] ?? 'row')}: ${issue.message}` });
    } else valid.push({ event: parsed.data, line });
  }

  // Rows naming contacts the brokerage does not have are reported, not fatal to the file.
  const known = await resolveContacts(db, brokerageId, valid.map((entry) => entry.event.contactId));
  const importable = valid.filter((entry) => {
    if (known.has(entry.event.contactId)) return true;
    errors.push({ row: entry.line, message: `contact_id: no contact ${entry.event.contactId} in this brokerage` });
    return false;
  });
  // Later rows repeating an event id of the same file count as duplicates of the first.
  const unique = new Map(importable.map((entry) => [entry.event.id, entry.event]));
  let accepted = 0;
  let duplicates = importable.length - unique.size;
  const batch = [...unique.values()];
  for (let start = 0; start < batch.length; start += MAX_EVENTS_PER_BATCH) {
    const result = await ingestEvents(db, brokerageId, batch.slice(start, start + MAX_EVENTS_PER_BATCH), 'csv', now);
    accepted += result.accepted;
    duplicates += result.duplicates;
  }
  errors.sort((a, b) => a.row - b.row);
  return { accepted, duplicates, rejected: errors.length, errors: errors.slice(0, MAX_REPORTED_ERRORS) };
}

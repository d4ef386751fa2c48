// CSV import and export of the user's data. An import is a short-lived session in the main process:
// the file arrives in pieces (the browser-mode socket takes ≤ 1 MiB per message), is parsed once, then
// validated against a column mapping the user can edit. Running it validates again (the data may have
// changed), in chunks with progress the renderer polls and a cancel that is honoured until the save
// starts; the save is ONE replica.mutate call — one SQLite transaction — so a cancelled or failed import
// leaves nothing behind, and a finished one is entirely queued for the server.
import type Database from 'better-sqlite3';
import { stringify } from 'csv-stringify/sync';
import { randomUUID } from 'node:crypto';
import { AppError } from '../ipc/errors.ts';
import type { LocalEdit } from '../sync/replica.ts';
import type { CrmUser } from './contacts-service.ts';
import { emailKey, phoneKey } from './contacts-service.ts';
import type { ImportField, ImportParsed, ImportProgress, ImportValidation } from './contacts-contract.ts';
import { CsvFileError, guessMapping, parseCsvFile, validateRows, type ExistingKeys, type ParsedCsv, type ValidatedRow } from './import-csv.ts';

/** The largest file accepted (a 50,000-contact export is ≈ 5–10 MB). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
const MAX_ROWS = 200_000;
const MAX_SESSIONS = 4;
const CHUNK_ROWS = 2_000;
const ISSUES_SHOWN = 200;

type Session = {
  id: string;
  fileName: string;
  chunks: Buffer[];
  size: number;
  parsed: ParsedCsv | null;
  progress: ImportProgress;
  cancelled: boolean;
};

export type ImportDeps = {
  sqlite: Database.Database;
  mutate(edits: LocalEdit[]): number[];
  user: CrmUser;
  newId?: () => string;
  now?: () => Date;
  /** Lets the event loop breathe between validation chunks (tests may pass a no-op). */
  yieldToEventLoop?: () => Promise<void>;
};

const idle = (id: string): ImportProgress => ({ importId: id, phase: 'idle', done: 0, total: 0, imported: 0, error: null });

export function createImportService(deps: ImportDeps) {
  const sessions = new Map<string, Session>();
  const newId = deps.newId ?? (() => randomUUID());
  const now = deps.now ?? (() => new Date());
  const breathe = deps.yieldToEventLoop ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));

  const session = (id: string): Session => {
    const found = sessions.get(id);
    if (!found) throw new AppError('not_found', 'This import is no longer open (the app may have restarted). Choose the file again.');
    return found;
  };

  const parsedOf = (s: Session): ParsedCsv => {
    if (!s.parsed) throw new AppError('invalid_input', 'The file has not finished uploading yet.');
    return s.parsed;
  };

  const existingKeys = (): ExistingKeys => {
    const emails = new Map<string, string>();
    const phones = new Map<string, string>();
    for (const row of deps.sqlite.prepare(`SELECT first_name, last_name, email, phone FROM contacts WHERE deleted_at IS NULL AND (email IS NOT NULL OR phone IS NOT NULL)`).iterate() as Iterable<{
      first_name: string;
      last_name: string;
      email: string | null;
      phone: string | null;
    }>) {
      const name = `${row.first_name} ${row.last_name}`.trim() || row.email || 'a contact';
      const email = emailKey(row.email);
      const phone = phoneKey(row.phone);
      if (email) emails.set(email, name);
      if (phone) phones.set(phone, name);
    }
    return { emails, phones };
  };

  const checkMapping = (parsed: ParsedCsv, mapping: readonly (ImportField | null)[]) => {
    if (mapping.length !== parsed.headers.length) throw new AppError('invalid_input', `The mapping has ${mapping.length} columns but the file has ${parsed.headers.length}.`);
    const used = mapping.filter((field): field is ImportField => field !== null);
    const twice = used.find((field, i) => used.indexOf(field) !== i);
    if (twice) throw new AppError('invalid_input', `Two columns are mapped to "${twice.replace('_', ' ')}": map each field once.`);
    if (!used.some((field) => ['first_name', 'last_name', 'full_name', 'email'].includes(field))) {
      throw new AppError('invalid_input', 'Map at least one column to a name or the email address.');
    }
  };

  const errorReport = (parsed: ParsedCsv, results: readonly ValidatedRow[]): string => {
    const records: string[][] = [];
    for (const result of results) {
      if (result.ok) continue;
      const index = parsed.lines.indexOf(result.line);
      const original = index >= 0 ? parsed.rows[index]!.map((cell) => (cell.length > 1000 ? `${cell.slice(0, 1000)}…` : cell)) : [];
      for (const issue of result.issues) records.push([String(issue.row), issue.column ?? '', issue.message, ...original]);
    }
    return stringify(records.map((record) => record.map(safeCell)), { header: true, columns: ['row', 'column', 'problem', ...parsed.headers.map(safeCell)] });
  };

  const summarize = (id: string, parsed: ParsedCsv, results: readonly ValidatedRow[]): ImportValidation => {
    const invalid = results.filter((result) => !result.ok) as Extract<ValidatedRow, { ok: false }>[];
    const issues = invalid.flatMap((result) => result.issues);
    return {
      importId: id,
      rowCount: parsed.rows.length,
      valid: results.length - invalid.length,
      invalid: invalid.length,
      duplicatesInFile: issues.filter((issue) => issue.message.startsWith('duplicate of row')).length,
      duplicatesExisting: issues.filter((issue) => issue.message.startsWith('duplicate:')).length,
      issues: issues.slice(0, ISSUES_SHOWN),
      errorReport: errorReport(parsed, results),
    };
  };

  const editsFor = (fileName: string, results: readonly ValidatedRow[]): LocalEdit[] => {
    const edits: LocalEdit[] = [];
    const owner = deps.user.role === 'agent' ? deps.user.id : null;
    for (const result of results) {
      if (!result.ok) continue;
      const id = newId();
      edits.push({ table: 'contacts', op: 'insert', id, changes: { source: 'import', ...result.contact.changes, assigned_agent_id: owner } });
      if (result.contact.note) edits.push({ table: 'notes', op: 'insert', id: newId(), changes: { contact_id: id, body: result.contact.note } });
      if (result.contact.since) {
        edits.push({
          table: 'activities',
          op: 'insert',
          id: newId(),
          changes: { contact_id: id, kind: 'status_change', summary: `Client since this date (imported from ${fileName.slice(0, 200)})`, occurred_at: result.contact.since, alert_id: null },
        });
      }
    }
    return edits;
  };

  return {
    upload(input: { importId?: string | undefined; fileName: string; chunk: string; last: boolean }): { importId: string; parsed: ImportParsed | null } {
      let s: Session;
      if (!input.importId) {
        if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
        s = { id: newId(), fileName: input.fileName, chunks: [], size: 0, parsed: null, progress: idle(''), cancelled: false };
        s.progress = idle(s.id);
        sessions.set(s.id, s);
      } else s = session(input.importId);
      if (s.parsed) throw new AppError('invalid_input', 'This file was already uploaded; start a new import to send another.');
      const bytes = Buffer.from(input.chunk, 'base64');
      s.size += bytes.length;
      if (s.size > MAX_IMPORT_BYTES) {
        sessions.delete(s.id);
        throw new AppError('invalid_input', `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Split it into smaller files and import them one by one.`);
      }
      s.chunks.push(bytes);
      if (!input.last) return { importId: s.id, parsed: null };
      try {
        s.parsed = parseCsvFile(Buffer.concat(s.chunks));
      } catch (error) {
        sessions.delete(s.id);
        if (error instanceof CsvFileError) throw new AppError('invalid_input', error.message);
        throw new AppError('invalid_input', `This file could not be read as CSV: ${error instanceof Error ? error.message : String(error)}`);
      }
      s.chunks = [];
      if (s.parsed.rows.length > MAX_ROWS) {
        sessions.delete(s.id);
        throw new AppError('invalid_input', `The file has ${s.parsed.rows.length.toLocaleString('en-US')} rows; import at most ${MAX_ROWS.toLocaleString('en-US')} at a time.`);
      }
      const parsed = s.parsed;
      return {
        importId: s.id,
        parsed: {
          importId: s.id,
          fileName: s.fileName,
          delimiter: parsed.delimiter,
          encoding: parsed.encoding,
          headers: parsed.headers,
          mapping: guessMapping(parsed.headers),
          rowCount: parsed.rows.length,
          preview: parsed.rows.slice(0, 10).map((row) => row.map((cell) => (cell.length > 200 ? `${cell.slice(0, 200)}…` : cell))),
          warnings: parsed.warnings,
        },
      };
    },

    validate(importId: string, mapping: readonly (ImportField | null)[]): ImportValidation {
      const s = session(importId);
      const parsed = parsedOf(s);
      checkMapping(parsed, mapping);
      return summarize(importId, parsed, validateRows(parsed, mapping, existingKeys()));
    },

    async run(importId: string, mapping: readonly (ImportField | null)[]): Promise<ImportProgress> {
      const s = session(importId);
      const parsed = parsedOf(s);
      checkMapping(parsed, mapping);
      if (s.progress.phase === 'validating' || s.progress.phase === 'saving') throw new AppError('invalid_input', 'This import is already running.');
      if (s.progress.phase === 'done') throw new AppError('invalid_input', 'This file was already imported.');
      s.cancelled = false;
      s.progress = { importId, phase: 'validating', done: 0, total: parsed.rows.length, imported: 0, error: null };
      try {
        const existing = existingKeys();
        const seen = { emails: new Map<string, number>(), phones: new Map<string, number>() };
        const results: ValidatedRow[] = [];
        for (let from = 0; from < parsed.rows.length; from += CHUNK_ROWS) {
          await breathe();
          if (s.cancelled) return (s.progress = { ...s.progress, phase: 'cancelled' });
          results.push(...validateRows(parsed, mapping, existing, { from, to: Math.min(parsed.rows.length, from + CHUNK_ROWS) }, seen));
          s.progress = { ...s.progress, done: results.length };
        }
        await breathe();
        if (s.cancelled) return (s.progress = { ...s.progress, phase: 'cancelled' });
        s.progress = { ...s.progress, phase: 'saving' };
        await breathe(); // let a progress poll see "saving" before the one transaction
        const edits = editsFor(s.fileName, results);
        if (edits.length > 0) deps.mutate(edits);
        const imported = results.filter((result) => result.ok).length;
        s.progress = { ...s.progress, phase: 'done', done: parsed.rows.length, imported };
        return s.progress;
      } catch (error) {
        s.progress = { ...s.progress, phase: 'failed', error: error instanceof Error ? error.message : String(error) };
        return s.progress;
      }
    },

    progress: (importId: string): ImportProgress => session(importId).progress,

    cancel(importId: string): ImportProgress {
      const s = session(importId);
      if (s.progress.phase === 'saving' || s.progress.phase === 'done') return s.progress;
      s.cancelled = true;
      if (s.progress.phase === 'idle') s.progress = { ...s.progress, phase: 'cancelled' };
      return s.progress;
    },

    /** Drops an import's session (the dialog closed). */
    close: (importId: string) => sessions.delete(importId),

    exportCsv(kind: 'contacts' | 'alerts' | 'activities', at: Date = now()): { fileName: string; csv: string; rows: number } {
      const queries = {
        contacts: `SELECT c.id, c.first_name, c.last_name, c.email, c.phone, c.stage,
            (SELECT group_concat(t.value, '; ') FROM json_each(c.tags) t) AS tags, c.source, c.zipcode, c.external_id,
            trim(u.name) AS owner, (SELECT max(a.probability) FROM alerts a WHERE a.contact_id = c.id AND a.status IN ('new', 'viewed', 'contacted', 'snoozed')) AS score,
            c.created_at, c.updated_at
          FROM contacts c LEFT JOIN users u ON u.id = c.assigned_agent_id WHERE c.deleted_at IS NULL ORDER BY c.last_name, c.first_name, c.id`,
        alerts: `SELECT a.id, a.contact_id, trim(c.first_name || ' ' || c.last_name) AS contact, a.type, a.probability, a.priority, a.status,
            trim(u.name) AS assigned_to, a.first_contacted_at, a.created_at, a.updated_at
          FROM alerts a LEFT JOIN contacts c ON c.id = a.contact_id LEFT JOIN users u ON u.id = a.assigned_agent_id ORDER BY a.created_at DESC, a.id`,
        activities: `SELECT v.id, v.contact_id, trim(c.first_name || ' ' || c.last_name) AS contact, v.kind, v.summary, v.occurred_at, trim(u.name) AS logged_by, v.alert_id
          FROM activities v LEFT JOIN contacts c ON c.id = v.contact_id LEFT JOIN users u ON u.id = v.user_id ORDER BY v.occurred_at DESC, v.id`,
      } as const;
      const statement = deps.sqlite.prepare(queries[kind]);
      const columns = statement.columns().map((column) => column.name);
      const rows = (statement.raw().all() as unknown[][]).map((row) => row.map((value) => safeCell(value === null ? '' : String(value))));
      // A BOM so spreadsheet programs open UTF-8 names correctly.
      return { fileName: `roi-desk-${kind}-${at.toISOString().slice(0, 10)}.csv`, csv: `\uFEFF${stringify(rows, { header: true, columns })}`, rows: rows.length };
    },
  };
}

/** Cells starting with = + - @ (or tab/CR) are formulas to a spreadsheet: prefix a quote so they stay text. */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
}

export type ImportService = ReturnType<typeof createImportService>;

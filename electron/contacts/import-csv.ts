// Reading a contacts CSV the way people actually have them: exported from another CRM or a spreadsheet,
// with a byte-order mark or not, comma, semicolon, tab or pipe separated, UTF-8, UTF-16 or Windows-1252
// (latin-1) — sometimes mixed in one file — with stray quotes, short or long rows, and the odd 10 MB cell.
// Everything here is pure (bytes in, rows and problems out): the import service and the tests share it.
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { checkMutation } from '../../db/sync/mutations.ts';
import { CONTACT_STAGES, type ContactStage } from '../../db/schema/vocabulary.ts';
import type { ImportField } from './contacts-contract.ts';
import { emailKey, phoneKey } from './contacts-service.ts';

export type DecodedFile = { text: string; encoding: 'utf-8' | 'latin-1' };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('windows-1252');

/**
 * Bytes → text. A BOM decides (UTF-8, UTF-16 LE/BE); otherwise each line is UTF-8 when it is valid
 * UTF-8 and Windows-1252 when not, so a file that was edited in two programs keeps both its "é"s.
 */
export function decodeCsv(bytes: Uint8Array): DecodedFile {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeCsv(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-8' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-8' };
  try {
    return { text: utf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    // Mixed or legacy: line by line.
  }
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      const line = bytes.subarray(start, Math.min(i + 1, bytes.length));
      try {
        parts.push(utf8.decode(line));
      } catch {
        parts.push(latin1.decode(line));
      }
      start = i + 1;
    }
  }
  return { text: parts.join(''), encoding: 'latin-1' };
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

/** The separator that splits the first lines (outside quotes) into the most, equally many, fields. */
export function detectDelimiter(text: string): string {
  const lines: string[] = [];
  let line = '';
  let quoted = false;
  for (let i = 0; i < text.length && lines.length < 20 && i < 200_000; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === '\n' || ch === '\r')) {
      if (line.trim()) lines.push(line);
      line = '';
    } else if (!quoted) line += ch;
  }
  if (line.trim() && lines.length < 20) lines.push(line);
  let best: { delimiter: string; score: number } = { delimiter: ',', score: 0 };
  for (const delimiter of DELIMITERS) {
    const counts = lines.map((l) => l.split(delimiter).length - 1);
    const header = counts[0] ?? 0;
    if (header === 0) continue;
    const consistent = counts.filter((count) => count === header).length / counts.length;
    const score = header * consistent;
    if (score > best.score) best = { delimiter, score };
  }
  return best.delimiter;
}

export type ParsedCsv = {
  delimiter: string;
  encoding: 'utf-8' | 'latin-1';
  headers: string[];
  /** Data rows (header excluded), each padded or cut to the header's width. */
  rows: string[][];
  /** Each row's number as a spreadsheet shows it (the header is row 1), for messages. */
  lines: number[];
  warnings: string[];
};

export class CsvFileError extends Error {}

export function parseCsvFile(bytes: Uint8Array): ParsedCsv {
  if (bytes.length === 0) throw new CsvFileError('The file is empty.');
  const { text, encoding } = decodeCsv(bytes);
  if (text.includes('\u0000')) throw new CsvFileError('This is not a text file (it contains binary data). Export the contacts as CSV and try again.');
  const delimiter = detectDelimiter(text);
  const warnings: string[] = [];
  const skipped: string[] = [];
  const records = parse(text, {
    delimiter,
    bom: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    on_skip: (error) => {
      if (error) skipped.push(error.message);
    },
  }) as unknown as { record: string[] }[];
  if (skipped.length > 0) warnings.push(`${skipped.length} part(s) of the file could not be read as CSV and were skipped (${skipped[0]}).`);
  const [header, ...body] = records;
  if (!header) throw new CsvFileError('The file has no rows.');
  const headers = header.record.map((name, i) => name.trim() || `Column ${i + 1}`);
  if (headers.length < 2 && body.length > 0 && !/@/.test(headers[0] ?? '')) {
    warnings.push('Only one column was found: if the file uses another separator, check the preview.');
  }
  let short = 0;
  let long = 0;
  const rows: string[][] = [];
  const lines: number[] = [];
  body.forEach(({ record }, index) => {
    if (record.every((cell) => cell.trim() === '')) return;
    if (record.length < headers.length) short++;
    if (record.length > headers.length) long++;
    const row = record.slice(0, headers.length);
    while (row.length < headers.length) row.push('');
    rows.push(row);
    // A quoted cell may span lines, so the spreadsheet row (record number) names a row, not the file line.
    lines.push(index + 2);
  });
  if (short > 0) warnings.push(`${short} row(s) have fewer columns than the header; their missing cells are treated as empty.`);
  if (long > 0) warnings.push(`${long} row(s) have more columns than the header; the extra cells are ignored.`);
  return { delimiter, encoding, headers, rows, lines, warnings };
}

// ---------------------------------------------------------------------------------------------------
// Column mapping

const SYNONYMS: Record<ImportField, readonly string[]> = {
  first_name: ['firstname', 'first', 'givenname', 'fname', 'forename', 'prenom', 'vorname', 'nombre'],
  last_name: ['lastname', 'last', 'surname', 'familyname', 'lname', 'nom', 'nachname', 'apellido', 'apellidos'],
  full_name: ['name', 'fullname', 'contactname', 'contact', 'clientname', 'client'],
  email: ['email', 'emailaddress', 'mail', 'primaryemail', 'emailprimary'],
  phone: ['phone', 'phonenumber', 'mobile', 'cell', 'tel', 'telephone', 'cellphone', 'mobilephone', 'primaryphone', 'homephone', 'telefon', 'telephone', 'telefono', 'handy'],
  stage: ['stage', 'status', 'lifecycle', 'lifecyclestage', 'leadstatus', 'type'],
  tags: ['tags', 'tag', 'labels', 'label', 'groups', 'group'],
  source: ['source', 'leadsource', 'origin', 'referral', 'channel'],
  zipcode: ['zip', 'zipcode', 'postalcode', 'postcode', 'zip5', 'postal', 'plz', 'codepostal'],
  external_id: ['id', 'externalid', 'crmid', 'contactid', 'recordid', 'clientid'],
  household_size: ['householdsize', 'household', 'familysize'],
  age_band: ['ageband', 'age', 'agerange', 'agegroup'],
  created_at: ['since', 'clientsince', 'created', 'createdat', 'datecreated', 'createddate', 'dateadded', 'added', 'date'],
  note: ['note', 'notes', 'comments', 'comment', 'remarks', 'description'],
};

const normalizeHeader = (header: string) => header.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]/g, '');

/** A target field per header (each used once), or null to skip the column. */
export function guessMapping(headers: readonly string[]): (ImportField | null)[] {
  const used = new Set<ImportField>();
  return headers.map((header) => {
    const key = normalizeHeader(header);
    const found = (Object.keys(SYNONYMS) as ImportField[]).find((field) => !used.has(field) && (SYNONYMS[field].includes(key) || key === field.replace('_', '')));
    if (found) used.add(found);
    return found ?? null;
  });
}

// ---------------------------------------------------------------------------------------------------
// Row validation

export type ImportIssue = { row: number; column: string | null; message: string };

export type ImportContact = {
  changes: Record<string, unknown>;
  note: string | null;
  /** The date the contact has been a client since (an activity on its timeline), ISO. */
  since: string | null;
};

export type ValidatedRow = { line: number; ok: true; contact: ImportContact } | { line: number; ok: false; issues: ImportIssue[] };

const MAX_CELL = 10_000;
const MAX_NOTE = 100_000;
// The same email rule the mutation catalogue (and the server) applies, so a row that passes here is saved.
const EMAIL = z.email();

const STAGE_WORDS: Record<string, ContactStage> = {
  lead: 'lead',
  new: 'lead',
  prospect: 'prospect',
  active: 'active',
  client: 'active',
  pastclient: 'past_client',
  past: 'past_client',
  formerclient: 'past_client',
  sphere: 'sphere',
  soi: 'sphere',
  archived: 'archived',
  inactive: 'archived',
};

/** ISO (2024-03-05[T…]), US (3/5/2024) or European dotted (05.03.2024) dates → ISO timestamp; null if not a real date. */
export function parseImportDate(value: string): string | null {
  const text = value.trim();
  let y: number;
  let m: number;
  let d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text))) [m, d, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text))) [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d, 12));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900 || y > 2100) return null;
  return date.toISOString();
}

export type ExistingKeys = { emails: Map<string, string>; phones: Map<string, string> };

/**
 * Validates every row against the mapping: each problem names the row (file line) and column. Duplicates
 * (same email or phone) within the file keep the first row; against existing contacts, none is imported.
 */
export function validateRows(
  parsed: Pick<ParsedCsv, 'headers' | 'rows' | 'lines'>,
  mapping: readonly (ImportField | null)[],
  existing: ExistingKeys,
  range: { from: number; to: number } = { from: 0, to: parsed.rows.length },
  seen: { emails: Map<string, number>; phones: Map<string, number> } = { emails: new Map(), phones: new Map() },
): ValidatedRow[] {
  const out: ValidatedRow[] = [];
  for (let index = range.from; index < range.to; index++) {
    const row = parsed.rows[index]!;
    const line = parsed.lines[index]!;
    const issues: ImportIssue[] = [];
    const changes: Record<string, unknown> = { stage: 'lead', tags: [] };
    let note: string | null = null;
    let since: string | null = null;
    mapping.forEach((field, column) => {
      if (!field) return;
      const header = parsed.headers[column] ?? `Column ${column + 1}`;
      const raw = row[column] ?? '';
      const problem = (message: string) => issues.push({ row: line, column: header, message });
      if (raw.length > (field === 'note' ? MAX_NOTE : MAX_CELL)) {
        problem(`is too long (${raw.length.toLocaleString('en-US')} characters; at most ${(field === 'note' ? MAX_NOTE : MAX_CELL).toLocaleString('en-US')})`);
        return;
      }
      const value = raw.trim();
      if (value === '') return;
      switch (field) {
        case 'first_name':
        case 'last_name':
          if (value.length > 200) problem('is longer than 200 characters');
          else changes[field] = value;
          break;
        case 'full_name': {
          const parts = value.includes(',') ? value.split(',').map((part) => part.trim()).reverse() : value.split(/\s+/);
          if (changes.first_name === undefined) changes.first_name = parts.length > 1 ? parts.slice(0, -1).join(' ') : parts[0]!;
          if (changes.last_name === undefined && parts.length > 1) changes.last_name = parts[parts.length - 1]!;
          break;
        }
        case 'email':
          if (value.length > 254 || !EMAIL.safeParse(value.toLowerCase()).success) problem(`"${value.slice(0, 80)}" is not a valid email address`);
          else changes.email = value.toLowerCase();
          break;
        case 'phone':
          if (!/^[+\d\s().\-/x]+$/i.test(value) || value.replace(/\D/g, '').length < 7 || value.length > 40) problem(`"${value.slice(0, 60)}" is not a phone number`);
          else changes.phone = value;
          break;
        case 'stage': {
          const stage = STAGE_WORDS[normalizeHeader(value)] ?? (CONTACT_STAGES as readonly string[]).find((s) => s === value.toLowerCase());
          if (!stage) problem(`"${value.slice(0, 60)}" is not a stage (${CONTACT_STAGES.join(', ')})`);
          else changes.stage = stage;
          break;
        }
        case 'tags': {
          const tags = [...new Set(value.split(/[;,|]/).map((tag) => tag.trim()).filter(Boolean))];
          if (tags.length > 50 || tags.some((tag) => tag.length > 60)) problem('has more than 50 tags or a tag longer than 60 characters');
          else changes.tags = tags;
          break;
        }
        case 'source':
          if (value.length > 60) problem('is longer than 60 characters');
          else changes.source = value;
          break;
        case 'zipcode': {
          const zip = /^(\d{5})(?:-\d{4})?$/.exec(value);
          if (!zip) problem(`"${value.slice(0, 20)}" is not a 5-digit zip code`);
          else changes.zipcode = zip[1];
          break;
        }
        case 'external_id':
          if (value.length > 128) problem('is longer than 128 characters');
          else changes.external_id = value;
          break;
        case 'household_size': {
          const size = Number(value);
          if (!Number.isInteger(size) || size < 0 || size > 50) problem(`"${value.slice(0, 20)}" is not a household size (0–50)`);
          else changes.household_size = size;
          break;
        }
        case 'age_band':
          if (value.length > 20) problem('is longer than 20 characters');
          else changes.age_band = value;
          break;
        case 'created_at': {
          const date = parseImportDate(value);
          if (!date) problem(`"${value.slice(0, 30)}" is not a date (use 2024-03-31 or 3/31/2024)`);
          else since = date;
          break;
        }
        case 'note':
          note = value;
          break;
      }
    });
    if (!changes.first_name && !changes.last_name && !changes.email && !issues.some((issue) => /name|mail/i.test(issue.column ?? ''))) {
      issues.push({ row: line, column: null, message: 'has no name and no email address' });
    }
    const email = emailKey(changes.email as string | undefined);
    const phone = phoneKey(changes.phone as string | undefined);
    if (issues.length === 0) {
      const firstWithEmail = email ? seen.emails.get(email) : undefined;
      const firstWithPhone = phone ? seen.phones.get(phone) : undefined;
      if (email && existing.emails.has(email)) issues.push({ row: line, column: null, message: `duplicate: ${email} is already a contact (${existing.emails.get(email)})` });
      else if (phone && existing.phones.has(phone)) issues.push({ row: line, column: null, message: `duplicate: phone ${changes.phone as string} is already a contact (${existing.phones.get(phone)})` });
      else if (firstWithEmail !== undefined) issues.push({ row: line, column: null, message: `duplicate of row ${firstWithEmail} (same email)` });
      else if (firstWithPhone !== undefined) issues.push({ row: line, column: null, message: `duplicate of row ${firstWithPhone} (same phone)` });
    }
    // The catalogue's own check, as the save will run it: a row it would refuse must not fail the whole import.
    if (issues.length === 0) {
      const refused = checkMutation({ table: 'contacts', op: 'insert', changes });
      if (refused) issues.push({ row: line, column: null, message: refused });
    }
    if (issues.length > 0) {
      out.push({ line, ok: false, issues });
      continue;
    }
    if (email) seen.emails.set(email, line);
    if (phone) seen.phones.set(phone, line);
    out.push({ line, ok: true, contact: { changes, note, since } });
  }
  return out;
}

// CSV import over a corpus of broken files (testing/csv-corpus: BOM, semicolons, tabs, quotes, latin-1,
// mixed and UTF-16 encodings, short and long rows, bad values, duplicates, an unclosed quote, binary,
// empty) plus a generated 10 MB cell; the service's upload size cap, validation report, one-transaction
// import, cancel (nothing imported) and CSV export — through the real IPC boundary on a migrated replica.
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperationHandlers, OperationInput, OperationOutput } from '../ipc/contract.ts';
import { dispatch } from '../ipc/dispatch.ts';
import type { OperationName } from '../ipc/operations.ts';
import type { ImportField } from './contacts-contract.ts';
import { createCrm, type Crm } from './crm-handlers.ts';
import { decodeCsv, detectDelimiter, guessMapping, parseCsvFile, parseImportDate, validateRows } from './import-csv.ts';
import { createImportService, safeCell } from './import-service.ts';
import { AGENT, B1, createCrmFixture, type CrmFixture } from './testing/crm-fixture.ts';

const corpus = (name: string) => readFileSync(new URL(`./testing/csv-corpus/${name}`, import.meta.url));
const noExisting = { emails: new Map<string, string>(), phones: new Map<string, string>() };

describe('reading broken CSV files', () => {
  it.each([
    ['semicolon-bom.csv', ';', 'utf-8', ['Jürgen', 'Müller', 'juergen@example.de', '+49 30 1234567', '98101']],
    ['tab-separated.tsv', '\t', 'utf-8', ['Lena', 'Okafor', 'lena@example.com', '(425) 555-0111', 'vip; investor']],
    ['latin1.csv', ',', 'latin-1', ['José', 'García', 'jose@example.com']],
    ['utf16le.csv', ',', 'utf-8', ['Mei', 'Chen', 'mei@example.com']],
  ])('%s: separator, encoding and accents', (file, delimiter, encoding, firstRow) => {
    const parsed = parseCsvFile(corpus(file));
    expect(parsed).toMatchObject({ delimiter, encoding });
    expect(parsed.rows[0]).toEqual(firstRow);
    expect(parsed.warnings).toEqual([]);
  });

  it('decodes a file mixing UTF-8 and latin-1 lines line by line', () => {
    const parsed = parseCsvFile(corpus('mixed-encoding.csv'));
    expect(parsed.encoding).toBe('latin-1');
    expect(parsed.rows.map((row) => `${row[0]} ${row[1]}`)).toEqual(['Renée Dubois', 'Anaïs Noël']);
  });

  it('keeps quoted separators, doubled quotes, line breaks and stray quotes; rows are spreadsheet rows', () => {
    const parsed = parseCsvFile(corpus('quotes.csv'));
    expect(parsed.rows).toEqual([
      ['Smith, Jane', 'jane@example.com', 'Said "call me" after 5'],
      ['Lee, Ron', 'ron@example.com', 'Two\nlines'],
      [`Bob 5'11" Stone`, 'bob@example.com', 'stray quote inside an unquoted cell'],
    ]);
    expect(parsed.lines).toEqual([2, 3, 4]);
    const [jane] = validateRows(parsed, guessMapping(parsed.headers), noExisting);
    expect(jane).toMatchObject({ ok: true, contact: { changes: { first_name: 'Jane', last_name: 'Smith' }, note: 'Said "call me" after 5' } });
  });

  it('pads short rows, cuts long ones, and says so', () => {
    const parsed = parseCsvFile(corpus('missing-columns.csv'));
    expect(parsed.rows.map((row) => row.length)).toEqual([5, 5, 5]);
    expect(parsed.warnings).toEqual([expect.stringMatching(/1 row\(s\) have fewer columns/), expect.stringMatching(/1 row\(s\) have more columns/)]);
  });

  it('reads up to an unclosed quote and warns about the rest', () => {
    const parsed = parseCsvFile(corpus('unclosed-quote.csv'));
    expect(parsed.rows).toEqual([['Amy', 'Ng', 'amy@example.com']]);
    expect(parsed.warnings[0]).toMatch(/could not be read as CSV.*Quote Not Closed/);
  });

  it('refuses empty and binary files with a message for the user', () => {
    expect(() => parseCsvFile(corpus('empty.csv'))).toThrow('The file is empty.');
    expect(() => parseCsvFile(corpus('binary.csv'))).toThrow(/not a text file/);
    expect(parseCsvFile(corpus('header-only.csv')).rows).toEqual([]);
  });

  it('guesses column mappings in several languages and never maps a field twice', () => {
    expect(guessMapping(['Vorname', 'Nachname', 'E-Mail', 'Telefon', 'PLZ'])).toEqual(['first_name', 'last_name', 'email', 'phone', 'zipcode']);
    expect(guessMapping(['Email', 'E-mail address', 'Mystery'])).toEqual(['email', null, null]);
    expect(guessMapping(['Name', 'Cell', 'Status', 'Client since', 'Comments'])).toEqual(['full_name', 'phone', 'stage', 'created_at', 'note']);
  });

  it('detects the separator only outside quotes', () => {
    expect(detectDelimiter('a;b;c\n"x,y,z";2;3\n')).toBe(';');
    expect(detectDelimiter('a|b\n1|2\n')).toBe('|');
    expect(decodeCsv(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])).text).toBe('a');
  });

  it('parses ISO, US and dotted dates and refuses impossible ones', () => {
    expect(parseImportDate('2019-04-02')).toBe('2019-04-02T12:00:00.000Z');
    expect(parseImportDate('3/15/2021')).toBe('2021-03-15T12:00:00.000Z');
    expect(parseImportDate('15.03.2021')).toBe('2021-03-15T12:00:00.000Z');
    expect(parseImportDate('31/02/2019')).toBeNull();
    expect(parseImportDate('2019-02-30')).toBeNull();
    expect(parseImportDate('yesterday')).toBeNull();
  });

  it('validates every row: bad email, phone, date, zip, stage, duplicates in the file and existing, no name', () => {
    const parsed = parseCsvFile(corpus('bad-values.csv'));
    const existing = { emails: new Map([['maggie@example.com', 'Margaret Johnson']]), phones: new Map<string, string>() };
    const results = validateRows(parsed, guessMapping(parsed.headers), existing);
    const problems = results.flatMap((result) => (result.ok ? [] : result.issues.map((issue) => `${issue.row} ${issue.column ?? '-'}: ${issue.message}`)));
    expect(problems).toEqual([
      '3 Email: "not-an-email" is not a valid email address',
      '4 Phone: "call me" is not a phone number',
      '5 Client Since: "31/02/2019" is not a date (use 2024-03-31 or 3/31/2024)',
      '6 Zip: "9810" is not a 5-digit zip code',
      '7 Stage: "superstar" is not a stage (lead, prospect, active, past_client, sphere, archived)',
      '8 -: duplicate of row 2 (same email)',
      '9 -: duplicate: maggie@example.com is already a contact (Margaret Johnson)',
      '10 -: duplicate of row 2 (same phone)',
      '12 -: has no name and no email address',
    ]);
    const good = results.filter((result) => result.ok);
    expect(good.map((result) => result.line)).toEqual([2, 13]);
    expect(good[0]).toMatchObject({ contact: { changes: { stage: 'past_client', zipcode: '98107' }, since: '2019-04-02T12:00:00.000Z' } });
    expect(good[1]).toMatchObject({ contact: { changes: { stage: 'sphere', zipcode: '98108' } } });
  });

  it('rejects a 10 MB cell as one bad row instead of failing the file', () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const parsed = parseCsvFile(Buffer.from(`First Name,Email,Notes\nAnn,ann@example.com,ok\n${huge},big@example.com,fine\n`));
    const results = validateRows(parsed, guessMapping(parsed.headers), noExisting);
    expect(results[0]!.ok).toBe(true);
    expect(results[1]).toMatchObject({ ok: false, issues: [{ row: 3, column: 'First Name', message: expect.stringMatching(/too long \(10,485,760 characters; at most 10,000\)/) }] });
  });

  it('quotes spreadsheet formulas in exported cells', () => {
    expect(safeCell('=HYPERLINK("http://evil")')).toBe(`'=HYPERLINK("http://evil")`);
    expect(safeCell('+1 206 555 0100')).toBe(`'+1 206 555 0100`);
    expect(safeCell('-12.5')).toBe('-12.5');
    expect(safeCell('Jane')).toBe('Jane');
  });
});

describe('the import service', () => {
  let fx: CrmFixture;
  let crm: Crm;
  beforeEach(() => {
    fx = createCrmFixture(AGENT);
    crm = createCrm({ store: () => fx.store, sync: () => ({ mutate: (edits) => fx.replica.mutate(edits) }), user: () => ({ id: AGENT, role: 'agent', brokerageId: B1 }), notifier: null });
  });
  afterEach(() => {
    crm.close();
    fx.close();
  });

  async function call<N extends OperationName>(operation: N, input?: OperationInput<N>): Promise<OperationOutput<N>> {
    const result = await dispatch(crm.handlers as unknown as OperationHandlers, operation, input);
    if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
    return result.value as OperationOutput<N>;
  }
  const contacts = () => (fx.store.sqlite.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n;

  /** Uploads like the renderer: base64 pieces of ≤ 512 KiB. */
  async function upload(bytes: Buffer, fileName = 'contacts.csv') {
    let importId: string | undefined;
    const piece = 512 * 1024;
    for (let at = 0; ; at += piece) {
      const last = at + piece >= bytes.length;
      const result = await call('uploadImportChunk', { ...(importId ? { importId } : {}), fileName, chunk: bytes.subarray(at, at + piece).toString('base64'), last });
      importId = result.importId;
      if (last) return result.parsed!;
    }
  }

  it('previews, reports errors as a downloadable CSV and imports only the valid rows in one go', async () => {
    const parsed = await upload(corpus('bad-values.csv'));
    expect(parsed).toMatchObject({ rowCount: 11, delimiter: ',', encoding: 'utf-8', mapping: ['first_name', 'last_name', 'email', 'phone', 'created_at', 'zipcode', 'stage'] });
    expect(parsed.preview[0]).toEqual(['Good', 'Row', 'good@example.com', '206-555-0190', '2019-04-02', '98107', 'Past Client']);
    const before = contacts();
    const report = await call('validateImport', { importId: parsed.importId, mapping: parsed.mapping });
    expect(report).toMatchObject({ rowCount: 11, valid: 2, invalid: 9, duplicatesInFile: 2, duplicatesExisting: 1 });
    const errorRows = parse(report.errorReport, { columns: true }) as Record<string, string>[];
    expect(errorRows).toHaveLength(9);
    expect(errorRows[0]).toMatchObject({ row: '3', column: 'Email', problem: '"not-an-email" is not a valid email address', Email: 'not-an-email', 'First Name': 'Bad' });
    expect(contacts()).toBe(before); // validating imports nothing

    const done = await call('runImport', { importId: parsed.importId, mapping: parsed.mapping });
    expect(done).toMatchObject({ phase: 'done', imported: 2, done: 11, total: 11 });
    expect(contacts()).toBe(before + 2);
    const good = fx.store.sqlite.prepare(`SELECT * FROM contacts WHERE email = 'good@example.com'`).get() as Record<string, unknown>;
    expect(good).toMatchObject({ first_name: 'Good', stage: 'past_client', source: 'import', assigned_agent_id: AGENT });
    expect(fx.store.sqlite.prepare(`SELECT summary, occurred_at FROM activities WHERE contact_id = ?`).get(good.id)).toEqual({
      summary: 'Client since this date (imported from contacts.csv)',
      occurred_at: '2019-04-02T12:00:00.000Z',
    });
    // Everything is queued for the server.
    expect(fx.replica.nextBatch(100).filter((m) => m.table === 'contacts')).toHaveLength(2);
    await expect(call('runImport', { importId: parsed.importId, mapping: parsed.mapping })).rejects.toMatchObject({ code: 'invalid_input', message: /already imported/ });
  });

  it('imports notes from a mapped column, in another language and encoding', async () => {
    const parsed = await upload(corpus('quotes.csv'));
    await call('runImport', { importId: parsed.importId, mapping: parsed.mapping });
    const jane = fx.store.sqlite.prepare(`SELECT id, first_name, last_name FROM contacts WHERE email = 'jane@example.com'`).get() as { id: string };
    expect(jane).toMatchObject({ first_name: 'Jane', last_name: 'Smith' });
    expect(fx.store.sqlite.prepare(`SELECT body FROM notes WHERE contact_id = ?`).pluck().get(jane.id)).toBe('Said "call me" after 5');
    const german = await upload(corpus('semicolon-bom.csv'));
    expect((await call('runImport', { importId: german.importId, mapping: german.mapping })).imported).toBe(2);
    expect(fx.store.sqlite.prepare(`SELECT last_name FROM contacts WHERE email = 'juergen@example.de'`).pluck().get()).toBe('Müller');
  });

  it('imports nothing when cancelled before the save', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `Person,${i},p${i}@example.com`).join('\n');
    const parsed = await upload(Buffer.from(`First Name,Last Name,Email\n${rows}\n`));
    const before = contacts();
    const outbox = fx.replica.counts().pending;
    const running = call('runImport', { importId: parsed.importId, mapping: parsed.mapping });
    await call('cancelImport', { importId: parsed.importId });
    expect(await running).toMatchObject({ phase: 'cancelled', imported: 0 });
    expect(contacts()).toBe(before);
    expect(fx.replica.counts().pending).toBe(outbox);
    expect((await call('getImportProgress', { importId: parsed.importId })).phase).toBe('cancelled');
  });

  it('refuses mappings that cannot work, unknown imports and unreadable files, changing nothing', async () => {
    const parsed = await upload(corpus('tab-separated.tsv'));
    const mapping = parsed.mapping as (ImportField | null)[];
    await expect(call('validateImport', { importId: parsed.importId, mapping: mapping.slice(1) })).rejects.toMatchObject({ code: 'invalid_input', message: /has 4 columns but the file has 5/ });
    await expect(call('validateImport', { importId: parsed.importId, mapping: ['email', 'email', null, null, null] })).rejects.toMatchObject({ message: /Two columns are mapped to "email"/ });
    await expect(call('validateImport', { importId: parsed.importId, mapping: [null, null, null, 'phone', 'tags'] })).rejects.toMatchObject({ message: /at least one column to a name or the email/ });
    await expect(call('validateImport', { importId: parsed.importId, mapping: ['nonsense' as never, null, null, null, null] })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(call('getImportProgress', { importId: 'nope' })).rejects.toMatchObject({ code: 'not_found', message: /Choose the file again/ });
    await expect(upload(corpus('binary.csv'))).rejects.toMatchObject({ code: 'invalid_input', message: /not a text file/ });
    await expect(upload(corpus('empty.csv'))).rejects.toMatchObject({ code: 'invalid_input', message: 'The file is empty.' });
  });

  it('caps the upload size with a clear message', async () => {
    const service = createImportService({ sqlite: fx.store.sqlite, mutate: (edits) => fx.replica.mutate(edits), user: { id: AGENT, role: 'agent', brokerageId: B1 } });
    const piece = Buffer.alloc(512 * 1024, 0x41).toString('base64');
    let importId: string | undefined;
    const send = () => {
      const result = service.upload({ ...(importId ? { importId } : {}), fileName: 'big.csv', chunk: piece, last: false });
      importId = result.importId;
    };
    expect(() => {
      for (let i = 0; i < 200; i++) send();
    }).toThrow(/larger than 64 MB/);
    await expect(call('uploadImportChunk', { fileName: 'x.csv', chunk: 'A'.repeat(700_001), last: true })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('exports contacts, alerts and activities as CSV (BOM, header, formulas quoted)', async () => {
    await call('updateContact', { id: 'c3', changes: { firstName: '=cmd|calc' } });
    await call('logActivity', { contactId: 'c1', kind: 'call', summary: 'Spoke about listing' });
    const exported = await call('exportCsv', { kind: 'contacts' });
    expect(exported.fileName).toMatch(/^roi-desk-contacts-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(exported.csv.startsWith('\uFEFF')).toBe(true);
    const rows = parse(exported.csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);
    expect(rows.find((row) => row.id === 'c1')).toMatchObject({ first_name: 'Margaret', email: 'maggie@example.com', tags: 'vip', owner: 'Avery Agent', score: '0.82' });
    expect(rows.find((row) => row.id === 'c3')!.first_name).toBe(`'=cmd|calc`);
    const alerts = parse((await call('exportCsv', { kind: 'alerts' })).csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(alerts.map((row) => row.id).sort()).toEqual(['a1', 'a2', 'a3']);
    const activities = parse((await call('exportCsv', { kind: 'activities' })).csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(activities).toEqual([expect.objectContaining({ contact: 'Margaret Johnson', kind: 'call', summary: 'Spoke about listing', logged_by: 'Avery Agent' })]);
    await expect(call('exportCsv', { kind: 'passwords' as never })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runScoreCommand } from './score-command.ts';

const CONTACTS = [
  'contact_id,first_name,last_name,is_owner,parcel_id,zipcode,sqft_living,bedrooms,yr_built,grade,purchase_date,purchase_price,loan_original,loan_rate,loan_term_years,est_value_2014,household_size,owner_age_band,source',
  'c_000001,Ann,Lee,1,8645530060,98058,2090,3,1979,7,2001-12-26,232000,205600,7.5,30,439000,3,45-54,past_client',
  'c_000002,Bo,Kim,0,,98103,,,,,,,,,,,2,25-34,website',
  'c_000003,Cy,Ray,1,3759500006,98033,2300,4,1955,8,2004-03-01,371000,,,,610000,4,35-44,referral',
].join('\n');

const event = (id: number, contact: string, type: string, at: string, props = '{}') => `ev_${String(id).padStart(7, '0')},${contact},${type},${at},"${props.replaceAll('"', '""')}"`;

/** A refinance burst for c_000001 in the two weeks before 2014-06-30, plus background activity. */
function eventsCsv(extra: string[] = []): string {
  const rows = ['event_id,contact_id,type,occurred_at,props'];
  let id = 1;
  for (let day = 1; day <= 28; day++) {
    const date = `2014-06-${String(day).padStart(2, '0')}`;
    if (day >= 14) rows.push(event(id++, 'c_000001', 'calculator_used', `${date}T10:00:00Z`, '{"calculator":"refinance"}'));
    if (day >= 18 && day % 2 === 0) rows.push(event(id++, 'c_000001', 'document_downloaded', `${date}T10:05:00Z`, '{"document":"mortgage_statement"}'));
    if (day % 5 === 0) rows.push(event(id++, 'c_000002', 'home_search', `${date}T18:00:00Z`, '{"zipcode":"98115"}'));
  }
  rows.push(event(id, 'c_000003', 'login', '2014-03-01T09:00:00Z'));
  return [...rows, ...extra].join('\n');
}

let dir: string;
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
};

function captureOutput() {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  return lines;
}

function readScores(file: string) {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  return { header, rows: rows.map((row) => row.split(',')) };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'roi-score-'));
  write('contacts.csv', CONTACTS);
  write('events.csv.gz', gzipSync(eventsCsv()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const args = (out: string, events = 'events.csv.gz', extra: string[] = []) => [
  '--contacts', path.join(dir, 'contacts.csv'), '--events', path.join(dir, events), '--as-of', '2014-06-30,2014-03-01', '--out', path.join(dir, out), ...extra,
];

describe('roi score', () => {
  it('writes one row of calibrated probabilities per contact and date', async () => {
    const output = captureOutput();
    expect(await runScoreCommand(args('scores.csv')), output.join('\n')).toBe(0);
    const { header, rows } = readScores(path.join(dir, 'scores.csv'));
    expect(header).toBe('contact_id,as_of,sell,buy,refinance,investment');
    expect(rows.map(([id, date]) => `${id}@${date}`)).toEqual([
      'c_000001@2014-03-01', 'c_000002@2014-03-01', 'c_000003@2014-03-01',
      'c_000001@2014-06-30', 'c_000002@2014-06-30', 'c_000003@2014-06-30',
    ]);
    const probabilities = rows.flatMap((row) => row.slice(2).map(Number));
    expect(probabilities.every((p) => p >= 0 && p <= 1)).toBe(true);
    const refinance = (id: string, date: string) => Number(rows.find((row) => row[0] === id && row[1] === date)![4]);
    // The June burst raises c_000001's refinance score on 2014-06-30 — and cannot be seen on 2014-03-01.
    expect(refinance('c_000001', '2014-06-30')).toBeGreaterThan(3 * refinance('c_000001', '2014-03-01'));
  });

  it('uses only events strictly before each as-of date', async () => {
    captureOutput();
    const onTheDay = Array.from({ length: 20 }, (_, i) => event(900 + i, 'c_000003', 'calculator_used', '2014-06-30T00:00:00Z', '{"calculator":"net_proceeds"}'));
    write('events-on-the-day.csv', eventsCsv(onTheDay));
    expect(await runScoreCommand(args('same-day.csv', 'events-on-the-day.csv'))).toBe(0);
    expect(readFileSync(path.join(dir, 'same-day.csv'), 'utf8')).toBe(readFileSync(path.join(dir, 'scores.csv'), 'utf8'));
  });

  it('takes known outcomes when given', async () => {
    captureOutput();
    write('outcomes.csv', 'contact_id,type,occurred_at\nc_000001,refinance,2014-06-29');
    expect(await runScoreCommand(args('with-outcomes.csv', 'events.csv.gz', ['--outcomes', path.join(dir, 'outcomes.csv')]))).toBe(0);
    const refinance = (file: string) => Number(readScores(path.join(dir, file)).rows.find((row) => row[0] === 'c_000001' && row[1] === '2014-06-30')![4]);
    // Refinanced the day before: another refinance within 90 days is unlikely.
    expect(refinance('with-outcomes.csv')).toBeLessThan(refinance('scores.csv'));
  });

  it('explains its usage and rejects bad arguments', async () => {
    const output = captureOutput();
    expect(await runScoreCommand(['--help'])).toBe(0);
    expect(output.join('\n')).toMatch(/Usage: roi score --contacts FILE --events FILE --as-of DATE/);
    expect(await runScoreCommand(['--contacts', 'c.csv'])).toBe(2);
    expect(output.join('\n')).toMatch(/missing --events, --as-of, --out/);
    expect(await runScoreCommand(args('x.csv').map((arg) => (arg === '2014-06-30,2014-03-01' ? '2014-02-30' : arg)))).toBe(2);
    expect(output.join('\n')).toMatch(/'2014-02-30' is not a YYYY-MM-DD date/);
  });

  it('fails with a clear message on missing files, columns and broken rows, writing nothing', async () => {
    const output = captureOutput();
    expect(await runScoreCommand(args('none.csv', 'absent.csv.gz'))).toBe(1);
    expect(output.join('\n')).toMatch(/Events file not found: .*absent\.csv\.gz/);
    write('broken.csv', `${eventsCsv()}\nev_0999999,c_000001,login,not-a-time,{}`);
    expect(await runScoreCommand(args('none.csv', 'broken.csv'))).toBe(1);
    expect(output.join('\n')).toMatch(/broken\.csv: line \d+: occurred_at must be an ISO-8601 UTC timestamp/);
    write('no-props.csv', 'event_id,contact_id,type,occurred_at\n');
    expect(await runScoreCommand(args('none.csv', 'no-props.csv'))).toBe(1);
    expect(output.join('\n')).toMatch(/missing column\(s\) props/);
    expect(() => readFileSync(path.join(dir, 'none.csv'))).toThrow(/ENOENT/);
  });
});

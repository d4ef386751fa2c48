import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputFileError, readContactsCsv, readEventsCsv, readOutcomesCsv } from './engagement-csv.ts';
import { parseUtc } from './intent-inputs.ts';
import { createMarketRates, parseMarketRatesCsv } from './market-rates.ts';

const CONTACTS_HEADER =
  'contact_id,first_name,last_name,email,phone,is_owner,parcel_id,zipcode,lat,lng,sqft_living,bedrooms,bathrooms,yr_built,grade,purchase_date,purchase_price,loan_original,loan_rate,loan_term_years,est_value_2014,household_size,owner_age_band,agent_id,source';
const CONTACT_ROWS = [
  'c_000001,Ann,Lee,a@example.com,206-555-0100,1,8645530060,98058,47.46,-122.17,2090,3,2.25,1979,7,1995-12-26,132000,105600,7.5,30,339000,3,55-64,a_09,past_client',
  'c_000002,Bo,Kim,b@example.com,206-555-0101,0,,98103,,,,,,,,,,,,,,2,25-34,a_01,website',
];
const EVENTS_CSV = [
  'event_id,contact_id,type,occurred_at,props',
  'ev_0000001,c_000001,calculator_used,2014-05-01T10:00:00Z,"{""calculator"":""refinance""}"',
  'ev_0000002,c_000002,home_search,2014-05-02T11:00:00Z,"{""zipcode"":""98115""}"',
  'ev_0000003,c_000001,login,2014-05-03T12:00:00Z,{}',
  'ev_0000004,c_999999,login,2014-05-03T12:00:00Z,{}',
  'ev_0000005,c_000001,teleported,2014-05-03T12:00:00Z,{}',
].join('\n');

let dir: string;
const file = (name: string, content: string | Buffer) => {
  const full = path.join(dir, name);
  writeFileSync(full, content);
  return full;
};

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'roi-intent-csv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readContactsCsv', () => {
  it('reads owners and non-owners', () => {
    const [ann, bo] = readContactsCsv(file('contacts.csv', [CONTACTS_HEADER, ...CONTACT_ROWS].join('\n')));
    expect(ann).toMatchObject({ id: 'c_000001', isOwner: true, zipcode: '98058', loanRate: 7.5, loanTermYears: 30, estimatedValue: 339000, purchaseDate: parseUtc('1995-12-26'), ageBand: '55-64' });
    expect(bo).toMatchObject({ id: 'c_000002', isOwner: false, loanRate: null, purchaseDate: null, estimatedValue: null, householdSize: 2 });
  });

  it('names missing columns, broken values and missing files', () => {
    expect(() => readContactsCsv(file('no-loan.csv', 'contact_id,is_owner\nc_1,1'))).toThrow(/missing column\(s\) zipcode, purchase_date/);
    expect(() => readContactsCsv(file('bad.csv', [CONTACTS_HEADER, CONTACT_ROWS[0]!.replace(',7.5,', ',seven,')].join('\n')))).toThrow(/line 2: loan_rate must be a number/);
    expect(() => readContactsCsv(file('dup.csv', [CONTACTS_HEADER, CONTACT_ROWS[0]!, CONTACT_ROWS[0]!].join('\n')))).toThrow(/line 3: contact_id c_000001 appears twice/);
    expect(() => readContactsCsv(path.join(dir, 'absent.csv'))).toThrow(InputFileError);
    expect(() => readContactsCsv(path.join(dir, 'absent.csv'))).toThrow(/Contacts file not found/);
  });
});

describe('readEventsCsv', () => {
  const known = new Set(['c_000001', 'c_000002']);

  it('streams plain and gzip files the same way, keeping only known contacts and types', async () => {
    for (const events of [await readEventsCsv(file('events.csv', EVENTS_CSV), known), await readEventsCsv(file('events.csv.gz', gzipSync(EVENTS_CSV)), known)]) {
      expect(events.count).toBe(3);
      expect(events.skippedUnknownContact).toBe(1);
      expect(events.skippedUnknownType).toBe(1);
      expect(events.firstAt).toBe(Date.parse('2014-05-01T10:00:00Z'));
      expect(events.byContact.get('c_000001')).toEqual([
        { type: 'calculator_used', at: Date.parse('2014-05-01T10:00:00Z'), detail: 'refinance' },
        { type: 'login', at: Date.parse('2014-05-03T12:00:00Z') },
      ]);
      expect(events.byContact.get('c_000002')).toEqual([{ type: 'home_search', at: Date.parse('2014-05-02T11:00:00Z'), detail: '98115' }]);
    }
  });

  it('stops at a broken row with its line number', async () => {
    const badTime = EVENTS_CSV.replace('2014-05-03T12:00:00Z,{}', 'yesterday,{}');
    await expect(readEventsCsv(file('bad-time.csv', badTime), known)).rejects.toThrow(/line 4: occurred_at must be an ISO-8601 UTC timestamp, got 'yesterday'/);
    const badJson = EVENTS_CSV.replace('"{""zipcode"":""98115""}"', '{zipcode');
    await expect(readEventsCsv(file('bad-json.csv', badJson), known)).rejects.toThrow(/line 3: props is not valid JSON/);
    const short = `${EVENTS_CSV}\nev_0000009,c_000001,login`;
    await expect(readEventsCsv(file('short.csv', short), known)).rejects.toThrow(/short\.csv: cannot read events: .*(record|column)/i);
    await expect(readEventsCsv(file('no-type.csv', 'event_id,contact_id,occurred_at,props\n'), known)).rejects.toThrow(/missing column\(s\) type/);
    await expect(readEventsCsv(path.join(dir, 'absent.csv.gz'), known)).rejects.toThrow(/Events file not found/);
  });
});

describe('readOutcomesCsv', () => {
  it('groups outcomes per contact, oldest first, and rejects unknown types', () => {
    const outcomes = readOutcomesCsv(file('outcomes.csv', 'contact_id,type,occurred_at\nc_1,sell,2014-08-09\nc_1,buy,2014-02-01\nc_2,refinance,2013-07-01'));
    expect(outcomes.get('c_1')).toEqual([
      { type: 'buy', at: parseUtc('2014-02-01') },
      { type: 'sell', at: parseUtc('2014-08-09') },
    ]);
    expect(() => readOutcomesCsv(file('bad-outcomes.csv', 'contact_id,type,occurred_at\nc_1,divorce,2014-08-09'))).toThrow(/line 2: type must be one of sell, buy, refinance, investment/);
  });
});

describe('market rates', () => {
  it('carries the last published rate forward and clamps to the ends of the series', () => {
    const rates = createMarketRates([
      { day: parseUtc('2014-01-03'), rate: 4.5 },
      { day: parseUtc('2014-01-01'), rate: 4.4 },
    ]);
    expect(rates.rateAt(parseUtc('2014-01-02') + 3_600_000)).toBe(4.4);
    expect(rates.rateAt(parseUtc('2014-01-03'))).toBe(4.5);
    expect(rates.rateAt(parseUtc('2013-01-01'))).toBe(4.4);
    expect(rates.rateAt(parseUtc('2016-01-01'))).toBe(4.5);
    expect(() => parseMarketRatesCsv('day,rate\n2014-01-01,4', 'rates.csv')).toThrow(/expected the columns date,rate_30y_fixed/);
  });
});

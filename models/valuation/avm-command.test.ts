import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runAvmCommand } from './avm-command.ts';
import type { Sale, Subject } from './property.ts';
import { SUBJECT_COLUMNS } from './sales-csv.ts';
import { syntheticSales, syntheticSubject } from './testing/synthetic-sales.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'roi-avm-cli-'));
const file = (name: string) => path.join(dir, name);

function csvRow(property: Subject & { price?: number }): Record<string, string | number> {
  return {
    parcel_id: property.parcelId, sale_date: property.date, price: property.price ?? '', bedrooms: property.bedrooms,
    bathrooms: property.bathrooms, sqft_living: property.sqftLiving, sqft_lot: property.sqftLot, floors: property.floors,
    waterfront: property.waterfront ? 1 : 0, view: property.view, condition: property.condition, grade: property.grade,
    sqft_above: property.sqftAbove ?? '', sqft_basement: property.sqftBasement ?? '', yr_built: property.yrBuilt,
    yr_renovated: property.yrRenovated, zipcode: property.zipcode, lat: property.lat, lng: property.lng,
    sqft_living15: property.sqftLiving15 ?? '', sqft_lot15: property.sqftLot15 ?? '',
  };
}

function writeSales(name: string, sales: readonly Sale[]): string {
  writeFileSync(file(name), stringify(sales.map(csvRow), { header: true, columns: [...SUBJECT_COLUMNS, 'price'] }));
  return file(name);
}

function writeSubjects(name: string, subjects: readonly Subject[], extraLines: string[] = []): string {
  const body = stringify(subjects.map(csvRow), { header: true, columns: [...SUBJECT_COLUMNS] });
  writeFileSync(file(name), body + extraLines.join('\n') + (extraLines.length ? '\n' : ''));
  return file(name);
}

describe('roi avm', () => {
  const salesFile = writeSales('sales.csv', syntheticSales(800));
  const subjects = Array.from({ length: 5 }, (_, i) => syntheticSubject(900 + i, '2015-03-10'));
  let errors: string[];

  beforeEach(() => {
    errors = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one row per subject with an estimate inside its range', async () => {
    const subjectsFile = writeSubjects('subjects.csv', subjects);
    expect(await runAvmCommand(['--sales', salesFile, '--subjects', subjectsFile, '--out', file('values.csv'), '--comps', file('comps.csv')])).toBe(0);
    const rows = parse(readFileSync(file('values.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['parcel_id', 'sale_date', 'estimate', 'low', 'high', 'confidence']);
    expect(rows.map((r) => r.parcel_id)).toEqual(subjects.map((s) => s.parcelId));
    for (const row of rows) {
      expect(Number(row.low)).toBeLessThan(Number(row.estimate));
      expect(Number(row.high)).toBeGreaterThan(Number(row.estimate));
      expect(Number(row.confidence)).toBeGreaterThanOrEqual(0);
      expect(Number(row.confidence)).toBeLessThanOrEqual(100);
    }
    const comps = parse(readFileSync(file('comps.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(comps.length).toBeGreaterThanOrEqual(subjects.length * 6);
    expect(Object.keys(comps[0]!)).toContain('adj_time');
  });

  it('reports broken rows with their line numbers and values the rest', async () => {
    const line = (row: Record<string, string | number>) => SUBJECT_COLUMNS.map((column) => row[column]).join(',');
    const good = csvRow(subjects[0]!);
    const subjectsFile = writeSubjects('broken.csv', subjects, [
      line({ ...good, sqft_living: 'big' }), // line 7 (header + 5 subjects before it)
      'only,three,fields', // line 8
      line({ ...good, sale_date: '2015-13-45' }), // line 9
    ]);
    expect(await runAvmCommand(['--sales', salesFile, '--subjects', subjectsFile, '--out', file('values.csv')])).toBe(0);
    expect(errors.some((e) => /broken\.csv line 7: sqft_living is not a number/.test(e))).toBe(true);
    expect(errors.some((e) => /broken\.csv line 8: has 3 fields/.test(e))).toBe(true);
    expect(errors.some((e) => /broken\.csv line 9: sale_date/.test(e))).toBe(true);
    expect(readFileSync(file('values.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + subjects.length);
  });

  it('fails on broken rows with --strict', async () => {
    const subjectsFile = writeSubjects('strict.csv', subjects, ['x,y']);
    expect(await runAvmCommand(['--sales', salesFile, '--subjects', subjectsFile, '--out', file('strict-values.csv'), '--strict'])).toBe(1);
    expect(errors.join('\n')).toMatch(/strict\.csv line 7/);
  });

  it('names missing files and columns', async () => {
    await expect(runAvmCommand(['--sales', file('nope.csv'), '--subjects', salesFile, '--out', file('v.csv')])).rejects.toThrow(/nope\.csv: no such file/);
    writeFileSync(file('no-lat.csv'), 'parcel_id,sale_date\n1,2015-01-01\n');
    await expect(runAvmCommand(['--sales', salesFile, '--subjects', file('no-lat.csv'), '--out', file('v.csv')])).rejects.toThrow(/lacks column\(s\) bedrooms.*lat/);
  });

  it('explains its usage', async () => {
    expect(await runAvmCommand(['--sales', salesFile])).toBe(2);
    expect(errors.join('\n')).toMatch(/missing --subjects, --out/);
    expect(await runAvmCommand(['--help'])).toBe(0);
  });
});

// Reads sales and subjects from CSV files with the columns of the county data set
// (kc_sales_train.csv). Broken rows are returned with their line numbers instead of aborting the file,
// so the caller decides whether to skip them or fail.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { Sale, Subject } from './property.ts';

export type RowProblem = { line: number; message: string };
/** `lines[i]` is the file line of `records[i]` (for messages about a record found later). */
export type CsvRead<T> = { records: T[]; lines: number[]; problems: RowProblem[] };

export const SUBJECT_COLUMNS = [
  'parcel_id', 'sale_date', 'bedrooms', 'bathrooms', 'sqft_living', 'sqft_lot', 'floors', 'waterfront', 'view', 'condition',
  'grade', 'sqft_above', 'sqft_basement', 'yr_built', 'yr_renovated', 'zipcode', 'lat', 'lng', 'sqft_living15', 'sqft_lot15',
] as const;
/** Columns a file may omit (the app does not record them); their values are then unknown. */
const OPTIONAL_COLUMNS = new Set<string>(['sqft_above', 'sqft_basement', 'sqft_living15', 'sqft_lot15']);

const text = z.string().trim();
const number = (min: number, max: number) =>
  text
    .min(1, 'is empty')
    .transform(Number)
    .refine((x) => Number.isFinite(x), 'is not a number')
    .refine((x) => x >= min && x <= max, `is outside ${min}…${max}`);
const optionalNumber = (min: number, max: number) => z.union([z.undefined(), z.literal('').transform(() => null), number(min, max)]).transform((x) => x ?? null);
const date = text.regex(/^\d{4}-\d{2}-\d{2}$/, 'is not a YYYY-MM-DD date').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'is not a valid date');
const flag = text.refine((x) => x === '0' || x === '1', 'is not 0 or 1').transform((x) => x === '1');

const subjectRow = z.object({
  parcel_id: text.min(1, 'is empty'),
  sale_date: date,
  bedrooms: number(0, 50),
  bathrooms: number(0, 30),
  sqft_living: number(100, 200_000),
  sqft_lot: number(100, 1e8),
  floors: number(1, 10),
  waterfront: flag,
  view: number(0, 4),
  condition: number(1, 5),
  grade: number(1, 13),
  sqft_above: optionalNumber(0, 200_000),
  sqft_basement: optionalNumber(0, 200_000),
  yr_built: number(1800, 2100),
  yr_renovated: z.union([z.literal('0').transform(() => 0), number(1800, 2100)]),
  zipcode: text.regex(/^\d{5}$/, 'is not a 5-digit zip code'),
  lat: number(-90, 90),
  lng: number(-180, 180),
  sqft_living15: optionalNumber(100, 200_000),
  sqft_lot15: optionalNumber(100, 1e8),
});
const saleRow = subjectRow.extend({ price: number(1_000, 1e9) });

function toSubject(row: z.output<typeof subjectRow>): Subject {
  return {
    parcelId: row.parcel_id, date: row.sale_date, zipcode: row.zipcode, lat: row.lat, lng: row.lng,
    bedrooms: row.bedrooms, bathrooms: row.bathrooms, sqftLiving: row.sqft_living, sqftLot: row.sqft_lot, floors: row.floors,
    waterfront: row.waterfront, view: row.view, condition: row.condition, grade: row.grade, yrBuilt: row.yr_built,
    yrRenovated: row.yr_renovated, sqftAbove: row.sqft_above, sqftBasement: row.sqft_basement,
    sqftLiving15: row.sqft_living15, sqftLot15: row.sqft_lot15,
  };
}

function readRows<T>(file: string, required: readonly string[], schema: z.ZodType<T>): CsvRead<T> {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new Error(`cannot read ${file}: ${reason}`, { cause: error });
  }
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    // csv-parse types the sync result as string[][] whatever the options; with `info` it is {record, info}.
    parsed = parse(content, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as typeof parsed;
  } catch (error) {
    throw new Error(`${file} is not valid CSV: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const [header, ...rows] = parsed;
  if (!header) throw new Error(`${file} is empty (expected a header row: ${required.join(',')})`);
  const columns = header.record.map((name) => name.trim());
  const missing = required.filter((name) => !columns.includes(name) && !OPTIONAL_COLUMNS.has(name));
  if (missing.length > 0) throw new Error(`${file} lacks column(s) ${missing.join(', ')} (has: ${columns.join(', ')})`);

  const records: T[] = [];
  const lines: number[] = [];
  const problems: RowProblem[] = [];
  for (const { record, info } of rows) {
    if (record.length !== columns.length) {
      problems.push({ line: info.lines, message: `has ${record.length} fields, the header has ${columns.length}` });
      continue;
    }
    const raw = Object.fromEntries(columns.map((name, i) => [name, record[i]]));
    const result = schema.safeParse(raw);
    if (result.success) {
      records.push(result.data);
      lines.push(info.lines);
    } else problems.push({ line: info.lines, message: result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ') });
  }
  return { records, lines, problems };
}

/** Properties to value (the sale_date column is the valuation date; a price column is ignored). */
export function readSubjectsCsv(file: string): CsvRead<Subject> {
  return readRows(file, SUBJECT_COLUMNS, subjectRow.transform(toSubject));
}

export function readSalesCsv(file: string): CsvRead<Sale> {
  return readRows(file, [...SUBJECT_COLUMNS, 'price'], saleRow.transform((row) => ({ ...toSubject(row), price: row.price })));
}

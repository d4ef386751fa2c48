// Training rows for the learned model, computed by the same engine code that values properties.
// Every sale is described as the app would have seen it the week it sold: the market is the sales
// recorded before that week (index refitted weekly), so no feature peeks at its own or later prices.
import { writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { prepareValuation } from './engine.ts';
import type { PreparedValuation } from './engine.ts';
import { FEATURE_NAMES } from './features.ts';
import { buildMarket } from './market.ts';
import type { SalesStore, StoredSale } from './sales-store.ts';

/** A sale is used for training only once the market before it has this many sales (thin early weeks are noise). */
export const MIN_MARKET_SALES = 500;
const WEEK_DAYS = 7;

export type TrainingRow = { sale: StoredSale; prepared: PreparedValuation; target: number };

/** Every sale of the store, prepared against the market of the week it sold in (store.sales is date-ordered). */
export function weeklyTrainingRows(store: SalesStore): TrainingRow[] {
  const sales = store.sales;
  if (sales.length === 0) return [];
  const firstDay = sales[0]!.day;
  const byWeek = new Map<number, StoredSale[]>();
  for (const sale of sales) {
    const week = Math.floor((sale.day - firstDay) / WEEK_DAYS);
    const list = byWeek.get(week) ?? [];
    list.push(sale);
    byWeek.set(week, list);
  }
  const rows: TrainingRow[] = [];
  for (const [week, weekSales] of [...byWeek].sort((a, b) => a[0] - b[0])) {
    const weekStart = firstDay + week * WEEK_DAYS;
    if (sales.filter((s) => s.day < weekStart).length < MIN_MARKET_SALES) continue;
    const market = buildMarket(store, sales, weekStart);
    for (const sale of weekSales) {
      const prepared = prepareValuation(market, sale);
      rows.push({ sale, prepared, target: Math.log(sale.price) - prepared.logScale });
    }
  }
  return rows;
}

/**
 * CSV for models/train/train_avm.py: parcel_id, sale_date, target, then FEATURE_NAMES. Features are
 * rounded to float32 (what ONNX receives at valuation time); unknown values are empty cells (NaN).
 */
export function writeTrainingCsv(file: string, rows: readonly TrainingRow[]): void {
  const cell = (x: number) => (Number.isNaN(x) ? '' : Math.fround(x));
  const records = rows.map((row) => [row.sale.parcelId, row.sale.date, row.target, ...FEATURE_NAMES.map((name) => cell(row.prepared.features[name]))]);
  writeFileSync(file, stringify(records, { header: true, columns: ['parcel_id', 'sale_date', 'target', ...FEATURE_NAMES] }));
}

// A market as of a day: the sales known before it, the index fitted on them, and per-sale summaries
// (hedonic residuals, zip price levels) that the neighbourhood features read. Building one is the only
// costly step (~0.8 s for 17k sales: the index regression); valuing against it is cheap.
import type { MarketIndex } from './market-index.ts';
import { fitMarketIndex, hedonicLogPrice, marketLevel } from './market-index.ts';
import type { SalesSource, StoredSale } from './sales-store.ts';

export type Market = {
  source: SalesSource;
  /** Only sales before this day are evidence (Infinity = all the source holds). */
  asOfDay: number;
  index: MarketIndex;
  /** log(price) − hedonic expectation at its month: how much better or worse than its facts a sale did. */
  residuals: Map<number, number>;
  /** Median log(price per sqft) by zip, at the index's base month. */
  zipLogPricePerSqft: Map<string, number>;
};

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `sales` are the source's sales; those on or after `asOfDay` are ignored. */
export function buildMarket(source: SalesSource, sales: readonly StoredSale[], asOfDay = Number.POSITIVE_INFINITY): Market {
  const known = sales.filter((sale) => sale.day < asOfDay);
  const index = fitMarketIndex(known);
  const residuals = new Map<number, number>();
  const byZip = new Map<string, number[]>();
  for (const sale of known) {
    const atBase = Math.log(sale.price) - marketLevel(index, sale.date, sale.zipcode);
    residuals.set(sale.id, atBase - hedonicLogPrice(index, sale));
    const list = byZip.get(sale.zipcode) ?? [];
    list.push(atBase - Math.log(sale.sqftLiving));
    byZip.set(sale.zipcode, list);
  }
  const zipLogPricePerSqft = new Map([...byZip].map(([zip, values]) => [zip, median(values)]));
  return { source, asOfDay, index, residuals, zipLogPricePerSqft };
}

// The hedonic market model: log(price) = intercept + property terms + zip effect + month level.
// One ridge regression gives both things the comparable-sales method needs:
//  * the market index (month levels), to bring a sale from nine months ago to the valuation date;
//  * the price effect of size, quality, age and amenities, to adjust each comparable to the subject.
// Month levels are cumulative steps with a ridge penalty, so a month with few sales stays near the
// month before it instead of jumping; dates after the last month carry its recent momentum, damped (TREND).
// Each zip code has its own steps on top of the county's, shrunk much harder: an area moves apart
// from the county only as far as its own sales show, month after month.
import type { PropertyFacts, Sale } from './property.ts';
import { monthNumber } from './property.ts';
import { RidgeAccumulator } from './ridge.ts';

export type AdjustmentGroup = 'size' | 'quality' | 'age' | 'amenities';

type Term = { name: string; group: AdjustmentGroup; value: (facts: PropertyFacts) => number };

const steps = (name: string, group: AdjustmentGroup, value: (facts: PropertyFacts) => number, thresholds: number[]): Term[] =>
  thresholds.map((threshold) => ({ name: `${name}>=${threshold}`, group, value: (facts) => (value(facts) >= threshold ? 1 : 0) }));
const range = (from: number, to: number, by = 1) => Array.from({ length: Math.floor((to - from) / by) + 1 }, (_, i) => from + i * by);

/** Property terms, each in the adjustment group it is shown under. Steps let grade and age act non-linearly. */
const TERMS: readonly Term[] = [
  { name: 'log_sqft_living', group: 'size', value: (f) => Math.log(f.sqftLiving) },
  { name: 'log_sqft_lot', group: 'size', value: (f) => Math.log(f.sqftLot) },
  { name: 'bathrooms', group: 'size', value: (f) => Math.min(f.bathrooms, 6) },
  { name: 'bedrooms', group: 'size', value: (f) => Math.min(f.bedrooms, 8) },
  { name: 'floors', group: 'size', value: (f) => f.floors },
  ...steps('grade', 'quality', (f) => f.grade, range(5, 13)),
  { name: 'condition', group: 'quality', value: (f) => f.condition },
  ...steps('built', 'age', (f) => f.yrBuilt, range(1910, 2010, 10)),
  { name: 'renovated', group: 'age', value: (f) => (f.yrRenovated > 0 ? 1 : 0) },
  { name: 'waterfront', group: 'amenities', value: (f) => (f.waterfront ? 1 : 0) },
  { name: 'view', group: 'amenities', value: (f) => f.view },
];

/** Ridge penalties (in units of summed squared log errors): why each is what it is is in the comments. */
const PENALTY = {
  /** Property terms are well identified by thousands of sales; the tiny penalty only keeps rare steps (grade 13) finite. */
  term: 1e-3,
  /** Zip effects shrink toward the county mean, so a zip with three sales does not get a wild effect. */
  zip: 1,
  /** ≈ residual variance (0.04) / prior variance of a monthly step (0.02²): steps need ~100 sales to count fully. */
  monthStep: 100,
  /** Zip steps: prior sd 0.01 a month around the county's step (0.04 / 0.01²). */
  zipMonthStep: 400,
} as const;

export type MarketIndex = {
  intercept: number;
  termCoefficients: Float64Array;
  zipEffects: Map<string, number>;
  /** Month numbers (see monthNumber) from the first to the last month of the sales, and their levels (log). */
  months: number[];
  levels: number[];
  /** Per zip, its level minus the county's, month by month (0 in the first month). */
  zipLevelDeviations: Map<string, number[]>;
  /** Number of sales the model was fitted on. */
  salesCount: number;
  /** Log change a month carried past the last month (damped, see TREND): the county's recent momentum. */
  trendPerMonth: number;
};

/**
 * Past the last month the county keeps moving as it last did, fading: the mean of the last two monthly
 * steps, damped ×0.8 a month (house price indices have momentum: their monthly changes are strongly
 * autocorrelated) and never more than ±3% in all. Valuations run up to months after the newest sale.
 */
const TREND = { steps: 2, damping: 0.8, cap: 0.03 } as const;

export function fitMarketIndex(sales: readonly Sale[]): MarketIndex {
  if (sales.length < 50) throw new Error(`the market index needs at least 50 sales, got ${sales.length}`);
  const zips = [...new Set(sales.map((s) => s.zipcode))].sort();
  const saleMonths = sales.map((s) => monthNumber(s.date));
  const firstMonth = Math.min(...saleMonths);
  const lastMonth = Math.max(...saleMonths);
  const months = range(firstMonth, lastMonth);
  // Columns: intercept | terms | zips | month steps (month[1..]) | zip × month steps.
  const zipBase = 1 + TERMS.length;
  const monthBase = zipBase + zips.length;
  const steps = months.length - 1;
  const zipMonthBase = monthBase + steps;
  const size = zipMonthBase + zips.length * steps;
  const zipIndex = new Map(zips.map((zip, i) => [zip, i]));

  const ridge = new RidgeAccumulator(size);
  const columns: number[] = [];
  const values: number[] = [];
  sales.forEach((sale, i) => {
    columns.length = 0;
    values.length = 0;
    columns.push(0);
    values.push(1);
    TERMS.forEach((term, t) => {
      columns.push(1 + t);
      values.push(term.value(sale));
    });
    const zip = zipIndex.get(sale.zipcode)!;
    columns.push(zipBase + zip);
    values.push(1);
    for (let m = 1; m <= saleMonths[i]! - firstMonth; m++) {
      columns.push(monthBase + m - 1, zipMonthBase + zip * steps + m - 1);
      values.push(1, 1);
    }
    ridge.add(columns, values, Math.log(sale.price));
  });

  const penalty = new Float64Array(size);
  penalty.fill(PENALTY.term, 1, zipBase);
  penalty.fill(PENALTY.zip, zipBase, monthBase);
  penalty.fill(PENALTY.monthStep, monthBase, zipMonthBase);
  penalty.fill(PENALTY.zipMonthStep, zipMonthBase);
  penalty[0] = 1e-9;
  const beta = ridge.solve(penalty);

  const cumulative = (base: number) => {
    const path = [0];
    for (let m = 1; m <= steps; m++) path.push(path[m - 1]! + beta[base + m - 1]!);
    return path;
  };
  const levels = cumulative(monthBase);
  const recent = levels.slice(-TREND.steps - 1);
  const trendPerMonth = recent.length > 1 ? (recent[recent.length - 1]! - recent[0]!) / (recent.length - 1) : 0;
  return {
    intercept: beta[0]!,
    termCoefficients: beta.slice(1, zipBase),
    zipEffects: new Map(zips.map((zip, z) => [zip, beta[zipBase + z]!])),
    months,
    levels,
    zipLevelDeviations: new Map(zips.map((zip, z) => [zip, cumulative(zipMonthBase + z * steps)])),
    salesCount: sales.length,
    trendPerMonth,
  };
}

/**
 * Log market level of a zip code at a date: the county's level of that month plus the zip's deviation
 * (none for a zip without sales), held flat before the first month and carried on by the damped county
 * trend after the last one.
 */
export function marketLevel(index: MarketIndex, date: string, zipcode: string): number {
  const months = monthNumber(date) - index.months[0]!;
  const offset = Math.min(Math.max(months, 0), index.levels.length - 1);
  return index.levels[offset]! + (index.zipLevelDeviations.get(zipcode)?.[offset] ?? 0) + trendAfter(index, months - offset);
}

/** The extrapolated move `monthsAfter` months past the last month (see TREND). */
function trendAfter(index: MarketIndex, monthsAfter: number): number {
  if (monthsAfter <= 0 || index.trendPerMonth === 0) return 0;
  let move = 0;
  for (let k = 1; k <= monthsAfter; k++) move += index.trendPerMonth * TREND.damping ** k;
  return Math.max(-TREND.cap, Math.min(TREND.cap, move));
}

/** Log factor that brings a price in `zipcode` from `fromDate` to `toDate` market conditions. */
export function timeAdjustment(index: MarketIndex, fromDate: string, toDate: string, zipcode: string): number {
  return marketLevel(index, toDate, zipcode) - marketLevel(index, fromDate, zipcode);
}

/** Sum of the log price effects of one group of property terms (comparables are adjusted by differences of these). */
export function groupEffect(index: MarketIndex, facts: PropertyFacts, group: AdjustmentGroup): number {
  let sum = 0;
  TERMS.forEach((term, t) => {
    if (term.group === group) sum += index.termCoefficients[t]! * term.value(facts);
  });
  return sum;
}

/** Expected log price of the property at the index's base month (zip effect 0 for a zip it never saw). */
export function hedonicLogPrice(index: MarketIndex, facts: PropertyFacts): number {
  let sum = index.intercept + (index.zipEffects.get(facts.zipcode) ?? 0);
  TERMS.forEach((term, t) => {
    sum += index.termCoefficients[t]! * term.value(facts);
  });
  return sum;
}

/** The adjustment rates as named coefficients (model card; the UI's "how was this comparable adjusted"). */
export function describeTerms(index: MarketIndex): { name: string; group: AdjustmentGroup; coefficient: number }[] {
  return TERMS.map((term, t) => ({ name: term.name, group: term.group, coefficient: index.termCoefficients[t]! }));
}

// The average 30-year fixed mortgage rate by day: "loan rate vs. the market rate of that date" and "did rates
// just drop" are the strongest refinance signals. A copy of the series ships next to this file so scoring
// never depends on the training data.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { DAY_MS, isoDate, parseUtc } from './intent-inputs.ts';

export const DEFAULT_MARKET_RATES_FILE = fileURLToPath(new URL('./market_rates.csv', import.meta.url));

export type MarketRates = {
  /** The rate (%) in force at `ms`: the latest published on or before that day, clamped to the series' ends. */
  rateAt(ms: number): number;
  firstDay: string;
  lastDay: string;
};

/** Builds the lookup from (day, rate) points; days without a rate (weekends, gaps) carry the last one forward. */
export function createMarketRates(points: readonly { day: number; rate: number }[]): MarketRates {
  if (points.length === 0) throw new Error('Market rates: the series is empty');
  const sorted = [...points].sort((a, b) => a.day - b.day);
  const firstDay = Math.floor(sorted[0]!.day / DAY_MS);
  const lastDay = Math.floor(sorted.at(-1)!.day / DAY_MS);
  // One slot per calendar day makes every lookup O(1): scoring asks for millions of them in training.
  const daily = new Float64Array(lastDay - firstDay + 1);
  let next = 0;
  let current = sorted[0]!.rate;
  for (let day = firstDay; day <= lastDay; day++) {
    while (next < sorted.length && Math.floor(sorted[next]!.day / DAY_MS) <= day) current = sorted[next++]!.rate;
    daily[day - firstDay] = current;
  }
  return {
    rateAt(ms) {
      const day = Math.floor(ms / DAY_MS);
      return daily[Math.min(Math.max(day - firstDay, 0), daily.length - 1)]!;
    },
    firstDay: isoDate(firstDay * DAY_MS),
    lastDay: isoDate(lastDay * DAY_MS),
  };
}

/** Parses a `date,rate_30y_fixed` CSV (the engagement dataset's market_rates.csv). */
export function parseMarketRatesCsv(text: string, label: string): MarketRates {
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  const first = rows[0];
  if (!first || !('date' in first) || !('rate_30y_fixed' in first)) {
    throw new Error(`${label}: expected the columns date,rate_30y_fixed (the engagement dataset's market_rates.csv)`);
  }
  const points = rows.map((row, i) => {
    const day = parseUtc(row.date ?? '');
    const rate = Number(row.rate_30y_fixed);
    if (!Number.isFinite(day) || !(rate > 0 && rate < 30)) {
      throw new Error(`${label}: line ${i + 2}: expected a YYYY-MM-DD date and a rate in percent, got '${row.date}', '${row.rate_30y_fixed}'`);
    }
    return { day, rate };
  });
  return createMarketRates(points);
}

export function loadMarketRates(file: string = DEFAULT_MARKET_RATES_FILE): MarketRates {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read market rates from ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  return parseMarketRatesCsv(text, file);
}

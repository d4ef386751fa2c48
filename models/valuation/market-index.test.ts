import { describe, expect, it } from 'vitest';
import { fitMarketIndex, groupEffect, marketLevel, timeAdjustment } from './market-index.ts';
import { RidgeAccumulator } from './ridge.ts';
import { monthNumber } from './property.ts';
import { MONTHLY_GROWTH, syntheticSales, syntheticSubject } from './testing/synthetic-sales.ts';

describe('ridge solver', () => {
  it('solves least squares exactly when the penalty is negligible', () => {
    const ridge = new RidgeAccumulator(2);
    for (const x of [0, 1, 2, 3, 4]) ridge.add([0, 1], [1, x], 3 + 2 * x);
    const [a, b] = ridge.solve([1e-12, 1e-12]);
    expect(a).toBeCloseTo(3, 6);
    expect(b).toBeCloseTo(2, 6);
  });
});

describe('market index (hedonic, monthly)', () => {
  const index = fitMarketIndex(syntheticSales(3000));

  it('recovers the monthly price trend', () => {
    // Synthetic prices rise 1% a month: ten months ≈ +0.10 in log terms.
    const rise = marketLevel(index, '2015-02-15', '98101') - marketLevel(index, '2014-05-15', '98101');
    expect(rise).toBeGreaterThan(9 * MONTHLY_GROWTH * 0.7);
    expect(rise).toBeLessThan(9 * MONTHLY_GROWTH * 1.3);
  });

  it('carries the recent trend past the data, damped and capped, and holds the first level before it starts', () => {
    const last = marketLevel(index, '2015-02-01', '98101');
    // Synthetic prices rise 1% a month: the next month ≈ +0.8%, and the move never exceeds 3%.
    expect(index.trendPerMonth).toBeGreaterThan(MONTHLY_GROWTH * 0.5);
    expect(marketLevel(index, '2015-03-10', '98101') - last).toBeCloseTo(0.8 * index.trendPerMonth, 10);
    expect(marketLevel(index, '2015-04-10', '98101') - last).toBeCloseTo((0.8 + 0.64) * index.trendPerMonth, 10);
    // 19 months on: the damped series (→ 4 × the monthly step), or the cap if that is smaller.
    const series = Array.from({ length: 19 }, (_, k) => 0.8 ** (k + 1)).reduce((a, b) => a + b, 0);
    expect(marketLevel(index, '2016-09-01', '98101') - last).toBeCloseTo(Math.min(0.03, series * index.trendPerMonth), 10);
    expect(marketLevel(index, '2013-01-01', '98101')).toBe(0);
    expect(timeAdjustment(index, '2014-06-10', '2014-06-20', '98101')).toBe(0);
  });

  it('carries a falling market down as well', () => {
    const falling = fitMarketIndex(syntheticSales(3000).map((sale) => ({ ...sale, price: sale.price * Math.exp(-2 * MONTHLY_GROWTH * (monthNumber(sale.date) - monthNumber('2014-05-01'))) })));
    expect(falling.trendPerMonth).toBeLessThan(0);
    const last = marketLevel(falling, '2015-02-01', '98101');
    expect(marketLevel(falling, '2015-03-01', '98101') - last).toBeCloseTo(0.8 * falling.trendPerMonth, 10);
    // −2% a month would add up to ≈ −8%: capped at −3%.
    expect(marketLevel(falling, '2016-09-01', '98101') - last).toBeCloseTo(-0.03, 10);
  });

  it('lets a zip code move apart from the county only as far as its sales show', () => {
    // Synthetic prices follow one county-wide trend: zip deviations stay small.
    for (const deviations of index.zipLevelDeviations.values()) expect(Math.max(...deviations.map(Math.abs))).toBeLessThan(0.02);
    // A zip the index never saw follows the county.
    expect(marketLevel(index, '2015-02-01', '99999')).toBe(index.levels[index.levels.length - 1]);
  });

  it('prices size like the data: log sqft elasticity ≈ 1, grade ≈ +10% a step', () => {
    const small = syntheticSubject(1, '2015-01-01', { sqftLiving: 1500, grade: 7 });
    const large = { ...small, sqftLiving: 3000 };
    expect(groupEffect(index, large, 'size') - groupEffect(index, small, 'size')).toBeCloseTo(Math.log(2), 1);
    const better = { ...small, grade: 8 };
    expect(groupEffect(index, better, 'quality') - groupEffect(index, small, 'quality')).toBeCloseTo(0.1, 1);
  });

  it('refuses to fit on too few sales', () => {
    expect(() => fitMarketIndex(syntheticSales(10))).toThrow(/at least 50 sales/);
  });
});

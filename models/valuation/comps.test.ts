import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { COMP_RADII, MAX_COMPS, MIN_COMPS, adjustComparable, selectComparables } from './comps.ts';
import { findNeighbours } from './engine.ts';
import { buildMarket } from './market.ts';
import { dayNumber } from './property.ts';
import type { Subject } from './property.ts';
import { ensureSalesTables, openSalesStore, upsertSales } from './sales-store.ts';
import { syntheticLogPrice, syntheticSales, syntheticSubject } from './testing/synthetic-sales.ts';

function syntheticMarket() {
  const db = new Database(':memory:');
  ensureSalesTables(db);
  upsertSales(db, syntheticSales(2500));
  const store = openSalesStore(db);
  return buildMarket(store, store.sales);
}

describe('comparable sales', () => {
  const market = syntheticMarket();
  const comps = (subject: Subject) => {
    const day = dayNumber(subject.date);
    return selectComparables(market, subject, day, findNeighbours(market, subject, day));
  };

  it('takes comparables within 0.5 mile when there are enough, at most MAX_COMPS, weights summing to 1', () => {
    const result = comps(syntheticSubject(7, '2015-03-01', { lat: 47.6, lng: -122.3 }));
    expect(result.radiusMiles).toBe(COMP_RADII[0]);
    expect(result.comps.length).toBe(MAX_COMPS);
    expect(result.comps.every((c) => c.miles <= 0.5)).toBe(true);
    expect(result.comps.reduce((sum, c) => sum + c.weight, 0)).toBeCloseTo(1, 9);
  });

  it('widens the radius only when too few sales are near', () => {
    // 2 miles north of the synthetic town: nothing within 0.5 or 1 mile.
    const result = comps(syntheticSubject(7, '2015-03-01', { lat: 47.675, lng: -122.3 }));
    expect(result.radiusMiles).toBeGreaterThan(1);
    expect(result.comps.length).toBeGreaterThanOrEqual(MIN_COMPS);
  });

  it('uses only sales before the valuation date', () => {
    const subject = syntheticSubject(7, '2014-08-01', { lat: 47.6, lng: -122.3 });
    expect(comps(subject).comps.every((c) => c.sale.date < '2014-08-01')).toBe(true);
  });

  it('ranks a twin sold next door first', () => {
    const twin = market.source.within(47.6, -122.3, 0.5, Number.POSITIVE_INFINITY)[0]!.sale;
    const subject: Subject = { ...twin, parcelId: 'subject', date: '2015-03-01' };
    expect(comps(subject).comps[0]!.sale.id).toBe(twin.id);
  });

  it('adjusts a comparable for size, grade and time in the direction of the subject', () => {
    const sale = market.source.within(47.6, -122.3, 0.5, Number.POSITIVE_INFINITY).find((n) => n.sale.date < '2014-07-01')!.sale;
    const subject: Subject = { ...sale, parcelId: 'subject', date: '2015-02-15', sqftLiving: sale.sqftLiving * 1.5, grade: sale.grade + 1 };
    const adjustments = adjustComparable(market, subject, sale);
    expect(adjustments.size).toBeCloseTo(Math.log(1.5), 1);
    expect(adjustments.quality).toBeCloseTo(0.1, 1);
    expect(adjustments.time).toBeGreaterThan(0.04); // ≥ 7 months of a +1%/month market
    expect(adjustments.age).toBe(0);
  });

  it('estimates synthetic prices within a few percent', () => {
    const errors = [11, 12, 13, 14, 15, 16, 17, 18].map((seed) => {
      const subject = syntheticSubject(seed, '2015-02-20');
      return Math.abs(comps(subject).logEstimate - syntheticLogPrice({ ...subject, date: '2015-02-01' }));
    });
    expect(Math.max(...errors)).toBeLessThan(0.1);
  });
});

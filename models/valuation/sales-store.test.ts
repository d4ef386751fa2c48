import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { dayNumber } from './property.ts';
import { ensureSalesTables, milesBetween, openSalesStore, upsertSales } from './sales-store.ts';
import { syntheticSales } from './testing/synthetic-sales.ts';

describe('sales store (SQLite R*Tree)', () => {
  const sales = syntheticSales(400);

  it('creates and fills idempotently in a given database', () => {
    const db = new Database(':memory:');
    ensureSalesTables(db);
    upsertSales(db, sales);
    ensureSalesTables(db);
    upsertSales(db, sales.map((s) => ({ ...s, price: s.price + 1 })));
    expect(db.prepare('SELECT count(*) FROM avm_sales').pluck().get()).toBe(sales.length);
    expect(db.prepare('SELECT count(*) FROM avm_sales_rtree').pluck().get()).toBe(sales.length);
    expect(openSalesStore(db).sales.find((s) => s.parcelId === sales[0]!.parcelId)!.price).toBe(sales[0]!.price + 1);
  });

  it('returns exactly the earlier sales within the radius, nearest first', () => {
    const db = new Database(':memory:');
    ensureSalesTables(db);
    upsertSales(db, sales);
    const store = openSalesStore(db);
    const [lat, lng, beforeDay] = [47.6, -122.3, dayNumber('2014-11-01')];
    for (const miles of [0.5, 1, 2]) {
      const found = store.within(lat, lng, miles, beforeDay);
      const expected = store.sales.filter((s) => s.day < beforeDay && milesBetween(lat, lng, s.lat, s.lng) <= miles);
      expect(found.map((n) => n.sale.id).sort()).toEqual(expected.map((s) => s.id).sort());
      expect(found.map((n) => n.miles)).toEqual([...found.map((n) => n.miles)].sort((a, b) => a - b));
    }
  });

  it('finds earlier sales of the same parcel, latest first', () => {
    const db = new Database(':memory:');
    ensureSalesTables(db);
    const first = sales[0]!;
    upsertSales(db, [first, { ...first, date: '2014-12-01', price: first.price * 1.1 }, { ...first, date: '2015-02-01' }]);
    const prior = openSalesStore(db).priorSales(first.parcelId, dayNumber('2015-01-15'));
    expect(prior.map((s) => s.date)).toEqual(['2014-12-01', first.date]);
  });

  it('measures distance in miles', () => {
    // One degree of latitude is ~69 miles anywhere.
    expect(milesBetween(47, -122, 48, -122)).toBeCloseTo(69.06, 1);
    expect(milesBetween(47.6, -122.3, 47.6, -122.3)).toBe(0);
  });
});

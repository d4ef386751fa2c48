// The replica's comparable-sales index (migration 0004): the R*Tree follows market_sales through synced
// inserts, replacements, deletes and a VACUUM, so the engine's radius search always finds exactly the
// usable sales.
import { describe, expect, it } from 'vitest';
import { openSalesStore } from '../../models/valuation/sales-store.ts';
import { openLocalStore } from '../store/local-store.ts';
import { demoSales, insertMarketSales } from './testing/replica-fixtures.ts';

const counts = (sqlite: ReturnType<typeof openLocalStore>['sqlite']) =>
  sqlite.prepare('SELECT (SELECT count(*) FROM market_sales) AS rows, (SELECT count(*) FROM avm_sales) AS usable, (SELECT count(*) FROM avm_sales_rtree) AS indexed').get() as {
    rows: number;
    usable: number;
    indexed: number;
  };

describe('market sales index of the replica', () => {
  it('indexes synced sales, keeps one entry per sale through replacements and deletes, and survives VACUUM', () => {
    const store = openLocalStore(':memory:');
    const sales = demoSales().slice(0, 600);
    insertMarketSales(store.sqlite, sales);
    insertMarketSales(store.sqlite, sales.slice(0, 200)); // the same rows again, as a re-sync writes them
    expect(counts(store.sqlite)).toEqual({ rows: 600, usable: 600, indexed: 600 });

    store.sqlite.prepare('DELETE FROM market_sales WHERE rowid % 3 = 0').run();
    // A sale without a living area cannot be a comparable: out of the view, out of the index.
    store.sqlite.prepare('UPDATE market_sales SET sqft_living = NULL WHERE rowid % 3 = 1').run();
    const after = counts(store.sqlite);
    expect(after.indexed).toBe(after.usable);
    expect(after.usable).toBeLessThan(after.rows);
    store.sqlite.exec('VACUUM');

    const source = openSalesStore(store.sqlite);
    expect(source.sales).toHaveLength(after.usable);
    const probe = source.sales[0]!;
    const near = source.within(probe.lat, probe.lng, 2, Number.POSITIVE_INFINITY);
    expect(near[0]!.sale).toMatchObject({ parcelId: probe.parcelId, date: probe.date });
    expect(near.every((n) => n.sale.sqftLiving > 0)).toBe(true);
    store.close();
  });

  it('maps the replica’s columns to the engine’s facts (never renovated: NULL here, 0 there)', () => {
    const store = openLocalStore(':memory:');
    const sale = demoSales().find((s) => s.yrRenovated === 0)!;
    const renovated = demoSales().find((s) => s.yrRenovated > 0)!;
    insertMarketSales(store.sqlite, [sale, renovated]);
    const stored = openSalesStore(store.sqlite).sales;
    expect(stored.find((s) => s.parcelId === sale.parcelId)).toMatchObject({ ...sale, yrRenovated: 0 });
    expect(stored.find((s) => s.parcelId === renovated.parcelId)?.yrRenovated).toBe(renovated.yrRenovated);
    store.close();
  });
});

// Test data for the valuation service: a real replica file with market sales (rows shaped as the sync
// engine writes them) from the shipped King County demo sales, and properties like the demo seed's.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { readSalesCsv } from '../../../models/valuation/sales-csv.ts';
import type { Sale } from '../../../models/valuation/property.ts';

export const DEMO_SALES_CSV = fileURLToPath(new URL('../../../resources/demo/kc_sales.csv', import.meta.url));

let cachedSales: Sale[] | null = null;
/** The shipped demo sales (all 16,861), parsed once per test process. */
export function demoSales(): Sale[] {
  cachedSales ??= readSalesCsv(DEMO_SALES_CSV).records;
  return cachedSales;
}

/** Writes sales into market_sales the way the replica does (INSERT OR REPLACE of whole rows), in one transaction. */
export function insertMarketSales(sqlite: Database.Database, sales: readonly Sale[]): void {
  const insert = sqlite.prepare(`INSERT OR REPLACE INTO market_sales (id, parcel_id, sale_date, price, bedrooms, bathrooms, sqft_living, sqft_lot,
    floors, waterfront, view, condition, grade, sqft_above, sqft_basement, yr_built, yr_renovated, zipcode, lat, lng, sqft_living15, sqft_lot15)
    VALUES (@id, @parcelId, @date, @price, @bedrooms, @bathrooms, @sqftLiving, @sqftLot, @floors, @waterfront, @view, @condition, @grade,
    @sqftAbove, @sqftBasement, @yrBuilt, @yrRenovated, @zipcode, @lat, @lng, @sqftLiving15, @sqftLot15)`);
  sqlite.transaction(() => {
    for (const sale of sales) {
      insert.run({ ...sale, id: `sale-${sale.parcelId}-${sale.date}`, waterfront: sale.waterfront ? 1 : 0, yrRenovated: sale.yrRenovated || null });
    }
  })();
}

export type PropertyFixture = { id: string; brokerageId: string; contactId: string | null; address: string };

/** A property row with the facts of a sold house (the demo seed's properties are exactly that). */
export function insertPropertyLike(sqlite: Database.Database, sale: Sale, overrides: Partial<Record<string, unknown>> = {}): PropertyFixture {
  const row = {
    id: randomUUID(),
    brokerage_id: 'b-test',
    contact_id: null,
    parcel_id: sale.parcelId,
    address: `${sale.parcelId.slice(-4)} Test Ave, Seattle WA ${sale.zipcode}`,
    zipcode: sale.zipcode,
    lat: sale.lat,
    lng: sale.lng,
    bedrooms: sale.bedrooms,
    bathrooms: sale.bathrooms,
    sqft_living: sale.sqftLiving,
    sqft_lot: sale.sqftLot,
    floors: sale.floors,
    waterfront: sale.waterfront ? 1 : 0,
    view: sale.view,
    condition: sale.condition,
    grade: sale.grade,
    yr_built: sale.yrBuilt,
    yr_renovated: sale.yrRenovated || null,
    purchase_date: '2004-03-01',
    purchase_price: 300_000,
    loan_original: 240_000,
    loan_rate: 5.625,
    loan_term_years: 30,
    ...overrides,
  };
  const names = Object.keys(row);
  sqlite.prepare(`INSERT INTO properties (${names.join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`).run(row);
  return { id: row.id, brokerageId: row.brokerage_id, contactId: row.contact_id as string | null, address: row.address };
}

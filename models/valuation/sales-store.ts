// Market sales in SQLite with an R*Tree over their positions: the spatial index of the comparable
// search. `ensureSalesTables` + `upsertSales` work on any better-sqlite3 handle (the app's replica, or
// an in-memory database for the CLI); `openSalesStore` then answers radius queries from it.
import type Database from 'better-sqlite3';
import type { Sale } from './property.ts';
import { dayNumber } from './property.ts';

export type StoredSale = Sale & { id: number; day: number };
export type Neighbour = { sale: StoredSale; miles: number };

/** What the valuation engine needs from the market data (SQLite here; anything in tests). */
export type SalesSource = {
  /** Sales before `beforeDay` within `miles` of the point, nearest first. */
  within(lat: number, lng: number, miles: number, beforeDay: number): Neighbour[];
  /** Earlier sales of the same parcel, latest first. */
  priorSales(parcelId: string, beforeDay: number): StoredSale[];
};

const MILES_PER_DEGREE_LAT = 69.055;

/** Distance in miles; an equirectangular projection is exact to <0.1% at the few-mile scale of comps. */
export function milesBetween(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const dy = (lat2 - lat1) * MILES_PER_DEGREE_LAT;
  const dx = (lng2 - lng1) * MILES_PER_DEGREE_LAT * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180);
  return Math.sqrt(dx * dx + dy * dy);
}

/** Creates the sales table and its R*Tree if missing; safe to call on every start. */
export function ensureSalesTables(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS avm_sales (
      id INTEGER PRIMARY KEY,
      parcel_id TEXT NOT NULL,
      sale_date TEXT NOT NULL,
      price REAL NOT NULL,
      zipcode TEXT NOT NULL,
      lat REAL NOT NULL,
      lng REAL NOT NULL,
      bedrooms REAL NOT NULL,
      bathrooms REAL NOT NULL,
      sqft_living REAL NOT NULL,
      sqft_lot REAL NOT NULL,
      floors REAL NOT NULL,
      waterfront INTEGER NOT NULL,
      view REAL NOT NULL,
      condition REAL NOT NULL,
      grade REAL NOT NULL,
      yr_built REAL NOT NULL,
      yr_renovated REAL NOT NULL,
      sqft_above REAL,
      sqft_basement REAL,
      sqft_living15 REAL,
      sqft_lot15 REAL,
      UNIQUE (parcel_id, sale_date)
    );
    CREATE VIRTUAL TABLE IF NOT EXISTS avm_sales_rtree USING rtree(id, min_lat, max_lat, min_lng, max_lng);
  `);
}

/** Inserts sales, replacing an earlier row of the same parcel and date (so re-loading a file is idempotent). */
export function upsertSales(db: Database.Database, sales: readonly Sale[]): void {
  const upsert = db.prepare(`
    INSERT INTO avm_sales (parcel_id, sale_date, price, zipcode, lat, lng, bedrooms, bathrooms, sqft_living, sqft_lot, floors,
      waterfront, view, condition, grade, yr_built, yr_renovated, sqft_above, sqft_basement, sqft_living15, sqft_lot15)
    VALUES (@parcelId, @date, @price, @zipcode, @lat, @lng, @bedrooms, @bathrooms, @sqftLiving, @sqftLot, @floors,
      @waterfront, @view, @condition, @grade, @yrBuilt, @yrRenovated, @sqftAbove, @sqftBasement, @sqftLiving15, @sqftLot15)
    ON CONFLICT (parcel_id, sale_date) DO UPDATE SET price = excluded.price, zipcode = excluded.zipcode, lat = excluded.lat,
      lng = excluded.lng, bedrooms = excluded.bedrooms, bathrooms = excluded.bathrooms, sqft_living = excluded.sqft_living,
      sqft_lot = excluded.sqft_lot, floors = excluded.floors, waterfront = excluded.waterfront, view = excluded.view,
      condition = excluded.condition, grade = excluded.grade, yr_built = excluded.yr_built, yr_renovated = excluded.yr_renovated,
      sqft_above = excluded.sqft_above, sqft_basement = excluded.sqft_basement, sqft_living15 = excluded.sqft_living15,
      sqft_lot15 = excluded.sqft_lot15
    RETURNING id`);
  const place = db.prepare('INSERT OR REPLACE INTO avm_sales_rtree (id, min_lat, max_lat, min_lng, max_lng) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (const sale of sales) {
      const { id } = upsert.get({ ...sale, waterfront: sale.waterfront ? 1 : 0 }) as { id: number };
      place.run(id, sale.lat, sale.lat, sale.lng, sale.lng);
    }
  })();
}

type SaleRow = {
  id: number; parcel_id: string; sale_date: string; price: number; zipcode: string; lat: number; lng: number; bedrooms: number;
  bathrooms: number; sqft_living: number; sqft_lot: number; floors: number; waterfront: number; view: number; condition: number;
  grade: number; yr_built: number; yr_renovated: number; sqft_above: number | null; sqft_basement: number | null;
  sqft_living15: number | null; sqft_lot15: number | null;
};

function fromRow(row: SaleRow): StoredSale {
  return {
    id: row.id, parcelId: row.parcel_id, date: row.sale_date, day: dayNumber(row.sale_date), price: row.price, zipcode: row.zipcode,
    lat: row.lat, lng: row.lng, bedrooms: row.bedrooms, bathrooms: row.bathrooms, sqftLiving: row.sqft_living, sqftLot: row.sqft_lot,
    floors: row.floors, waterfront: row.waterfront === 1, view: row.view, condition: row.condition, grade: row.grade,
    yrBuilt: row.yr_built, yrRenovated: row.yr_renovated, sqftAbove: row.sqft_above, sqftBasement: row.sqft_basement,
    sqftLiving15: row.sqft_living15, sqftLot15: row.sqft_lot15,
  };
}

export type SalesStore = SalesSource & { sales: readonly StoredSale[] };

/**
 * Loads the sales into memory (the engine scores every candidate, so it needs their facts anyway) and
 * answers radius queries through the R*Tree, which returns only the ids inside the bounding box.
 */
export function openSalesStore(db: Database.Database): SalesStore {
  const sales = (db.prepare('SELECT * FROM avm_sales ORDER BY sale_date, id').all() as SaleRow[]).map(fromRow);
  const byId = new Map(sales.map((sale) => [sale.id, sale]));
  const byParcel = new Map<string, StoredSale[]>();
  for (const sale of sales) {
    const list = byParcel.get(sale.parcelId) ?? [];
    list.unshift(sale); // sales are date-ordered, so unshift keeps each list latest first
    byParcel.set(sale.parcelId, list);
  }
  const inBox = db.prepare('SELECT id FROM avm_sales_rtree WHERE max_lat >= ? AND min_lat <= ? AND max_lng >= ? AND min_lng <= ?').pluck();

  return {
    sales,
    within(lat, lng, miles, beforeDay) {
      const dLat = miles / MILES_PER_DEGREE_LAT;
      const dLng = miles / (MILES_PER_DEGREE_LAT * Math.cos((lat * Math.PI) / 180));
      const found: Neighbour[] = [];
      for (const id of inBox.all(lat - dLat, lat + dLat, lng - dLng, lng + dLng) as number[]) {
        const sale = byId.get(id)!;
        if (sale.day >= beforeDay) continue;
        const distance = milesBetween(lat, lng, sale.lat, sale.lng);
        if (distance <= miles) found.push({ sale, miles: distance });
      }
      return found.sort((a, b) => a.miles - b.miles);
    },
    priorSales(parcelId, beforeDay) {
      return (byParcel.get(parcelId) ?? []).filter((sale) => sale.day < beforeDay);
    },
  };
}

// The facts the valuation engine knows about a property and a sale. Field names follow the app's
// `properties` table (db/schema) so the app can value its own rows; the four neighbourhood/size
// extras of the county data (sqftAbove … sqftLot15) are optional because the app does not store them.

export type PropertyFacts = {
  parcelId: string;
  zipcode: string;
  lat: number;
  lng: number;
  bedrooms: number;
  bathrooms: number;
  sqftLiving: number;
  sqftLot: number;
  floors: number;
  waterfront: boolean;
  view: number;
  condition: number;
  grade: number;
  yrBuilt: number;
  /** 0 = never renovated. */
  yrRenovated: number;
  sqftAbove: number | null;
  sqftBasement: number | null;
  sqftLiving15: number | null;
  sqftLot15: number | null;
};

/** A property to value as of `date` (YYYY-MM-DD). */
export type Subject = PropertyFacts & { date: string };

/** A recorded sale: the evidence of the market. */
export type Sale = Subject & { price: number };

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD date (UTC; no time zones in sale dates). */
export function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY);
}

export function dateOfDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Months since year 0 (2015-01 → 2015 * 12): the period of the market index. */
export function monthNumber(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
}

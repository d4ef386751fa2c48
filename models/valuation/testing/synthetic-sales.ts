// Deterministic synthetic sales for tests: a small town whose prices follow a known rule (size,
// grade, a location gradient, +1% a month), so tests can check what the engine recovers.
import type { Sale, Subject } from '../property.ts';
import { dateOfDay, dayNumber } from '../property.ts';

/** Park–Miller minimal standard generator: tiny and reproducible. */
function generator(seed: number) {
  let state = (seed * 2654435761) % 2147483647 || 1;
  const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
  // Nearby seeds start from nearby states; a few steps decorrelate their first draws.
  for (let i = 0; i < 5; i++) next();
  const normal = () => Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  return { next, normal };
}

export const MONTHLY_GROWTH = 0.01;
const FIRST_DAY = dayNumber('2014-05-01');

/** The rule prices follow (before noise): exported so tests can compare. */
export function syntheticLogPrice(facts: Pick<Subject, 'sqftLiving' | 'grade' | 'lat' | 'date'>): number {
  const months = (dayNumber(facts.date) - FIRST_DAY) / 30.44;
  return 5.4 + Math.log(facts.sqftLiving) + 0.1 * (facts.grade - 7) + 3 * (facts.lat - 47.6) + MONTHLY_GROWTH * months;
}

export function syntheticSubject(seed: number, date: string, overrides: Partial<Subject> = {}): Subject {
  const rng = generator(seed);
  const lat = 47.55 + 0.1 * rng.next();
  const lng = -122.35 + 0.1 * rng.next();
  const sqftLiving = Math.round(1000 + 2000 * rng.next());
  return {
    parcelId: String(1_000_000 + seed),
    date,
    zipcode: lat < 47.6 ? '98101' : '98102',
    lat,
    lng,
    bedrooms: 2 + Math.floor(3 * rng.next()),
    bathrooms: 1 + Math.floor(8 * rng.next()) / 4,
    sqftLiving,
    sqftLot: Math.round(3000 + 5000 * rng.next()),
    floors: 1 + Math.floor(2 * rng.next()),
    waterfront: false,
    view: 0,
    condition: 3,
    grade: 6 + Math.floor(4 * rng.next()),
    yrBuilt: 1920 + Math.floor(90 * rng.next()),
    yrRenovated: 0,
    sqftAbove: sqftLiving,
    sqftBasement: 0,
    sqftLiving15: sqftLiving,
    sqftLot15: 5000,
    ...overrides,
  };
}

/** `count` sales spread over 2014-05 … 2015-02 with 5% log-normal noise. */
export function syntheticSales(count: number, seed = 1): Sale[] {
  const rng = generator(seed * 7919);
  return Array.from({ length: count }, (_, i) => {
    const subject = syntheticSubject(seed * 100_000 + i + 1, dateOfDay(FIRST_DAY + Math.floor(300 * rng.next())));
    return { ...subject, price: Math.round(Math.exp(syntheticLogPrice(subject) + 0.05 * rng.normal())) };
  }).sort((a, b) => a.date.localeCompare(b.date));
}

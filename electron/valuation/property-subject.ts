// A `properties` row as the valuation engine sees it, and the facts as the contract names them. The
// one mapping between the app's property columns and the engine's facts.
import type { properties } from '../../db/schema/sqlite.ts';
import type { PropertyFacts as EngineFacts } from '../../models/valuation/property.ts';
import type { PropertyFactName, PropertyFacts, PropertyFactsChanges } from '../ipc/contract.ts';

export type PropertyRow = typeof properties.$inferSelect;

/** Contract fact → properties column (the mutation catalogue's field name). */
export const FACT_COLUMNS = {
  bedrooms: 'bedrooms',
  bathrooms: 'bathrooms',
  sqftLiving: 'sqft_living',
  sqftLot: 'sqft_lot',
  floors: 'floors',
  yrBuilt: 'yr_built',
  yrRenovated: 'yr_renovated',
  condition: 'condition',
  grade: 'grade',
  view: 'view',
  waterfront: 'waterfront',
} as const satisfies Record<PropertyFactName, string>;

export function factsOf(row: PropertyRow): PropertyFacts {
  return {
    bedrooms: row.bedrooms,
    bathrooms: row.bathrooms,
    sqftLiving: row.sqftLiving,
    sqftLot: row.sqftLot,
    floors: row.floors,
    yrBuilt: row.yrBuilt,
    // The county writes 0 for "never renovated"; the app stores null (either may arrive).
    yrRenovated: row.yrRenovated || null,
    condition: row.condition,
    grade: row.grade,
    view: row.view,
    waterfront: row.waterfront,
  };
}

/** The row with `changes` applied, as the engine's property facts would read it afterwards. */
export function withChanges(row: PropertyRow, changes: PropertyFactsChanges): PropertyRow {
  return { ...row, ...changes };
}

/** The mutation changes (column names) of a facts correction. */
export function columnChanges(changes: PropertyFactsChanges): Record<string, unknown> {
  return Object.fromEntries(Object.entries(changes).map(([name, value]) => [FACT_COLUMNS[name as PropertyFactName], value]));
}

export type SubjectOrGap = { ok: true; facts: EngineFacts } | { ok: false; missingFacts: PropertyFactName[]; issue: string };

const REQUIRED_FACTS = ['bedrooms', 'bathrooms', 'sqftLiving', 'sqftLot', 'floors', 'yrBuilt', 'condition', 'grade', 'view'] as const satisfies readonly PropertyFactName[];

const FACT_LABELS: Record<PropertyFactName, string> = {
  bedrooms: 'bedrooms',
  bathrooms: 'bathrooms',
  sqftLiving: 'living area',
  sqftLot: 'lot size',
  floors: 'floors',
  yrBuilt: 'year built',
  yrRenovated: 'renovation year',
  condition: 'condition',
  grade: 'grade',
  view: 'view',
  waterfront: 'waterfront',
};

/** The engine's facts of a property, or what keeps it from being valued (in words for the page). */
export function subjectOf(row: PropertyRow): SubjectOrGap {
  if (row.lat === null || row.lng === null || !row.zipcode) {
    return { ok: false, missingFacts: [], issue: 'This property has no map position or zip code, so there are no comparable sales to value it from. Its record needs a geocoded address.' };
  }
  const facts = factsOf(row);
  const missingFacts = REQUIRED_FACTS.filter((name) => facts[name] === null);
  if (missingFacts.length > 0) {
    return { ok: false, missingFacts, issue: `Add the ${missingFacts.map((name) => FACT_LABELS[name]).join(', ')} to get an estimate.` };
  }
  return {
    ok: true,
    facts: {
      // Without a parcel number no earlier sale can be matched; the property's own id never matches a sale.
      parcelId: row.parcelId ?? `property:${row.id}`,
      zipcode: row.zipcode,
      lat: row.lat,
      lng: row.lng,
      bedrooms: facts.bedrooms!,
      bathrooms: facts.bathrooms!,
      sqftLiving: facts.sqftLiving!,
      sqftLot: facts.sqftLot!,
      floors: facts.floors!,
      waterfront: facts.waterfront,
      view: facts.view!,
      condition: facts.condition!,
      grade: facts.grade!,
      yrBuilt: facts.yrBuilt!,
      yrRenovated: facts.yrRenovated ?? 0,
      // The county's above/basement split and neighbours' sizes are not recorded by the app: unknown to the model.
      sqftAbove: null,
      sqftBasement: null,
      sqftLiving15: null,
      sqftLot15: null,
    },
  };
}

// Names and scales of the property facts as the county records them, for the facts panel and the edit form.
import type { PropertyFactName } from '../../../shared/api/ipcContract.ts';

export const FACT_LABELS: Record<PropertyFactName, string> = {
  bedrooms: 'Bedrooms',
  bathrooms: 'Bathrooms',
  sqftLiving: 'Living area (sq ft)',
  sqftLot: 'Lot size (sq ft)',
  floors: 'Floors',
  yrBuilt: 'Year built',
  yrRenovated: 'Year renovated',
  condition: 'Condition',
  grade: 'Construction grade',
  view: 'View',
  waterfront: 'Waterfront',
};

export const CONDITION_LABELS: Record<number, string> = { 1: '1 · Poor', 2: '2 · Fair', 3: '3 · Average', 4: '4 · Good', 5: '5 · Very good' };

export const GRADE_LABELS: Record<number, string> = {
  1: '1 · Cabin',
  2: '2 · Substandard',
  3: '3 · Poor',
  4: '4 · Low',
  5: '5 · Fair',
  6: '6 · Low average',
  7: '7 · Average',
  8: '8 · Good',
  9: '9 · Better',
  10: '10 · Very good',
  11: '11 · Excellent',
  12: '12 · Luxury',
  13: '13 · Mansion',
};

export const VIEW_LABELS: Record<number, string> = { 0: '0 · None', 1: '1 · Fair', 2: '2 · Average', 3: '3 · Good', 4: '4 · Excellent' };

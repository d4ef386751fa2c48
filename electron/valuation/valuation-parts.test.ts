// The pure parts of the property pages: dollars of comparable adjustments, the valuation date, the
// retrospective dates, the facts gate, the loan position and the maintenance schedule.
import { describe, expect, it } from 'vitest';
import { addMonths, equityTimeline, loanPosition, refinanceAnalysis } from './property-finance.ts';
import { maintenanceSchedule, maintenanceTaskId } from './property-maintenance.ts';
import type { PropertyRow } from './property-subject.ts';
import { columnChanges, subjectOf } from './property-subject.ts';
import { currentValuationDate, dollarAdjustments } from './valuation-evidence.ts';
import { retrospectiveDates } from './value-history.ts';

const row = (overrides: Partial<PropertyRow> = {}): PropertyRow => ({
  id: 'p1', brokerageId: 'b1', contactId: null, parcelId: '0123456789', address: '1 Test St', zipcode: '98103', lat: 47.66, lng: -122.34,
  bedrooms: 3, bathrooms: 2, sqftLiving: 1800, sqftLot: 5000, floors: 1, waterfront: false, view: 0, condition: 3, grade: 7, yrBuilt: 1960,
  yrRenovated: null, purchaseDate: '2004-03-01', purchasePrice: 300_000, loanOriginal: 240_000, loanRate: 6, loanTermYears: 30,
  estimate: 500_000, estimateLow: 450_000, estimateHigh: 560_000, estimateConfidence: 60, estimatedAt: null, createdAt: '', updatedAt: '',
  deletedAt: null, hlc: '', fieldHlcs: {},
  ...overrides,
});

describe('valuation evidence', () => {
  it('turns log adjustments into dollars that add up to the adjusted price', () => {
    const adjustments = { time: 0.05, size: -0.1, quality: 0.08, age: 0, amenities: 0.02 };
    const dollars = dollarAdjustments(400_000, adjustments);
    const total = Object.values(dollars).reduce((sum, x) => sum + x, 0);
    expect(400_000 + total).toBeCloseTo(400_000 * Math.exp(0.05 - 0.1 + 0.08 + 0.02), 6);
    expect(dollars.time).toBeCloseTo(400_000 * Math.expm1(0.05), 6); // time first, on the sale price
  });

  it('values as of today, or six weeks after the newest sale when the market data is older', () => {
    expect(currentValuationDate('2015-02-28', '2026-11-22')).toBe('2015-04-11');
    expect(currentValuationDate('2026-11-01', '2026-11-22')).toBe('2026-11-22');
  });

  it('dates retrospective values at each month start from the third month of data to before the valuation date', () => {
    expect(retrospectiveDates('2014-05-02', '2014-11-15')).toEqual(['2014-08-01', '2014-09-01', '2014-10-01', '2014-11-01']);
    expect(retrospectiveDates('2014-11-02', '2015-03-01')).toEqual(['2015-02-01']);
    expect(retrospectiveDates('2015-01-02', '2015-03-01')).toEqual([]);
  });
});

describe('property facts for the engine', () => {
  it('names the facts a valuation lacks, and needs a position', () => {
    expect(subjectOf(row())).toMatchObject({ ok: true, facts: { parcelId: '0123456789', yrRenovated: 0, sqftAbove: null } });
    expect(subjectOf(row({ sqftLot: null, grade: null }))).toMatchObject({ ok: false, missingFacts: ['sqftLot', 'grade'], issue: 'Add the lot size, grade to get an estimate.' });
    expect(subjectOf(row({ lat: null }))).toMatchObject({ ok: false, missingFacts: [] });
    expect(columnChanges({ sqftLiving: 2000, yrRenovated: null })).toEqual({ sqft_living: 2000, yr_renovated: null });
  });
});

describe('property finance', () => {
  it('positions the loan as of a date, with equity and loan-to-value against the estimate', () => {
    const position = loanPosition(row(), '2014-03-01', 500_000)!;
    expect(position).toMatchObject({ monthsPaid: 120, payoffDate: '2034-03-01' });
    expect(position.balance).toBeCloseTo(200_845.7, 0); // 240k at 6% for 30 years, after 10 years
    expect(position.equity).toBeCloseTo(500_000 - position.balance, 6);
    expect(position.loanToValue).toBeCloseTo(position.balance / 500_000, 9);
    expect(loanPosition(row({ loanOriginal: null }), '2014-03-01', 500_000)).toBeNull();
    expect(refinanceAnalysis(position, { newRatePercent: 4, newTermYears: 30, closingCostPercent: 3 })!.breakEvenMonths).toBeGreaterThan(0);
  });

  it('lays value and balance on one timeline from the purchase to the payoff', () => {
    const timeline = equityTimeline(row(), [{ valuedAt: '2014-08-01', estimate: 480_000, low: 1, high: 2, confidence: 50, reason: 'retrospective' }]);
    expect(timeline[0]).toEqual({ date: '2004-03-01', value: 300_000, balance: 240_000 });
    expect(timeline.find((p) => p.date === '2014-08-01')).toMatchObject({ value: 480_000, balance: expect.any(Number) });
    expect(timeline.at(-1)).toEqual({ date: '2034-03-01', value: null, balance: 0 });
    expect(addMonths('2004-03-01', 360)).toBe('2034-03-01');
  });
});

describe('maintenance schedule', () => {
  const schedule = (yrBuilt: number | null, yrRenovated: number | null = null, today = '2026-11-22') =>
    maintenanceSchedule({ propertyId: 'p1', yrBuilt, yrRenovated, today }, (id) => id === maintenanceTaskId('p1', 'gutters', '2026-11-22'));

  it('has 15 items for a new home and up to 20 for an old one, soonest first', () => {
    expect(schedule(2024)).toHaveLength(15);
    expect(schedule(1950)).toHaveLength(20);
    expect(schedule(1950, 2020).map((item) => item.id)).not.toContain('roof-replacement'); // renewed by the renovation
    const dates = schedule(1950).map((item) => item.dueDate);
    expect(dates).toEqual([...dates].sort());
  });

  it('schedules by season: this month while it lasts, else the next one in the item’s months', () => {
    const items = schedule(1990);
    expect(items.find((item) => item.id === 'gutters')).toMatchObject({ dueDate: '2026-11-22', season: 'autumn', taskId: maintenanceTaskId('p1', 'gutters', '2026-11-22') });
    expect(items.find((item) => item.id === 'furnace-service')).toMatchObject({ dueDate: '2027-09-01', season: 'autumn', taskId: null });
    expect(items.find((item) => item.id === 'hvac-filter')).toMatchObject({ dueDate: '2027-01-01', season: 'any' });
  });
});

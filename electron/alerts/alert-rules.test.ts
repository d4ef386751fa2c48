import { describe, expect, it } from 'vitest';
import { INTENT_TYPES, type IntentType } from '../../db/schema/vocabulary.ts';
import { alertId, alertPeriod, budgetPercentOf, budgetThreshold, isOpen, materiallyChanged, priorityOf, scoringAsOf, snapshotDates } from './alert-rules.ts';

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);
const calibrations = Object.fromEntries(INTENT_TYPES.map((type) => [type, { a: 1, b: 0 }])) as Record<IntentType, { a: number; b: number }>;

describe('alert rules', () => {
  it('maps probabilities to priorities at 0.85, 0.7 and 0.6', () => {
    expect([0.9, 0.85, 0.8499, 0.7, 0.65, 0.6, 0.5999, 0.5].map(priorityOf)).toEqual(['CRITICAL', 'CRITICAL', 'HIGH', 'HIGH', 'MEDIUM', 'MEDIUM', 'LOW', 'LOW']);
  });

  it('scores as of now, or the day after the newest event when the data is older than 30 days', () => {
    const now = at('2026-11-20T10:00:00Z');
    expect(scoringAsOf(now, null)).toBe(now);
    expect(scoringAsOf(now, now - 2 * DAY)).toBe(now); // a quiet weekend does not stop the clock
    expect(scoringAsOf(now, at('2015-05-31T23:10:00Z'))).toBe(at('2015-06-01T00:00:00Z'));
  });

  it('gives every device the same id for a contact, type and 90-day period', () => {
    const period = alertPeriod(at('2015-06-01T00:00:00Z'));
    expect(period).toEqual({ start: '2015-05-05', end: '2015-08-03' });
    expect(alertPeriod(at('2015-08-02T23:00:00Z')).start).toBe('2015-05-05');
    expect(alertPeriod(at('2015-08-03T00:00:00Z')).start).toBe('2015-08-03');
    const id = alertId('c-1', 'sell', period.start);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(alertId('c-1', 'sell', period.start)).toBe(id);
    expect(new Set([alertId('c-2', 'sell', period.start), alertId('c-1', 'buy', period.start), alertId('c-1', 'sell', '2015-08-03')]).has(id)).toBe(false);
  });

  it('reads the budget setting, falling back to 10% for anything that is not a percentage', () => {
    expect(budgetPercentOf({ alertBudgetPercent: 5 })).toBe(5);
    for (const settings of [null, {}, { alertBudgetPercent: '5' }, { alertBudgetPercent: 0 }, { alertBudgetPercent: 150 }, { alertBudgetPercent: Number.NaN }]) {
      expect(budgetPercentOf(settings)).toBe(10);
    }
  });

  it('takes as cut the K-th highest probability, K = budget × contacts × snapshots / 12, never below 0.5', () => {
    // 120 contacts, 1 snapshot, 10%: 1 pair a month.
    const scores = Object.fromEntries(INTENT_TYPES.map((type) => [type, new Float64Array(120).fill(0.1)])) as Record<IntentType, Float64Array>;
    scores.buy[3] = 0.9;
    scores.sell[7] = 0.8;
    scores.refinance[9] = 0.55;
    const ten = budgetThreshold(scores, 120, 1, 10, calibrations);
    expect(ten.allowedPairs).toBe(1);
    expect(ten.probability).toBe(0.9);
    expect(ten.pairsAtThreshold).toEqual({ sell: 0, buy: 1, refinance: 0, investment: 0 });
    expect(ten.alertsPerYear.buy).toBe(12);
    expect(ten.margins.sell).toBeCloseTo(Math.log(0.9 / 0.1), 10); // a = 1, b = 0: the margin is the logit
    const twenty = budgetThreshold(scores, 120, 1, 20, calibrations);
    expect(twenty.probability).toBe(0.8);
    // A generous budget reaches into low scores: the floor holds.
    const all = budgetThreshold(scores, 120, 1, 100, calibrations);
    expect(all.budgetProbability).toBe(0.1);
    expect(all.probability).toBe(0.5);
    expect(all.pairsAtThreshold.refinance).toBe(1);
    // Per-type margins follow each type's calibration.
    const shifted = budgetThreshold(scores, 120, 1, 10, { ...calibrations, buy: { a: 2, b: -1 } });
    expect(shifted.margins.buy).toBeCloseTo((Math.log(9) + 1) / 2, 10);
    // No contacts: nothing can clear the cut.
    const none = budgetThreshold(Object.fromEntries(INTENT_TYPES.map((type) => [type, new Float64Array(0)])) as Record<IntentType, Float64Array>, 0, 1, 10, calibrations);
    expect(none.probability).toBe(1);
  });

  it('takes monthly snapshots back a year while 90 days of history were observed', () => {
    const asOf = at('2015-06-01T00:00:00Z');
    expect(snapshotDates(asOf, at('2014-12-01T00:00:00Z')).map((d) => new Date(d).toISOString().slice(0, 10))).toEqual(['2015-06-01', '2015-05-01', '2015-04-01', '2015-03-01']);
    expect(snapshotDates(asOf, at('2010-01-01T00:00:00Z'))).toHaveLength(12);
    expect(snapshotDates(asOf, asOf - 10 * DAY)).toEqual([asOf]);
  });

  it('treats snoozed alerts as open until their date, and rewrites scores only when they moved', () => {
    const now = at('2026-11-20T10:00:00Z');
    expect(isOpen({ status: 'viewed', snoozedUntil: null }, now)).toBe(true);
    expect(isOpen({ status: 'snoozed', snoozedUntil: '2026-12-01T00:00:00Z' }, now)).toBe(true);
    expect(isOpen({ status: 'snoozed', snoozedUntil: '2026-11-01T00:00:00Z' }, now)).toBe(false);
    expect(isOpen({ status: 'dismissed', snoozedUntil: null }, now)).toBe(false);
    expect(isOpen({ status: 'converted', snoozedUntil: null }, now)).toBe(false);
    expect(materiallyChanged({ probability: 0.65, priority: 'MEDIUM' }, 0.66)).toBe(false);
    expect(materiallyChanged({ probability: 0.65, priority: 'MEDIUM' }, 0.68)).toBe(true);
    expect(materiallyChanged({ probability: 0.695, priority: 'MEDIUM' }, 0.7)).toBe(true); // crosses into HIGH
  });
});

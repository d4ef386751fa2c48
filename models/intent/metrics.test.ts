import { describe, expect, it } from 'vitest';
import type { IntentType } from '../../db/schema/vocabulary.ts';
import { averagePrecision, brierScore, expectedCalibrationError, protocolMetrics, type ScoredPair } from './metrics.ts';

const pair = (asOf: string, contactId: string, type: IntentType, score: number, label: boolean): ScoredPair => ({ asOf, contactId, type, score, label });

describe('protocol metrics', () => {
  it('alerts the top ⌈N × 0.10 / 12⌉ pairs of each date and pools their precision', () => {
    // 130 contacts a date → ⌈130 × 0.1 / 12⌉ = 2 alerts a date.
    const pairs: ScoredPair[] = [];
    for (const asOf of ['2014-06-30', '2014-07-31']) {
      for (let c = 0; c < 130; c++) {
        for (const type of ['sell', 'buy', 'refinance', 'investment'] as const) pairs.push(pair(asOf, `c${c}`, type, 0.01, false));
      }
    }
    const set = (asOf: string, contactId: string, type: IntentType, score: number, label: boolean) => {
      const found = pairs.find((p) => p.asOf === asOf && p.contactId === contactId && p.type === type)!;
      found.score = score;
      found.label = label;
    };
    set('2014-06-30', 'c1', 'sell', 0.9, true);
    set('2014-06-30', 'c2', 'buy', 0.8, false);
    set('2014-06-30', 'c3', 'buy', 0.7, true); // third: not an alert
    set('2014-07-31', 'c1', 'refinance', 0.6, true);
    set('2014-07-31', 'c4', 'refinance', 0.55, true);
    const metrics = protocolMetrics(pairs);
    expect(metrics.dates).toBe(2);
    expect(metrics.alertsPerDate).toBe(2);
    expect(metrics.pooledPrecision).toBe(3 / 4);
    expect(metrics.types.sell).toMatchObject({ alerts: 1, alertPrecision: 1, positives: 1 });
    expect(metrics.types.buy).toMatchObject({ alerts: 1, alertPrecision: 0 });
    expect(metrics.types.refinance).toMatchObject({ alerts: 2, alertPrecision: 1 });
    expect(metrics.atLeastHalf).toMatchObject({ count: 5, precision: 4 / 5, perYear: 30 });
    // Top 1% of 130 contacts = 2 per date; sell: 1 hit of 4 over a base rate of 1/260.
    expect(metrics.types.sell.liftTop1).toBeCloseTo((1 / 4) * 260, 6);
  });

  it('computes average precision, Brier score and the 10-bin calibration error', () => {
    const pairs = [pair('d', 'a', 'sell', 0.9, true), pair('d', 'b', 'sell', 0.8, false), pair('d', 'c', 'sell', 0.3, true), pair('d', 'e', 'sell', 0.1, false)];
    expect(averagePrecision(pairs)).toBeCloseTo((1 / 1 + 2 / 3) / 2, 10);
    expect(brierScore(pairs)).toBeCloseTo((0.01 + 0.64 + 0.49 + 0.01) / 4, 10);
    // Bins: [0.8,0.9) {0.8:0}, [0.9,1] {0.9:1}, [0.3,0.4) {0.3:1}, [0.1,0.2) {0.1:0}.
    expect(expectedCalibrationError(pairs)).toBeCloseTo((0.8 + 0.1 + 0.7 + 0.1) / 4, 10);
  });
});

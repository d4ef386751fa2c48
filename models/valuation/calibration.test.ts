import { describe, expect, it } from 'vitest';
import type { ValidationCase } from './calibration.ts';
import { fitCalibration, quantile } from './calibration.ts';
import type { PreparedValuation } from './engine.ts';
import { combineEstimate } from './estimate.ts';
import type { FeatureName } from './features.ts';
import { FEATURE_NAMES } from './features.ts';

const provenance = { trainedBefore: '2015-01-15', trainingFrom: '2014-05-02', trainingRows: 1, validationFrom: '2014-12-04', validationBefore: '2015-01-15', validationSales: 1 };

function features(dispersion: number): Record<FeatureName, number> {
  const row = Object.fromEntries(FEATURE_NAMES.map((name) => [name, 0])) as Record<FeatureName, number>;
  return { ...row, comps_dispersion: dispersion, comps_evidence: 2, resid_sd_10: 0.2, knn_miles_10: 0.3 };
}

/** Validation sales whose log error grows with the comps' dispersion (a standard normal scaled by it). */
function cases(count: number): ValidationCase[] {
  let seed = 3;
  const uniform = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  return Array.from({ length: count }, () => {
    const dispersion = 0.02 + 0.3 * uniform();
    const error = dispersion * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const modelLog = 13;
    const prepared = { features: features(dispersion), comps: { logEstimate: 13 + 0.5 * error } } as unknown as PreparedValuation;
    return { prepared, modelLog, price: Math.exp(modelLog + error) };
  });
}

describe('calibration: blend, interval and confidence from measured errors', () => {
  const validation = cases(4000);
  const calibration = fitCalibration(validation, provenance);

  it('weights the comps that carry information', () => {
    // The comps estimate holds half of each error, so blending toward it must help.
    expect(calibration.compsWeight).toBeGreaterThan(0.3);
  });

  it('makes ranges wider and confidence lower as measured uncertainty grows', () => {
    const widths = calibration.buckets.map((b) => b.q90 - b.q10);
    expect(widths[widths.length - 1]).toBeGreaterThan(2 * widths[0]!);
    expect(calibration.buckets[0]!.within10).toBeGreaterThan(calibration.buckets[calibration.buckets.length - 1]!.within10);
  });

  it('covers about 80% of fresh sales with its 80% interval', () => {
    const fresh = cases(3000).slice(1000);
    const covered = fresh.filter((c) => {
      const e = combineEstimate(calibration, c.prepared.features, c.modelLog, c.prepared.comps.logEstimate);
      expect(e.low).toBeLessThan(e.estimate);
      expect(e.high).toBeGreaterThan(e.estimate);
      return c.price >= e.low && c.price <= e.high;
    }).length;
    expect(covered / fresh.length).toBeGreaterThan(0.75);
    expect(covered / fresh.length).toBeLessThan(0.85);
  });

  it('refuses to calibrate on too few sales', () => {
    expect(() => fitCalibration(validation.slice(0, 20), provenance)).toThrow(/at least/);
  });

  it('interpolates quantiles', () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([1, 2, 3], 0.5)).toBe(2);
  });
});

// Fits the calibration (estimate.ts) on validation sales: sales the model was not trained on, valued
// against the market as it was before them — the way the AVM is used. Everything the estimate
// reports beyond the point value (blend weight, range, confidence) comes from these measured errors.
import type { PreparedValuation } from './engine.ts';
import type { Calibration } from './estimate.ts';
import { UNCERTAINTY_INPUTS, blendLog, predictedUncertainty, uncertaintyInputs } from './estimate.ts';
import { FEATURE_NAMES } from './features.ts';
import { RidgeAccumulator } from './ridge.ts';

/** Confidence buckets: 8 × ~180 validation sales keeps each bucket's 10%/90% quantiles stable. */
const BUCKETS = 8;
const WEIGHT_GRID = Array.from({ length: 21 }, (_, i) => i / 20);

export type ValidationCase = { prepared: PreparedValuation; modelLog: number; price: number };

/** Quantile with linear interpolation of an ascending-sorted list. */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

const withinShare = (errors: readonly number[], share: number) => errors.filter((e) => Math.abs(Math.expm1(e)) <= share).length / errors.length;

export function fitCalibration(cases: readonly ValidationCase[], provenance: Calibration['provenance']): Calibration {
  if (cases.length < BUCKETS * 20) throw new Error(`calibration needs at least ${BUCKETS * 20} validation sales, got ${cases.length}`);
  const errorsFor = (weight: number) => cases.map((c) => Math.log(c.price) - blendLog(weight, c.modelLog, c.prepared.comps.logEstimate));
  const meanAbs = (errors: number[]) => errors.reduce((sum, e) => sum + Math.abs(e), 0) / errors.length;
  const compsWeight = WEIGHT_GRID.reduce((best, w) => (meanAbs(errorsFor(w)) < meanAbs(errorsFor(best)) ? w : best), 0);
  const errors = errorsFor(compsWeight);

  // |error| ≈ linear in the uncertainty inputs; a small ridge keeps collinear inputs finite.
  const inputs = cases.map((c) => uncertaintyInputs(c.prepared.features, c.modelLog, c.prepared.comps.logEstimate));
  const ridge = new RidgeAccumulator(UNCERTAINTY_INPUTS.length + 1);
  const columns = Array.from({ length: UNCERTAINTY_INPUTS.length + 1 }, (_, i) => i);
  inputs.forEach((x, i) => ridge.add(columns, [1, ...UNCERTAINTY_INPUTS.map((name) => x[name])], Math.abs(errors[i]!)));
  const uncertaintyCoefficients = [...ridge.solve([1e-9, ...UNCERTAINTY_INPUTS.map(() => 1e-3)])];

  const ranked = inputs
    .map((x, i) => ({ uncertainty: predictedUncertainty(uncertaintyCoefficients, x), error: errors[i]! }))
    .sort((a, b) => a.uncertainty - b.uncertainty);
  const buckets: Calibration['buckets'] = [];
  for (let b = 0; b < BUCKETS; b++) {
    const members = ranked.slice(Math.floor((b * ranked.length) / BUCKETS), Math.floor(((b + 1) * ranked.length) / BUCKETS));
    const sortedErrors = members.map((m) => m.error).sort((x, y) => x - y);
    buckets.push({
      upTo: b === BUCKETS - 1 ? null : members[members.length - 1]!.uncertainty,
      q10: quantile(sortedErrors, 0.1),
      q90: quantile(sortedErrors, 0.9),
      within10: withinShare(sortedErrors, 0.1),
      sales: members.length,
    });
  }
  return { featureNames: [...FEATURE_NAMES], compsWeight, uncertaintyCoefficients, buckets, provenance };
}

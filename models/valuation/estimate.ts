// From the model's and the comparables' answers to one estimate, an 80% range and a confidence.
// Nothing here is a made-up constant: the comps weight, the uncertainty formula and the per-bucket
// error quantiles are all measured on validation sales (calibration.ts) and shipped in the
// calibration file next to the ONNX model.
import { z } from 'zod';
import type { FeatureName } from './features.ts';

export const UNCERTAINTY_INPUTS = ['comps_dispersion', 'model_comps_gap', 'comps_thinness', 'resid_sd_10', 'knn_spread'] as const;
export type UncertaintyInput = (typeof UNCERTAINTY_INPUTS)[number];

export const calibrationSchema = z.object({
  /** Feature order the ONNX model expects (checked against FEATURE_NAMES on load). */
  featureNames: z.array(z.string()),
  /** Share of the comps estimate in the blend (log space): estimate = model + w · (comps − model). */
  compsWeight: z.number().min(0).max(1),
  /** Linear prediction of |log error| from UNCERTAINTY_INPUTS (first coefficient = intercept). */
  uncertaintyCoefficients: z.array(z.number()).length(UNCERTAINTY_INPUTS.length + 1),
  /**
   * Validation sales grouped by predicted uncertainty. For each group: the upper bound of its predicted
   * uncertainty (null = no bound), the 10% and 90% quantiles of log(price / estimate), and the share of
   * sales valued within 10%.
   */
  buckets: z
    .array(z.object({ upTo: z.number().nullable(), q10: z.number(), q90: z.number(), within10: z.number().min(0).max(1), sales: z.number().int() }))
    .min(1),
  /** Where the numbers come from (for the model card and for humans). */
  provenance: z.object({
    trainedBefore: z.string(),
    trainingFrom: z.string(),
    trainingRows: z.number().int(),
    validationFrom: z.string(),
    validationBefore: z.string(),
    validationSales: z.number().int(),
  }),
});
export type Calibration = z.infer<typeof calibrationSchema>;

export function uncertaintyInputs(features: Record<FeatureName, number>, modelLog: number, compsLog: number): Record<UncertaintyInput, number> {
  return {
    comps_dispersion: features.comps_dispersion,
    model_comps_gap: Math.abs(modelLog - compsLog),
    comps_thinness: 1 / Math.sqrt(features.comps_evidence + 0.25),
    resid_sd_10: features.resid_sd_10,
    knn_spread: Math.log1p(features.knn_miles_10),
  };
}

export function predictedUncertainty(coefficients: readonly number[], inputs: Record<UncertaintyInput, number>): number {
  return UNCERTAINTY_INPUTS.reduce((sum, name, i) => sum + coefficients[i + 1]! * inputs[name], coefficients[0]!);
}

export type Estimate = { estimate: number; low: number; high: number; confidence: number; uncertainty: number };

export function blendLog(compsWeight: number, modelLog: number, compsLog: number): number {
  return modelLog + compsWeight * (compsLog - modelLog);
}

export function combineEstimate(calibration: Calibration, features: Record<FeatureName, number>, modelLog: number, compsLog: number): Estimate {
  const logEstimate = blendLog(calibration.compsWeight, modelLog, compsLog);
  const uncertainty = predictedUncertainty(calibration.uncertaintyCoefficients, uncertaintyInputs(features, modelLog, compsLog));
  const bucket = calibration.buckets.find((b) => b.upTo === null || uncertainty <= b.upTo) ?? calibration.buckets[calibration.buckets.length - 1]!;
  return {
    estimate: Math.exp(logEstimate),
    low: Math.exp(logEstimate + bucket.q10),
    high: Math.exp(logEstimate + bucket.q90),
    confidence: Math.round(100 * bucket.within10),
    uncertainty,
  };
}

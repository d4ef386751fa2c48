// The ONE definition of the learned model's inputs. Training (train.ts exports these rows for Python)
// and valuation (engine.ts feeds them to ONNX) both call `featureRow`, so they cannot drift apart.
//
// Everything is relative to the subject's own size and the market level at the valuation date: the
// model predicts log(price per sqft) at the index's base month, and time enters only through the index
// (trees cannot extrapolate a date they never saw). Neighbourhood features read only the market's
// sales before the valuation date.
import type { CompsResult } from './comps.ts';
import type { Market } from './market.ts';
import { median } from './market.ts';
import { hedonicLogPrice, marketLevel, timeAdjustment } from './market-index.ts';
import type { Subject } from './property.ts';
import type { Neighbour, StoredSale } from './sales-store.ts';

/** How many nearest sales the neighbourhood features summarise. */
export const NEIGHBOURS = 40;

export const FEATURE_NAMES = [
  'bedrooms', 'bathrooms', 'sqft_living', 'sqft_lot', 'floors', 'waterfront', 'view', 'condition', 'grade', 'sqft_above',
  'sqft_basement', 'yr_built', 'yr_renovated', 'lat', 'lng', 'sqft_living15', 'sqft_lot15',
  'hedonic_log_ppsf',
  'resid_mean_5', 'resid_mean_10', 'resid_mean_20', 'resid_mean_40', 'resid_idw_40', 'resid_sd_10',
  'knn_miles_10', 'knn_log_ppsf_10', 'knn_log_sqft_10', 'knn_grade_10',
  'zip_log_ppsf',
  'comps_log_ppsf', 'comps_dispersion', 'comps_evidence', 'comps_radius', 'comps_count',
  'prior_sale_log_ppsf', 'prior_sale_years',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

const FACT = 'the property fact of the same name (county data; unknown = empty)';
/** What each feature means (model card, and the UI's explanation of an estimate). */
export const FEATURE_DESCRIPTIONS: Record<FeatureName, string> = {
  bedrooms: FACT, bathrooms: FACT, sqft_living: FACT, sqft_lot: FACT, floors: FACT, waterfront: FACT, view: FACT, condition: FACT,
  grade: FACT, sqft_above: FACT, sqft_basement: FACT, yr_built: FACT, yr_renovated: FACT, lat: FACT, lng: FACT, sqft_living15: FACT,
  sqft_lot15: FACT,
  hedonic_log_ppsf: 'log $/sqft the hedonic market model expects from the facts and zip (base month)',
  resid_mean_5: 'mean hedonic residual of the 5 nearest earlier sales (how much better than their facts they sold)',
  resid_mean_10: 'same, 10 nearest',
  resid_mean_20: 'same, 20 nearest',
  resid_mean_40: 'same, 40 nearest',
  resid_idw_40: 'inverse-distance-weighted hedonic residual of the 40 nearest',
  resid_sd_10: 'standard deviation of the 10 nearest residuals (how mixed the neighbourhood is)',
  knn_miles_10: 'distance to the 10th nearest earlier sale (density of evidence)',
  knn_log_ppsf_10: 'median time-adjusted log $/sqft of the 10 nearest',
  knn_log_sqft_10: 'mean log sqft of the 10 nearest',
  knn_grade_10: 'mean grade of the 10 nearest',
  zip_log_ppsf: 'median time-adjusted log $/sqft of the zip code',
  comps_log_ppsf: 'comparable-sales estimate (adjusted, similarity-weighted) as log $/sqft at the valuation date',
  comps_dispersion: 'weighted standard deviation of the adjusted comparable prices (log)',
  comps_evidence: 'sum of the comparables\' similarities',
  comps_radius: 'radius the comparables came from (0.5 mile unless widened)',
  comps_count: 'number of comparables used',
  prior_sale_log_ppsf: 'earlier sale of the same parcel, time-adjusted, as log $/sqft (empty if none)',
  prior_sale_years: 'years since that earlier sale',
};

/** What the features are computed from; the engine gathers it once per subject. */
export type SubjectEvidence = {
  subject: Subject;
  neighbours: readonly Neighbour[];
  comps: CompsResult;
  priorSale: StoredSale | null;
};

/** log(sqft) + market level at the valuation date: add it to the model output to get log(price). */
export function logScale(market: Market, subject: Subject): number {
  return Math.log(subject.sqftLiving) + marketLevel(market.index, subject.date, subject.zipcode);
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, x) => sum + x, 0) / values.length;
}

function standardDeviation(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(mean(values.map((x) => (x - m) ** 2)));
}

export function featureRow(market: Market, evidence: SubjectEvidence): Record<FeatureName, number> {
  const { subject, neighbours, comps, priorSale } = evidence;
  const logSqft = Math.log(subject.sqftLiving);
  const scale = logScale(market, subject);
  const nearest = neighbours.slice(0, NEIGHBOURS);
  const residuals = nearest.map((n) => market.residuals.get(n.sale.id)!);
  const inverseDistance = nearest.map((n) => 1 / (n.miles + 0.1));
  const idwTotal = inverseDistance.reduce((sum, w) => sum + w, 0);
  const nearest10 = nearest.slice(0, 10);
  const unknown = (x: number | null) => x ?? Number.NaN;

  return {
    bedrooms: subject.bedrooms,
    bathrooms: subject.bathrooms,
    sqft_living: subject.sqftLiving,
    sqft_lot: subject.sqftLot,
    floors: subject.floors,
    waterfront: subject.waterfront ? 1 : 0,
    view: subject.view,
    condition: subject.condition,
    grade: subject.grade,
    sqft_above: unknown(subject.sqftAbove),
    sqft_basement: unknown(subject.sqftBasement),
    yr_built: subject.yrBuilt,
    yr_renovated: subject.yrRenovated,
    lat: subject.lat,
    lng: subject.lng,
    sqft_living15: unknown(subject.sqftLiving15),
    sqft_lot15: unknown(subject.sqftLot15),
    hedonic_log_ppsf: hedonicLogPrice(market.index, subject) - logSqft,
    resid_mean_5: mean(residuals.slice(0, 5)),
    resid_mean_10: mean(residuals.slice(0, 10)),
    resid_mean_20: mean(residuals.slice(0, 20)),
    resid_mean_40: mean(residuals),
    resid_idw_40: residuals.reduce((sum, r, i) => sum + r * inverseDistance[i]!, 0) / idwTotal,
    resid_sd_10: standardDeviation(residuals.slice(0, 10)),
    knn_miles_10: nearest10[nearest10.length - 1]?.miles ?? Number.NaN,
    knn_log_ppsf_10: median(nearest10.map((n) => Math.log(n.sale.price / n.sale.sqftLiving) - marketLevel(market.index, n.sale.date, n.sale.zipcode))),
    knn_log_sqft_10: mean(nearest10.map((n) => Math.log(n.sale.sqftLiving))),
    knn_grade_10: mean(nearest10.map((n) => n.sale.grade)),
    zip_log_ppsf: market.zipLogPricePerSqft.get(subject.zipcode) ?? Number.NaN,
    comps_log_ppsf: comps.logEstimate - scale,
    comps_dispersion: comps.dispersion,
    comps_evidence: comps.evidence,
    comps_radius: comps.radiusMiles,
    comps_count: comps.comps.length,
    prior_sale_log_ppsf: priorSale ? Math.log(priorSale.price) + timeAdjustment(market.index, priorSale.date, subject.date, subject.zipcode) - scale : Number.NaN,
    prior_sale_years: priorSale ? (Date.parse(subject.date) - Date.parse(priorSale.date)) / (365.25 * 86_400_000) : Number.NaN,
  };
}

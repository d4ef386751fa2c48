// The valuation engine: plain functions over a Market (sales + index) and an ONNX session, so a
// batch can run in a worker thread that opens its own database handle and session.
//
//   prepareValuation   subject → neighbours, comparables, prior sale, model features (synchronous)
//   valueProperties    a batch: prepare all, one ONNX run per chunk, blend + range + confidence
//
// A worker thread does: buildMarket(openSalesStore(db), …) once, loadAvmModel() once, then
// valueProperties for each batch it is sent (results are plain, structured-cloneable objects).
import type * as ort from 'onnxruntime-node';
import type { CompsResult } from './comps.ts';
import { COMP_RADII, selectComparables } from './comps.ts';
import type { Estimate, Calibration } from './estimate.ts';
import { combineEstimate } from './estimate.ts';
import type { FeatureName, SubjectEvidence } from './features.ts';
import { FEATURE_NAMES, NEIGHBOURS, featureRow, logScale } from './features.ts';
import type { Market } from './market.ts';
import { runModel } from './model-runner.ts';
import type { Subject } from './property.ts';
import { dayNumber } from './property.ts';
import type { Neighbour, StoredSale } from './sales-store.ts';

export type PreparedValuation = {
  subject: Subject;
  comps: CompsResult;
  priorSale: StoredSale | null;
  features: Record<FeatureName, number>;
  /** log(sqft) + market level at the valuation date (model output + this = log price). */
  logScale: number;
};

export type Valuation = Estimate & {
  subject: Subject;
  modelEstimate: number;
  compsEstimate: number;
  comps: CompsResult;
  priorSale: StoredSale | null;
};

/** Nearest sales before `beforeDay`: all within 0.5 mile, or the first wider radius holding NEIGHBOURS. */
export function findNeighbours(market: Market, subject: Subject, beforeDay: number): Neighbour[] {
  let found: Neighbour[] = [];
  for (const radius of COMP_RADII) {
    found = market.source.within(subject.lat, subject.lng, radius, beforeDay);
    if (found.length >= NEIGHBOURS) break;
  }
  return found;
}

export function prepareValuation(market: Market, subject: Subject): PreparedValuation {
  // Evidence is what was sold before the valuation date and is in the market (a subject's own sale never is).
  const beforeDay = Math.min(dayNumber(subject.date), market.asOfDay);
  const neighbours = findNeighbours(market, subject, beforeDay);
  if (neighbours.length === 0) throw new Error(`no market sales before ${subject.date} within ${COMP_RADII[COMP_RADII.length - 1]} miles`);
  const comps = selectComparables(market, subject, beforeDay, neighbours);
  const priorSale = market.source.priorSales(subject.parcelId, beforeDay)[0] ?? null;
  const evidence: SubjectEvidence = { subject, neighbours, comps, priorSale };
  return { subject, comps, priorSale, features: featureRow(market, evidence), logScale: logScale(market, subject) };
}

function featureMatrix(prepared: readonly PreparedValuation[]): Float32Array {
  const rows = new Float32Array(prepared.length * FEATURE_NAMES.length);
  prepared.forEach((p, i) => FEATURE_NAMES.forEach((name, j) => (rows[i * FEATURE_NAMES.length + j] = p.features[name])));
  return rows;
}

/** Model estimates as log prices, one ONNX run per chunk (bounded memory for any batch size). */
export async function modelLogPrices(session: ort.InferenceSession, prepared: readonly PreparedValuation[], chunkSize = 4096): Promise<Float64Array> {
  const logs = new Float64Array(prepared.length);
  for (let start = 0; start < prepared.length; start += chunkSize) {
    const chunk = prepared.slice(start, start + chunkSize);
    const outputs = await runModel(session, featureMatrix(chunk));
    chunk.forEach((p, i) => (logs[start + i] = outputs[i]! + p.logScale));
  }
  return logs;
}

export function finishValuation(calibration: Calibration, prepared: PreparedValuation, modelLog: number): Valuation {
  const estimate = combineEstimate(calibration, prepared.features, modelLog, prepared.comps.logEstimate);
  return {
    ...estimate,
    subject: prepared.subject,
    modelEstimate: Math.exp(modelLog),
    compsEstimate: Math.exp(prepared.comps.logEstimate),
    comps: prepared.comps,
    priorSale: prepared.priorSale,
  };
}

/** Values a batch of subjects against one market: the API a worker thread runs for heavy batches. */
export async function valueProperties(
  market: Market,
  subjects: readonly Subject[],
  model: { session: ort.InferenceSession; calibration: Calibration },
): Promise<Valuation[]> {
  const prepared = subjects.map((subject) => prepareValuation(market, subject));
  const logs = await modelLogPrices(model.session, prepared);
  return prepared.map((p, i) => finishValuation(model.calibration, p, logs[i]!));
}

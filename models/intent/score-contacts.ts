// Batch scoring: features for many contacts as of one or more dates, then the four models. Works in
// batches and yields to the event loop between them, so a caller on the main thread keeps responding
// (onnxruntime-node runs a model synchronously, so a batch is the longest the loop can be held).
import { setImmediate as nextTick } from 'node:timers/promises';
import { FEATURE_COUNT, writeFeatures, type ContactHistory, type FeatureContext } from './features.ts';
import { DAY_MS } from './intent-inputs.ts';
import type { IntentModels, IntentProbabilities } from './intent-models.ts';

export const DEFAULT_BATCH_SIZE = 1024;

/**
 * Where the observed event history starts (FeatureContext.historyStart): UTC midnight of the first event's
 * day, or a full year before the first as-of date when there are no events at all. `roi score` and the
 * app's alert engine both use it, so the same data gives the same features.
 */
export function observedHistoryStart(firstEventAt: number, firstAsOf: number): number {
  return Number.isFinite(firstEventAt) ? Math.floor(firstEventAt / DAY_MS) * DAY_MS : firstAsOf - 365 * DAY_MS;
}

export type ScoredBatch = {
  asOf: number;
  histories: readonly ContactHistory[];
  /** Feature rows of the batch, row-major (kept for reasons and diagnostics; reused by the next batch). */
  features: Float32Array;
  probabilities: IntentProbabilities;
};

export type ScoreOptions = { batchSize?: number };

/** Scores every history at every as-of date, handing each batch to `onBatch` (in date, then input order). */
export async function scoreHistories(
  histories: readonly ContactHistory[],
  asOfDates: readonly number[],
  context: FeatureContext,
  models: IntentModels,
  onBatch: (batch: ScoredBatch) => void | Promise<void>,
  options: ScoreOptions = {},
): Promise<void> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const features = new Float32Array(batchSize * FEATURE_COUNT);
  for (const asOf of asOfDates) {
    for (let start = 0; start < histories.length; start += batchSize) {
      const batch = histories.slice(start, start + batchSize);
      for (let i = 0; i < batch.length; i++) writeFeatures(batch[i]!, asOf, context, features, i * FEATURE_COUNT);
      const probabilities = await models.score(features, batch.length);
      await onBatch({ asOf, histories: batch, features, probabilities });
      await nextTick();
    }
  }
}

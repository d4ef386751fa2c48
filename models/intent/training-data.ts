// Training rows from the engagement dataset: one row per (contact, as-of date) with the 90-day labels of
// the measurement protocol and the features of features.ts, written as CSV for models/train/train_intent.py.
// Python never computes a feature: it only reads this file.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { INTENT_TYPES, type IntentType } from '../../db/schema/vocabulary.ts';
import { FEATURE_COUNT, FEATURE_NAMES, writeFeatures, type ContactHistory, type FeatureContext } from './features.ts';
import { DAY_MS, isoDate, type KnownOutcome } from './intent-inputs.ts';

export const LABEL_HORIZON_DAYS = 90;

/** Label of the protocol: an outcome of `type` with asOf < occurred_at ≤ asOf + 90 days. */
export function hasOutcomeWithin(outcomes: readonly KnownOutcome[], type: IntentType, asOf: number): boolean {
  const end = asOf + LABEL_HORIZON_DAYS * DAY_MS;
  return outcomes.some((outcome) => outcome.type === type && outcome.at > asOf && outcome.at <= end);
}

/** The 15th and the last day of every month from `first` to `last` (inclusive, epoch ms of UTC midnights). */
export function semiMonthlyDates(first: number, last: number): number[] {
  const dates: number[] = [];
  const start = new Date(first);
  for (let year = start.getUTCFullYear(), month = start.getUTCMonth(); Date.UTC(year, month, 1) <= last; month++) {
    for (const day of [Date.UTC(year, month, 15), Date.UTC(year, month + 1, 0)]) if (day >= first && day <= last) dates.push(day);
  }
  return dates;
}

/** Month-ends from `first` to `last` (inclusive): the dates the measurement ranks alerts on. */
export function monthEnds(first: number, last: number): number[] {
  return semiMonthlyDates(first, last).filter((day) => new Date(day + DAY_MS).getUTCDate() === 1);
}

/** FNV-1a of a string to [0, 1): a stable pseudo-random draw per key, the same on every machine. */
export function stableUniform(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // A final avalanche so that keys differing in the last character spread over the whole range.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return (hash >>> 0) / 4294967296;
}

export type ExportOptions = {
  histories: readonly ContactHistory[];
  asOfDates: readonly number[];
  context: Omit<FeatureContext, 'outcomesKnown'>;
  /**
   * Share of rows whose past outcomes are shown to the model; the others see "outcomes unknown", as
   * `roi score` without --outcomes does, so one model serves both cases.
   */
  outcomesKnownShare: number;
  /** Share of contacts held out of training for the honest evaluation (marked in the `holdout` column). */
  holdoutShare: number;
  /** Share of all-negative rows kept; kept ones carry weight 1/share so the class balance stays unbiased. */
  negativeShare: number;
  file: string;
};

export type ExportSummary = { rows: number; positives: Record<IntentType, number>; holdoutContacts: number };

export const isHoldoutContact = (contactId: string, holdoutShare: number) => stableUniform(`holdout:${contactId}`) < holdoutShare;

const formatFeature = (value: number) => (Number.isNaN(value) ? '' : Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(9))));

export async function exportTrainingRows(options: ExportOptions): Promise<ExportSummary> {
  const out = createWriteStream(options.file);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  const summary: ExportSummary = { rows: 0, positives: { sell: 0, buy: 0, refinance: 0, investment: 0 }, holdoutContacts: 0 };
  await write(`contact_id,as_of,holdout,weight,${INTENT_TYPES.map((type) => `y_${type}`).join(',')},${FEATURE_NAMES.join(',')}\n`);
  const row = new Float32Array(FEATURE_COUNT);
  const withOutcomes: FeatureContext = { ...options.context, outcomesKnown: true };
  const withoutOutcomes: FeatureContext = { ...options.context, outcomesKnown: false };
  const negativeWeight = String(Number((1 / options.negativeShare).toPrecision(9)));
  for (const history of options.histories) {
    const id = history.contact.id;
    const holdout = isHoldoutContact(id, options.holdoutShare);
    if (holdout) summary.holdoutContacts++;
    let text = '';
    for (const asOf of options.asOfDates) {
      const labels = INTENT_TYPES.map((type) => hasOutcomeWithin(history.outcomes, type, asOf));
      const positive = labels.some(Boolean);
      if (!positive && stableUniform(`negative:${id}:${asOf}`) >= options.negativeShare) continue;
      const outcomesKnown = stableUniform(`outcomes:${id}:${asOf}`) < options.outcomesKnownShare;
      writeFeatures(history, asOf, outcomesKnown ? withOutcomes : withoutOutcomes, row, 0);
      INTENT_TYPES.forEach((type, i) => {
        if (labels[i]) summary.positives[type]++;
      });
      text += `${id},${isoDate(asOf)},${holdout ? 1 : 0},${positive ? 1 : negativeWeight},${labels.map((label) => (label ? 1 : 0)).join(',')}`;
      for (let f = 0; f < FEATURE_COUNT; f++) text += `,${formatFeature(row[f]!)}`;
      text += '\n';
      summary.rows++;
    }
    if (text) await write(text);
  }
  out.end();
  await once(out, 'finish');
  return summary;
}

// The measurement protocol of the engagement dataset (its README), as code: for each as-of date all
// (contact, type) pairs are ranked and the top ⌈N × 0.10 / 12⌉ become alerts; precision is pooled over
// the dates. Also per-type precision, lift of the top 1%, average precision (PR-AUC), Brier score, expected
// calibration error (10 equal-width bins) and the precision and yearly volume of pairs scored ≥ 0.5.
import { INTENT_TYPES, type IntentType } from '../../db/schema/vocabulary.ts';

/** One scored pair: `label` is whether the outcome happened within the 90-day window. */
export type ScoredPair = { asOf: string; contactId: string; type: IntentType; score: number; label: boolean };

export type TypeMetrics = {
  pairs: number;
  positives: number;
  baseRate: number;
  alerts: number;
  alertPrecision: number;
  /** Precision of each date's top 1% of contacts by this type's score, over the base rate. */
  liftTop1: number;
  averagePrecision: number;
  brier: number;
  ece: number;
  atLeastHalf: { count: number; precision: number };
};

export type ProtocolMetrics = {
  dates: number;
  contactsPerDate: number;
  alertsPerDate: number;
  alerts: number;
  pooledPrecision: number;
  brier: number;
  ece: number;
  /** Pairs ≥ 0.5: their precision and how many a year that means (per date × 12). */
  atLeastHalf: { count: number; precision: number; perYear: number };
  types: Record<IntentType, TypeMetrics>;
};

export const ALERT_SHARE_PER_YEAR = 0.1;
const ECE_BINS = 10;

/** Ranking order: score, then contact and type so ties resolve the same way every time. */
const byScore = (a: ScoredPair, b: ScoredPair) =>
  b.score - a.score || (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0) || INTENT_TYPES.indexOf(a.type) - INTENT_TYPES.indexOf(b.type);

export function averagePrecision(pairs: readonly ScoredPair[]): number {
  const sorted = [...pairs].sort(byScore);
  const positives = sorted.filter((pair) => pair.label).length;
  if (positives === 0) return Number.NaN;
  let hits = 0;
  let sum = 0;
  sorted.forEach((pair, i) => {
    if (!pair.label) return;
    hits++;
    sum += hits / (i + 1);
  });
  return sum / positives;
}

export function brierScore(pairs: readonly ScoredPair[]): number {
  let sum = 0;
  for (const pair of pairs) sum += (pair.score - (pair.label ? 1 : 0)) ** 2;
  return sum / pairs.length;
}

/** Expected calibration error over equal-width probability bins: Σ (bin share) × |mean score − positive rate|. */
export function expectedCalibrationError(pairs: readonly ScoredPair[], bins: number = ECE_BINS): number {
  const count = new Float64Array(bins);
  const scoreSum = new Float64Array(bins);
  const labelSum = new Float64Array(bins);
  for (const pair of pairs) {
    const bin = Math.min(bins - 1, Math.floor(pair.score * bins));
    count[bin]!++;
    scoreSum[bin]! += pair.score;
    labelSum[bin]! += pair.label ? 1 : 0;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) ece += Math.abs(scoreSum[b]! - labelSum[b]!) / pairs.length;
  return ece;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export function protocolMetrics(pairs: readonly ScoredPair[]): ProtocolMetrics {
  const byDate = groupBy(pairs, (pair) => pair.asOf);
  const alertsOf = new Map<IntentType, { alerts: number; hits: number; topHits: number; topCount: number }>(
    INTENT_TYPES.map((type) => [type, { alerts: 0, hits: 0, topHits: 0, topCount: 0 }]),
  );
  let alerts = 0;
  let hits = 0;
  let contacts = 0;
  for (const datePairs of byDate.values()) {
    const n = new Set(datePairs.map((pair) => pair.contactId)).size;
    contacts += n;
    const k = Math.ceil((n * ALERT_SHARE_PER_YEAR) / 12);
    for (const pair of [...datePairs].sort(byScore).slice(0, k)) {
      const stats = alertsOf.get(pair.type)!;
      stats.alerts++;
      alerts++;
      if (pair.label) {
        stats.hits++;
        hits++;
      }
    }
    for (const [type, typePairs] of groupBy(datePairs, (pair) => pair.type)) {
      const top = [...typePairs].sort(byScore).slice(0, Math.ceil(typePairs.length * 0.01));
      const stats = alertsOf.get(type)!;
      stats.topCount += top.length;
      stats.topHits += top.filter((pair) => pair.label).length;
    }
  }

  const halfOf = (list: readonly ScoredPair[]) => {
    const above = list.filter((pair) => pair.score >= 0.5);
    return { count: above.length, precision: above.length ? above.filter((pair) => pair.label).length / above.length : Number.NaN };
  };
  const types = {} as Record<IntentType, TypeMetrics>;
  for (const type of INTENT_TYPES) {
    const typePairs = pairs.filter((pair) => pair.type === type);
    const positives = typePairs.filter((pair) => pair.label).length;
    const stats = alertsOf.get(type)!;
    const baseRate = positives / typePairs.length;
    types[type] = {
      pairs: typePairs.length,
      positives,
      baseRate,
      alerts: stats.alerts,
      alertPrecision: stats.alerts ? stats.hits / stats.alerts : Number.NaN,
      liftTop1: stats.topCount && baseRate ? stats.topHits / stats.topCount / baseRate : Number.NaN,
      averagePrecision: averagePrecision(typePairs),
      brier: brierScore(typePairs),
      ece: expectedCalibrationError(typePairs),
      atLeastHalf: halfOf(typePairs),
    };
  }
  const half = halfOf(pairs);
  return {
    dates: byDate.size,
    contactsPerDate: contacts / Math.max(1, byDate.size),
    alertsPerDate: alerts / Math.max(1, byDate.size),
    alerts,
    pooledPrecision: alerts ? hits / alerts : Number.NaN,
    brier: brierScore(pairs),
    ece: expectedCalibrationError(pairs),
    atLeastHalf: { ...half, perYear: (half.count / Math.max(1, byDate.size)) * 12 },
    types,
  };
}

const pct = (value: number) => (Number.isNaN(value) ? '—' : `${(value * 100).toFixed(1)}%`);
const num = (value: number, digits: number) => (Number.isNaN(value) ? '—' : value.toFixed(digits));

/** The metrics as a Markdown section (model card, evaluate command). */
export function formatMetrics(metrics: ProtocolMetrics): string {
  const lines = [
    `${metrics.dates} as-of dates × ${Math.round(metrics.contactsPerDate)} contacts; ${Math.round(metrics.alertsPerDate)} alerts per date (⌈N × 0.10 / 12⌉), ${metrics.alerts} in all.`,
    '',
    `**Pooled alert precision: ${pct(metrics.pooledPrecision)}** · Brier ${num(metrics.brier, 5)} · ECE ${num(metrics.ece, 5)} · pairs ≥ 0.5: ${metrics.atLeastHalf.count} (precision ${pct(metrics.atLeastHalf.precision)}, ≈ ${Math.round(metrics.atLeastHalf.perYear)} a year = ${pct(metrics.atLeastHalf.perYear / metrics.contactsPerDate)} of contacts)`,
    '',
    '| type | base rate | alerts | alert precision | lift top 1% | PR-AUC | Brier | ECE | pairs ≥ 0.5 | precision ≥ 0.5 |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...INTENT_TYPES.map((type) => {
      const t = metrics.types[type];
      return `| ${type} | ${pct(t.baseRate)} | ${t.alerts} | ${pct(t.alertPrecision)} | ${num(t.liftTop1, 1)} | ${num(t.averagePrecision, 3)} | ${num(t.brier, 5)} | ${num(t.ece, 5)} | ${t.atLeastHalf.count} | ${pct(t.atLeastHalf.precision)} |`;
    }),
  ];
  return lines.join('\n');
}

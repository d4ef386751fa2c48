// The alert engine's rules as plain functions: the scoring clock, the threshold from the yearly alert
// budget, priorities, deterministic alert ids, and when an existing alert is worth updating. The engine
// (alert-engine.ts) and its worker apply them; the tests read them as the specification.
import { createHash } from 'node:crypto';
import { INTENT_TYPES, type AlertPriority, type IntentType } from '../../db/schema/vocabulary.ts';
import { DAY_MS } from '../../models/intent/intent-inputs.ts';

/** The original product's confidence floor: never alert below it, whatever the budget allows. */
export const PROBABILITY_FLOOR = 0.5;
/** Default yearly alert budget: alerts on 10% of contacts per year (brokerages.settings.alertBudgetPercent). */
export const DEFAULT_BUDGET_PERCENT = 10;
/** An alert covers this many days (the models' label window): one alert per contact, type and window. */
export const ALERT_PERIOD_DAYS = 90;
/** No new alert when the contact was reached (call, meeting, email, showing, text) this recently. */
export const RECENT_CONTACT_DAYS = 3;
export const CONTACT_ACTIVITY_KINDS = ['call', 'meeting', 'email', 'showing', 'text'] as const;
/** Statuses in which an alert is still being worked (snoozed only until its date). */
export const OPEN_STATUSES = ['new', 'viewed', 'contacted', 'snoozed'] as const;
/** An open alert's probability is rewritten (and synced) only when it moves this much, or its priority changes. */
export const MATERIAL_PROBABILITY_CHANGE = 0.02;
/** How stale the newest event may be before the scoring clock stops at it instead of running to now. */
export const MAX_DAYS_PAST_EVENTS = 30;

/** CRITICAL ≥ 0.85, HIGH ≥ 0.7, MEDIUM ≥ 0.6, else LOW (on the calibrated probability). */
export function priorityOf(probability: number): AlertPriority {
  if (probability >= 0.85) return 'CRITICAL';
  if (probability >= 0.7) return 'HIGH';
  if (probability >= 0.6) return 'MEDIUM';
  return 'LOW';
}

/**
 * The scoring clock ("as of"): now — unless the event data ends well before now (the demo's events end on
 * 2015-05-31), then the start of the day after the newest event, so every event counts and the models see
 * the recency and dormancy they were trained on instead of years of silence. Same idea as the valuation
 * date (electron/valuation/valuation-evidence.ts currentValuationDate: today, unless the market data is
 * older, then a fixed distance past its newest sale). Without any event the clock is now.
 */
export function scoringAsOf(now: number, newestEventAt: number | null): number {
  if (newestEventAt === null || !Number.isFinite(newestEventAt)) return now;
  if (now - newestEventAt <= MAX_DAYS_PAST_EVENTS * DAY_MS) return now;
  return (Math.floor(newestEventAt / DAY_MS) + 1) * DAY_MS;
}

/** The 90-day window `asOf` falls in, counted from 1970-01-01 so every device agrees. */
export function alertPeriod(asOf: number): { start: string; end: string } {
  const startDay = Math.floor(asOf / DAY_MS / ALERT_PERIOD_DAYS) * ALERT_PERIOD_DAYS;
  const iso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
  return { start: iso(startDay), end: iso(startDay + ALERT_PERIOD_DAYS) };
}

/** Namespace of alert ids (RFC 9562 name-based UUIDs). Never change it: devices would stop agreeing. */
const ALERT_ID_NAMESPACE = 'f0a7c0de-6a1e-4d3b-9c55-2b8e1d4a7e10';

function uuidV5(name: string, namespace: string): string {
  const bytes = createHash('sha1').update(Buffer.from(namespace.replaceAll('-', ''), 'hex')).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The same (contact, type, period) gives the same id on every device; the server merges them as one row. */
export function alertId(contactId: string, type: IntentType, periodStart: string): string {
  return uuidV5(`alert:${contactId}:${type}:${periodStart}`, ALERT_ID_NAMESPACE);
}

/** The budget in percent of contacts per year: the brokerage's setting when it is a sensible number, else 10. */
export function budgetPercentOf(settings: unknown): number {
  const value = typeof settings === 'object' && settings !== null ? (settings as Record<string, unknown>).alertBudgetPercent : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 100 ? value : DEFAULT_BUDGET_PERCENT;
}

/**
 * The dates whose scores set the threshold: the as-of and the same day of each of the 11 months before,
 * as far as 90 days of history were observed by then (younger snapshots would judge contacts on too little).
 */
export function snapshotDates(asOf: number, historyStart: number): number[] {
  const dates = [asOf];
  const at = new Date(asOf);
  for (let k = 1; k < 12; k++) {
    const date = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - k, at.getUTCDate(), at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds());
    if (date - historyStart < ALERT_PERIOD_DAYS * DAY_MS) break;
    dates.push(date);
  }
  return dates;
}

export type BudgetThreshold = {
  /** Alerts need a calibrated probability ≥ this (same for every type, see below). */
  probability: number;
  /** The same cut in each type's own model output (raw log-odds before calibration). */
  margins: Record<IntentType, number>;
  /** What the budget alone would allow (before the 0.5 floor). */
  budgetProbability: number;
  budgetPercent: number;
  contacts: number;
  snapshots: number;
  /** Pairs the budget allows over all snapshots, and how many cleared the threshold per type. */
  allowedPairs: number;
  pairsAtThreshold: Record<IntentType, number>;
  /** Alerts a year at this threshold by the model card's convention (12 × pairs per snapshot), per type. */
  alertsPerYear: Record<IntentType, number>;
};

/**
 * The threshold from the yearly alert budget.
 *
 * The model card (models/intent.model-card.md) counts alert volume the way the measurement does: at a
 * month-end the (contact, type) pairs at or above the cut are that month's alerts, so a cut t raises
 * ≈ 12 × (pairs ≥ t per snapshot) alerts a year ("pairs ≥ 0.5: … ≈ 1124 a year = 22.5% of contacts").
 * A budget of B% of N contacts a year therefore allows B/100 × N / 12 pairs per snapshot; over S monthly
 * snapshots of this replica's own data, K = ⌈B/100 × N × S / 12⌉ pairs, and the cut is the K-th highest
 * probability among all of them — never below the 0.5 floor.
 *
 * One cut for all four types: each type's Platt calibration (models/intent-models.json,
 * p = sigmoid(a·margin + b)) puts every score on the same scale — the chance of that outcome within
 * 90 days — and for a given number of alerts the expected number of right ones is the sum of their
 * probabilities, largest when the highest probabilities are taken whatever their type. In each type's
 * own model output the cut is the margin m = (logit(t) − b) / a, which differs by type.
 */
export function budgetThreshold(
  scores: Record<IntentType, Float64Array>,
  contacts: number,
  snapshots: number,
  budgetPercent: number,
  calibrations: Record<IntentType, { a: number; b: number }>,
): BudgetThreshold {
  // Ascending typed sort (numeric, no comparator: millions of pairs on a full run); the K-th highest is K from the end.
  const all = new Float64Array(INTENT_TYPES.reduce((n, type) => n + scores[type].length, 0));
  let filled = 0;
  for (const type of INTENT_TYPES) {
    all.set(scores[type], filled);
    filled += scores[type].length;
  }
  all.sort();
  const allowedPairs = Math.ceil(((budgetPercent / 100) * contacts * snapshots) / 12);
  const budgetProbability = allowedPairs > 0 && all.length > 0 ? all[all.length - Math.min(allowedPairs, all.length)]! : 1;
  const probability = Math.max(PROBABILITY_FLOOR, budgetProbability);
  const clamped = Math.min(probability, 1 - 1e-12); // no pairs at all: a cut of 1 alerts on nothing
  const logit = Math.log(clamped / (1 - clamped));
  const margins = {} as Record<IntentType, number>;
  const pairsAtThreshold = {} as Record<IntentType, number>;
  const alertsPerYear = {} as Record<IntentType, number>;
  for (const type of INTENT_TYPES) {
    const { a, b } = calibrations[type];
    margins[type] = (logit - b) / a;
    let n = 0;
    for (const p of scores[type]) if (p >= probability) n++;
    pairsAtThreshold[type] = n;
    alertsPerYear[type] = snapshots > 0 ? (12 * n) / snapshots : 0;
  }
  return { probability, margins, budgetProbability, budgetPercent, contacts, snapshots, allowedPairs, pairsAtThreshold, alertsPerYear };
}

/** Whether an open alert's stored score is stale enough to rewrite. */
export function materiallyChanged(stored: { probability: number; priority: string }, probability: number): boolean {
  return Math.abs(stored.probability - probability) >= MATERIAL_PROBABILITY_CHANGE || stored.priority !== priorityOf(probability);
}

/** Open: new, viewed, contacted, or snoozed until a time still ahead. */
export function isOpen(alert: { status: string; snoozedUntil: string | null }, now: number): boolean {
  if (alert.status === 'snoozed') return alert.snoozedUntil === null || Date.parse(alert.snoozedUntil) > now;
  return (OPEN_STATUSES as readonly string[]).includes(alert.status);
}

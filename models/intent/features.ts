// The one definition of the intent models' features. The app (from SQLite rows), `roi score` and the
// training export (from the engagement CSVs) all call this file, so training and serving cannot drift.
//
// Shape: prepareContactHistory() turns a contact's events into compact sorted arrays once; writeFeatures()
// then fills one row of FEATURE_NAMES for an as-of date D from events strictly before D, in a single
// backwards pass over at most a year of events. A missing value (no loan, no baseline yet) is NaN, which
// the tree models route like sklearn's HistGradientBoosting does.
import { EVENT_TYPES, INTENT_TYPES, type EventType, type IntentType } from '../../db/schema/vocabulary.ts';
import { balanceAfter, monthlyPayment } from '../finance/amortisation.ts';
import { isAutomaticOpen } from './email-schedule.ts';
import {
  AGE_BANDS,
  CALCULATOR_KINDS,
  CONTACT_SOURCES,
  DAY_MS,
  DOCUMENT_KINDS,
  type IntentContact,
  type IntentEvent,
  type KnownOutcome,
} from './intent-inputs.ts';
import type { MarketRates } from './market-rates.ts';

/**
 * What an event says, as one of these signals. Email opens that a mail client made automatically are
 * not a signal at all (they only feed `auto_open_share`); document views, downloads and shares count
 * for the document's kind, and downloads/shares also count as such (they mean more than a glance).
 */
export const SIGNALS = [
  'home_value_checked',
  'comparables_viewed',
  'market_report_viewed',
  'login',
  'profile_updated',
  'email_clicked',
  'email_opened',
  'home_search_own_zip',
  'home_search_other_zip',
  ...CALCULATOR_KINDS.map((kind) => `calculator_${kind}` as const),
  ...DOCUMENT_KINDS.map((kind) => `document_${kind}` as const),
  'documents_downloaded',
  'documents_shared',
] as const;
export type Signal = (typeof SIGNALS)[number];

// Per signal: counts over the last 7/30/90 days, the contact's own baseline rate per 30 days over
// [D-365, D-90), days since the last one and days since the first one within 90 days (how long a burst
// has been going).
const BASELINE_START_DAYS = 365;
const BASELINE_END_DAYS = 90;
const RECENCY_CAP_DAYS = 365;

const PER_SIGNAL = ['n7', 'n30', 'n90', 'base30', 'days_since', 'first90_days'] as const;

const ACTIVITY_FEATURES = [
  'activity_n7',
  'activity_n30',
  'activity_n90',
  'activity_base30',
  'active_days_7',
  'active_days_30',
  'active_days_90',
  'days_since_activity',
  'max_gap_90_days',
  // Dormancy reactivation: how long the contact was silent before the current burst began.
  'gap_before_recent_days',
  'auto_open_share',
  'other_zips_30',
  'other_zips_90',
  'history_days',
] as const;

const STATIC_FEATURES = [
  'is_owner',
  'tenure_years',
  'household_size',
  'age_band',
  'source',
  'has_loan',
  'loan_rate',
  'loan_term_years',
  'market_rate',
  'rate_gap',
  'market_rate_change_90d',
  'estimated_value',
  'loan_balance',
  'equity',
  'equity_share',
  'appreciation',
  'refinance_monthly_saving',
  'sqft_living',
  'bedrooms',
  'home_age_years',
  'grade',
  'month',
] as const;

// Past outcomes are only known where someone recorded them (the app: yes; `roi score` without --outcomes:
// no). `outcomes_known` tells the two apart so "no outcome on record" never poses as "no outcome".
const OUTCOME_FEATURES = ['outcomes_known', ...INTENT_TYPES.flatMap((type) => [`days_since_${type}`, `${type}_last_365`] as const)];
const NO_OUTCOME_DAYS = 3650;

/**
 * The signals most specific to each intent. A burst of them (≥ BURST_MIN_EVENTS, gaps ≤ BURST_MAX_GAP_DAYS)
 * precedes most outcomes and stops when the outcome closes, so a burst that ended weeks ago hints at an
 * outcome that already happened (at most one of a type per 12 months) even when no outcome is on record.
 */
export const BURST_SIGNALS: Record<IntentType, readonly Signal[]> = {
  sell: ['calculator_net_proceeds', 'document_deed'],
  buy: ['home_search_other_zip', 'calculator_affordability', 'document_pre_approval'],
  refinance: ['calculator_refinance', 'document_mortgage_statement'],
  investment: ['calculator_rental'],
};
const BURST_MIN_EVENTS = 3;
const BURST_MAX_GAP_DAYS = 21;
const PER_BURST = ['burst_events', 'burst_days_since_end', 'burst_length_days', 'earlier_bursts', 'earlier_burst_days_since_end'] as const;

export const FEATURE_NAMES: readonly string[] = [
  ...SIGNALS.flatMap((signal) => PER_SIGNAL.map((stat) => `${signal}_${stat}`)),
  ...ACTIVITY_FEATURES,
  ...INTENT_TYPES.flatMap((type) => PER_BURST.map((stat) => `${type}_${stat}`)),
  ...STATIC_FEATURES,
  ...OUTCOME_FEATURES,
];
export const FEATURE_COUNT = FEATURE_NAMES.length;

const SIGNAL_COUNT = SIGNALS.length;
const signalIndex = (signal: Signal) => SIGNALS.indexOf(signal);
const featureIndex = (name: string) => {
  const index = FEATURE_NAMES.indexOf(name);
  if (index < 0) throw new Error(`Unknown feature ${name}`);
  return index;
};

// Event codes: a signal index, or one of these for events that are not a signal.
const AUTO_OPEN = 254;
const IGNORED = 255;
const DOWNLOADED = signalIndex('documents_downloaded');
const SHARED = signalIndex('documents_shared');
const NO_ACTION = 0;

const FIXED_SIGNAL: Partial<Record<EventType, number>> = {
  home_value_checked: signalIndex('home_value_checked'),
  comparables_viewed: signalIndex('comparables_viewed'),
  market_report_viewed: signalIndex('market_report_viewed'),
  login: signalIndex('login'),
  profile_updated: signalIndex('profile_updated'),
  email_clicked: signalIndex('email_clicked'),
};
const CALCULATOR_SIGNAL = new Map<string, number>(CALCULATOR_KINDS.map((kind) => [kind, signalIndex(`calculator_${kind}`)]));
const DOCUMENT_SIGNAL = new Map<string, number>(DOCUMENT_KINDS.map((kind) => [kind, signalIndex(`document_${kind}`)]));
const KNOWN_EVENT_TYPES = new Set<string>(EVENT_TYPES);

/** A contact's events in the compact, time-sorted form the feature pass reads. Build it once per contact. */
export type ContactHistory = {
  contact: IntentContact;
  times: Float64Array;
  /** Signal index per event (or AUTO_OPEN / IGNORED). */
  codes: Uint8Array;
  /** DOWNLOADED / SHARED for document downloads and shares, else NO_ACTION. */
  actions: Uint8Array;
  /** Searched zipcode (number) of home searches outside the contact's zip, else 0. */
  otherZips: Int32Array;
  /** Known outcomes, oldest first. */
  outcomes: readonly KnownOutcome[];
};

function eventCode(event: IntentEvent, ownZip: string | null): number {
  const fixed = FIXED_SIGNAL[event.type];
  if (fixed !== undefined) return fixed;
  switch (event.type) {
    case 'email_opened':
      return isAutomaticOpen(event.at) ? AUTO_OPEN : signalIndex('email_opened');
    case 'home_search':
      return event.detail !== undefined && event.detail === ownZip ? signalIndex('home_search_own_zip') : signalIndex('home_search_other_zip');
    case 'calculator_used':
      return CALCULATOR_SIGNAL.get(event.detail ?? '') ?? IGNORED;
    case 'document_viewed':
    case 'document_downloaded':
    case 'document_shared':
      return DOCUMENT_SIGNAL.get(event.detail ?? '') ?? IGNORED;
    default:
      return IGNORED;
  }
}

/** Compacts a contact's events (any order; unknown types are ignored) and outcomes for writeFeatures. */
export function prepareContactHistory(contact: IntentContact, events: readonly IntentEvent[], outcomes: readonly KnownOutcome[] = []): ContactHistory {
  let sorted = true;
  for (let i = 1; i < events.length && sorted; i++) sorted = events[i - 1]!.at <= events[i]!.at;
  const ordered = sorted ? events : [...events].sort((a, b) => a.at - b.at);
  const n = ordered.length;
  const history: ContactHistory = {
    contact,
    times: new Float64Array(n),
    codes: new Uint8Array(n),
    actions: new Uint8Array(n),
    otherZips: new Int32Array(n),
    outcomes: [...outcomes].sort((a, b) => a.at - b.at),
  };
  const homeSearchOther = signalIndex('home_search_other_zip');
  for (let i = 0; i < n; i++) {
    const event = ordered[i]!;
    history.times[i] = event.at;
    const code = KNOWN_EVENT_TYPES.has(event.type) ? eventCode(event, contact.zipcode) : IGNORED;
    history.codes[i] = code;
    history.actions[i] = event.type === 'document_downloaded' ? DOWNLOADED : event.type === 'document_shared' ? SHARED : NO_ACTION;
    history.otherZips[i] = code === homeSearchOther ? Number.parseInt(event.detail ?? '', 10) || -1 : 0;
  }
  return history;
}

/** What the feature pass needs besides the contact: the market rates and when event tracking began. */
export type FeatureContext = {
  rates: MarketRates;
  /** Epoch ms of the first day events were recorded: the baseline of a young history is scaled to what was observed. */
  historyStart: number;
  /** Whether the histories' outcomes are the complete record (false: none were supplied; outcome features are NaN). */
  outcomesKnown: boolean;
};

const AVG_MONTH_DAYS = 365.25 / 12;
const YEAR_DAYS = 365.25;

// Age buckets (days before D) every event falls in; the windows of the features are unions of them.
const BUCKET_BOUNDS = [7, 30, BASELINE_END_DAYS, BASELINE_START_DAYS] as const;
const BUCKETS = BUCKET_BOUNDS.length;

// Scratch accumulators reused by every call: writeFeatures runs millions of times in training and must
// not allocate. (It is synchronous, so sharing them is safe.)
const bucketCounts = new Float64Array(SIGNAL_COUNT * BUCKETS);
const lastSeenDays = new Float64Array(SIGNAL_COUNT);
const firstSeen90Days = new Float64Array(SIGNAL_COUNT);
const activityCounts = new Float64Array(BUCKETS);
const zips30: number[] = [];
const zips90: number[] = [];

const ACTIVITY_AT = featureIndex('activity_n7');
const BURSTS_AT = featureIndex(`${INTENT_TYPES[0]}_${PER_BURST[0]}`);
/** Bit i set: the signal belongs to INTENT_TYPES[i]'s burst signals. */
const BURST_TYPES_OF_SIGNAL = SIGNALS.map((signal) => INTENT_TYPES.reduce((mask, type, i) => (BURST_SIGNALS[type].includes(signal) ? mask | (1 << i) : mask), 0));

/** Tracks one intent's bursts while the feature pass walks back in time (ages ascending). */
class BurstTracker {
  private runEvents = 0;
  private runNewest = 0;
  private runOldest = 0;
  latestEvents = 0;
  latestEnd = Number.NaN;
  latestLength = Number.NaN;
  earlier = 0;
  earlierEnd = Number.NaN;

  reset(): void {
    this.runEvents = 0;
    this.latestEvents = 0;
    this.latestEnd = this.latestLength = this.earlierEnd = Number.NaN;
    this.earlier = 0;
  }

  add(age: number): void {
    if (this.runEvents > 0 && age - this.runOldest > BURST_MAX_GAP_DAYS) this.closeRun();
    if (this.runEvents === 0) this.runNewest = age;
    this.runOldest = age;
    this.runEvents++;
  }

  closeRun(): void {
    if (this.runEvents >= BURST_MIN_EVENTS) {
      if (this.latestEvents === 0) {
        this.latestEvents = this.runEvents;
        this.latestEnd = this.runNewest;
        this.latestLength = this.runOldest - this.runNewest;
      } else {
        if (this.earlier === 0) this.earlierEnd = this.runNewest;
        this.earlier++;
      }
    }
    this.runEvents = 0;
  }
}
const bursts = INTENT_TYPES.map(() => new BurstTracker());
const STATIC_AT = featureIndex('is_owner');
const OUTCOMES_AT = featureIndex(OUTCOME_FEATURES[0]!);
const EMAIL_OPENED = signalIndex('email_opened');

function firstIndexAtOrAfter(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function bucketOf(age: number): number {
  let bucket = 0;
  while (age >= BUCKET_BOUNDS[bucket]!) bucket++;
  return bucket;
}

/** Fills out[offset … offset+FEATURE_COUNT) with the features as of `asOf` (epoch ms), using only what happened before it. */
export function writeFeatures(history: ContactHistory, asOf: number, context: FeatureContext, out: Float32Array, offset: number): void {
  bucketCounts.fill(0);
  activityCounts.fill(0);
  lastSeenDays.fill(Number.NaN);
  firstSeen90Days.fill(Number.NaN);
  zips30.length = 0;
  zips90.length = 0;
  for (const tracker of bursts) tracker.reset();

  const { times, codes, actions, otherZips } = history;
  const end = firstIndexAtOrAfter(times, asOf);
  let activeDays7 = 0;
  let activeDays30 = 0;
  let activeDays90 = 0;
  let lastActiveDay = Number.NaN;
  let daysSinceActivity = Number.NaN;
  let maxGap90 = 0;
  let oldestRecent = Number.NaN; // age (days) of the oldest activity within 30 days
  let gapBeforeRecent = Number.NaN;
  let opens = 0;
  let autoOpens = 0;

  for (let i = end - 1; i >= 0; i--) {
    const age = (asOf - times[i]!) / DAY_MS;
    if (age >= BASELINE_START_DAYS) break;
    const code = codes[i]!;
    if (code === AUTO_OPEN) {
      opens++;
      autoOpens++;
      continue;
    }
    if (code === IGNORED) continue;
    if (code === EMAIL_OPENED) opens++;

    const bucket = bucketOf(age);
    const burstTypes = BURST_TYPES_OF_SIGNAL[code]!;
    if (burstTypes !== 0) for (let t = 0; t < bursts.length; t++) if (burstTypes & (1 << t)) bursts[t]!.add(age);
    const action = actions[i]!; // NO_ACTION (0) is never a document action's signal index
    bucketCounts[code * BUCKETS + bucket]!++;
    if (Number.isNaN(lastSeenDays[code]!)) lastSeenDays[code] = age;
    if (age < BASELINE_END_DAYS) firstSeen90Days[code] = age;
    if (action !== NO_ACTION) {
      bucketCounts[action * BUCKETS + bucket]!++;
      if (Number.isNaN(lastSeenDays[action]!)) lastSeenDays[action] = age;
      if (age < BASELINE_END_DAYS) firstSeen90Days[action] = age;
    }
    const zip = otherZips[i]!;
    if (zip !== 0 && age < BASELINE_END_DAYS) {
      if (!zips90.includes(zip)) zips90.push(zip);
      if (age < 30 && !zips30.includes(zip)) zips30.push(zip);
    }

    // Activity: everything a person did (human email opens excluded: they are mostly newsletter reading).
    if (code === EMAIL_OPENED) continue;
    activityCounts[bucket]!++;
    const day = Math.floor(age);
    if (Number.isNaN(daysSinceActivity)) daysSinceActivity = age;
    else if (day !== lastActiveDay && age < BASELINE_END_DAYS) maxGap90 = Math.max(maxGap90, day - lastActiveDay);
    if (day !== lastActiveDay) {
      if (age < 7) activeDays7++;
      if (age < 30) activeDays30++;
      if (age < BASELINE_END_DAYS) activeDays90++;
    }
    lastActiveDay = day;
    if (age < 30) oldestRecent = age;
    else if (!Number.isNaN(oldestRecent) && Number.isNaN(gapBeforeRecent)) gapBeforeRecent = age - oldestRecent;
  }
  // Recent activity with nothing before it in the year: silent for as long as we could see.
  const observedDays = Math.min(BASELINE_START_DAYS, Math.max(0, (asOf - context.historyStart) / DAY_MS));
  if (!Number.isNaN(oldestRecent) && Number.isNaN(gapBeforeRecent)) gapBeforeRecent = Math.max(0, observedDays - oldestRecent);

  // The baseline window is [D-365, D-90) as far as it was observed; unknown (NaN) when nothing was.
  const baselineDays = Math.max(0, observedDays - BASELINE_END_DAYS);
  const perThirty = baselineDays >= 30 ? 30 / baselineDays : Number.NaN;

  let at = offset;
  for (let s = 0; s < SIGNAL_COUNT; s++) {
    const b = s * BUCKETS;
    const n7 = bucketCounts[b]!;
    const n30 = n7 + bucketCounts[b + 1]!;
    out[at++] = n7;
    out[at++] = n30;
    out[at++] = n30 + bucketCounts[b + 2]!;
    out[at++] = bucketCounts[b + 3]! * perThirty;
    out[at++] = Number.isNaN(lastSeenDays[s]!) ? RECENCY_CAP_DAYS : lastSeenDays[s]!;
    out[at++] = firstSeen90Days[s]!;
  }

  at = offset + ACTIVITY_AT;
  const a7 = activityCounts[0]!;
  const a30 = a7 + activityCounts[1]!;
  out[at++] = a7;
  out[at++] = a30;
  out[at++] = a30 + activityCounts[2]!;
  out[at++] = activityCounts[3]! * perThirty;
  out[at++] = activeDays7;
  out[at++] = activeDays30;
  out[at++] = activeDays90;
  out[at++] = Number.isNaN(daysSinceActivity) ? RECENCY_CAP_DAYS : daysSinceActivity;
  out[at++] = maxGap90;
  out[at++] = gapBeforeRecent;
  out[at++] = opens > 0 ? autoOpens / opens : Number.NaN;
  out[at++] = zips30.length;
  out[at++] = zips90.length;
  out[at] = observedDays;

  at = offset + BURSTS_AT;
  for (const tracker of bursts) {
    tracker.closeRun();
    out[at++] = tracker.latestEvents;
    out[at++] = tracker.latestEnd;
    out[at++] = tracker.latestLength;
    out[at++] = tracker.earlier;
    out[at++] = tracker.earlierEnd;
  }

  writeStaticFeatures(history.contact, asOf, context.rates, out, offset + STATIC_AT);
  writeOutcomeFeatures(context.outcomesKnown ? history.outcomes : null, asOf, out, offset + OUTCOMES_AT);
}

const orNaN = (value: number | null) => (value === null ? Number.NaN : value);

function writeStaticFeatures(contact: IntentContact, asOf: number, rates: MarketRates, out: Float32Array, start: number): void {
  const marketRate = rates.rateAt(asOf);
  const owner = contact.isOwner;
  const tenureDays = owner && contact.purchaseDate !== null ? Math.max(0, (asOf - contact.purchaseDate) / DAY_MS) : Number.NaN;
  const hasLoan = owner && contact.loanOriginal !== null && contact.loanRate !== null && contact.loanTermYears !== null;
  const value = owner ? orNaN(contact.estimatedValue) : Number.NaN;

  let balance = owner ? 0 : Number.NaN;
  let saving = Number.NaN;
  if (hasLoan) {
    const months = Number.isNaN(tenureDays) ? 0 : Math.floor(tenureDays / AVG_MONTH_DAYS);
    const term = contact.loanTermYears!;
    balance = balanceAfter({ principal: contact.loanOriginal!, ratePercent: contact.loanRate!, termYears: term }, months);
    // What refinancing the balance over the remaining term at the market rate would save each month.
    const remainingYears = (term * 12 - months) / 12;
    saving = remainingYears > 0 ? monthlyPayment({ principal: balance, ratePercent: contact.loanRate!, termYears: remainingYears }) - monthlyPayment({ principal: balance, ratePercent: marketRate, termYears: remainingYears }) : 0;
  }
  const equity = value - balance;
  const ageBand = AGE_BANDS.indexOf((contact.ageBand ?? '') as (typeof AGE_BANDS)[number]);
  const source = CONTACT_SOURCES.indexOf((contact.source ?? '') as (typeof CONTACT_SOURCES)[number]);
  const asOfDate = new Date(asOf);

  let at = start;
  out[at++] = owner ? 1 : 0;
  out[at++] = tenureDays / YEAR_DAYS;
  out[at++] = orNaN(contact.householdSize);
  out[at++] = ageBand < 0 ? Number.NaN : ageBand;
  out[at++] = source < 0 ? Number.NaN : source;
  out[at++] = owner ? (hasLoan ? 1 : 0) : Number.NaN;
  out[at++] = hasLoan ? contact.loanRate! : Number.NaN;
  out[at++] = hasLoan ? contact.loanTermYears! : Number.NaN;
  out[at++] = marketRate;
  out[at++] = hasLoan ? contact.loanRate! - marketRate : Number.NaN;
  out[at++] = marketRate - rates.rateAt(asOf - 90 * DAY_MS);
  out[at++] = value;
  out[at++] = balance;
  out[at++] = equity;
  out[at++] = value > 0 ? equity / value : Number.NaN;
  out[at++] = owner && contact.purchasePrice !== null && contact.purchasePrice > 0 ? value / contact.purchasePrice : Number.NaN;
  out[at++] = saving;
  out[at++] = owner ? orNaN(contact.sqftLiving) : Number.NaN;
  out[at++] = owner ? orNaN(contact.bedrooms) : Number.NaN;
  out[at++] = owner && contact.yearBuilt !== null ? asOfDate.getUTCFullYear() - contact.yearBuilt : Number.NaN;
  out[at++] = owner ? orNaN(contact.grade) : Number.NaN;
  out[at] = asOfDate.getUTCMonth() + 1;
}

function writeOutcomeFeatures(outcomes: readonly KnownOutcome[] | null, asOf: number, out: Float32Array, start: number): void {
  out[start] = outcomes ? 1 : 0;
  for (let t = 0; t < INTENT_TYPES.length; t++) {
    const type: IntentType = INTENT_TYPES[t]!;
    let daysSince = outcomes ? NO_OUTCOME_DAYS : Number.NaN;
    let lastYear = outcomes ? 0 : Number.NaN;
    for (const outcome of outcomes ?? []) {
      if (outcome.at >= asOf) break; // sorted: the rest is not known yet
      if (outcome.type !== type) continue;
      daysSince = Math.min(NO_OUTCOME_DAYS, (asOf - outcome.at) / DAY_MS);
      if (daysSince < 365) lastYear++;
    }
    out[start + 1 + 2 * t] = daysSince;
    out[start + 2 + 2 * t] = lastYear;
  }
}

/** Convenience for one contact and date (tests, reasons): a fresh feature row. */
export function buildFeatures(
  contact: IntentContact,
  events: readonly IntentEvent[],
  outcomes: readonly KnownOutcome[],
  asOf: number,
  context: FeatureContext,
): Float32Array {
  const row = new Float32Array(FEATURE_COUNT);
  writeFeatures(prepareContactHistory(contact, events, outcomes), asOf, context, row, 0);
  return row;
}

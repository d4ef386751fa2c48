import { describe, expect, it } from 'vitest';
import { isAutomaticOpen } from './email-schedule.ts';
import { FEATURE_COUNT, FEATURE_NAMES, buildFeatures, prepareContactHistory, writeFeatures, type FeatureContext } from './features.ts';
import { DAY_MS, parseUtc, type IntentContact, type IntentEvent, type KnownOutcome } from './intent-inputs.ts';
import { createMarketRates } from './market-rates.ts';

const AS_OF = parseUtc('2014-06-30');
const daysBefore = (days: number) => AS_OF - days * DAY_MS;

const context: FeatureContext = {
  rates: createMarketRates([
    { day: parseUtc('2014-01-01'), rate: 4.5 },
    { day: parseUtc('2014-06-01'), rate: 4.0 },
  ]),
  historyStart: parseUtc('2013-06-01'),
  outcomesKnown: true,
};

const owner: IntentContact = {
  id: 'c_1',
  isOwner: true,
  zipcode: '98103',
  purchaseDate: parseUtc('2009-06-01'),
  purchasePrice: 300_000,
  loanOriginal: 200_000,
  loanRate: 6,
  loanTermYears: 30,
  estimatedValue: 500_000,
  sqftLiving: 1800,
  bedrooms: 3,
  yearBuilt: 1990,
  grade: 7,
  householdSize: 3,
  ageBand: '35-44',
  source: 'past_client',
};

const renter: IntentContact = {
  ...owner,
  id: 'c_2',
  isOwner: false,
  purchaseDate: null,
  purchasePrice: null,
  loanOriginal: null,
  loanRate: null,
  loanTermYears: null,
  estimatedValue: null,
};

function features(contact: IntentContact, events: IntentEvent[], outcomes: KnownOutcome[] = [], ctx: FeatureContext = context) {
  const row = buildFeatures(contact, events, outcomes, AS_OF, ctx);
  return (name: string) => {
    const index = FEATURE_NAMES.indexOf(name);
    if (index < 0) throw new Error(`no feature ${name}`);
    return row[index]!;
  };
}

describe('feature names', () => {
  it('are unique and match the row length', () => {
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURE_NAMES.length);
    expect(buildFeatures(owner, [], [], AS_OF, context)).toHaveLength(FEATURE_COUNT);
  });
});

describe('signal windows', () => {
  const checks = [1, 10, 40, 100, 200].map((days): IntentEvent => ({ type: 'home_value_checked', at: daysBefore(days) }));

  it('counts per window, baseline per 30 days, recency and burst start', () => {
    const f = features(owner, checks);
    expect([f('home_value_checked_n7'), f('home_value_checked_n30'), f('home_value_checked_n90')]).toEqual([1, 2, 3]);
    // Two checks in [D-365, D-90): 275 observed days.
    expect(f('home_value_checked_base30')).toBeCloseTo((2 * 30) / 275, 5);
    expect(f('home_value_checked_days_since')).toBeCloseTo(1, 5);
    expect(f('home_value_checked_first90_days')).toBeCloseTo(40, 5);
    expect(f('activity_n30')).toBe(2);
    expect(f('days_since_activity')).toBeCloseTo(1, 5);
  });

  it('uses only events strictly before the as-of date, in any input order', () => {
    const atAsOf: IntentEvent = { type: 'home_value_checked', at: AS_OF };
    const justBefore: IntentEvent = { type: 'home_value_checked', at: AS_OF - 1 };
    const f = features(owner, [atAsOf, ...checks.reverse(), justBefore]);
    expect(f('home_value_checked_n7')).toBe(2);
    expect(f('home_value_checked_days_since')).toBeCloseTo(1 / DAY_MS, 8);
  });

  it('scales the baseline to the observed history and leaves it unknown when too short', () => {
    const young = { ...context, historyStart: daysBefore(150) };
    expect(features(owner, checks, [], young)('home_value_checked_base30')).toBeCloseTo((2 * 30) / 60, 5);
    const tooYoung = { ...context, historyStart: daysBefore(100) };
    expect(features(owner, checks, [], tooYoung)('home_value_checked_base30')).toBeNaN();
    expect(features(owner, checks, [], tooYoung)('history_days')).toBeCloseTo(100, 5);
  });

  it('caps recency at a year when a signal never happened', () => {
    expect(features(owner, checks)('calculator_rental_days_since')).toBe(365);
  });

  it('maps calculators, documents and searches to their own signals', () => {
    const f = features(owner, [
      { type: 'calculator_used', at: daysBefore(2), detail: 'refinance' },
      { type: 'calculator_used', at: daysBefore(2), detail: 'mortgage_magic' }, // unknown kind: ignored
      { type: 'document_downloaded', at: daysBefore(3), detail: 'mortgage_statement' },
      { type: 'document_shared', at: daysBefore(3), detail: 'deed' },
      { type: 'home_search', at: daysBefore(4), detail: '98103' },
      { type: 'home_search', at: daysBefore(4), detail: '98115' },
      { type: 'home_search', at: daysBefore(5), detail: '98115' },
      { type: 'home_search', at: daysBefore(50), detail: '98004' },
    ]);
    expect(f('calculator_refinance_n7')).toBe(1);
    expect(f('document_mortgage_statement_n7')).toBe(1);
    expect(f('documents_downloaded_n7')).toBe(1);
    expect(f('documents_shared_n7')).toBe(1);
    expect(f('document_deed_n7')).toBe(1);
    expect(f('home_search_own_zip_n7')).toBe(1);
    expect(f('home_search_other_zip_n7')).toBe(2);
    expect(f('other_zips_30')).toBe(1);
    expect(f('other_zips_90')).toBe(2);
  });

  it('measures the silence before a reactivation', () => {
    const f = features(owner, [
      { type: 'login', at: daysBefore(200) },
      { type: 'login', at: daysBefore(3) },
      { type: 'login', at: daysBefore(1) },
    ]);
    expect(f('gap_before_recent_days')).toBeCloseTo(197, 5);
    expect(f('active_days_30')).toBe(2);
  });

  it('finds bursts of intent-specific signals and earlier ones', () => {
    const refinance = (days: number): IntentEvent => ({ type: 'calculator_used', at: daysBefore(days), detail: 'refinance' });
    const f = features(owner, [refinance(300), refinance(290), refinance(280), refinance(20), refinance(10), refinance(5), refinance(2)]);
    expect(f('refinance_burst_events')).toBe(4);
    expect(f('refinance_burst_days_since_end')).toBeCloseTo(2, 5);
    expect(f('refinance_burst_length_days')).toBeCloseTo(18, 5);
    expect(f('refinance_earlier_bursts')).toBe(1);
    expect(f('refinance_earlier_burst_days_since_end')).toBeCloseTo(280, 5);
    expect(f('sell_burst_events')).toBe(0);
  });
});

describe('email opens', () => {
  // 2014-06-03 is the first Tuesday of June 2014, 2014-06-19 its third Thursday.
  it('recognises opens within minutes of a campaign send as automatic', () => {
    expect(isAutomaticOpen(Date.parse('2014-06-03T16:04:00Z'))).toBe(true);
    expect(isAutomaticOpen(Date.parse('2014-06-19T16:14:59Z'))).toBe(true);
    expect(isAutomaticOpen(Date.parse('2014-06-19T16:15:00Z'))).toBe(false);
    expect(isAutomaticOpen(Date.parse('2014-06-10T16:04:00Z'))).toBe(false);
    expect(isAutomaticOpen(Date.parse('2014-06-03T15:59:00Z'))).toBe(false);
  });

  it('counts only human opens as a signal and reports the automatic share', () => {
    const f = features(owner, [
      { type: 'email_opened', at: Date.parse('2014-06-03T16:01:00Z') },
      { type: 'email_opened', at: Date.parse('2014-06-19T16:02:00Z') },
      { type: 'email_opened', at: Date.parse('2014-06-19T21:30:00Z') },
      { type: 'email_clicked', at: Date.parse('2014-06-19T21:31:00Z') },
    ]);
    expect(f('email_opened_n30')).toBe(1);
    expect(f('email_clicked_n30')).toBe(1);
    expect(f('auto_open_share')).toBeCloseTo(2 / 3, 5);
  });
});

describe('static features', () => {
  it('amortises the loan and compares its rate with the market rate of the date', () => {
    const f = features(owner, []);
    expect(f('tenure_years')).toBeCloseTo(1855 / 365.25, 4);
    expect(f('market_rate')).toBeCloseTo(4.0, 5);
    expect(f('rate_gap')).toBeCloseTo(2.0, 5);
    expect(f('market_rate_change_90d')).toBeCloseTo(-0.5, 5);
    // 200k at 6% over 30 years, 60 whole months after the purchase.
    expect(f('loan_balance')).toBeCloseTo(186_108.71, 0);
    expect(f('equity_share')).toBeCloseTo((500_000 - f('loan_balance')) / 500_000, 3);
    expect(f('refinance_monthly_saving')).toBeGreaterThan(100);
    expect(f('month')).toBe(6);
  });

  it('leaves property and loan features unknown for non-owners', () => {
    const f = features(renter, []);
    expect(f('is_owner')).toBe(0);
    for (const name of ['tenure_years', 'has_loan', 'loan_rate', 'rate_gap', 'equity', 'loan_balance', 'sqft_living']) expect(f(name)).toBeNaN();
  });
});

describe('past outcomes', () => {
  const outcomes: KnownOutcome[] = [
    { type: 'refinance', at: daysBefore(100) },
    { type: 'sell', at: AS_OF }, // dated on D: not known before D
  ];

  it('uses outcomes dated before the as-of date when they are on record', () => {
    const f = features(owner, [], outcomes);
    expect(f('outcomes_known')).toBe(1);
    expect(f('days_since_refinance')).toBeCloseTo(100, 5);
    expect(f('refinance_last_365')).toBe(1);
    expect(f('days_since_sell')).toBe(3650);
    expect(f('sell_last_365')).toBe(0);
  });

  it('marks them unknown when none were supplied', () => {
    const f = features(owner, [], outcomes, { ...context, outcomesKnown: false });
    expect(f('outcomes_known')).toBe(0);
    expect(f('days_since_refinance')).toBeNaN();
    expect(f('refinance_last_365')).toBeNaN();
  });
});

describe('writeFeatures', () => {
  it('writes at an offset and gives the same row for the same history every time', () => {
    const history = prepareContactHistory(owner, [{ type: 'login', at: daysBefore(3) }]);
    const out = new Float32Array(FEATURE_COUNT * 3);
    writeFeatures(history, AS_OF, context, out, FEATURE_COUNT);
    writeFeatures(prepareContactHistory(renter, []), AS_OF, context, out, 2 * FEATURE_COUNT);
    const again = new Float32Array(FEATURE_COUNT);
    writeFeatures(history, AS_OF, context, again, 0);
    expect(Array.from(out.subarray(FEATURE_COUNT, 2 * FEATURE_COUNT))).toEqual(Array.from(again));
    expect(Array.from(out.subarray(0, FEATURE_COUNT)).every((v) => v === 0)).toBe(true);
  });
});

// The reasons behind a score, in words, for alerts ("4 home-value checks in the last 7 days, up from ~1 a
// month").
//
// Attribution is a per-group ablation through the model itself: the features are grouped by what they
// describe (one signal, the loan and rates, equity, …); each group in turn is reset to the training
// population's mean and the row re-scored. How much the model's margin (log-odds) drops is that group's
// contribution; the groups that raised the score most become the reasons. It needs one model run of
// 1 + (number of groups) rows per explained score — cheap for the alerts of a batch, not meant for every
// contact.
import type { IntentType } from '../../db/schema/vocabulary.ts';
import { BURST_SIGNALS, FEATURE_COUNT, FEATURE_NAMES, SIGNALS, type Signal } from './features.ts';
import type { IntentModels } from './intent-models.ts';

export type Reason = {
  /** Stable key of the feature group (e.g. `signal:home_value_checked`, `loan_rate`). */
  key: string;
  text: string;
  /** Drop in log-odds when the group is reset to the population mean (> 0: it raised the score). */
  contribution: number;
};

type Row = (name: string) => number;
type Group = { key: string; features: number[]; describe: (value: Row, type: IntentType) => string | null };

const SIGNAL_NOUNS: Record<Signal, [singular: string, plural: string]> = {
  home_value_checked: ['home-value check', 'home-value checks'],
  comparables_viewed: ['look at comparable sales', 'looks at comparable sales'],
  market_report_viewed: ['market report viewed', 'market reports viewed'],
  login: ['login', 'logins'],
  profile_updated: ['profile update', 'profile updates'],
  email_clicked: ['email click', 'email clicks'],
  email_opened: ['email opened (by a person)', 'emails opened (by a person)'],
  home_search_own_zip: ['home search in their own area', 'home searches in their own area'],
  home_search_other_zip: ['home search in other areas', 'home searches in other areas'],
  calculator_refinance: ['use of the refinance calculator', 'uses of the refinance calculator'],
  calculator_affordability: ['use of the affordability calculator', 'uses of the affordability calculator'],
  calculator_net_proceeds: ['use of the net-proceeds calculator', 'uses of the net-proceeds calculator'],
  calculator_rental: ['use of the rental calculator', 'uses of the rental calculator'],
  document_deed: ['look at the deed', 'looks at the deed'],
  document_tax_statement: ['look at the tax statement', 'looks at the tax statement'],
  document_mortgage_statement: ['look at the mortgage statement', 'looks at the mortgage statement'],
  document_insurance: ['look at the insurance policy', 'looks at the insurance policy'],
  document_hoa: ['look at HOA documents', 'looks at HOA documents'],
  document_home_report: ['look at the home report', 'looks at the home report'],
  document_pre_approval: ['look at the pre-approval letter', 'looks at the pre-approval letter'],
  documents_downloaded: ['document downloaded', 'documents downloaded'],
  documents_shared: ['document shared', 'documents shared'],
};

const INTENT_WORDS: Record<IntentType, string> = { sell: 'selling', buy: 'buying', refinance: 'refinancing', investment: 'investment' };
const PAST_OUTCOME: Record<IntentType, string> = { sell: 'Sold', buy: 'Bought', refinance: 'Refinanced', investment: 'Invested' };

const count = (n: number, [singular, plural]: [string, string]) => `${n} ${n === 1 ? singular : plural}`;
const round1 = (n: number) => (n >= 10 ? Math.round(n).toString() : (Math.round(n * 10) / 10).toString());
const money = (n: number) => `$${Math.round(n / 1000).toLocaleString('en-US')}k`;
const duration = (days: number) => (days >= 60 ? `${Math.round(days / 30.4)} months` : days >= 14 ? `${Math.round(days / 7)} weeks` : `${Math.round(days)} days`);
const ago = (days: number) => (days < 1 ? 'today' : days < 2 ? 'yesterday' : `${duration(days)} ago`);

function describeSignal(signal: Signal, value: Row): string | null {
  const nouns = SIGNAL_NOUNS[signal];
  const n7 = value(`${signal}_n7`);
  const n30 = value(`${signal}_n30`);
  const n90 = value(`${signal}_n90`);
  const base = value(`${signal}_base30`);
  let text: string;
  if (n7 >= 2) text = `${count(n7, nouns)} in the last 7 days${n30 > n7 ? ` (${n30} in 30)` : ''}`;
  else if (n30 >= 1) text = `${count(n30, nouns)} in the last 30 days`;
  else if (n90 >= 1) text = `${count(n90, nouns)} in the last 90 days, the latest ${ago(value(`${signal}_days_since`))}`;
  else return `No ${nouns[1]} in 90 days`;
  if (Number.isNaN(base)) return text;
  return base < 0.05 ? `${text}, none in the months before` : `${text}, up from ~${round1(base)} a month`;
}

function describeActivity(value: Row): string {
  const gap = value('gap_before_recent_days');
  const activeDays = value('active_days_30');
  if (activeDays > 0 && gap >= 60) return `Active again after ${duration(gap)} of silence (${activeDays} active days in the last 30)`;
  if (activeDays > 0) return `Active on ${activeDays} of the last 30 days (most recently ${ago(value('days_since_activity'))})`;
  return `No activity in the last 30 days`;
}

function describeBurst(intent: IntentType, value: Row): string | null {
  const events = value(`${intent}_burst_events`);
  if (!(events > 0)) return null;
  return `Burst of ${events} ${INTENT_WORDS[intent]}-related actions over ${duration(value(`${intent}_burst_length_days`))}, the latest ${ago(value(`${intent}_burst_days_since_end`))}`;
}

function describeLoan(value: Row): string | null {
  const rate = value('loan_rate');
  if (Number.isNaN(rate)) return null;
  const saving = value('refinance_monthly_saving');
  const market = value('market_rate');
  return `Loan at ${rate.toFixed(2)}% vs. ${market.toFixed(2)}% market rate${saving > 0 ? ` (≈ $${Math.round(saving).toLocaleString('en-US')}/month less at today's rate)` : ''}`;
}

function describeEquity(value: Row): string | null {
  const equity = value('equity');
  const share = value('equity_share');
  if (Number.isNaN(equity)) return null;
  return `Estimated equity ${money(equity)} (${Math.round(share * 100)}% of the home's value)`;
}

function describeOutcomes(value: Row): string | null {
  if (value('outcomes_known') !== 1) return null;
  const recent = (['sell', 'buy', 'refinance', 'investment'] as const)
    .map((type) => ({ type, days: value(`days_since_${type}`) }))
    .filter(({ days }) => days < 3650)
    .sort((a, b) => a.days - b.days)[0];
  return recent ? `${PAST_OUTCOME[recent.type]} ${ago(recent.days)}` : 'No past outcome on record';
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function indexes(predicate: (name: string) => boolean): number[] {
  return FEATURE_NAMES.flatMap((name, i) => (predicate(name) ? [i] : []));
}

/** The feature groups, each with the words for it; every feature belongs to exactly one group. */
export const REASON_GROUPS: readonly Group[] = [
  ...SIGNALS.map((signal): Group => ({ key: `signal:${signal}`, features: indexes((name) => name.startsWith(`${signal}_`)), describe: (value) => describeSignal(signal, value) })),
  ...(Object.keys(BURST_SIGNALS) as IntentType[]).map((intent): Group => ({
    key: `burst:${intent}`,
    features: indexes((name) => name.startsWith(`${intent}_burst`) || name.startsWith(`${intent}_earlier_burst`)),
    describe: (value) => describeBurst(intent, value),
  })),
  {
    key: 'activity',
    features: indexes((name) => /^(activity_|active_days_|days_since_activity|max_gap_|gap_before_|auto_open_|other_zips_|history_days)/.test(name)),
    describe: describeActivity,
  },
  { key: 'loan_rate', features: indexes((name) => /^(has_loan|loan_rate|loan_term_years|market_rate|rate_gap|market_rate_change_90d|refinance_monthly_saving)$/.test(name)), describe: describeLoan },
  { key: 'equity', features: indexes((name) => /^(estimated_value|loan_balance|equity|equity_share|appreciation)$/.test(name)), describe: describeEquity },
  { key: 'tenure', features: indexes((name) => name === 'tenure_years'), describe: (value) => (Number.isNaN(value('tenure_years')) ? null : `Owned the home for ${round1(value('tenure_years'))} years`) },
  {
    key: 'household',
    features: indexes((name) => /^(is_owner|household_size|age_band|source)$/.test(name)),
    describe: (value) => (Number.isNaN(value('household_size')) ? null : `Household of ${value('household_size')}${value('is_owner') === 1 ? ', owner' : ', not an owner'}`),
  },
  { key: 'home', features: indexes((name) => /^(sqft_living|bedrooms|home_age_years|grade)$/.test(name)), describe: () => 'The home itself (size, age, grade)' },
  { key: 'season', features: indexes((name) => name === 'month'), describe: (value) => `Seasonal timing (${MONTHS[value('month') - 1] ?? 'this month'})` },
  {
    key: 'outcomes',
    features: indexes((name) => name === 'outcomes_known' || (name.startsWith('days_since_') && name !== 'days_since_activity') || name.endsWith('_last_365')),
    describe: describeOutcomes,
  },
];

const FEATURE_AT = new Map(FEATURE_NAMES.map((name, i) => [name, i]));

/**
 * The top reasons (groups that raised the score most, largest first) of `type`'s score for one feature
 * row (as written by writeFeatures). Groups that lowered the score or have nothing to say are left out.
 */
export async function explainScore(models: IntentModels, type: IntentType, row: Float32Array, maxReasons = 3): Promise<Reason[]> {
  if (row.length !== FEATURE_COUNT) throw new Error(`Expected a row of ${FEATURE_COUNT} features, got ${row.length}`);
  const mean = models.manifest.population.mean;
  const batch = new Float32Array((REASON_GROUPS.length + 1) * FEATURE_COUNT);
  batch.set(row, 0);
  REASON_GROUPS.forEach((group, g) => {
    const offset = (g + 1) * FEATURE_COUNT;
    batch.set(row, offset);
    for (const f of group.features) batch[offset + f] = mean[f] ?? Number.NaN;
  });
  const margins = await models.margins(type, batch, REASON_GROUPS.length + 1);
  const value: Row = (name) => row[FEATURE_AT.get(name)!]!;
  return REASON_GROUPS.map((group, g) => ({ group, contribution: margins[0]! - margins[g + 1]! }))
    .filter(({ contribution }) => contribution > 0)
    .sort((a, b) => b.contribution - a.contribution)
    .flatMap(({ group, contribution }) => {
      const text = group.describe(value, type);
      return text === null ? [] : [{ key: group.key, text, contribution }];
    })
    .slice(0, maxReasons);
}

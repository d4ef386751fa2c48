// The one catalogue of merge tags: what a template may write inside {{ }}, what each means, an example
// and how it is resolved from a recipient's context. The template checker, the renderer and the UI's tag
// list all read this list, so a tag that appears here works everywhere and nothing else is accepted.
import { balanceAfter, monthsBetween } from '../../../models/finance/amortisation.ts';

/** Everything a message may be personalised with, gathered once per recipient. */
export type MergeContext = {
  contact: {
    id: string;
    firstName: string;
    lastName: string;
    email: string | null;
    phone: string | null;
    zipcode: string | null;
    stage: string;
  };
  /** The contact's main home (the highest estimate among their properties), if any. */
  property: {
    address: string;
    zipcode: string | null;
    estimate: number | null;
    estimateLow: number | null;
    estimateHigh: number | null;
    bedrooms: number | null;
    bathrooms: number | null;
    sqftLiving: number | null;
    yrBuilt: number | null;
    purchaseDate: string | null;
    purchasePrice: number | null;
    loanOriginal: number | null;
    loanRate: number | null;
    loanTermYears: number | null;
  } | null;
  agent: { name: string; email: string } | null;
  brokerage: { name: string; postalAddress: string } | null;
  /** The contact's most urgent open alert, if any. */
  alert: { type: string; priority: string } | null;
  /** Filled at send time (signed by the sync server); previews show a placeholder. */
  unsubscribeUrl: string | null;
  now: Date;
};

export type MergeTagGroup = 'contact' | 'property' | 'finance' | 'agent' | 'brokerage' | 'alert' | 'date' | 'links';

export type MergeTag = {
  name: string;
  group: MergeTagGroup;
  description: string;
  example: string;
  /** How the value is found, for the UI (e.g. "contacts.first_name"). */
  source: string;
  /** The value as text, or null when the recipient has none (then the fallback, or nothing, is used). */
  resolve(context: MergeContext): string | null;
};

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const asMoney = (value: number | null | undefined) => (value === null || value === undefined || !Number.isFinite(value) ? null : money.format(Math.round(value)));
const text = (value: string | null | undefined) => (value === null || value === undefined || value.trim() === '' ? null : value.trim());
const number = (value: number | null | undefined, digits = 0) =>
  value === null || value === undefined || !Number.isFinite(value) ? null : value.toLocaleString('en-US', { maximumFractionDigits: digits });

/** The loan balance today from its amortisation schedule (the loan starts on the purchase date). */
export function loanBalance(property: MergeContext['property'], now: Date): number | null {
  if (!property?.loanOriginal || property.loanOriginal <= 0 || property.loanRate === null || !property.loanTermYears || !property.purchaseDate) return null;
  const loan = { principal: property.loanOriginal, ratePercent: property.loanRate, termYears: property.loanTermYears };
  const months = Math.min(Math.max(monthsBetween(property.purchaseDate, now.toISOString().slice(0, 10)), 0), loan.termYears * 12);
  return balanceAfter(loan, months);
}

/** Estimate minus loan balance; the estimate alone when the home has no recorded loan. */
export function equityOf(property: MergeContext['property'], now: Date): number | null {
  if (!property || property.estimate === null) return null;
  const balance = loanBalance(property, now);
  return property.estimate - (balance ?? 0);
}

const INTENT_WORDS: Record<string, string> = { sell: 'selling', buy: 'buying', refinance: 'refinancing', investment: 'investing' };

export const MERGE_TAGS: readonly MergeTag[] = [
  { name: 'first_name', group: 'contact', description: 'First name', example: 'Dana', source: 'contacts.first_name', resolve: (c) => text(c.contact.firstName) },
  { name: 'last_name', group: 'contact', description: 'Last name', example: 'Reyes', source: 'contacts.last_name', resolve: (c) => text(c.contact.lastName) },
  {
    name: 'full_name',
    group: 'contact',
    description: 'First and last name',
    example: 'Dana Reyes',
    source: 'contacts.first_name + last_name',
    resolve: (c) => text(`${c.contact.firstName} ${c.contact.lastName}`),
  },
  { name: 'email', group: 'contact', description: 'Email address the message goes to', example: 'dana@example.com', source: 'contacts.email', resolve: (c) => text(c.contact.email) },
  { name: 'phone', group: 'contact', description: 'Phone number', example: '(206) 555-0101', source: 'contacts.phone', resolve: (c) => text(c.contact.phone) },
  { name: 'zipcode', group: 'contact', description: 'Contact’s zip code', example: '98103', source: 'contacts.zipcode, else the home’s', resolve: (c) => text(c.contact.zipcode) ?? text(c.property?.zipcode) },
  { name: 'property.address', group: 'property', description: 'Home address', example: '412 N 40th St', source: 'properties.address (main home)', resolve: (c) => text(c.property?.address) },
  { name: 'property.zipcode', group: 'property', description: 'Home zip code', example: '98103', source: 'properties.zipcode', resolve: (c) => text(c.property?.zipcode) },
  { name: 'property.estimate', group: 'property', description: 'Estimated value today', example: '$812,000', source: 'properties.estimate (valuation)', resolve: (c) => asMoney(c.property?.estimate) },
  { name: 'property.estimate_low', group: 'property', description: 'Low end of the value range', example: '$768,000', source: 'properties.estimate_low', resolve: (c) => asMoney(c.property?.estimateLow) },
  { name: 'property.estimate_high', group: 'property', description: 'High end of the value range', example: '$856,000', source: 'properties.estimate_high', resolve: (c) => asMoney(c.property?.estimateHigh) },
  { name: 'property.bedrooms', group: 'property', description: 'Bedrooms', example: '3', source: 'properties.bedrooms', resolve: (c) => number(c.property?.bedrooms) },
  { name: 'property.bathrooms', group: 'property', description: 'Bathrooms', example: '2.5', source: 'properties.bathrooms', resolve: (c) => number(c.property?.bathrooms, 2) },
  { name: 'property.sqft', group: 'property', description: 'Living area in square feet', example: '1,840', source: 'properties.sqft_living', resolve: (c) => number(c.property?.sqftLiving) },
  { name: 'property.year_built', group: 'property', description: 'Year built', example: '1926', source: 'properties.yr_built', resolve: (c) => (c.property?.yrBuilt ? String(c.property.yrBuilt) : null) },
  { name: 'property.purchase_price', group: 'property', description: 'What they paid', example: '$455,000', source: 'properties.purchase_price', resolve: (c) => asMoney(c.property?.purchasePrice) },
  {
    name: 'property.purchase_year',
    group: 'property',
    description: 'Year they bought',
    example: '2014',
    source: 'properties.purchase_date',
    resolve: (c) => (c.property?.purchaseDate ? c.property.purchaseDate.slice(0, 4) : null),
  },
  {
    name: 'property.years_owned',
    group: 'property',
    description: 'Whole years since they bought',
    example: '11',
    source: 'today − properties.purchase_date',
    resolve: (c) => (c.property?.purchaseDate ? String(Math.max(0, Math.floor(monthsBetween(c.property.purchaseDate, c.now.toISOString().slice(0, 10)) / 12))) : null),
  },
  {
    name: 'property.appreciation',
    group: 'property',
    description: 'Gain in value since purchase',
    example: '$357,000',
    source: 'estimate − purchase_price',
    resolve: (c) => (c.property?.estimate != null && c.property.purchasePrice ? asMoney(c.property.estimate - c.property.purchasePrice) : null),
  },
  {
    name: 'property.appreciation_percent',
    group: 'property',
    description: 'Gain in value since purchase, in percent',
    example: '78%',
    source: '(estimate − purchase_price) / purchase_price',
    resolve: (c) =>
      c.property?.estimate != null && c.property.purchasePrice ? `${integer.format(((c.property.estimate - c.property.purchasePrice) / c.property.purchasePrice) * 100)}%` : null,
  },
  {
    name: 'equity',
    group: 'finance',
    description: 'Estimated equity (value − loan balance)',
    example: '$498,000',
    source: 'estimate − amortised loan balance today',
    resolve: (c) => asMoney(equityOf(c.property, c.now)),
  },
  { name: 'loan.balance', group: 'finance', description: 'Estimated loan balance today', example: '$314,000', source: 'amortisation of loan_original at loan_rate since purchase', resolve: (c) => asMoney(loanBalance(c.property, c.now)) },
  { name: 'loan.rate', group: 'finance', description: 'Loan interest rate', example: '6.75%', source: 'properties.loan_rate', resolve: (c) => (c.property?.loanRate != null ? `${number(c.property.loanRate, 3)}%` : null) },
  { name: 'agent.name', group: 'agent', description: 'Your name', example: 'Avery Lee', source: 'users.name (campaign owner)', resolve: (c) => text(c.agent?.name) },
  { name: 'agent.first_name', group: 'agent', description: 'Your first name', example: 'Avery', source: 'users.name, first word', resolve: (c) => text(c.agent?.name.split(/\s+/)[0]) },
  { name: 'agent.email', group: 'agent', description: 'Your email address', example: 'avery@cascade.test', source: 'users.email', resolve: (c) => text(c.agent?.email) },
  { name: 'brokerage.name', group: 'brokerage', description: 'Brokerage name', example: 'Cascade Realty', source: 'brokerages.name', resolve: (c) => text(c.brokerage?.name) },
  {
    name: 'brokerage.address',
    group: 'brokerage',
    description: 'Brokerage postal address',
    example: '100 Pine St, Seattle, WA 98101',
    source: 'brokerages.postal_address',
    resolve: (c) => text(c.brokerage?.postalAddress),
  },
  {
    name: 'alert.intent',
    group: 'alert',
    description: 'What they are likely to do next (selling, buying, refinancing, investing)',
    example: 'selling',
    source: 'alerts.type of the most urgent open alert',
    resolve: (c) => (c.alert ? (INTENT_WORDS[c.alert.type] ?? c.alert.type) : null),
  },
  { name: 'today', group: 'date', description: 'Today’s date', example: 'April 3, 2026', source: 'the send date', resolve: (c) => c.now.toLocaleDateString('en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }) },
  { name: 'month', group: 'date', description: 'This month', example: 'April', source: 'the send date', resolve: (c) => c.now.toLocaleDateString('en-US', { month: 'long', timeZone: 'UTC' }) },
  { name: 'season', group: 'date', description: 'This season', example: 'spring', source: 'the send date (northern hemisphere)', resolve: (c) => ['winter', 'spring', 'summer', 'autumn'][Math.floor(((c.now.getUTCMonth() + 1) % 12) / 3)]! },
  { name: 'year', group: 'date', description: 'This year', example: '2026', source: 'the send date', resolve: (c) => String(c.now.getUTCFullYear()) },
  {
    name: 'unsubscribe_url',
    group: 'links',
    description: 'Link that unsubscribes this recipient (every message also carries one in its footer)',
    example: 'https://…/u/…',
    source: 'signed by the sync server per recipient',
    resolve: (c) => c.unsubscribeUrl,
  },
];

const BY_NAME = new Map(MERGE_TAGS.map((tag) => [tag.name, tag]));

export const mergeTag = (name: string): MergeTag | undefined => BY_NAME.get(name);

/** The catalogue as plain data for the UI. */
export const mergeTagCatalogue = () =>
  MERGE_TAGS.map(({ name, group, description, example, source }) => ({ name, group, description, example, source }));

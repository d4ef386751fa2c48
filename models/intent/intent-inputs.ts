// What the intent models read about a contact: a plain contact record, its engagement events and its known
// past outcomes. Plain data on purpose: the app fills these from SQLite rows, the `roi score` command and
// the training export from the engagement CSV files, and all three then share one feature builder.
import type { EventType, IntentType } from '../../db/schema/vocabulary.ts';

export const CALCULATOR_KINDS = ['refinance', 'affordability', 'net_proceeds', 'rental'] as const;
export type CalculatorKind = (typeof CALCULATOR_KINDS)[number];

export const DOCUMENT_KINDS = ['deed', 'tax_statement', 'mortgage_statement', 'insurance', 'hoa', 'home_report', 'pre_approval'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const AGE_BANDS = ['25-34', '35-44', '45-54', '55-64', '65+'] as const;
export const CONTACT_SOURCES = ['past_client', 'open_house', 'referral', 'website'] as const;

export const DAY_MS = 86_400_000;

/** A contact's static attributes; null where unknown (non-owners have no property and no loan). */
export type IntentContact = {
  id: string;
  isOwner: boolean;
  /** The contact's own area: home searches elsewhere hint at a move. */
  zipcode: string | null;
  /** Epoch ms (UTC midnight). */
  purchaseDate: number | null;
  purchasePrice: number | null;
  /** Amount borrowed at purchase; null for a cash purchase. */
  loanOriginal: number | null;
  /** Fixed rate of that loan, in percent. */
  loanRate: number | null;
  loanTermYears: number | null;
  /** Current market value estimate of the home (USD). */
  estimatedValue: number | null;
  sqftLiving: number | null;
  bedrooms: number | null;
  yearBuilt: number | null;
  grade: number | null;
  householdSize: number | null;
  /** One of AGE_BANDS; anything else counts as unknown. */
  ageBand: string | null;
  /** One of CONTACT_SOURCES; anything else counts as unknown. */
  source: string | null;
};

/**
 * One engagement event. `detail` carries the one property the models use, by type: the calculator kind
 * (calculator_used), the document kind (document_*), the searched zipcode (home_search); absent otherwise.
 */
export type IntentEvent = { type: EventType; /** Epoch ms UTC. */ at: number; detail?: string };

/** An outcome known before the as-of date (public records, agents' notes). */
export type KnownOutcome = { type: IntentType; /** Epoch ms (UTC midnight of the closing date). */ at: number };

/** Which JSON prop holds an event's `detail`, by type (the app reads it in SQL, the CSV reader in JS). */
export const DETAIL_PROP: Partial<Record<EventType, string>> = {
  calculator_used: 'calculator',
  home_search: 'zipcode',
  document_viewed: 'document',
  document_downloaded: 'document',
  document_shared: 'document',
};

/** The `detail` of an event from its JSON props (as stored in SQLite and in the engagement CSV): a string, else none. */
export function eventDetail(type: EventType, props: Readonly<Record<string, unknown>>): string | undefined {
  const prop = DETAIL_PROP[type];
  const value = prop === undefined ? undefined : props[prop];
  return typeof value === 'string' ? value : undefined;
}

/** Parses `YYYY-MM-DD` (or a full ISO timestamp) to epoch ms; NaN when it is not a date. */
export function parseUtc(text: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

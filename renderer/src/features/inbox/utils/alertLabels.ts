import type { AlertAction, AlertOutcome } from './inboxTypes.ts';

export const PRIORITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export const STATUSES = ['new', 'viewed', 'contacted', 'converted', 'dismissed', 'snoozed'] as const;
export const TYPES = ['sell', 'buy', 'refinance', 'investment'] as const;

/** Filled badge colours with their text colour, each at least 4.5:1 (WCAG AA for the badges' small text). */
const PRIORITY_STYLES: Record<string, { color: string; text: string }> = {
  CRITICAL: { color: 'red.9', text: 'white' },
  HIGH: { color: 'orange.6', text: 'black' },
  MEDIUM: { color: 'blue.8', text: 'white' },
  LOW: { color: 'gray.7', text: 'white' },
};
const UNKNOWN_PRIORITY = { color: 'gray.7', text: 'white' };
export const priorityColor = (priority: string) => (PRIORITY_STYLES[priority] ?? UNKNOWN_PRIORITY).color;
export const priorityTextColor = (priority: string) => (PRIORITY_STYLES[priority] ?? UNKNOWN_PRIORITY).text;

export const STATUS_LABELS: Record<string, string> = {
  new: 'New',
  viewed: 'Viewed',
  contacted: 'Contacted',
  converted: 'Converted',
  dismissed: 'Dismissed',
  snoozed: 'Snoozed',
};
export const statusLabel = (status: string) => STATUS_LABELS[status] ?? status;

export const TYPE_LABELS: Record<string, string> = { sell: 'Sell', buy: 'Buy', refinance: 'Refinance', investment: 'Investment' };
export const typeLabel = (type: string) => TYPE_LABELS[type] ?? type;

export const OUTCOME_OPTIONS: { value: AlertOutcome; label: string }[] = [
  { value: 'reached', label: 'Reached' },
  { value: 'not_reached', label: 'Not reached' },
  { value: 'appointment', label: 'Appointment set' },
  { value: 'listing_signed', label: 'Listing signed' },
  { value: 'refinanced', label: 'Refinanced' },
  { value: 'not_interested', label: 'Not interested' },
];

/** Past tense for toasts ("3 alerts dismissed"). */
export const ACTION_DONE: Record<AlertAction, string> = {
  contacted: 'marked contacted',
  converted: 'marked converted',
  dismissed: 'dismissed',
  snoozed: 'snoozed',
  reopen: 'reopened',
};

export const percent = (probability: number) => `${Math.round(probability * 100)}%`;

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
export const formatDate = (iso: string) => dateOnly.format(new Date(iso));

export const formatMoney = (value: number | null) =>
  value === null ? '—' : value.toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

/** Snooze choices: tomorrow morning, next Monday morning, in a month (local time). */
export function snoozeChoices(now = new Date()): { label: string; until: string }[] {
  const at9 = (date: Date) => {
    const next = new Date(date);
    next.setHours(9, 0, 0, 0);
    return next;
  };
  const tomorrow = at9(new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1));
  const monday = at9(new Date(now.getFullYear(), now.getMonth(), now.getDate() + ((8 - now.getDay()) % 7 || 7)));
  const month = at9(new Date(now.getFullYear(), now.getMonth() + 1, now.getDate()));
  return [
    { label: 'Until tomorrow, 9:00', until: tomorrow.toISOString() },
    { label: 'Until next Monday, 9:00', until: monday.toISOString() },
    { label: 'For a month', until: month.toISOString() },
  ];
}

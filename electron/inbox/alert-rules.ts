// The alert status flow and who may change what, as plain functions (the service applies them; the tests
// read them as the specification).
//
//   new → viewed (on open) → contacted → converted | dismissed | snoozed (until a date)
//
// Dismissed, snoozed and converted alerts can be reopened (back to viewed). Contact is recorded once:
// first_contacted_at is set by the first change that means "the agent reached out" (response time).
import type { AlertStatus, Role } from '../../db/schema/vocabulary.ts';
import type { AlertAction, AlertOutcome } from './inbox-contract.ts';

export type InboxUser = { id: string; role: Role; brokerageId: string };

export type AlertState = {
  id: string;
  status: string;
  assignedAgentId: string | null;
  snoozedUntil: string | null;
  firstContactedAt: string | null;
};

/** Statuses each action may start from (the same status again is a no-op, not an error). */
const ACTION_FROM: Record<AlertAction, readonly AlertStatus[]> = {
  contacted: ['new', 'viewed', 'snoozed', 'contacted'],
  converted: ['new', 'viewed', 'contacted', 'snoozed', 'converted'],
  dismissed: ['new', 'viewed', 'contacted', 'snoozed', 'dismissed'],
  snoozed: ['new', 'viewed', 'contacted', 'snoozed'],
  reopen: ['dismissed', 'snoozed', 'converted', 'viewed'],
};

const ACTION_STATUS: Record<AlertAction, AlertStatus> = {
  contacted: 'contacted',
  converted: 'converted',
  dismissed: 'dismissed',
  snoozed: 'snoozed',
  reopen: 'viewed',
};

/** Each outcome's status: an attempt counts as contact (response time measures the agent, not the client). */
export const OUTCOME_STATUS: Record<AlertOutcome, AlertStatus> = {
  reached: 'contacted',
  not_reached: 'contacted',
  appointment: 'contacted',
  listing_signed: 'converted',
  refinanced: 'converted',
  not_interested: 'dismissed',
};

export const OUTCOME_LABELS: Record<AlertOutcome, string> = {
  reached: 'Reached',
  not_reached: 'Not reached',
  appointment: 'Appointment set',
  listing_signed: 'Listing signed',
  refinanced: 'Refinanced',
  not_interested: 'Not interested',
};

const CONTACT_STATUSES: ReadonlySet<string> = new Set(['contacted', 'converted']);

/** Agents act on their own and unassigned alerts; managers (and admins) on the whole brokerage. */
export function mayEdit(user: InboxUser, alert: Pick<AlertState, 'assignedAgentId'>): boolean {
  return user.role !== 'agent' || alert.assignedAgentId === null || alert.assignedAgentId === user.id;
}

export const mayAssign = (user: InboxUser): boolean => user.role === 'manager' || user.role === 'admin';

/**
 * The column changes `action` makes to `alert` (snake_case, as the replica takes them), {} when it is
 * already there, or a sentence saying why it cannot apply.
 */
export function statusChange(
  alert: AlertState,
  action: AlertAction,
  options: { now: Date; snoozedUntil?: string },
): Record<string, unknown> | string {
  const from = alert.status as AlertStatus;
  if (!ACTION_FROM[action].includes(from)) return `a ${alert.status} alert cannot be marked ${action === 'reopen' ? 'open again' : action}`;
  const status = ACTION_STATUS[action];
  const changes: Record<string, unknown> = {};
  if (action === 'snoozed') {
    const until = new Date(options.snoozedUntil ?? '');
    if (Number.isNaN(until.getTime()) || until.getTime() <= options.now.getTime()) return 'snooze needs a time in the future';
    if (until.toISOString() !== alert.snoozedUntil) changes.snoozed_until = until.toISOString();
  } else if (alert.snoozedUntil !== null) {
    changes.snoozed_until = null;
  }
  if (status !== alert.status) changes.status = status;
  if (CONTACT_STATUSES.has(status) && alert.firstContactedAt === null) changes.first_contacted_at = options.now.toISOString();
  return changes;
}

/** The change that opening an alert makes: a new alert becomes viewed; nothing else changes. */
export function viewedChange(alert: AlertState): Record<string, unknown> {
  return alert.status === 'new' ? { status: 'viewed' } : {};
}

/**
 * The change logging `outcome` makes: the status it implies, from wherever the alert is. Every outcome
 * follows an attempt to reach the contact, so each one records the first contact.
 */
export function outcomeChange(alert: AlertState, outcome: AlertOutcome, now: Date): Record<string, unknown> {
  const status = OUTCOME_STATUS[outcome];
  const changes: Record<string, unknown> = {};
  if (alert.status !== status) changes.status = status;
  if (alert.snoozedUntil !== null) changes.snoozed_until = null;
  if (alert.firstContactedAt === null) changes.first_contacted_at = now.toISOString();
  return changes;
}

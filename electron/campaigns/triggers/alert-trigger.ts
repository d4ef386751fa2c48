// Triggered campaigns: a campaign whose schedule is { kind: 'triggered', alertType, minPriority,
// delayHours, activatedAt } sends itself to each contact of its segment for whom a qualifying alert was
// raised, `delayHours` after the alert, unless an agent got there first.
//
// Decisions (documented in the README's campaigns section):
// - Only alerts raised (alerts.created_at) at or after `activatedAt` count: activating a trigger never
//   mails the backlog. Scheduling a campaign that is not already an active trigger sets `activatedAt`
//   to now; changing the settings of an active trigger keeps it.
// - "Contacted meanwhile" means any of: the alert's status is contacted / converted / dismissed, its
//   first_contacted_at is set, or an activity of a contacting kind (call, meeting, email, showing, text)
//   was logged for the contact at or after the alert was raised. A snoozed alert still qualifies.
// - Exactly once per (alert, contact): each alert gets its own run, whose id is derived from the campaign
//   and the alert, so the existing send log and the server's run lease apply unchanged — a crash, a
//   restart or a second device can never send the same alert twice. An alert has one contact, so the run
//   has one recipient; two different alerts of the same contact are two messages.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ALERT_PRIORITIES, INTENT_TYPES } from '../../../db/schema/vocabulary.ts';
import type { LocalStore } from '../../store/local-store.ts';

export const TRIGGER_MAX_DELAY_HOURS = 24 * 30;

/** The schedule of a campaign sent when an alert is raised (stored in campaigns.schedule, synced). */
export const triggeredScheduleSchema = z
  .object({
    kind: z.literal('triggered'),
    alertType: z.enum(INTENT_TYPES, { error: 'Pick the kind of alert that triggers the campaign' }),
    minPriority: z.enum(ALERT_PRIORITIES, { error: 'Pick the lowest alert priority that triggers the campaign' }),
    delayHours: z
      .number({ error: 'Give the delay in hours' })
      .min(0, 'The delay cannot be negative')
      .max(TRIGGER_MAX_DELAY_HOURS, `The delay can be at most ${TRIGGER_MAX_DELAY_HOURS} hours (30 days)`),
    /** Set by the app when the trigger is switched on; alerts raised before it never count. */
    activatedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export type TriggeredSchedule = z.output<typeof triggeredScheduleSchema>;

/** Contacting activity kinds: a logged status change alone is not a conversation. */
export const CONTACTING_ACTIVITY_KINDS = ['call', 'meeting', 'email', 'showing', 'text'] as const;
/** Alert statuses that mean an agent has taken it on (or ruled it out). */
export const HANDLED_ALERT_STATUSES = ['contacted', 'converted', 'dismissed'] as const;

const PRIORITY_RANK: Record<string, number> = { CRITICAL: 3, HIGH: 2, MEDIUM: 1, LOW: 0 };

/** The run of one (campaign, alert): the same id on every device and after every restart. */
export const triggerRunId = (campaignId: string, alertId: string) => `${campaignId}.t-${createHash('sha256').update(alertId).digest('hex').slice(0, 24)}`;

export type TriggerCandidate = { alertId: string; contactId: string; runId: string; raisedAt: string; dueAt: string };

/**
 * The (alert, contact) pairs of a triggered campaign that qualify right now, split into due (the delay
 * has passed) and waiting. `eligible` is the campaign's segment after exclusions (unsubscribed, bounced,
 * suppressed, no email), so those contacts are never candidates. Pairs whose run already has a row in
 * the send log are left out (sent, failed, skipped or under way).
 */
export function triggerCandidates(
  store: LocalStore,
  campaignId: string,
  schedule: TriggeredSchedule,
  eligible: ReadonlySet<string>,
  now: Date,
  onlyAlertId: string | null = null,
): { due: TriggerCandidate[]; waiting: TriggerCandidate[] } {
  const due: TriggerCandidate[] = [];
  const waiting: TriggerCandidate[] = [];
  if (!schedule.activatedAt || eligible.size === 0) return { due, waiting };
  const rows = store.sqlite
    .prepare(
      `SELECT a.id, a.contact_id AS contactId, a.created_at AS raisedAt FROM alerts a
       WHERE a.type = ?
         AND (CASE a.priority WHEN 'CRITICAL' THEN 3 WHEN 'HIGH' THEN 2 WHEN 'MEDIUM' THEN 1 WHEN 'LOW' THEN 0 ELSE -1 END) >= ?
         AND a.created_at >= ?
         AND a.status NOT IN (${HANDLED_ALERT_STATUSES.map(() => '?').join(', ')})
         AND a.first_contacted_at IS NULL
         AND (? IS NULL OR a.id = ?)
         AND NOT EXISTS (
           SELECT 1 FROM activities act WHERE act.contact_id = a.contact_id AND act.occurred_at >= a.created_at
             AND act.kind IN (${CONTACTING_ACTIVITY_KINDS.map(() => '?').join(', ')}))
       ORDER BY a.created_at, a.id`,
    )
    .all(schedule.alertType, PRIORITY_RANK[schedule.minPriority]!, normalise(schedule.activatedAt), ...HANDLED_ALERT_STATUSES, onlyAlertId, onlyAlertId, ...CONTACTING_ACTIVITY_KINDS) as {
    id: string;
    contactId: string;
    raisedAt: string;
  }[];
  const logged = store.sqlite.prepare('SELECT 1 FROM campaign_sends WHERE run_id = ? LIMIT 1');
  const delayMs = schedule.delayHours * 3_600_000;
  for (const row of rows) {
    if (!eligible.has(row.contactId)) continue;
    const runId = triggerRunId(campaignId, row.id);
    if (logged.get(runId)) continue;
    const dueAt = new Date(Date.parse(row.raisedAt) + delayMs);
    const candidate = { alertId: row.id, contactId: row.contactId, runId, raisedAt: row.raisedAt, dueAt: dueAt.toISOString() };
    (dueAt.getTime() <= now.getTime() ? due : waiting).push(candidate);
  }
  return { due, waiting };
}

/** Messages the trigger has sent so far (one run per alert). */
export function triggeredSendCount(store: LocalStore, campaignId: string): number {
  return (
    store.sqlite.prepare(`SELECT count(*) AS n FROM campaign_sends WHERE campaign_id = ? AND run_id LIKE ? AND status = 'sent'`).get(campaignId, `${campaignId}.t-%`) as { n: number }
  ).n;
}

/** Stored timestamps are ISO UTC with milliseconds ('…Z'); compare like with like. */
function normalise(iso: string): string {
  return new Date(iso).toISOString();
}

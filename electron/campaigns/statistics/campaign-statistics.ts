// Campaign statistics, computed from this device's replica: the send log (campaign_sends), the opens and
// clicks the tracking server recorded (events, synced back) and the suppression list (suppressions).
//
// Definitions (also shown in the UI):
// - sent: the mail server took the message. delivered: sent and not bounced back since (an asynchronous
//   bounce arrives as a 'bounced' suppression created after the send). bounced: refused for good — a 5xx
//   reply at RCPT/DATA (send status 'bounced') or a later bounce report. failed: not taken (4xx after the
//   retries, or a sender-side error), with the mail server's reason.
// - A *machine open* is not a person reading. An open is flagged when
//   1. the tracking server flagged it (props.bot: a scanner's user agent, none at all, or fetched within
//      seconds of the link being issued — see sync-server/campaigns/campaign-routes.ts botSignal), or
//   2. it came within AUTO_OPEN_WINDOW_MS of the message being sent — the same window the intent model
//      (models/intent/email-schedule.ts) uses to ignore automatic opens, so statistics and scoring agree
//      on who read (it does count a very eager reader as a machine; stated, not hidden), or
//   3. the recipient "opens everything": across at least OPENS_EVERYTHING_MIN_MESSAGES campaign messages
//      sent to them, every one was opened automatically (rule 1 or 2) — a privacy proxy (Apple Mail
//      Privacy Protection and the like) that fetches every image, so even its later opens are not a person.
//   Unique opens count recipients with at least one person open; total opens count person opens.
// - Clicks flagged by the server (link scanners) are machine clicks; unique clicks count recipients.
// - unsubscribes: 'unsubscribed' suppressions created after the recipient's send, credited to the latest
//   run of this campaign sent to them before it.
// - replies: not tracked (replies land in the agent's own mailbox, which the app does not read).
import type { LocalStore } from '../../store/local-store.ts';
import { AUTO_OPEN_WINDOW_MS } from '../../../models/intent/email-schedule.ts';

export { AUTO_OPEN_WINDOW_MS };
export const OPENS_EVERYTHING_MIN_MESSAGES = 3;

export const BOT_OPEN_RULE =
  `An open is counted as a machine (not a person) when a mail scanner made it, when it came within ${AUTO_OPEN_WINDOW_MS / 60_000} minutes of sending, ` +
  `or when the recipient's mail app opens every message automatically (all of their last ${OPENS_EVERYTHING_MIN_MESSAGES}+ messages opened that way).`;

export const RECIPIENT_OUTCOMES = ['sending', 'unknown', 'skipped', 'failed', 'bounced', 'sent', 'opened', 'clicked', 'unsubscribed'] as const;
export type RecipientOutcome = (typeof RECIPIENT_OUTCOMES)[number];

export type RunStatistics = {
  runId: string;
  startedAt: string | null;
  recipients: number;
  sent: number;
  delivered: number;
  failed: number;
  bounced: number;
  unknown: number;
  skipped: number;
  sending: number;
  uniqueOpens: number;
  totalOpens: number;
  botOpens: number;
  uniqueClicks: number;
  botClicks: number;
  unsubscribes: number;
  /** Person opens / delivered, clicks / delivered (0–1; 0 when nothing was delivered). */
  openRate: number;
  clickRate: number;
  /** Always null: replies are not tracked. */
  replies: null;
};

export type RecipientStatistics = {
  runId: string;
  contactId: string;
  name: string;
  email: string;
  /** The send log's status: sending / sent / failed / bounced / unknown / skipped. */
  status: string;
  /** The furthest the message got: clicked beats opened beats sent; unsubscribed and bounced beat all. */
  outcome: RecipientOutcome;
  error: string | null;
  messageId: string | null;
  sentAt: string | null;
  opened: boolean;
  clicked: boolean;
  opens: number;
  botOpens: number;
  unsubscribed: boolean;
};

export type TimelineBucket = { offset: number; opens: number; botOpens: number; clicks: number };
export type Timeline = { unit: 'hour' | 'day'; buckets: TimelineBucket[] };

export type CampaignStatistics = {
  runs: RunStatistics[];
  totals: RunStatistics | null;
  recipients: RecipientStatistics[];
  /** Recipients of the chosen run matching the filter (the list is cut at `limit`). */
  recipientTotal: number;
  /** Opens and clicks of the chosen run by hours (or days, past 72 hours) since each recipient's send. */
  timeline: Timeline;
  botOpenRule: string;
};

type SendRow = {
  runId: string;
  contactId: string;
  name: string;
  email: string;
  status: string;
  error: string | null;
  messageId: string | null;
  sentAt: string | null;
  createdAt: string;
};
type EventRow = { contactId: string; type: string; occurredAt: string; props: string };
type SuppressionRow = { email: string; reason: string; createdAt: string };

type Engagement = { opens: number; botOpens: number; clicks: number; botClicks: number; unsubscribed: boolean; lateBounce: boolean; events: { at: number; kind: 'open' | 'bot-open' | 'click' }[] };

const parseProps = (text: string): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

export function campaignStatistics(store: LocalStore, campaignId: string, query: { runId?: string | null; status?: string | null; limit?: number } = {}): CampaignStatistics {
  const db = store.sqlite;
  const sends = db
    .prepare(
      `SELECT cs.run_id AS runId, cs.contact_id AS contactId, trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) AS name, cs.email,
         cs.status, cs.error, cs.message_id AS messageId, cs.sent_at AS sentAt, cs.created_at AS createdAt
       FROM campaign_sends cs LEFT JOIN contacts c ON c.id = cs.contact_id
       WHERE cs.campaign_id = ? ORDER BY cs.created_at, cs.contact_id`,
    )
    .all(campaignId) as SendRow[];

  const events = db
    .prepare(
      `SELECT contact_id AS contactId, type, occurred_at AS occurredAt, props FROM events
       WHERE type IN ('email_opened', 'email_clicked') AND contact_id IN (SELECT contact_id FROM campaign_sends WHERE campaign_id = ?)
       ORDER BY occurred_at`,
    )
    .all(campaignId) as EventRow[];

  const suppressions = db
    .prepare(
      `SELECT lower(trim(email)) AS email, reason, created_at AS createdAt FROM suppressions
       WHERE lower(trim(email)) IN (SELECT lower(trim(email)) FROM campaign_sends WHERE campaign_id = ?)`,
    )
    .all(campaignId) as SuppressionRow[];

  // Rule 3: recipients whose every campaign message (any campaign) was opened automatically.
  const opensEverything = new Set(
    (
      db
        .prepare(
          `SELECT cs.contact_id AS contactId, count(*) AS messages,
             sum(EXISTS (SELECT 1 FROM events e WHERE e.contact_id = cs.contact_id AND e.type = 'email_opened'
                           AND json_extract(e.props, '$.runId') = cs.run_id
                           AND (json_extract(e.props, '$.bot') = 1 OR (julianday(e.occurred_at) - julianday(cs.sent_at)) * 86400000.0 < ?))) AS automatic
           FROM campaign_sends cs
           WHERE cs.status = 'sent' AND cs.sent_at IS NOT NULL AND cs.contact_id IN (SELECT contact_id FROM campaign_sends WHERE campaign_id = ?)
           GROUP BY cs.contact_id`,
        )
        .all(AUTO_OPEN_WINDOW_MS, campaignId) as { contactId: string; messages: number; automatic: number }[]
    )
      .filter((r) => r.messages >= OPENS_EVERYTHING_MIN_MESSAGES && r.automatic === r.messages)
      .map((r) => r.contactId),
  );

  const key = (runId: string, contactId: string) => `${runId}\u0000${contactId}`;
  const sendByKey = new Map(sends.map((s) => [key(s.runId, s.contactId), s]));
  const engagement = new Map<string, Engagement>();
  const engagementOf = (k: string) => {
    let e = engagement.get(k);
    if (!e) engagement.set(k, (e = { opens: 0, botOpens: 0, clicks: 0, botClicks: 0, unsubscribed: false, lateBounce: false, events: [] }));
    return e;
  };

  for (const event of events) {
    const props = parseProps(event.props);
    if (props.campaignId !== undefined && props.campaignId !== campaignId) continue;
    const runId = typeof props.runId === 'string' ? props.runId : null;
    const send = runId ? sendByKey.get(key(runId, event.contactId)) : undefined;
    if (!send) continue;
    const at = Date.parse(event.occurredAt);
    const e = engagementOf(key(send.runId, send.contactId));
    const flagged = props.bot === true || props.bot === 1;
    if (event.type === 'email_clicked') {
      if (flagged) e.botClicks += 1;
      else {
        e.clicks += 1;
        e.events.push({ at, kind: 'click' });
      }
      continue;
    }
    const sentAt = send.sentAt ? Date.parse(send.sentAt) : Number.NaN;
    const automatic = flagged || (Number.isFinite(sentAt) && at - sentAt < AUTO_OPEN_WINDOW_MS) || opensEverything.has(send.contactId);
    if (automatic) e.botOpens += 1;
    else e.opens += 1;
    e.events.push({ at, kind: automatic ? 'bot-open' : 'open' });
  }

  // Suppressions after a send: unsubscribes credited to the latest run sent to that address before it;
  // a 'bounced' one after a 'sent' message is an asynchronous bounce of it.
  const sendsByEmail = new Map<string, SendRow[]>();
  for (const s of sends) {
    const email = s.email.trim().toLowerCase();
    sendsByEmail.set(email, [...(sendsByEmail.get(email) ?? []), s]);
  }
  for (const suppression of suppressions) {
    const when = Date.parse(suppression.createdAt);
    const earlier = (sendsByEmail.get(suppression.email) ?? []).filter((s) => Date.parse(s.createdAt) <= when && (s.status === 'sent' || s.status === 'bounced'));
    const credited = earlier.at(-1);
    if (!credited) continue;
    const e = engagementOf(key(credited.runId, credited.contactId));
    if (suppression.reason === 'unsubscribed') e.unsubscribed = true;
    if (suppression.reason === 'bounced' && credited.status === 'sent') e.lateBounce = true;
  }

  const recipientOf = (s: SendRow): RecipientStatistics => {
    const e = engagement.get(key(s.runId, s.contactId));
    const bounced = s.status === 'bounced' || Boolean(e?.lateBounce);
    const opened = (e?.opens ?? 0) > 0;
    const clicked = (e?.clicks ?? 0) > 0;
    const outcome: RecipientOutcome = e?.unsubscribed
      ? 'unsubscribed'
      : bounced
        ? 'bounced'
        : s.status !== 'sent'
          ? ((RECIPIENT_OUTCOMES as readonly string[]).includes(s.status) ? (s.status as RecipientOutcome) : 'unknown')
          : clicked
            ? 'clicked'
            : opened
              ? 'opened'
              : 'sent';
    return {
      runId: s.runId,
      contactId: s.contactId,
      name: s.name || s.email,
      email: s.email,
      status: s.status,
      outcome,
      error: s.error,
      messageId: s.messageId,
      sentAt: s.sentAt,
      opened,
      clicked,
      opens: e?.opens ?? 0,
      botOpens: e?.botOpens ?? 0,
      unsubscribed: Boolean(e?.unsubscribed),
    };
  };
  const everyone = sends.map(recipientOf);

  const summarise = (runId: string, rows: RecipientStatistics[], startedAt: string | null): RunStatistics => {
    const count = (test: (r: RecipientStatistics) => boolean) => rows.reduce((n, r) => n + (test(r) ? 1 : 0), 0);
    const sum = (pick: (e: Engagement) => number) => rows.reduce((n, r) => n + pick(engagement.get(key(r.runId, r.contactId)) ?? NO_ENGAGEMENT), 0);
    const sent = count((r) => r.status === 'sent');
    const lateBounces = count((r) => r.status === 'sent' && r.outcome === 'bounced');
    const delivered = sent - lateBounces;
    const uniqueOpens = count((r) => r.opened);
    const uniqueClicks = count((r) => r.clicked);
    return {
      runId,
      startedAt,
      recipients: rows.length,
      sent,
      delivered,
      failed: count((r) => r.status === 'failed'),
      bounced: count((r) => r.status === 'bounced') + lateBounces,
      unknown: count((r) => r.status === 'unknown'),
      skipped: count((r) => r.status === 'skipped'),
      sending: count((r) => r.status === 'sending'),
      uniqueOpens,
      totalOpens: sum((e) => e.opens),
      botOpens: sum((e) => e.botOpens),
      uniqueClicks,
      botClicks: sum((e) => e.botClicks),
      unsubscribes: count((r) => r.unsubscribed),
      openRate: delivered > 0 ? uniqueOpens / delivered : 0,
      clickRate: delivered > 0 ? uniqueClicks / delivered : 0,
      replies: null,
    };
  };

  const runIds: { runId: string; startedAt: string }[] = [];
  for (const s of sends) if (!runIds.some((r) => r.runId === s.runId)) runIds.push({ runId: s.runId, startedAt: s.createdAt });
  const runs = runIds.map(({ runId, startedAt }) => summarise(runId, everyone.filter((r) => r.runId === runId), startedAt)).reverse(); // newest first
  const totals = runs.length > 0 ? summarise('all', everyone, runIds[0]!.startedAt) : null;

  const chosenRun = query.runId ?? runs[0]?.runId ?? null;
  const ofRun = everyone.filter((r) => r.runId === chosenRun);
  const filter = query.status ?? null;
  const matching = ofRun
    .filter((r) => {
      if (!filter || filter === 'all') return true;
      if (filter === 'opened') return r.opened;
      if (filter === 'clicked') return r.clicked;
      if (filter === 'unsubscribed') return r.unsubscribed;
      if (filter === 'bounced') return r.outcome === 'bounced';
      return r.status === filter;
    })
    .sort((a, b) => rank(a.status) - rank(b.status) || a.name.localeCompare(b.name) || a.contactId.localeCompare(b.contactId));

  return {
    runs,
    totals,
    recipients: matching.slice(0, query.limit ?? 100),
    recipientTotal: matching.length,
    timeline: timelineOf(ofRun.map((r) => ({ sentAt: sendByKey.get(key(r.runId, r.contactId))!.sentAt, events: engagement.get(key(r.runId, r.contactId))?.events ?? [] }))),
    botOpenRule: BOT_OPEN_RULE,
  };
}

const NO_ENGAGEMENT: Engagement = { opens: 0, botOpens: 0, clicks: 0, botClicks: 0, unsubscribed: false, lateBounce: false, events: [] };

const rank = (status: string) => ({ failed: 0, bounced: 1, unknown: 2, sending: 3 })[status] ?? 4;

/** Opens and clicks by whole hours since each recipient's send; by days when they span more than 72 hours. */
export function timelineOf(messages: { sentAt: string | null; events: { at: number; kind: 'open' | 'bot-open' | 'click' }[] }[]): Timeline {
  const offsets: { hours: number; kind: 'open' | 'bot-open' | 'click' }[] = [];
  for (const m of messages) {
    const sentAt = m.sentAt ? Date.parse(m.sentAt) : Number.NaN;
    if (!Number.isFinite(sentAt)) continue;
    for (const e of m.events) offsets.push({ hours: Math.max(0, (e.at - sentAt) / 3_600_000), kind: e.kind });
  }
  if (offsets.length === 0) return { unit: 'hour', buckets: [] };
  const unit = Math.max(...offsets.map((o) => o.hours)) > 72 ? 'day' : 'hour';
  const size = unit === 'day' ? 24 : 1;
  const last = Math.floor(Math.max(...offsets.map((o) => o.hours)) / size);
  const buckets: TimelineBucket[] = Array.from({ length: last + 1 }, (_, offset) => ({ offset, opens: 0, botOpens: 0, clicks: 0 }));
  for (const o of offsets) {
    const bucket = buckets[Math.floor(o.hours / size)]!;
    if (o.kind === 'open') bucket.opens += 1;
    else if (o.kind === 'bot-open') bucket.botOpens += 1;
    else bucket.clicks += 1;
  }
  return { unit, buckets };
}

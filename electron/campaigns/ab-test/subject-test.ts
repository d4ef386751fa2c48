// A/B subject test of a one-off campaign: a sample of the segment gets subject A (the campaign's) or B,
// half each; `waitHours` after the sample went out, the subject with the higher click rate goes to
// everyone else.
//
// Decisions (documented in the README's campaigns section):
// - Two runs with fixed ids: the sample is `<campaign>.ab`, the rest is the ordinary one-off run
//   `<campaign>.r1`. Each is claimed on the server and logged per contact like any run, and each
//   excludes anyone who has a row in the other, so nobody can get two messages — also after a crash,
//   a restart or with two devices.
// - The sample is chosen deterministically: recipients sorted by a hash of (campaign, contact), the
//   first `samplePercent` % (at least two) taken, and alternately given A and B, so both halves are the
//   same size (±1) and every device picks the same people from the same replica.
// - Click rate = distinct people (bot clicks excluded) who clicked a link in the sample run, over the
//   messages of that variant that were sent. Ties (including no clicks at all) go to A.
// - The wait counts from the last message of the sample; the winner is fixed once the first message
//   of the rest is logged (its `variant`), so a resumed run keeps the subject it started with.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { LocalStore } from '../../store/local-store.ts';

export const AB_MAX_WAIT_HOURS = 24 * 14;

export const subjectTestSchema = z
  .object({
    subjectB: z.string().trim().min(1, 'Give the second subject to test').max(500),
    samplePercent: z
      .number({ error: 'Give the sample size in percent' })
      .int('The sample size is a whole percentage')
      .min(2, 'The sample must be at least 2% of the audience')
      .max(50, 'The sample can be at most 50% of the audience, so that a rest remains for the winner'),
    waitHours: z
      .number({ error: 'Give the wait in hours' })
      .min(1, 'Wait at least one hour for clicks before picking the winner')
      .max(AB_MAX_WAIT_HOURS, `The wait can be at most ${AB_MAX_WAIT_HOURS} hours (14 days)`),
  })
  .strict();

export type SubjectTest = z.output<typeof subjectTestSchema>;
export type Variant = 'a' | 'b';

export const abSampleRunId = (campaignId: string) => `${campaignId}.ab`;

const rankOf = (campaignId: string, contactId: string) => createHash('sha256').update(`${campaignId}\u0000${contactId}`).digest('hex');

/** How many of `audience` recipients the sample takes (0 when there are too few for a test and a rest). */
export function sampleSize(audience: number, samplePercent: number): number {
  const size = Math.max(2, Math.round((audience * samplePercent) / 100));
  return size < audience ? size : 0;
}

/** The sample and each member's variant: deterministic for (campaign, recipients, percent). */
export function splitSample(campaignId: string, contactIds: readonly string[], samplePercent: number): Map<string, Variant> {
  const size = sampleSize(contactIds.length, samplePercent);
  const ranked = [...contactIds].sort((x, y) => {
    const rx = rankOf(campaignId, x);
    const ry = rankOf(campaignId, y);
    return rx < ry ? -1 : rx > ry ? 1 : x < y ? -1 : 1;
  });
  return new Map(ranked.slice(0, size).map((contactId, index) => [contactId, index % 2 === 0 ? 'a' : 'b']));
}

export type VariantResult = { sent: number; clicks: number; rate: number };

/** Higher click rate wins; equal rates (including none) go to A. */
export function pickWinner(a: VariantResult, b: VariantResult): Variant {
  return b.rate > a.rate ? 'b' : 'a';
}

/** Sent messages and distinct human clickers per variant of the sample run, from the synced send log and events. */
export function sampleResults(store: LocalStore, campaignId: string): Record<Variant, VariantResult> {
  const rows = store.sqlite
    .prepare(
      `SELECT cs.variant, count(*) AS sent,
         sum(EXISTS (SELECT 1 FROM events e WHERE e.contact_id = cs.contact_id AND e.type = 'email_clicked'
           AND json_extract(e.props, '$.runId') = cs.run_id AND json_extract(e.props, '$.bot') = 0)) AS clicks
       FROM campaign_sends cs WHERE cs.run_id = ? AND cs.status = 'sent' AND cs.variant IN ('a', 'b') GROUP BY cs.variant`,
    )
    .all(abSampleRunId(campaignId)) as { variant: Variant; sent: number; clicks: number }[];
  const result = (variant: Variant): VariantResult => {
    const row = rows.find((r) => r.variant === variant);
    const sent = row?.sent ?? 0;
    const clicks = row?.clicks ?? 0;
    return { sent, clicks, rate: sent > 0 ? clicks / sent : 0 };
  };
  return { a: result('a'), b: result('b') };
}

/** When the sample's last message went out (null: nothing logged yet). */
export function sampleFinishedAt(store: LocalStore, campaignId: string): string | null {
  const row = store.sqlite.prepare(`SELECT max(coalesce(sent_at, updated_at)) AS at FROM campaign_sends WHERE run_id = ?`).get(abSampleRunId(campaignId)) as { at: string | null };
  return row.at;
}

/** The variant the rest of the audience got, once its run started (fixes the winner for resumes). */
export function recordedWinner(store: LocalStore, remainderRunId: string): Variant | null {
  const row = store.sqlite.prepare(`SELECT variant FROM campaign_sends WHERE run_id = ? AND variant IN ('a', 'b') ORDER BY created_at, id LIMIT 1`).get(remainderRunId) as
    | { variant: Variant }
    | undefined;
  return row?.variant ?? null;
}

/** Contacts that have any row (sent, failed, skipped, unknown, under way) in a run. */
export function contactsOfRun(store: LocalStore, runId: string): Set<string> {
  return new Set((store.sqlite.prepare('SELECT contact_id FROM campaign_sends WHERE run_id = ?').all(runId) as { contact_id: string }[]).map((r) => r.contact_id));
}

export const subjectTestStateSchema = z.object({
  phase: z.enum(['scheduled', 'sampling', 'waiting', 'sending_winner', 'done']),
  subjectA: z.string(),
  subjectB: z.string(),
  samplePercent: z.number(),
  waitHours: z.number(),
  a: z.object({ sent: z.number().int(), clicks: z.number().int(), rate: z.number() }),
  b: z.object({ sent: z.number().int(), clicks: z.number().int(), rate: z.number() }),
  /** When the winner is (or was) picked: the sample's last message + the wait. */
  decideAt: z.string().nullable(),
  /** Fixed once the rest started; before that null (see `leader`). */
  winner: z.enum(['a', 'b']).nullable(),
  leader: z.enum(['a', 'b']),
});

export type SubjectTestState = z.output<typeof subjectTestStateSchema>;

/** What the UI shows about a campaign's subject test, derived from the synced send log and events. */
export function subjectTestState(
  store: LocalStore,
  campaign: { id: string; subject: string; status: string; at: string; test: SubjectTest; remainderRunId: string; sampleDone: boolean },
  now: Date,
): SubjectTestState {
  const results = sampleResults(store, campaign.id);
  const finished = sampleFinishedAt(store, campaign.id);
  const winner = recordedWinner(store, campaign.remainderRunId);
  const decideAt = finished ? new Date(Date.parse(finished) + campaign.test.waitHours * 3_600_000).toISOString() : null;
  const phase: SubjectTestState['phase'] =
    campaign.status === 'sent'
      ? 'done'
      : winner
        ? 'sending_winner'
        : Date.parse(campaign.at) > now.getTime()
          ? 'scheduled'
          : campaign.sampleDone || (finished !== null && campaign.status !== 'sending')
            ? 'waiting'
            : 'sampling';
  return {
    phase,
    subjectA: campaign.subject,
    subjectB: campaign.test.subjectB,
    samplePercent: campaign.test.samplePercent,
    waitHours: campaign.test.waitHours,
    a: results.a,
    b: results.b,
    decideAt,
    winner,
    leader: pickWinner(results.a, results.b),
  };
}

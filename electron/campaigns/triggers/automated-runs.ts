// The runs the scheduler starts for triggered campaigns and A/B subject tests, each with the plan that
// narrows it (who of the segment, which subject). The scheduler in campaign-service.ts asks these at every
// tick; everything is derived from the synced replica, so any device of the owner reaches the same
// answer, and the run ids are fixed, so the server's run lease and the send log keep each message to
// one per (run, contact).
import type { LocalStore } from '../../store/local-store.ts';
import { abSampleRunId, contactsOfRun, pickWinner, recordedWinner, sampleFinishedAt, sampleResults, splitSample, subjectTestState, type SubjectTest, type SubjectTestState, type Variant } from '../ab-test/subject-test.ts';
import { parseStoredSegment } from '../segments/segment-definition.ts';
import { segmentRecipients } from '../segments/segment-query.ts';
import type { RunPlan } from '../sending/run-sender.ts';
import { triggerCandidates, triggeredSendCount, type TriggeredSchedule } from './alert-trigger.ts';

export type PlannedRun = {
  campaignId: string;
  runId: string;
  plan: RunPlan;
  /** The campaign's status once the run is complete. */
  after: 'scheduled' | 'sent';
  /** One message per alert: the campaign's status is not flipped to 'sending' for it. */
  quiet: boolean;
};

export type AutomatedCampaign = { id: string; subject: string; segment: unknown; ownerId: string };

const eligibleOf = (store: LocalStore, campaign: AutomatedCampaign, now: Date) =>
  new Set(segmentRecipients(store, parseStoredSegment(campaign.segment), { ownerId: campaign.ownerId, now }).map((r) => r.contactId));

/**
 * One run per due (alert, contact). The plan checks again after the sync barrier (newest activities and
 * alert statuses pulled) that the alert still qualifies, so a call logged on another device just before
 * the send still stops it; the run then completes with nobody to send to.
 */
export function triggeredRuns(store: LocalStore, campaign: AutomatedCampaign, schedule: TriggeredSchedule, now: () => Date, finished: ReadonlySet<string>): PlannedRun[] {
  const { due } = triggerCandidates(store, campaign.id, schedule, eligibleOf(store, campaign, now()), now());
  return due
    .filter((candidate) => !finished.has(candidate.runId))
    .map((candidate) => ({
      campaignId: campaign.id,
      runId: candidate.runId,
      after: 'scheduled' as const,
      quiet: true,
      plan: {
        recipients: (everyone) => {
          const stillDue = triggerCandidates(store, campaign.id, schedule, new Set(everyone.map((r) => r.contactId)), now(), candidate.alertId).due.length > 0;
          return stillDue ? everyone.filter((r) => r.contactId === candidate.contactId) : [];
        },
      },
    }));
}

/** What the UI shows for a triggered campaign. */
export function triggerState(store: LocalStore, campaign: AutomatedCampaign, schedule: TriggeredSchedule, now: Date): { sent: number; waiting: number; nextDueAt: string | null } {
  const { due, waiting } = triggerCandidates(store, campaign.id, schedule, eligibleOf(store, campaign, now), now);
  const pending = [...due, ...waiting].map((c) => c.dueAt).sort();
  return { sent: triggeredSendCount(store, campaign.id), waiting: due.length + waiting.length, nextDueAt: pending[0] ?? null };
}

/**
 * The next run of a one-off campaign with a subject test: the sample (until it is complete), then, once
 * the wait after the sample's last message has passed, the rest with the winning subject. Null: nothing
 * to do yet.
 */
export function subjectTestRun(
  store: LocalStore,
  campaign: AutomatedCampaign,
  test: SubjectTest,
  remainderRunId: string,
  context: { now: () => Date; sampleDone: boolean },
): PlannedRun | null {
  const sampleRunId = abSampleRunId(campaign.id);
  const subjectOf = (variant: Variant) => (variant === 'a' ? campaign.subject : test.subjectB);
  if (!context.sampleDone) {
    let split = new Map<string, Variant>();
    return {
      campaignId: campaign.id,
      runId: sampleRunId,
      after: 'scheduled',
      quiet: false,
      plan: {
        recipients: (everyone) => {
          // Anyone the rest already reached (a run paused and rescheduled as a test) is not sampled.
          const reached = contactsOfRun(store, remainderRunId);
          const candidates = everyone.filter((r) => !reached.has(r.contactId));
          split = splitSample(campaign.id, candidates.map((r) => r.contactId), test.samplePercent);
          return candidates.filter((r) => split.has(r.contactId));
        },
        subjectFor: (contactId) => {
          const variant = split.get(contactId);
          return variant ? { subject: subjectOf(variant), variant } : null;
        },
      },
    };
  }
  const finishedAt = sampleFinishedAt(store, campaign.id);
  if (finishedAt && Date.parse(finishedAt) + test.waitHours * 3_600_000 > context.now().getTime()) return null;
  let winner: Variant = 'a';
  return {
    campaignId: campaign.id,
    runId: remainderRunId,
    after: 'sent',
    quiet: false,
    plan: {
      recipients: (everyone) => {
        const sampled = contactsOfRun(store, sampleRunId);
        const results = sampleResults(store, campaign.id);
        winner = recordedWinner(store, remainderRunId) ?? pickWinner(results.a, results.b);
        return everyone.filter((r) => !sampled.has(r.contactId));
      },
      subjectFor: () => ({ subject: subjectOf(winner), variant: winner }),
    },
  };
}

export function subjectTestView(
  store: LocalStore,
  campaign: { id: string; subject: string; status: string },
  schedule: { at: string; abTest: SubjectTest },
  remainderRunId: string,
  sampleDone: boolean,
  now: Date,
): SubjectTestState {
  return subjectTestState(store, { ...campaign, at: schedule.at, test: schedule.abTest, remainderRunId, sampleDone }, now);
}

/**
 * A plain one-off run of a campaign that once ran an A/B sample (the test was stopped and the campaign
 * rescheduled without it): the sample's recipients are left out, so nobody gets the campaign twice.
 * Null when there never was a sample.
 */
export function afterSampleRun(store: LocalStore, campaignId: string, remainderRunId: string): PlannedRun | null {
  const sampleRunId = abSampleRunId(campaignId);
  if (contactsOfRun(store, sampleRunId).size === 0) return null;
  return {
    campaignId,
    runId: remainderRunId,
    after: 'sent',
    quiet: false,
    plan: {
      recipients: (everyone) => {
        const sampled = contactsOfRun(store, sampleRunId);
        return everyone.filter((r) => !sampled.has(r.contactId));
      },
    },
  };
}

// The campaigns feature's IPC operations (spread into electron/ipc/contract.ts).
import { z } from 'zod';
import { segmentSchema, EXCLUSION_REASONS } from './segments/segment-definition.ts';
import { smtpSettingsSchema, SMTP_SECURITY } from './sending/smtp-settings.ts';
import { subjectTestSchema, subjectTestStateSchema } from './ab-test/subject-test.ts';
import { triggeredScheduleSchema } from './triggers/alert-trigger.ts';

const recordId = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'not a record id');

export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'paused'] as const;

/** When a campaign goes out. Stored in campaigns.schedule (synced). */
export const campaignScheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  /** One run at a time (now = the moment it was scheduled); optionally an A/B subject test on a sample first. */
  z.object({ kind: z.literal('once'), at: z.iso.datetime({ offset: true }), abTest: subjectTestSchema.optional() }).strict(),
  /** One run per occurrence of a cron expression (node-cron syntax, 5 or 6 fields), in a time zone. */
  z
    .object({
      kind: z.literal('recurring'),
      cron: z.string().trim().min(9).max(100),
      timezone: z.string().trim().min(1).max(60).default('UTC'),
    })
    .strict(),
  /** One run per qualifying alert of a segment contact, after a delay (electron/campaigns/triggers). */
  triggeredScheduleSchema,
]);

export const campaignTemplateInputSchema = z.object({
  subject: z.string().max(500),
  body: z.string().max(200_000),
});

export const campaignSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  subject: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  schedule: campaignScheduleSchema,
  updatedAt: z.string(),
  ownerId: z.string().nullable(),
  /** The newest run's counts, if it ran. */
  lastRun: z.object({ runId: z.string(), sent: z.number().int(), failed: z.number().int(), at: z.string().nullable() }).nullable(),
});

export const campaignSchema = campaignSummarySchema.extend({
  body: z.string(),
  segment: segmentSchema,
  pendingChanges: z.number().int(),
  /** A one-off campaign's A/B subject test: phase, results per subject, the winner. */
  abTest: subjectTestStateSchema.nullable().optional(),
  /** A triggered campaign: messages sent, and qualifying alerts waiting for their delay. */
  trigger: z.object({ sent: z.number().int(), waiting: z.number().int(), nextDueAt: z.string().nullable() }).nullable().optional(),
});

export const segmentCountSchema = z.object({
  matching: z.number().int(),
  recipients: z.number().int(),
  excluded: z.array(z.object({ reason: z.enum(EXCLUSION_REASONS), label: z.string(), count: z.number().int() })),
  sample: z.array(z.object({ id: z.string(), name: z.string(), email: z.string() })),
});

export const mergeTagInfoSchema = z.object({ name: z.string(), group: z.string(), description: z.string(), example: z.string(), source: z.string() });

export const campaignPreviewSchema = z.object({
  contactId: z.string().nullable(),
  contactName: z.string().nullable(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
});

export const runProgressSchema = z.object({
  campaignId: z.string(),
  runId: z.string(),
  state: z.enum(['preparing', 'sending', 'done', 'stopped', 'refused']),
  total: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  unknown: z.number().int(),
  alreadyDone: z.number().int(),
  message: z.string().nullable(),
});

export const runStatsSchema = z.object({
  runId: z.string(),
  startedAt: z.string().nullable(),
  recipients: z.number().int(),
  sent: z.number().int(),
  /** Sent and not bounced back since. */
  delivered: z.number().int(),
  failed: z.number().int(),
  /** Refused for good (5xx at RCPT/DATA, or a bounce reported later); the address is suppressed. */
  bounced: z.number().int(),
  unknown: z.number().int(),
  skipped: z.number().int(),
  sending: z.number().int(),
  /** Distinct recipients who opened (people only) / their opens / opens flagged as machine opens (see botOpenRule). */
  uniqueOpens: z.number().int(),
  totalOpens: z.number().int(),
  botOpens: z.number().int(),
  uniqueClicks: z.number().int(),
  botClicks: z.number().int(),
  unsubscribes: z.number().int(),
  /** uniqueOpens / delivered and uniqueClicks / delivered, 0–1. */
  openRate: z.number(),
  clickRate: z.number(),
  /** Replies are not tracked (they reach the agent's own mailbox): always null. */
  replies: z.null(),
});

export const recipientStatusSchema = z.object({
  contactId: z.string(),
  name: z.string(),
  email: z.string(),
  status: z.string(),
  error: z.string().nullable(),
  messageId: z.string().nullable(),
  sentAt: z.string().nullable(),
  opened: z.boolean(),
  clicked: z.boolean(),
  /** The furthest the message got (statistics/campaign-statistics.ts). */
  outcome: z.enum(['sending', 'unknown', 'skipped', 'failed', 'bounced', 'sent', 'opened', 'clicked', 'unsubscribed']),
  opens: z.number().int(),
  botOpens: z.number().int(),
  unsubscribed: z.boolean(),
});

export const statsTimelineSchema = z.object({
  unit: z.enum(['hour', 'day']),
  buckets: z.array(z.object({ offset: z.number().int(), opens: z.number().int(), botOpens: z.number().int(), clicks: z.number().int() })),
});

export const smtpStatusSchema = z.object({
  configured: z.boolean(),
  settings: smtpSettingsSchema.nullable(),
  hasPassword: z.boolean(),
  keychain: z.enum(['os-keychain', 'memory']),
});

export const campaignsContract = {
  listCampaigns: { input: z.undefined().optional(), output: z.array(campaignSummarySchema) },
  getCampaign: { input: z.object({ id: recordId }), output: campaignSchema },
  saveCampaign: {
    input: z.object({
      id: recordId.optional(),
      name: z.string().trim().min(1, 'Name the campaign').max(200),
      subject: z.string().max(500),
      body: z.string().max(200_000),
      segment: segmentSchema,
    }),
    output: campaignSchema,
  },
  deleteCampaign: { input: z.object({ id: recordId }), output: z.object({ deleted: z.boolean() }) },
  countSegment: { input: z.object({ segment: segmentSchema, ownerId: recordId.optional() }), output: segmentCountSchema },
  listMergeTags: { input: z.undefined().optional(), output: z.array(mergeTagInfoSchema) },
  previewCampaign: { input: campaignTemplateInputSchema.extend({ segment: segmentSchema.optional(), contactId: recordId.optional() }), output: campaignPreviewSchema },
  sendTestEmail: { input: campaignTemplateInputSchema.extend({ contactId: recordId.optional() }), output: z.object({ sentTo: z.string() }) },
  scheduleCampaign: { input: z.object({ id: recordId, schedule: campaignScheduleSchema }), output: campaignSchema },
  stopCampaign: { input: z.object({ id: recordId }), output: campaignSchema },
  getCampaignStats: {
    input: z.object({ id: recordId, runId: recordId.optional(), status: z.enum(['all', 'sent', 'failed', 'bounced', 'unknown', 'skipped', 'sending', 'opened', 'clicked', 'unsubscribed']).optional(), limit: z.number().int().min(1).max(500).default(100) }),
    output: z.object({
      runs: z.array(runStatsSchema),
      recipients: z.array(recipientStatusSchema),
      progress: runProgressSchema.nullable(),
      /** All runs together (null before the first run). */
      totals: runStatsSchema.nullable().optional(),
      /** Recipients matching the filter (the list stops at `limit`). */
      recipientTotal: z.number().int().optional(),
      timeline: statsTimelineSchema.optional(),
      /** What counts as a machine open, in words. */
      botOpenRule: z.string().optional(),
    }),
  },
  getSmtpSettings: { input: z.undefined().optional(), output: smtpStatusSchema },
  saveSmtpSettings: {
    input: z.object({
      settings: z.object({
        host: z.string(),
        port: z.number(),
        security: z.enum(SMTP_SECURITY),
        user: z.string().default(''),
        fromName: z.string().default(''),
        fromEmail: z.string(),
        ratePerSecond: z.number().default(10),
      }),
      /** Omitted: keep the password already in the keychain. */
      password: z.string().max(1024).optional(),
    }),
    output: smtpStatusSchema,
  },
  deleteSmtpSettings: { input: z.undefined().optional(), output: smtpStatusSchema },
};

export const campaignEvents = {
  /** A run's counts while it sends (and its final state). */
  campaignProgress: runProgressSchema,
};

export type CampaignSummary = z.output<typeof campaignSummarySchema>;
export type Campaign = z.output<typeof campaignSchema>;
export type CampaignSchedule = z.output<typeof campaignScheduleSchema>;
export type SegmentCountView = z.output<typeof segmentCountSchema>;
export type MergeTagInfo = z.output<typeof mergeTagInfoSchema>;
export type CampaignPreview = z.output<typeof campaignPreviewSchema>;
export type RunStats = z.output<typeof runStatsSchema>;
export type RecipientStatus = z.output<typeof recipientStatusSchema>;
export type RunProgressView = z.output<typeof runProgressSchema>;
export type SmtpStatus = z.output<typeof smtpStatusSchema>;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

// A segment: who a campaign goes to, as a list of rules over contacts, their alerts, their homes and their
// engagement. Stored as JSON in campaigns.segment (synced), so every device evaluates the same rules on
// its own replica. Validated with zod at every boundary; compiled to SQL in segment-query.ts.
import { z } from 'zod';
import { ALERT_PRIORITIES, ALERT_STATUSES, CONTACT_STAGES, EVENT_TYPES, INTENT_TYPES } from '../../../db/schema/vocabulary.ts';

const zip = z.string().regex(/^\d{5}$/, 'a 5-digit zip code');
const amount = z.number().finite().min(0).max(1e10);
export const segmentRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('stage'), stages: z.array(z.enum(CONTACT_STAGES)).min(1), negate: z.boolean().default(false) }).strict(),
  z.object({ kind: z.literal('tag'), tag: z.string().trim().min(1).max(60), negate: z.boolean().default(false) }).strict(),
  z.object({ kind: z.literal('zipcode'), zipcodes: z.array(zip).min(1).max(200) }).strict(),
  /** Contacts assigned to the campaign's owner only (an agent's own book). */
  z.object({ kind: z.literal('mine') }).strict(),
  z
    .object({
      kind: z.literal('alert'),
      types: z.array(z.enum(INTENT_TYPES)).default([]),
      minPriority: z.enum(ALERT_PRIORITIES).nullable().default(null),
      statuses: z.array(z.enum(ALERT_STATUSES)).default([]),
      /** true: contacts with no such alert. */
      negate: z.boolean().default(false),
    })
    .strict(),
  z.object({ kind: z.literal('estimate'), min: amount.nullable().default(null), max: amount.nullable().default(null) }).strict(),
  z.object({ kind: z.literal('equity'), min: amount.nullable().default(null), max: amount.nullable().default(null) }).strict(),
  z.object({ kind: z.literal('loanRate'), min: z.number().min(0).max(30).nullable().default(null), max: z.number().min(0).max(30).nullable().default(null) }).strict(),
  z.object({ kind: z.literal('propertyZipcode'), zipcodes: z.array(zip).min(1).max(200) }).strict(),
  z
    .object({
      kind: z.literal('engagement'),
      /** null: any event type. */
      eventType: z.enum(EVENT_TYPES).nullable().default(null),
      days: z.number().int().min(1).max(3650),
      /** At least this many events in the window; 0 with negate: none at all. */
      minCount: z.number().int().min(1).max(10_000).default(1),
      negate: z.boolean().default(false),
    })
    .strict(),
]);

export type SegmentRule = z.output<typeof segmentRuleSchema>;

export const segmentSchema = z
  .object({
    match: z.enum(['all', 'any']).default('all'),
    rules: z.array(segmentRuleSchema).max(30).default([]),
  })
  .strict()
  .superRefine((segment, ctx) => {
    segment.rules.forEach((rule, index) => {
      if ((rule.kind === 'estimate' || rule.kind === 'equity' || rule.kind === 'loanRate') && rule.min === null && rule.max === null) {
        ctx.addIssue({ code: 'custom', path: ['rules', index], message: 'Give a minimum, a maximum or both' });
      }
      if ((rule.kind === 'estimate' || rule.kind === 'equity' || rule.kind === 'loanRate') && rule.min !== null && rule.max !== null && rule.min > rule.max) {
        ctx.addIssue({ code: 'custom', path: ['rules', index], message: 'The minimum must not exceed the maximum' });
      }
    });
  });

export type Segment = z.output<typeof segmentSchema>;

/** Why an otherwise matching contact gets no message. Shown with counts next to the segment. */
export const EXCLUSION_REASONS = ['no_email', 'unsubscribed', 'bounced', 'complaint', 'manual', 'duplicate_email'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export const EXCLUSION_LABELS: Record<ExclusionReason, string> = {
  no_email: 'no email address',
  unsubscribed: 'unsubscribed',
  bounced: 'bounced before',
  complaint: 'marked a message as spam',
  manual: 'on the do-not-email list',
  duplicate_email: 'share an email address with another recipient',
};

/** A stored segment (campaigns.segment JSON) read back; an empty or foreign object means "everyone". */
export function parseStoredSegment(value: unknown): Segment {
  const parsed = segmentSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : { match: 'all', rules: [] };
}

// The alert inbox's part of the IPC contract (spread into electron/ipc/contract.ts): its operations'
// inputs and outputs, validated at the boundary like every other operation.
import { z } from 'zod';
import { ALERT_PRIORITIES, ALERT_STATUSES, CONTACT_STAGES, INTENT_TYPES } from '../../db/schema/vocabulary.ts';

const recordId = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'not a record id');
const isoTimestamp = z.iso.datetime({ offset: true });
const isoDateOrTimestamp = z.union([z.iso.date(), isoTimestamp]);

/** Outcomes an agent logs on an alert: the labels the intent models are retrained on. */
export const ALERT_OUTCOMES = ['reached', 'not_reached', 'appointment', 'listing_signed', 'refinanced', 'not_interested'] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];

/** What the user does to one or many alerts; each maps to a status change (see inbox-status.ts). */
export const ALERT_ACTIONS = ['contacted', 'converted', 'dismissed', 'snoozed', 'reopen'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/**
 * Inbox filters as the renderer and saved views express them. `assignee`: 'me', 'unassigned', or a user
 * id; omitted = everyone in reach. `createdWithinDays` is relative (a saved view stays "this week").
 */
export const inboxFiltersSchema = z
  .object({
    statuses: z.array(z.enum(ALERT_STATUSES)).max(ALERT_STATUSES.length).optional(),
    priorities: z.array(z.enum(ALERT_PRIORITIES)).max(ALERT_PRIORITIES.length).optional(),
    types: z.array(z.enum(INTENT_TYPES)).max(INTENT_TYPES.length).optional(),
    assignee: z.union([z.literal('me'), z.literal('unassigned'), recordId]).optional(),
    createdFrom: isoDateOrTimestamp.optional(),
    createdTo: isoDateOrTimestamp.optional(),
    createdWithinDays: z.number().int().min(1).max(366).optional(),
    tag: z.string().trim().min(1).max(60).optional(),
    search: z.string().trim().max(100).optional(),
  })
  .strict();

export const inboxItemSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  propertyId: z.string().nullable(),
  type: z.string(),
  probability: z.number(),
  priority: z.string(),
  status: z.string(),
  /** The first stored reason, in words (the list shows one line). */
  headline: z.string().nullable(),
  assignedAgentId: z.string().nullable(),
  snoozedUntil: z.string().nullable(),
  createdAt: z.string(),
  contactName: z.string(),
  propertyAddress: z.string().nullable(),
});

export const inboxViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  builtIn: z.boolean(),
  filters: inboxFiltersSchema,
  count: z.number().int(),
});

const reasonSchema = z.object({ key: z.string().nullable(), text: z.string(), contribution: z.number().nullable() });

export const timelineEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(['activity', 'note', 'event', 'outcome', 'alert']),
  at: z.string(),
  title: z.string(),
  detail: z.string(),
});

export const alertDetailSchema = z.object({
  alert: z.object({
    id: z.string(),
    type: z.string(),
    priority: z.string(),
    probability: z.number(),
    status: z.string(),
    reasons: z.array(reasonSchema),
    assignedAgentId: z.string().nullable(),
    assignedAgentName: z.string().nullable(),
    snoozedUntil: z.string().nullable(),
    firstContactedAt: z.string().nullable(),
    /** Created → first contact, in minutes (null until contacted). */
    responseMinutes: z.number().nullable(),
    createdAt: z.string(),
    modelVersion: z.string(),
  }),
  /** The contact's behaviour behind the score: events before the alert, newest first; `matched` when a reason names its kind. */
  signals: z.array(z.object({ id: z.string(), at: z.string(), type: z.string(), text: z.string(), matched: z.boolean() })),
  contact: z.object({
    id: z.string(),
    name: z.string(),
    stage: z.enum(CONTACT_STAGES).or(z.string()),
    tags: z.array(z.string()),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    zipcode: z.string().nullable(),
  }),
  property: z
    .object({
      id: z.string(),
      address: z.string(),
      bedrooms: z.number().nullable(),
      bathrooms: z.number().nullable(),
      sqftLiving: z.number().nullable(),
      yrBuilt: z.number().nullable(),
      purchaseDate: z.string().nullable(),
      purchasePrice: z.number().nullable(),
      estimate: z.number().nullable(),
      estimateLow: z.number().nullable(),
      estimateHigh: z.number().nullable(),
      estimateConfidence: z.number().nullable(),
      estimatedAt: z.string().nullable(),
    })
    .nullable(),
  timeline: z.array(timelineEntrySchema),
  outcomes: z.array(z.object({ id: z.string(), outcome: z.string(), note: z.string(), occurredAt: z.string(), recordedBy: z.string().nullable() })),
  nextActions: z.array(z.object({ id: z.string(), label: z.string(), description: z.string() })),
  permissions: z.object({ canEdit: z.boolean(), canAssign: z.boolean() }),
});

export const alertChangeResultSchema = z.object({
  changed: z.number().int(),
  /** Pass to undoAlertChanges to write the previous values back (null when nothing changed). */
  undoId: z.string().nullable(),
});

export const notificationPreferencesSchema = z
  .object({
    minPriority: z.enum(ALERT_PRIORITIES),
    doNotDisturb: z.boolean(),
    quietHours: z
      .object({
        enabled: z.boolean(),
        start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 21:00'),
        end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 07:00'),
      })
      .strict(),
  })
  .strict();

const alertIds = z.array(recordId).min(1, 'Select at least one alert').max(500, 'At most 500 alerts at once');

export const inboxContract = {
  listInbox: {
    input: z
      .object({
        filters: inboxFiltersSchema.default({}),
        cursor: z.string().max(500).nullable().optional(),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    output: z.object({ rows: z.array(inboxItemSchema), nextCursor: z.string().nullable(), total: z.number().int() }),
  },
  listInboxViews: { input: z.undefined().optional(), output: z.array(inboxViewSchema) },
  saveInboxView: {
    input: z.object({ name: z.string().trim().min(1, 'Name the view').max(60), filters: inboxFiltersSchema }).strict(),
    output: inboxViewSchema,
  },
  deleteInboxView: { input: z.object({ id: z.string().min(1).max(100) }).strict(), output: z.object({ deleted: z.boolean() }) },
  getAlert: { input: z.object({ id: z.string().min(1).max(200) }).strict(), output: alertDetailSchema },
  changeAlerts: {
    input: z
      .object({ ids: alertIds, action: z.enum(ALERT_ACTIONS), snoozedUntil: isoDateOrTimestamp.optional() })
      .strict()
      .refine((input) => input.action !== 'snoozed' || input.snoozedUntil !== undefined, { message: 'Choose until when to snooze', path: ['snoozedUntil'] }),
    output: alertChangeResultSchema,
  },
  assignAlerts: {
    input: z.object({ ids: alertIds, agentId: recordId.nullable() }).strict(),
    output: alertChangeResultSchema,
  },
  undoAlertChanges: { input: z.object({ undoId: z.string().min(1).max(100) }).strict(), output: z.object({ restored: z.number().int(), skipped: z.number().int() }) },
  logAlertOutcome: {
    input: z
      .object({ id: recordId, outcome: z.enum(ALERT_OUTCOMES), note: z.string().trim().max(5000).default(''), occurredAt: isoTimestamp.optional() })
      .strict(),
    output: alertDetailSchema,
  },
  listAlertAssignees: { input: z.undefined().optional(), output: z.array(z.object({ id: z.string(), name: z.string(), role: z.string() })) },
  getNotificationPreferences: { input: z.undefined().optional(), output: notificationPreferencesSchema },
  saveNotificationPreferences: { input: notificationPreferencesSchema, output: notificationPreferencesSchema },
} as const;

/** Browser mode shows OS notifications through the page (Web Notifications API): the host sends this event. */
export const notificationEventSchema = z.object({ title: z.string(), body: z.string(), alertId: z.string().optional() });

export type InboxFilterInput = z.output<typeof inboxFiltersSchema>;
export type InboxItem = z.output<typeof inboxItemSchema>;
export type InboxView = z.output<typeof inboxViewSchema>;
export type AlertDetail = z.output<typeof alertDetailSchema>;
export type TimelineEntry = z.output<typeof timelineEntrySchema>;
export type NotificationPreferences = z.output<typeof notificationPreferencesSchema>;

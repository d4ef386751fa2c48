// The CRM's part of the IPC contract (spread into electron/ipc/contract.ts): contacts, notes, tasks,
// activities, CSV import/export and global search. Inputs are validated at the boundary like every
// other operation; messages are written for the user.
import { z } from 'zod';
import { ACTIVITY_KINDS, CONTACT_STAGES } from '../../db/schema/vocabulary.ts';

const recordId = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'not a record id');
const isoTimestamp = z.iso.datetime({ offset: true });
const optionalText = (max: number) => z.string().trim().max(max);

/** Activities a person logs (status_change is written by the app when a stage changes). */
export const LOGGABLE_ACTIVITY_KINDS = ACTIVITY_KINDS.filter((kind) => kind !== 'status_change') as ['call', 'meeting', 'email', 'showing', 'text'];
export const TASK_PRIORITIES = ['low', 'normal', 'high'] as const;
export const CONTACT_SORTS = ['name', 'updated', 'created', 'score', 'stage', 'zip'] as const;
export const TASK_VIEWS = ['open', 'overdue', 'today', 'upcoming', 'completed'] as const;
export const EXPORT_KINDS = ['contacts', 'alerts', 'activities'] as const;
export const IMPORT_FIELDS = ['first_name', 'last_name', 'full_name', 'email', 'phone', 'stage', 'tags', 'source', 'zipcode', 'external_id', 'household_size', 'age_band', 'created_at', 'note'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

const phone = z
  .string()
  .trim()
  .max(40, 'A phone number has at most 40 characters')
  .refine((value) => value === '' || /^[+\d\s().\-/x]+$/i.test(value), 'A phone number has digits, spaces and + ( ) - . only')
  .refine((value) => value === '' || value.replace(/\D/g, '').length >= 7, 'A phone number has at least 7 digits');

export const contactInputSchema = z.object({
  firstName: optionalText(200),
  lastName: optionalText(200),
  email: z.union([z.literal(''), z.string().trim().toLowerCase().email('Enter a valid email address').max(254)]),
  phone,
  stage: z.enum(CONTACT_STAGES),
  tags: z.array(z.string().trim().min(1).max(60)).max(50),
  source: optionalText(60),
  zipcode: z.union([z.literal(''), z.string().trim().regex(/^\d{5}$/, 'A zip code has 5 digits')]),
});

export const contactSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  stage: z.string(),
  tags: z.array(z.string()),
  zipcode: z.string().nullable(),
  ownerId: z.string().nullable(),
  ownerName: z.string().nullable(),
  /** The contact's best open alert probability (0…1), null without an open alert. */
  score: z.number().nullable(),
  updatedAt: z.string(),
});

export const timelineEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(['activity', 'event', 'note', 'outcome', 'campaign']),
  /** activity kind, event type, outcome name or campaign send status */
  type: z.string(),
  at: z.string(),
  text: z.string(),
  by: z.string().nullable(),
});

export const taskSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  priority: z.enum(TASK_PRIORITIES),
  dueAt: z.string().nullable(),
  remindAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  contactId: z.string().nullable(),
  contactName: z.string().nullable(),
  assigneeId: z.string().nullable(),
  assigneeName: z.string().nullable(),
  overdue: z.boolean(),
});

export const contactDetailSchema = z.object({
  contact: contactSummarySchema.extend({
    firstName: z.string(),
    lastName: z.string(),
    source: z.string().nullable(),
    createdAt: z.string(),
    deletedAt: z.string().nullable(),
    pendingChanges: z.number().int(),
  }),
  properties: z.array(z.object({ id: z.string(), address: z.string(), zipcode: z.string().nullable(), estimate: z.number().nullable() })),
  alerts: z.array(z.object({ id: z.string(), type: z.string(), probability: z.number(), priority: z.string(), status: z.string(), createdAt: z.string() })),
  notes: z.array(z.object({ id: z.string(), body: z.string(), authorName: z.string().nullable(), createdAt: z.string() })),
  tasks: z.array(taskSchema),
  campaigns: z.array(z.object({ id: z.string(), campaignName: z.string(), status: z.string(), sentAt: z.string().nullable(), email: z.string() })),
  timeline: z.array(timelineEntrySchema),
});

export const ownerSchema = z.object({ id: z.string(), name: z.string(), role: z.string() });

export const mergePreviewSchema = z.object({
  survivorId: z.string(),
  otherId: z.string(),
  fields: z.array(z.object({ field: z.string(), label: z.string(), survivor: z.string(), other: z.string(), result: z.string(), from: z.enum(['survivor', 'other', 'both']) })),
  moves: z.object({ notes: z.number().int(), tasks: z.number().int(), activities: z.number().int(), properties: z.number().int(), alerts: z.number().int() }),
});

export const duplicateGroupSchema = z.object({
  reason: z.enum(['email', 'phone']),
  value: z.string(),
  contacts: z.array(contactSummarySchema),
});

export const importIssueSchema = z.object({ row: z.number().int(), column: z.string().nullable(), message: z.string() });

export const importParsedSchema = z.object({
  importId: z.string(),
  fileName: z.string(),
  delimiter: z.string(),
  encoding: z.enum(['utf-8', 'latin-1']),
  headers: z.array(z.string()),
  /** Guessed target field per header (null: not imported). */
  mapping: z.array(z.enum(IMPORT_FIELDS).nullable()),
  rowCount: z.number().int(),
  preview: z.array(z.array(z.string())),
  /** Problems with the file itself (not with a row), e.g. rows with missing columns. */
  warnings: z.array(z.string()),
});

export const importValidationSchema = z.object({
  importId: z.string(),
  rowCount: z.number().int(),
  valid: z.number().int(),
  invalid: z.number().int(),
  duplicatesInFile: z.number().int(),
  duplicatesExisting: z.number().int(),
  /** The first problems (the error report has them all). */
  issues: z.array(importIssueSchema),
  /** CSV: row, column, problem, then the row as it was in the file. */
  errorReport: z.string(),
});

export const importProgressSchema = z.object({
  importId: z.string(),
  phase: z.enum(['idle', 'validating', 'saving', 'done', 'cancelled', 'failed']),
  done: z.number().int(),
  total: z.number().int(),
  imported: z.number().int(),
  error: z.string().nullable(),
});

export const searchHitSchema = z.object({
  kind: z.enum(['contact', 'property', 'note', 'alert']),
  id: z.string(),
  contactId: z.string().nullable(),
  title: z.string(),
  subtitle: z.string(),
});

const importMapping = z.array(z.enum(IMPORT_FIELDS).nullable()).max(200);

export const contactsContract = {
  listContacts: {
    input: z
      .object({
        search: z.string().trim().max(100).optional(),
        stages: z.array(z.enum(CONTACT_STAGES)).max(CONTACT_STAGES.length).optional(),
        tag: z.string().trim().min(1).max(60).optional(),
        owner: z.union([z.literal('me'), z.literal('unassigned'), recordId]).optional(),
        zipcode: z.string().trim().regex(/^\d{3,5}$/, 'Filter by 3 to 5 digits of a zip code').optional(),
        minScore: z.number().min(0).max(1).optional(),
        sort: z.enum(CONTACT_SORTS).default('name'),
        direction: z.enum(['asc', 'desc']).default('asc'),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .optional(),
    output: z.object({ total: z.number().int(), items: z.array(contactSummarySchema), tags: z.array(z.string()) }),
  },
  getContact: { input: z.object({ id: recordId }), output: contactDetailSchema },
  createContact: { input: contactInputSchema.partial(), output: z.object({ id: z.string() }) },
  updateContact: {
    input: z.object({ id: recordId, changes: contactInputSchema.partial().refine((changes) => Object.keys(changes).length > 0, 'Change at least one field') }),
    output: z.object({ id: z.string() }),
  },
  tagContacts: {
    input: z.object({ ids: z.array(recordId).min(1).max(5000), add: z.array(z.string().trim().min(1).max(60)).max(20).default([]), remove: z.array(z.string().trim().min(1).max(60)).max(20).default([]) }),
    output: z.object({ changed: z.number().int() }),
  },
  assignContacts: {
    input: z.object({ ids: z.array(recordId).min(1).max(5000), agentId: recordId.nullable() }),
    output: z.object({ changed: z.number().int() }),
  },
  deleteContact: { input: z.object({ id: recordId }), output: z.object({ id: z.string() }) },
  restoreContact: { input: z.object({ id: recordId }), output: z.object({ id: z.string() }) },
  listContactOwners: { input: z.undefined().optional(), output: z.array(ownerSchema) },
  findDuplicateContacts: { input: z.object({ id: recordId.optional() }).optional(), output: z.array(duplicateGroupSchema) },
  previewContactMerge: { input: z.object({ survivorId: recordId, otherId: recordId }), output: mergePreviewSchema },
  mergeContacts: { input: z.object({ survivorId: recordId, otherId: recordId }), output: mergePreviewSchema },
  addNote: { input: z.object({ contactId: recordId, body: z.string().trim().min(1, 'Write something first').max(100_000) }), output: z.object({ id: z.string() }) },
  deleteNote: { input: z.object({ id: recordId }), output: z.object({ id: z.string() }) },
  listTasks: {
    input: z.object({ view: z.enum(TASK_VIEWS).default('open'), assignee: z.enum(['me', 'all']).default('me'), contactId: recordId.optional() }).optional(),
    output: z.object({ items: z.array(taskSchema), overdue: z.number().int() }),
  },
  createTask: {
    input: z.object({
      title: z.string().trim().min(1, 'Give the task a title').max(300),
      description: z.string().trim().max(10_000).default(''),
      priority: z.enum(TASK_PRIORITIES).default('normal'),
      dueAt: isoTimestamp.nullable().default(null),
      remindAt: isoTimestamp.nullable().default(null),
      contactId: recordId.nullable().default(null),
      assigneeId: recordId.nullable().optional(),
    }),
    output: z.object({ id: z.string() }),
  },
  updateTask: {
    input: z.object({
      id: recordId,
      changes: z
        .object({
          title: z.string().trim().min(1).max(300),
          description: z.string().trim().max(10_000),
          priority: z.enum(TASK_PRIORITIES),
          dueAt: isoTimestamp.nullable(),
          remindAt: isoTimestamp.nullable(),
          assigneeId: recordId.nullable(),
          completed: z.boolean(),
        })
        .partial()
        .strict()
        .refine((changes) => Object.keys(changes).length > 0, 'Change at least one field'),
    }),
    output: z.object({ id: z.string() }),
  },
  deleteTask: { input: z.object({ id: recordId }), output: z.object({ id: z.string() }) },
  logActivity: {
    input: z.object({
      contactId: recordId,
      kind: z.enum(LOGGABLE_ACTIVITY_KINDS),
      summary: z.string().trim().max(5000).default(''),
      occurredAt: isoTimestamp.optional(),
      alertId: recordId.nullable().optional(),
    }),
    output: z.object({ id: z.string() }),
  },
  /** Sends a CSV file in pieces (the browser-mode socket takes ≤ 1 MiB per message): start with no importId. */
  uploadImportChunk: {
    input: z.object({ importId: z.string().max(64).optional(), fileName: z.string().max(260).default('import.csv'), chunk: z.string().max(700_000), last: z.boolean() }),
    output: z.object({ importId: z.string(), parsed: importParsedSchema.nullable() }),
  },
  validateImport: { input: z.object({ importId: z.string().max(64), mapping: importMapping }), output: importValidationSchema },
  runImport: { input: z.object({ importId: z.string().max(64), mapping: importMapping }), output: importProgressSchema },
  getImportProgress: { input: z.object({ importId: z.string().max(64) }), output: importProgressSchema },
  cancelImport: { input: z.object({ importId: z.string().max(64) }), output: importProgressSchema },
  exportCsv: { input: z.object({ kind: z.enum(EXPORT_KINDS) }), output: z.object({ fileName: z.string(), csv: z.string(), rows: z.number().int() }) },
  search: { input: z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(100).default(30) }), output: z.array(searchHitSchema) },
} as const;

export type ContactSummary = z.output<typeof contactSummarySchema>;
export type ContactDetail = z.output<typeof contactDetailSchema>;
export type ContactInput = z.output<typeof contactInputSchema>;
export type TaskItem = z.output<typeof taskSchema>;
export type TimelineEntry = z.output<typeof timelineEntrySchema>;
export type MergePreview = z.output<typeof mergePreviewSchema>;
export type ImportParsed = z.output<typeof importParsedSchema>;
export type ImportValidation = z.output<typeof importValidationSchema>;
export type ImportProgress = z.output<typeof importProgressSchema>;

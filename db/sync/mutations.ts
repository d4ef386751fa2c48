// The mutation catalogue: which tables a device may write, which fields, with which operations, and
// the wire format of POST /v1/mutations. The app validates a local write with it before touching
// SQLite; the server validates the same way before touching Postgres. One definition, two callers.
import { z } from 'zod';
import {
  ACTIVITY_KINDS,
  ALERT_PRIORITIES,
  ALERT_STATUSES,
  CONTACT_STAGES,
  INTENT_TYPES,
  SUPPRESSION_REASONS,
} from '../schema/vocabulary.ts';
import { HLC_PATTERN } from './hlc.ts';
import type { ShapeTable } from './shape-tables.ts';

export const MUTATION_OPS = ['insert', 'update', 'delete'] as const;
export type MutationOp = (typeof MUTATION_OPS)[number];

const id = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'ids use letters, digits and _ . : -');
const shortText = (max = 200) => z.string().max(max);
const isoTimestamp = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const money = z.number().finite().min(0).max(1e10);
const json = z.record(z.string(), z.unknown());

/** How a table takes writes. Append-only rows never conflict: they are only ever inserted (notes may be tombstoned). */
export type TableRule = {
  ops: readonly MutationOp[];
  appendOnly: boolean;
  /** Every field a device may set, as column names; all optional in `changes`. */
  fields: z.ZodObject;
  /** Fields an insert must carry. */
  requiredOnInsert: readonly string[];
  /** Fields the server sets from the caller's identity, whatever the client sent. */
  stampedWithUser?: string;
  /** Reference fields → the table they point to; the server checks the target is in the caller's brokerage. */
  references: Readonly<Record<string, ShapeTable>>;
  /**
   * When an insert meets a row that already exists (two devices derived the same deterministic id), only
   * these fields are merged; the rest belong to later edits of the row. Omitted: every field merges.
   */
  mergedOnReinsert?: readonly string[];
  /**
   * A field whose values are ordered by how settled they are: a more settled value wins over a less settled
   * one whatever the clocks say, and takes the `with` fields along; values of the same rank go by the clocks.
   * Still a function of the two values (rank, then clock), so replicas converge in any order.
   */
  settledBy?: { field: string; rank: Readonly<Record<string, number>>; with: readonly string[] };
};

const contactFields = z.object({
  first_name: shortText(),
  last_name: shortText(),
  email: z.email().max(254).nullable(),
  phone: shortText(40).nullable(),
  stage: z.enum(CONTACT_STAGES),
  tags: z.array(shortText(60)).max(50),
  source: shortText(60).nullable(),
  zipcode: z.string().regex(/^\d{5}$/, 'a 5-digit zip code').nullable(),
  household_size: z.number().int().min(0).max(50).nullable(),
  age_band: shortText(20).nullable(),
  assigned_agent_id: id.nullable(),
  external_id: shortText(128).nullable(),
  deleted_at: isoTimestamp.nullable(),
});

const propertyFields = z.object({
  contact_id: id.nullable(),
  parcel_id: shortText(20).nullable(),
  address: shortText(300),
  zipcode: z.string().regex(/^\d{5}$/, 'a 5-digit zip code').nullable(),
  lat: z.number().min(-90).max(90).nullable(),
  lng: z.number().min(-180).max(180).nullable(),
  bedrooms: z.number().int().min(0).max(50).nullable(),
  bathrooms: z.number().min(0).max(50).nullable(),
  sqft_living: z.number().int().min(0).max(100_000).nullable(),
  sqft_lot: z.number().int().min(0).max(100_000_000).nullable(),
  floors: z.number().min(0).max(10).nullable(),
  waterfront: z.boolean(),
  view: z.number().int().min(0).max(4).nullable(),
  condition: z.number().int().min(1).max(5).nullable(),
  grade: z.number().int().min(1).max(13).nullable(),
  yr_built: z.number().int().min(1800).max(2100).nullable(),
  yr_renovated: z.number().int().min(0).max(2100).nullable(),
  purchase_date: isoDate.nullable(),
  purchase_price: money.nullable(),
  loan_original: money.nullable(),
  loan_rate: z.number().min(0).max(30).nullable(),
  loan_term_years: z.number().int().min(1).max(50).nullable(),
  estimate: money.nullable(),
  estimate_low: money.nullable(),
  estimate_high: money.nullable(),
  estimate_confidence: z.number().int().min(0).max(100).nullable(),
  estimated_at: isoTimestamp.nullable(),
  deleted_at: isoTimestamp.nullable(),
});

const alertFields = z.object({
  contact_id: id,
  property_id: id.nullable(),
  type: z.enum(INTENT_TYPES),
  probability: z.number().min(0).max(1),
  priority: z.enum(ALERT_PRIORITIES),
  reasons: z.array(z.unknown()).max(20),
  status: z.enum(ALERT_STATUSES),
  assigned_agent_id: id.nullable(),
  snoozed_until: isoTimestamp.nullable(),
  first_contacted_at: isoTimestamp.nullable(),
  notified_at: isoTimestamp.nullable(),
  model_version: shortText(60),
});

export const MUTATION_CATALOGUE = {
  contacts: {
    ops: ['insert', 'update', 'delete'],
    appendOnly: false,
    fields: contactFields,
    requiredOnInsert: [],
    references: { assigned_agent_id: 'users' },
  },
  properties: {
    ops: ['insert', 'update', 'delete'],
    appendOnly: false,
    fields: propertyFields,
    requiredOnInsert: [],
    references: { contact_id: 'contacts' },
  },
  alerts: {
    ops: ['insert', 'update'],
    appendOnly: false,
    fields: alertFields,
    requiredOnInsert: ['contact_id', 'type', 'probability', 'priority'],
    references: { contact_id: 'contacts', property_id: 'properties', assigned_agent_id: 'users' },
    // A second device raising the same alert refreshes its score; it never resets status, assignee
    // (e.g. set by the server's routing), snooze, first contact or the notification mark.
    mergedOnReinsert: ['probability', 'priority', 'reasons', 'model_version', 'property_id'],
  },
  alert_outcomes: {
    ops: ['insert'],
    appendOnly: true,
    fields: z.object({ alert_id: id, contact_id: id, outcome: shortText(40), note: shortText(5000), occurred_at: isoTimestamp }),
    requiredOnInsert: ['alert_id', 'contact_id', 'outcome', 'occurred_at'],
    stampedWithUser: 'recorded_by',
    references: { alert_id: 'alerts', contact_id: 'contacts' },
  },
  notes: {
    ops: ['insert', 'delete'],
    appendOnly: true,
    fields: z.object({ contact_id: id, body: z.string().min(1).max(100_000), deleted_at: isoTimestamp.nullable() }),
    requiredOnInsert: ['contact_id', 'body'],
    stampedWithUser: 'author_id',
    references: { contact_id: 'contacts' },
  },
  tasks: {
    ops: ['insert', 'update', 'delete'],
    appendOnly: false,
    fields: z.object({
      contact_id: id.nullable(),
      alert_id: id.nullable(),
      assignee_id: id.nullable(),
      title: z.string().min(1).max(300),
      description: shortText(10_000),
      priority: z.enum(['low', 'normal', 'high']),
      due_at: isoTimestamp.nullable(),
      remind_at: isoTimestamp.nullable(),
      completed_at: isoTimestamp.nullable(),
      deleted_at: isoTimestamp.nullable(),
    }),
    requiredOnInsert: ['title'],
    stampedWithUser: 'created_by',
    references: { contact_id: 'contacts', alert_id: 'alerts', assignee_id: 'users' },
  },
  activities: {
    ops: ['insert'],
    appendOnly: true,
    fields: z.object({ contact_id: id, alert_id: id.nullable(), kind: z.enum(ACTIVITY_KINDS), summary: shortText(5000), occurred_at: isoTimestamp }),
    requiredOnInsert: ['contact_id', 'kind', 'occurred_at'],
    stampedWithUser: 'user_id',
    references: { contact_id: 'contacts', alert_id: 'alerts' },
  },
  campaigns: {
    ops: ['insert', 'update', 'delete'],
    appendOnly: false,
    fields: z.object({
      name: z.string().min(1).max(200),
      subject: shortText(500),
      body: z.string().max(200_000),
      segment: json,
      schedule: json,
      status: shortText(30),
      deleted_at: isoTimestamp.nullable(),
    }),
    requiredOnInsert: ['name'],
    stampedWithUser: 'owner_id',
    references: {},
  },
  campaign_sends: {
    ops: ['insert', 'update'],
    appendOnly: false,
    fields: z.object({
      campaign_id: id,
      run_id: id,
      contact_id: id,
      email: z.email().max(254),
      status: shortText(30),
      error: shortText(2000).nullable(),
      message_id: shortText(300).nullable(),
      variant: z.enum(['a', 'b']).nullable(),
      sent_at: isoTimestamp.nullable(),
    }),
    requiredOnInsert: ['campaign_id', 'run_id', 'contact_id', 'email'],
    references: { campaign_id: 'campaigns', contact_id: 'contacts' },
    // What a device learnt from the mail server beats a guess: a sender that died and comes back online
    // after another device took its run over reports 'sent' (with the time) over that device's later
    // 'unknown', and a late 'sending' never reopens a settled message.
    settledBy: { field: 'status', rank: { sending: 0, unknown: 1, sent: 2, failed: 2, bounced: 2, skipped: 2 }, with: ['error', 'sent_at'] },
  },
  suppressions: {
    ops: ['insert'],
    appendOnly: true,
    fields: z.object({ email: z.email().max(254), contact_id: id.nullable(), reason: z.enum(SUPPRESSION_REASONS) }),
    requiredOnInsert: ['email', 'reason'],
    references: { contact_id: 'contacts' },
  },
} as const satisfies Partial<Record<ShapeTable, TableRule>>;

export type WritableTable = keyof typeof MUTATION_CATALOGUE;
export const WRITABLE_TABLES = Object.keys(MUTATION_CATALOGUE) as WritableTable[];
export const isWritableTable = (name: string): name is WritableTable => Object.hasOwn(MUTATION_CATALOGUE, name);

export const mutationSchema = z
  .object({
    id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    table: z.string().refine(isWritableTable, { message: `table must be one of: ${WRITABLE_TABLES.join(', ')}` }),
    op: z.enum(MUTATION_OPS),
    pk: id,
    changes: z.record(z.string(), z.unknown()).default({}),
    hlc: z.string().regex(HLC_PATTERN, 'hlc must be "<15-digit ms>:<5-digit counter>:<node id>"'),
    /** Optional: the field HLCs the edit was made on top of, so the server can tell concurrent edits from sequential ones. */
    baseHlcs: z.record(z.string(), z.string().max(100)).optional(),
  })
  .strict()
  .superRefine((mutation, ctx) => {
    const problem = checkMutation(mutation as Mutation);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: problem.startsWith('changes') ? ['changes'] : ['op'] });
  });

export type Mutation = {
  id: number;
  table: WritableTable;
  op: MutationOp;
  pk: string;
  changes: Record<string, unknown>;
  hlc: string;
  baseHlcs?: Record<string, string>;
};

export const mutationBatchSchema = z
  .object({
    clientId: id,
    mutations: z.array(mutationSchema).min(1).max(1000),
  })
  .strict()
  .superRefine((batch, ctx) => {
    for (let i = 1; i < batch.mutations.length; i += 1) {
      if (batch.mutations[i]!.id <= batch.mutations[i - 1]!.id) {
        ctx.addIssue({ code: 'custom', message: 'mutation ids must increase within a batch', path: ['mutations', i, 'id'] });
        return;
      }
    }
  });

export type MutationBatch = { clientId: string; mutations: Mutation[] };

export type MutationResult = { id: number; status: 'applied' | 'duplicate' | 'rejected'; reason?: string; txid: string };
export type MutationBatchResponse = { results: MutationResult[] };

// Building a zod schema costs far more than using one (~0.5 ms in zod 4): one per table, built on first use.
const changesSchemas = new Map<string, z.ZodType>();
const changesSchema = (table: string, rule: TableRule): z.ZodType => {
  let schema = changesSchemas.get(table);
  if (!schema) changesSchemas.set(table, (schema = rule.fields.partial().strict()));
  return schema;
};

/**
 * What is wrong with a mutation's operation and changes, or null. Unknown fields, wrong types and
 * operations a table does not take are refused before anything is written.
 */
export function checkMutation(mutation: Pick<Mutation, 'table' | 'op' | 'changes'>): string | null {
  const rule: TableRule | undefined = isWritableTable(mutation.table) ? MUTATION_CATALOGUE[mutation.table] : undefined;
  if (!rule) return `table ${mutation.table} cannot be written by devices`;
  if (!rule.ops.includes(mutation.op)) return `${mutation.table} takes ${rule.ops.join(', ')} only, not ${mutation.op}`;
  if (mutation.op === 'delete') {
    return Object.keys(mutation.changes).length === 0 ? null : 'changes must be empty for a delete';
  }
  const parsed = changesSchema(mutation.table, rule).safeParse(mutation.changes);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    return `changes${field ? `.${field}` : ''}: ${issue.message}`;
  }
  if (mutation.op === 'insert') {
    const missing = rule.requiredOnInsert.filter((field) => mutation.changes[field] === undefined);
    if (missing.length > 0) return `changes: an insert into ${mutation.table} needs ${missing.join(', ')}`;
  }
  if (Object.keys(mutation.changes).length === 0) return `changes: an ${mutation.op} needs at least one field`;
  return null;
}

export function tableRule(table: WritableTable): TableRule {
  return MUTATION_CATALOGUE[table];
}

// SQLite schema of the local replica. Its Postgres twin is ./pg.ts; db/schema.parity.test.ts proves
// both define the same synced tables and columns. Timestamps are ISO-8601 UTC text, JSON is text.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const ts = (name: string) => text(name);
const createdAt = () => ts('created_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`);
const updatedAt = () => ts('updated_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`);
const hlcColumns = () => ({
  hlc: text('hlc').notNull().default(''),
  fieldHlcs: text('field_hlcs', { mode: 'json' }).$type<Record<string, string>>().notNull().default(sql`'{}'`),
});

export const brokerages = sqliteTable('brokerages', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  postalAddress: text('postal_address').notNull().default(''),
  settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  deactivatedAt: ts('deactivated_at'),
});

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    // Null only for platform admins, who belong to no brokerage.
    brokerageId: text('brokerage_id').references(() => brokerages.id),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    territories: text('territories', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deactivatedAt: ts('deactivated_at'),
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email), index('users_brokerage_idx').on(t.brokerageId)],
);

export const devices = sqliteTable(
  'devices',
  {
    id: text('id').primaryKey(),
    brokerageId: text('brokerage_id').references(() => brokerages.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    platform: text('platform').notNull().default(''),
    appVersion: text('app_version').notNull().default(''),
    createdAt: createdAt(),
    lastSeenAt: ts('last_seen_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('devices_user_idx').on(t.userId)],
);

export const contacts = sqliteTable(
  'contacts',
  {
    id: text('id').primaryKey(),
    brokerageId: text('brokerage_id')
      .notNull()
      .references(() => brokerages.id),
    assignedAgentId: text('assigned_agent_id').references(() => users.id),
    externalId: text('external_id'),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    email: text('email'),
    phone: text('phone'),
    stage: text('stage').notNull().default('lead'),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    source: text('source'),
    zipcode: text('zipcode'),
    householdSize: integer('household_size'),
    ageBand: text('age_band'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: ts('deleted_at'),
    ...hlcColumns(),
  },
  (t) => [
    index('contacts_brokerage_agent_idx').on(t.brokerageId, t.assignedAgentId),
    index('contacts_email_idx').on(t.brokerageId, t.email),
    // Only soft-deleted contacts (a few percent): lets list counts subtract their rows without
    // looking up every live contact.
    index('contacts_deleted_idx').on(t.id).where(sql`${t.deletedAt} IS NOT NULL`),
  ],
);

export const properties = sqliteTable(
  'properties',
  {
    id: text('id').primaryKey(),
    brokerageId: text('brokerage_id')
      .notNull()
      .references(() => brokerages.id),
    contactId: text('contact_id').references(() => contacts.id),
    parcelId: text('parcel_id'),
    address: text('address').notNull().default(''),
    zipcode: text('zipcode'),
    lat: real('lat'),
    lng: real('lng'),
    bedrooms: integer('bedrooms'),
    bathrooms: real('bathrooms'),
    sqftLiving: integer('sqft_living'),
    sqftLot: integer('sqft_lot'),
    floors: real('floors'),
    waterfront: integer('waterfront', { mode: 'boolean' }).notNull().default(false),
    view: integer('view'),
    condition: integer('condition'),
    grade: integer('grade'),
    yrBuilt: integer('yr_built'),
    yrRenovated: integer('yr_renovated'),
    purchaseDate: text('purchase_date'),
    purchasePrice: real('purchase_price'),
    loanOriginal: real('loan_original'),
    loanRate: real('loan_rate'),
    loanTermYears: integer('loan_term_years'),
    estimate: real('estimate'),
    estimateLow: real('estimate_low'),
    estimateHigh: real('estimate_high'),
    estimateConfidence: integer('estimate_confidence'),
    estimatedAt: ts('estimated_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: ts('deleted_at'),
    ...hlcColumns(),
  },
  (t) => [index('properties_contact_idx').on(t.contactId), index('properties_brokerage_idx').on(t.brokerageId)],
);

// Public market data (county sales records): shared by every brokerage, so no brokerage_id.
export const marketSales = sqliteTable(
  'market_sales',
  {
    id: text('id').primaryKey(),
    parcelId: text('parcel_id').notNull(),
    saleDate: text('sale_date').notNull(),
    price: real('price').notNull(),
    bedrooms: integer('bedrooms'),
    bathrooms: real('bathrooms'),
    sqftLiving: integer('sqft_living'),
    sqftLot: integer('sqft_lot'),
    floors: real('floors'),
    waterfront: integer('waterfront', { mode: 'boolean' }).notNull().default(false),
    view: integer('view'),
    condition: integer('condition'),
    grade: integer('grade'),
    sqftAbove: integer('sqft_above'),
    sqftBasement: integer('sqft_basement'),
    yrBuilt: integer('yr_built'),
    yrRenovated: integer('yr_renovated'),
    zipcode: text('zipcode'),
    lat: real('lat').notNull(),
    lng: real('lng').notNull(),
    sqftLiving15: integer('sqft_living15'),
    sqftLot15: integer('sqft_lot15'),
    createdAt: createdAt(),
  },
  (t) => [index('market_sales_date_idx').on(t.saleDate), index('market_sales_parcel_idx').on(t.parcelId)],
);

export const events = sqliteTable(
  'events',
  {
    id: text('id').primaryKey(),
    brokerageId: text('brokerage_id')
      .notNull()
      .references(() => brokerages.id),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id),
    type: text('type').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    props: text('props', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    source: text('source').notNull().default('api'),
    createdAt: createdAt(),
  },
  (t) => [index('events_contact_time_idx').on(t.contactId, t.occurredAt)],
);

export const alerts = sqliteTable(
  'alerts',
  {
    // Deterministic (contact, type, scoring window) so every device derives the same id.
    id: text('id').primaryKey(),
    brokerageId: text('brokerage_id')
      .notNull()
      .references(() => brokerages.id),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id),
    propertyId: text('property_id').references(() => properties.id),
    type: text('type').notNull(),
    probability: real('probability').notNull(),
    priority: text('priority').notNull(),
    reasons: text('reasons', { mode: 'json' }).$type<unknown[]>().notNull().default(sql`'[]'`),
    status: text('status').notNull().default('new'),
    assignedAgentId: text('assigned_agent_id').references(() => users.id),
    snoozedUntil: ts('snoozed_until'),
    firstContactedAt: ts('first_contacted_at'),
    // Set by the first device that raised an OS notification for it: other devices stay quiet.
    notifiedAt: ts('notified_at'),
    // Set by the server's routing when an unclaimed CRITICAL alert was escalated to the managers.
    escalatedAt: ts('escalated_at'),
    modelVersion: text('model_version').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    ...hlcColumns(),
  },
  (t) => [
    index('alerts_inbox_idx').on(t.brokerageId, t.status, t.priority, t.probability),
    // The alert inbox's sort order (priority rank, probability, created_at, id — see
    // electron/inbox/inbox-query.ts, whose rank expression must stay identical to this one) followed by
    // its filter columns: pages are read in index order and stop after 50 rows (no sort), keyset cursors
    // seek straight to their position, and view counts never touch the table.
    index('alerts_inbox_rank_idx').on(
      t.brokerageId,
      sql`(CASE ${t.priority} WHEN 'CRITICAL' THEN 3 WHEN 'HIGH' THEN 2 WHEN 'MEDIUM' THEN 1 WHEN 'LOW' THEN 0 ELSE -1 END)`,
      t.probability,
      t.createdAt,
      t.id,
      t.status,
      t.type,
      t.assignedAgentId,
    ),
    index('alerts_contact_idx').on(t.contactId),
  ],
);

// Append-only: outcomes, notes and activities never conflict.
export const alertOutcomes = sqliteTable(
  'alert_outcomes',
  {
    id: text('id').primaryKey(),
    brokerageId: text('brokerage_id')
      .notNull()
      .references(() => brokerages.id),
    alertId: text('alert_id')
      .notNull()
      .references(() => alerts.id),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id),
    outcome: text('outcome').notNull(),
    note: text('note').notNull().default(''),
    recordedBy: text('recorded_by').references(() => users.id),
    occurredAt: ts('occurred_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('alert_outcomes_alert_idx').on(t.alertId)],
);

export const notes = sqliteTable(
  'notes',
  {
    id: text('id').primaryKey(),
    brokerageId: text('brokerage_id')
      .notNull()
      .references(() => brokerages.id),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id),
    authorId: text('author_id').references(() => users.id),
    body: text('body').notNull(),
    createdAt: createdAt(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [index('notes_contact_idx').on(t.contactId)],
);

export const tasks = sqliteTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    brokerageId: text('brokerage_id')
      .notNull()
      .references(() => brokerages.id),
    contactId: text('contact_id').references(() => contacts.id),
    alertId: text('alert_id').references(() => alerts.id),
    assigneeId: text('assignee_id').references(() => users.id),
    createdBy: text('created_by').references(() => users.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    priority: text('priority').notNull().default('normal'),
    dueAt: ts('due_at'),
    remindAt: ts('remind_at'),
    completedAt: ts('completed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: ts('deleted_at'),
    ...hlcColumns(),
  },
  (t) => [index('tasks_assignee_due_idx').on(t.assigneeId, t.dueAt)],
);

export const activities = sqliteTable(
  'activities',
  {
    id: text('id').primaryKey(),
    brokerageId: text('brokerage_id')
      .notNull()
      .references(() => brokerages.id),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id),
    userId: text('user_id').references(() => users.id),
    alertId: text('alert_id').references(() => alerts.id),
    kind: text('kind').notNull(),
    summary: text('summary').notNull().default(''),
    occurredAt: ts('occurred_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('activities_contact_idx').on(t.contactId, t.occurredAt)],
);

export const campaigns = sqliteTable('campaigns', {
  id: text('id').primaryKey(),
  brokerageId: text('brokerage_id')
    .notNull()
    .references(() => brokerages.id),
  ownerId: text('owner_id').references(() => users.id),
  name: text('name').notNull(),
  subject: text('subject').notNull().default(''),
  body: text('body').notNull().default(''),
  segment: text('segment', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
  schedule: text('schedule', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
  status: text('status').notNull().default('draft'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  deletedAt: ts('deleted_at'),
  ...hlcColumns(),
});

export const campaignSends = sqliteTable(
  'campaign_sends',
  {
    id: text('id').primaryKey(),
    brokerageId: text('brokerage_id')
      .notNull()
      .references(() => brokerages.id),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    runId: text('run_id').notNull(),
    contactId: text('contact_id')
      .notNull()
      .references(() => contacts.id),
    email: text('email').notNull(),
    status: text('status').notNull().default('pending'),
    error: text('error'),
    messageId: text('message_id'),
    // A/B subject test: which subject this recipient got ('a' | 'b'); null when the run has no test.
    variant: text('variant'),
    sentAt: ts('sent_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    ...hlcColumns(),
  },
  (t) => [
    uniqueIndex('campaign_sends_run_contact_uq').on(t.runId, t.contactId),
    // Campaign statistics and a contact's timeline read the sends of one campaign / one contact.
    index('campaign_sends_campaign_idx').on(t.campaignId),
    index('campaign_sends_contact_idx').on(t.contactId),
  ],
);

export const suppressions = sqliteTable(
  'suppressions',
  {
    id: text('id').primaryKey(),
    brokerageId: text('brokerage_id')
      .notNull()
      .references(() => brokerages.id),
    email: text('email').notNull(),
    contactId: text('contact_id').references(() => contacts.id),
    reason: text('reason').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('suppressions_email_uq').on(t.brokerageId, t.email)],
);

// Append-only: every concurrent edit that lost per-field last-writer-wins, with both values.
export const conflicts = sqliteTable(
  'conflicts',
  {
    id: text('id').primaryKey(),
    brokerageId: text('brokerage_id')
      .notNull()
      .references(() => brokerages.id),
    tableName: text('table_name').notNull(),
    rowId: text('row_id').notNull(),
    contactId: text('contact_id'),
    field: text('field').notNull(),
    winningValue: text('winning_value', { mode: 'json' }),
    losingValue: text('losing_value', { mode: 'json' }),
    winningHlc: text('winning_hlc').notNull(),
    losingHlc: text('losing_hlc').notNull(),
    losingDeviceId: text('losing_device_id'),
    losingUserId: text('losing_user_id'),
    createdAt: createdAt(),
  },
  (t) => [index('conflicts_row_idx').on(t.tableName, t.rowId), index('conflicts_brokerage_idx').on(t.brokerageId, t.createdAt)],
);

// ---- Client-only tables (never on the server; the parity test skips the local_ prefix) ----

// Small local settings and the signed-in session's public part (never a secret: those live in the keychain).
export const localSettings = sqliteTable('local_settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: updatedAt(),
});

// The outbox: every local write, queued in the same transaction as its optimistic change, until the
// server has acknowledged it and the table's shape stream has passed the acknowledged log position.
export const localOutbox = sqliteTable(
  'local_outbox',
  {
    // The mutation id sent to the server: increasing per client.
    id: integer('id').primaryKey({ autoIncrement: true }),
    tableName: text('table_name').notNull(),
    op: text('op').notNull(),
    rowId: text('row_id').notNull(),
    changes: text('changes', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    // The field HLCs this edit was made on top of (lets the server tell a concurrent edit from a sequential one).
    baseHlcs: text('base_hlcs', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    hlc: text('hlc').notNull(),
    // pending → acknowledged (ack_seq set) → removed once the stream passes ack_seq; rejected: kept for the UI.
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    ackSeq: integer('ack_seq'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('local_outbox_row_idx').on(t.tableName, t.rowId), index('local_outbox_status_idx').on(t.status, t.id)],
);

// The server's version of rows that have local edits in flight: incoming shape messages update it, and
// the visible row is rebuilt as server version + pending edits, so a pull never clobbers a local edit.
export const localServerRows = sqliteTable(
  'local_server_rows',
  {
    tableName: text('table_name').notNull(),
    rowId: text('row_id').notNull(),
    // Null: the row does not exist on the server (a local insert not yet acknowledged).
    row: text('row', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ columns: [t.tableName, t.rowId] })],
);

// Every valuation this device made of a property, for the value-history chart. Client-local: each device
// derives valuations from the synced facts and market data, and only the current estimate (on
// properties) syncs. `valued_at` is the valuation date (YYYY-MM-DD), not when it was computed: a
// retrospective valuation uses only the sales known before that date.
export const localPropertyValues = sqliteTable(
  'local_property_values',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    propertyId: text('property_id').notNull(),
    valuedAt: text('valued_at').notNull(),
    estimate: real('estimate').notNull(),
    low: real('low').notNull(),
    high: real('high').notNull(),
    confidence: integer('confidence').notNull(),
    modelVersion: text('model_version').notNull(),
    // What caused it: VALUATION_REASONS of electron/ipc/contract.ts (initial, facts_edited, market_sales, …).
    reason: text('reason').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('local_property_values_property_idx').on(t.propertyId, t.valuedAt)],
);

// Where each table's shape stream stands; written in the same transaction as the rows it delivered.
export const localShapes = sqliteTable('local_shapes', {
  tableName: text('table_name').primaryKey(),
  handle: text('handle'),
  offset: text('offset').notNull().default('-1'),
  upToDate: integer('up_to_date', { mode: 'boolean' }).notNull().default(false),
  updatedAt: updatedAt(),
});

// What this device already raised an OS notification for (alerts, task reminders), so a restart never repeats one.
export const localNotified = sqliteTable(
  'local_notified',
  {
    kind: text('kind').notNull(),
    recordId: text('record_id').notNull(),
    notifiedAt: text('notified_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.recordId] })],
);

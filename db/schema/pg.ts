// Postgres schema of the sync server. Its SQLite twin is ./sqlite.ts; db/schema.parity.test.ts
// proves both define the same synced tables and columns. Every tenant row carries brokerage_id.
// Mutable synced rows carry `hlc` (newest edit) and `field_hlcs` (per-field HLC) for last-writer-wins.
import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  bigserial,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });
const createdAt = () => ts('created_at').notNull().default(sql`now()`);
const updatedAt = () => ts('updated_at').notNull().default(sql`now()`);
const hlcColumns = () => ({
  hlc: text('hlc').notNull().default(''),
  fieldHlcs: jsonb('field_hlcs').$type<Record<string, string>>().notNull().default({}),
});

export const brokerages = pgTable('brokerages', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  postalAddress: text('postal_address').notNull().default(''),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  deactivatedAt: ts('deactivated_at'),
});

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    // Null only for platform admins, who belong to no brokerage.
    brokerageId: text('brokerage_id').references(() => brokerages.id),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    territories: jsonb('territories').$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deactivatedAt: ts('deactivated_at'),
  },
  (t) => [uniqueIndex('users_email_uq').on(t.email), index('users_brokerage_idx').on(t.brokerageId)],
);

export const devices = pgTable(
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

export const contacts = pgTable(
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
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
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

export const properties = pgTable(
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
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    bedrooms: integer('bedrooms'),
    bathrooms: doublePrecision('bathrooms'),
    sqftLiving: integer('sqft_living'),
    sqftLot: integer('sqft_lot'),
    floors: doublePrecision('floors'),
    waterfront: boolean('waterfront').notNull().default(false),
    view: integer('view'),
    condition: integer('condition'),
    grade: integer('grade'),
    yrBuilt: integer('yr_built'),
    yrRenovated: integer('yr_renovated'),
    purchaseDate: date('purchase_date', { mode: 'string' }),
    purchasePrice: doublePrecision('purchase_price'),
    loanOriginal: doublePrecision('loan_original'),
    loanRate: doublePrecision('loan_rate'),
    loanTermYears: integer('loan_term_years'),
    estimate: doublePrecision('estimate'),
    estimateLow: doublePrecision('estimate_low'),
    estimateHigh: doublePrecision('estimate_high'),
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
export const marketSales = pgTable(
  'market_sales',
  {
    id: text('id').primaryKey(),
    parcelId: text('parcel_id').notNull(),
    saleDate: date('sale_date', { mode: 'string' }).notNull(),
    price: doublePrecision('price').notNull(),
    bedrooms: integer('bedrooms'),
    bathrooms: doublePrecision('bathrooms'),
    sqftLiving: integer('sqft_living'),
    sqftLot: integer('sqft_lot'),
    floors: doublePrecision('floors'),
    waterfront: boolean('waterfront').notNull().default(false),
    view: integer('view'),
    condition: integer('condition'),
    grade: integer('grade'),
    sqftAbove: integer('sqft_above'),
    sqftBasement: integer('sqft_basement'),
    yrBuilt: integer('yr_built'),
    yrRenovated: integer('yr_renovated'),
    zipcode: text('zipcode'),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    sqftLiving15: integer('sqft_living15'),
    sqftLot15: integer('sqft_lot15'),
    createdAt: createdAt(),
  },
  (t) => [index('market_sales_date_idx').on(t.saleDate), index('market_sales_parcel_idx').on(t.parcelId)],
);

export const events = pgTable(
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
    props: jsonb('props').$type<Record<string, unknown>>().notNull().default({}),
    source: text('source').notNull().default('api'),
    createdAt: createdAt(),
  },
  (t) => [index('events_contact_time_idx').on(t.contactId, t.occurredAt)],
);

export const alerts = pgTable(
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
    probability: doublePrecision('probability').notNull(),
    priority: text('priority').notNull(),
    reasons: jsonb('reasons').$type<unknown[]>().notNull().default([]),
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
export const alertOutcomes = pgTable(
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

export const notes = pgTable(
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

export const tasks = pgTable(
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

export const activities = pgTable(
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

export const campaigns = pgTable('campaigns', {
  id: text('id').primaryKey(),
  brokerageId: text('brokerage_id')
    .notNull()
    .references(() => brokerages.id),
  ownerId: text('owner_id').references(() => users.id),
  name: text('name').notNull(),
  subject: text('subject').notNull().default(''),
  body: text('body').notNull().default(''),
  segment: jsonb('segment').$type<Record<string, unknown>>().notNull().default({}),
  schedule: jsonb('schedule').$type<Record<string, unknown>>().notNull().default({}),
  status: text('status').notNull().default('draft'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  deletedAt: ts('deleted_at'),
  ...hlcColumns(),
});

export const campaignSends = pgTable(
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
    // Asynchronous bounce reports name the message they bounce (POST /v1/campaign-bounces).
    index('campaign_sends_message_idx').on(t.brokerageId, t.messageId),
  ],
);

export const suppressions = pgTable(
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

// Append-only: every concurrent edit that lost per-field last-writer-wins (see db/sync/mutations.ts),
// with both values, so the user sees on the record what was overwritten and the console can list them.
export const conflicts = pgTable(
  'conflicts',
  {
    id: text('id').primaryKey(),
    brokerageId: text('brokerage_id')
      .notNull()
      .references(() => brokerages.id),
    tableName: text('table_name').notNull(),
    rowId: text('row_id').notNull(),
    // The contact the record hangs off (decides which agents see the conflict); null for brokerage-wide rows.
    contactId: text('contact_id'),
    field: text('field').notNull(),
    winningValue: jsonb('winning_value'),
    losingValue: jsonb('losing_value'),
    winningHlc: text('winning_hlc').notNull(),
    losingHlc: text('losing_hlc').notNull(),
    losingDeviceId: text('losing_device_id'),
    losingUserId: text('losing_user_id'),
    createdAt: createdAt(),
  },
  (t) => [index('conflicts_row_idx').on(t.tableName, t.rowId), index('conflicts_brokerage_idx').on(t.brokerageId, t.createdAt)],
);

// ---- Server-only tables (never synced; listed in SERVER_ONLY_TABLES of the parity test) ----

export const userCredentials = pgTable('user_credentials', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id),
  passwordHash: text('password_hash').notNull(),
  totpSecret: text('totp_secret'),
  totpEnabled: boolean('totp_enabled').notNull().default(false),
  recoveryCodeHashes: jsonb('recovery_code_hashes').$type<string[]>().notNull().default([]),
  updatedAt: updatedAt(),
});

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: text('id').primaryKey(),
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
    // Set when rotated; presenting a used token again means it leaked, so the device is revoked.
    usedAt: ts('used_at'),
  },
  (t) => [uniqueIndex('refresh_tokens_hash_uq').on(t.tokenHash), index('refresh_tokens_device_idx').on(t.deviceId)],
);

// Server-wide settings shared by every server process on the database (e.g. the generated JWT
// signing secret, so tokens issued by one instance verify on another).
export const serverSettings = pgTable('server_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

// ---- Sync engine (server-only; see sync-server/sync and db/migrations/pg/*_sync_change_log.sql) ----

// The change log every shape is read from. Filled only by the triggers on synced tables, in commit
// order: the triggers serialise writing transactions (an advisory lock taken before the first row is
// touched), so a visible seq implies every smaller seq is visible or rolled back.
export const syncChanges = pgTable(
  'sync_changes',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    tableName: text('table_name').notNull(),
    // Null only for global tables (market_sales).
    brokerageId: text('brokerage_id'),
    // Null: every user of the brokerage may see the row; otherwise the agents who may ('' = every agent).
    scope: text('scope').array(),
    op: text('op').notNull(),
    rowId: text('row_id').notNull(),
    // insert: the whole row; update: the id and the changed columns; delete: the id.
    row: jsonb('row').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sync_changes_shape_idx').on(t.tableName, t.brokerageId, t.seq), index('sync_changes_created_idx').on(t.createdAt)],
);

// One row per shape handle ever issued: who it belongs to, the scope it was built for and the log
// position its initial snapshot started from. Kept in the database so any server instance can serve it.
export const syncShapes = pgTable('sync_shapes', {
  handle: text('handle').primaryKey(),
  userId: text('user_id').notNull(),
  tableName: text('table_name').notNull(),
  scopeKey: text('scope_key').notNull(),
  snapshotSeq: bigint('snapshot_seq', { mode: 'number' }).notNull(),
  createdAt: createdAt(),
});

// Keyset cursor of each page of a shape's initial snapshot (offset 0_<page> resumes after after_id).
export const syncSnapshotCursors = pgTable(
  'sync_snapshot_cursors',
  {
    handle: text('handle').notNull(),
    page: integer('page').notNull(),
    afterId: text('after_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.handle, t.page] })],
);

// The newest mutation id applied per client (device): a replayed id is acknowledged, never re-applied.
export const syncClientMutations = pgTable('sync_client_mutations', {
  clientId: text('client_id').primaryKey(),
  userId: text('user_id').notNull(),
  lastMutationId: bigint('last_mutation_id', { mode: 'number' }).notNull(),
  updatedAt: updatedAt(),
});

// ---- Event ingestion (server-only; see sync-server/ingest) ----

// API keys for POST /v1/events. Only a hash is stored; the key is shown once when created.
export const serverIngestKeys = pgTable(
  'server_ingest_keys',
  {
    id: text('id').primaryKey(),
    brokerageId: text('brokerage_id')
      .notNull()
      .references(() => brokerages.id),
    keyHash: text('key_hash').notNull(),
    label: text('label').notNull().default(''),
    createdAt: createdAt(),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('server_ingest_keys_hash_uq').on(t.keyHash)],
);

// Shared secrets of signed webhooks (HMAC-SHA256 needs the secret itself, so it is stored as given).
export const serverWebhookSecrets = pgTable('server_webhook_secrets', {
  id: text('id').primaryKey(),
  brokerageId: text('brokerage_id')
    .notNull()
    .references(() => brokerages.id),
  secret: text('secret').notNull(),
  createdAt: createdAt(),
  revokedAt: ts('revoked_at'),
});

// ---- Model registry (server-only; see sync-server/models) ----

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

// Versions of the intent and valuation models. Devices download the active version of each name,
// check its sha256 and swap it in; every alert carries the version that produced it.
export const serverModels = pgTable(
  'server_models',
  {
    id: text('id').primaryKey(),
    // intent-sell, intent-buy, intent-refinance, intent-investment, avm
    name: text('name').notNull(),
    version: text('version').notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    content: bytea('content').notNull(),
    // Companion data the runtime needs (e.g. calibration tables) and the model card's metrics.
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    active: boolean('active').notNull().default(false),
    createdAt: createdAt(),
    activatedAt: ts('activated_at'),
  },
  (t) => [
    uniqueIndex('server_models_name_version_uq').on(t.name, t.version),
    uniqueIndex('server_models_active_uq').on(t.name).where(sql`${t.active}`),
  ],
);

// ---- Web console (server-only; see sync-server/console) ----

// Console sign-in sessions: the cookie carries the id, only its hash is stored; the CSRF token is bound to it.
export const serverConsoleSessions = pgTable(
  'server_console_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    lastSeenAt: ts('last_seen_at').notNull().default(sql`now()`),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('server_console_sessions_user_idx').on(t.userId)],
);

// Who did what when: every console action and every security-relevant server action.
export const serverAuditLog = pgTable(
  'server_audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    // Null for platform-level actions (e.g. creating a brokerage).
    brokerageId: text('brokerage_id'),
    actorId: text('actor_id'),
    actorEmail: text('actor_email').notNull().default(''),
    action: text('action').notNull(),
    targetType: text('target_type').notNull().default(''),
    targetId: text('target_id').notNull().default(''),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    ip: text('ip').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [index('server_audit_log_brokerage_idx').on(t.brokerageId, t.createdAt), index('server_audit_log_created_idx').on(t.createdAt)],
);

// One-time invitation links: only the token's hash is stored; used_at set when the invitee picks a password.
export const serverInvites = pgTable(
  'server_invites',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [uniqueIndex('server_invites_token_uq').on(t.tokenHash)],
);

// ---- Campaigns (server-only; see sync-server/campaigns) ----

// Who may send a campaign run right now: one device holds the lease, renews it while sending and
// releases it (completed) at the end, so two devices of the same user never both send the same run.
export const serverCampaignClaims = pgTable(
  'server_campaign_claims',
  {
    runId: text('run_id').primaryKey(),
    brokerageId: text('brokerage_id')
      .notNull()
      .references(() => brokerages.id),
    campaignId: text('campaign_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    deviceId: text('device_id').notNull(),
    leaseExpiresAt: ts('lease_expires_at').notNull(),
    // Bumped each time the lease changes hands: a renewal must present the generation it holds.
    generation: integer('generation').notNull().default(1),
    completedAt: ts('completed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('server_campaign_claims_campaign_idx').on(t.campaignId)],
);

// The server's write-ahead record of a run: a device reserves each recipient here (and only then gets
// the recipient's tracking links) before it hands the message to its mail server. A device that takes a
// run over after another crashed learns which recipients the crashed device may already have sent to,
// even when that device's own send log never reached the server.
export const serverCampaignReservations = pgTable(
  'server_campaign_reservations',
  {
    runId: text('run_id').notNull(),
    contactId: text('contact_id').notNull(),
    brokerageId: text('brokerage_id')
      .notNull()
      .references(() => brokerages.id),
    deviceId: text('device_id').notNull(),
    reservedAt: ts('reserved_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.contactId] })],
);

// Small, deterministic tenant data for the sync-engine tests (seeding the demo takes ~10 s), plus the
// few protocol helpers those tests share: sign-in, the raw Shape API, and a replica fed by the real
// @electric-sql/client ShapeStream.
//
//   const t = await seedTenant(server.db, 'a');   // brokerage brk-a, a manager, agents A and B, …
//   const session = await signIn(server.url, t.agentA);
//   const synced = await syncShape(server.url, session.accessToken, 'contacts');
//   const replica = streamShape(server.url, 'contacts', { token: session.accessToken });
//
// Row ids are "<key>-<kind>-<owner>" where owner is a (contact of agent A), b (agent B) or u (an
// unassigned contact), so a test reads at a glance whose row it received.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { isChangeMessage, isControlMessage, ShapeStream, type ChangeMessage, type Message, type Row, type ShapeStreamOptions } from '@electric-sql/client';
import {
  activities,
  alertOutcomes,
  alerts,
  brokerages,
  campaigns,
  campaignSends,
  conflicts,
  contacts,
  events,
  marketSales,
  notes,
  properties,
  suppressions,
  tasks,
} from '../../db/schema/pg.ts';
import type { ShapeTable } from '../../db/sync/shape-tables.ts';
import type { ServerDb } from '../database.ts';
import { createSyncServer, type SyncServer, type SyncServerOptions } from '../server.ts';
import type { TestDatabase } from './test-databases.ts';
import { createTestUser, TEST_JWT_SECRET, type AnyJson, type TestUser } from './test-server.ts';

export const OWNERS = ['a', 'b', 'u'] as const;
export type Owner = (typeof OWNERS)[number];

/** Tables whose rows hang off a contact, one per contact in the fixture. */
export const CONTACT_DEPENDENTS = ['properties', 'events', 'alerts', 'alert_outcomes', 'notes', 'tasks', 'activities', 'campaign_sends', 'conflicts'] as const;

export type Tenant = {
  key: string;
  brokerageId: string;
  manager: TestUser;
  agentA: TestUser;
  agentB: TestUser;
  /** Every row id of this tenant per shape table, as seeded (market_sales is global: empty here). */
  ids: Record<ShapeTable, string[]>;
};

export const rowId = (key: string, kind: string, owner: Owner | string) => `${key}-${kind}-${owner}`;

const KIND: Record<(typeof CONTACT_DEPENDENTS)[number] | 'contacts', string> = {
  contacts: 'contact',
  properties: 'property',
  events: 'event',
  alerts: 'alert',
  alert_outcomes: 'outcome',
  notes: 'note',
  tasks: 'task',
  activities: 'activity',
  campaign_sends: 'send',
  conflicts: 'conflict',
};

/** The id of `table`'s fixture row hanging off the contact of `owner`. */
export const fixtureId = (key: string, table: keyof typeof KIND, owner: Owner) => rowId(key, KIND[table], owner);

const T0 = '2026-01-05T10:00:00.000Z';

/**
 * One brokerage with a manager and two agents, three contacts (agent A's, agent B's, unassigned) and
 * one row of every contact-dependent table per contact, plus a contact-less property and task, a
 * campaign and a suppression. Every row goes through the change-log triggers like any other write.
 */
export async function seedTenant(database: ServerDb, key: string): Promise<Tenant> {
  // One transaction: a commit per statement costs PGlite more than the inserts themselves.
  return database.transaction((tx) => seedTenantIn(tx, key));
}

async function seedTenantIn(db: ServerDb, key: string): Promise<Tenant> {
  const brokerageId = `brk-${key}`;
  await db.insert(brokerages).values({ id: brokerageId, name: `Realty ${key.toUpperCase()}`, settings: { tier: key } });
  const manager = await createTestUser(db, { role: 'manager', brokerageId, email: `${key}-manager@example.test`, name: `Manager ${key}` });
  const agentA = await createTestUser(db, { role: 'agent', brokerageId, email: `${key}-agent-a@example.test`, name: `Agent A ${key}` });
  const agentB = await createTestUser(db, { role: 'agent', brokerageId, email: `${key}-agent-b@example.test`, name: `Agent B ${key}` });
  const agentOf: Record<Owner, string | null> = { a: agentA.id, b: agentB.id, u: null };
  const id = (table: keyof typeof KIND, owner: Owner) => fixtureId(key, table, owner);
  const common = { brokerageId };

  await db.insert(contacts).values(
    OWNERS.map((o, i) => ({
      ...common,
      id: id('contacts', o),
      assignedAgentId: agentOf[o],
      firstName: `First ${o}`,
      lastName: `Last ${key}`,
      email: `${key}-${o}@home.test`,
      tags: ['fixture', o],
      householdSize: i + 2,
      zipcode: '98103',
    })),
  );
  await db.insert(properties).values([
    ...OWNERS.map((o, i) => ({
      ...common,
      id: id('properties', o),
      contactId: id('contacts', o),
      address: `${i + 1} Main St`,
      bedrooms: 3 + i,
      bathrooms: 2.5,
      waterfront: o === 'a',
      estimate: 750_000.5 + i,
      purchaseDate: '2015-06-01',
      estimatedAt: T0,
    })),
    { ...common, id: rowId(key, 'property', 'none'), contactId: null, address: 'Vacant lot' },
  ]);
  await db.insert(events).values(
    OWNERS.map((o) => ({ ...common, id: id('events', o), contactId: id('contacts', o), type: 'home_value_checked', occurredAt: T0, props: { page: o, n: 1 } })),
  );
  await db.insert(alerts).values(
    OWNERS.map((o) => ({
      ...common,
      id: id('alerts', o),
      contactId: id('contacts', o),
      propertyId: id('properties', o),
      type: 'sell',
      probability: 0.8,
      priority: 'HIGH',
      reasons: [{ code: 'fixture' }],
    })),
  );
  await db.insert(alertOutcomes).values(
    OWNERS.map((o) => ({ ...common, id: id('alert_outcomes', o), alertId: id('alerts', o), contactId: id('contacts', o), outcome: 'called', occurredAt: T0 })),
  );
  await db.insert(notes).values(OWNERS.map((o) => ({ ...common, id: id('notes', o), contactId: id('contacts', o), authorId: manager.id, body: `Note about ${o}` })));
  await db.insert(tasks).values([
    ...OWNERS.map((o) => ({ ...common, id: id('tasks', o), contactId: id('contacts', o), title: `Call ${o}`, createdBy: manager.id })),
    { ...common, id: rowId(key, 'task', 'none'), contactId: null, assigneeId: null, title: 'Office chores' },
  ]);
  await db.insert(activities).values(
    OWNERS.map((o) => ({ ...common, id: id('activities', o), contactId: id('contacts', o), userId: manager.id, kind: 'call', occurredAt: T0 })),
  );
  await db.insert(campaigns).values({ ...common, id: rowId(key, 'campaign', 'all'), ownerId: manager.id, name: `Spring ${key}`, segment: { stage: 'lead' } });
  await db.insert(campaignSends).values(
    OWNERS.map((o) => ({ ...common, id: id('campaign_sends', o), campaignId: rowId(key, 'campaign', 'all'), runId: `${key}-run-1`, contactId: id('contacts', o), email: `${key}-${o}@home.test` })),
  );
  await db.insert(suppressions).values({ ...common, id: rowId(key, 'suppression', 'all'), email: `${key}-gone@home.test`, reason: 'unsubscribed' });
  await db.insert(conflicts).values(
    OWNERS.map((o) => ({
      ...common,
      id: id('conflicts', o),
      tableName: 'contacts',
      rowId: id('contacts', o),
      contactId: id('contacts', o),
      field: 'phone',
      winningValue: '555-0001',
      losingValue: '555-0002',
      winningHlc: '001767607200000:00000:dev-1',
      losingHlc: '001767607100000:00000:dev-2',
    })),
  );

  const perOwner = (table: keyof typeof KIND) => OWNERS.map((o) => id(table, o));
  const ids: Record<ShapeTable, string[]> = {
    brokerages: [brokerageId],
    users: [manager.id, agentA.id, agentB.id],
    contacts: perOwner('contacts'),
    properties: [...perOwner('properties'), rowId(key, 'property', 'none')],
    market_sales: [],
    events: perOwner('events'),
    alerts: perOwner('alerts'),
    alert_outcomes: perOwner('alert_outcomes'),
    notes: perOwner('notes'),
    tasks: [...perOwner('tasks'), rowId(key, 'task', 'none')],
    activities: perOwner('activities'),
    campaigns: [rowId(key, 'campaign', 'all')],
    campaign_sends: perOwner('campaign_sends'),
    suppressions: [rowId(key, 'suppression', 'all')],
    conflicts: perOwner('conflicts'),
  };
  return { key, brokerageId, manager, agentA, agentB, ids };
}

/** Two public market sales (global rows, no brokerage). */
export async function seedMarketSales(db: ServerDb): Promise<string[]> {
  const rows = [1, 2].map((n) => ({
    id: `ms-${n}`,
    parcelId: `P-${n}`,
    saleDate: '2025-03-0' + n,
    price: 500_000 + n,
    lat: 47.6,
    lng: -122.3,
    zipcode: '98103',
  }));
  await db.insert(marketSales).values(rows);
  return rows.map((r) => r.id);
}

// ---- Sessions ----

export type Session = { accessToken: string; refreshToken: string; deviceId: string; user: AnyJson };

export async function signIn(baseUrl: string, user: Pick<TestUser, 'email' | 'password'>, deviceName = 'Test laptop'): Promise<Session> {
  const response = await fetch(`${baseUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password, deviceName }),
  });
  const body = (await response.json()) as AnyJson;
  if (response.status !== 200) throw new Error(`Sign-in of ${user.email} failed: ${response.status} ${JSON.stringify(body)}`);
  return body as Session;
}

// ---- The raw Shape API ----

export type ShapeResponse = {
  status: number;
  headers: Headers;
  /** The parsed JSON body (an array of messages on 2xx/409). */
  body: AnyJson;
  handle: string | null;
  offset: string | null;
  upToDate: boolean;
};

export async function getShape(baseUrl: string, token: string | null, params: Record<string, string> | string, init: { signal?: AbortSignal } = {}): Promise<ShapeResponse> {
  const query = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  const response = await fetch(`${baseUrl}/v1/shape?${query}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text so the assertion shows it.
  }
  return {
    status: response.status,
    headers: response.headers,
    body,
    handle: response.headers.get('electric-handle'),
    offset: response.headers.get('electric-offset'),
    upToDate: response.headers.has('electric-up-to-date'),
  };
}

/** Text-form rows keyed by id, as a replica applying the raw messages would hold them. */
export type RawRows = Map<string, Record<string, string | null>>;

/** Applies raw change messages (insert = upsert, update = patch, delete = remove); returns the change messages. */
export function applyRaw(rows: RawRows, messages: AnyJson[]): AnyJson[] {
  const changes: AnyJson[] = [];
  for (const message of messages) {
    if (message.headers?.control === 'must-refetch') rows.clear();
    if (!message.key) continue;
    changes.push(message);
    const id = message.value.id as string;
    const op = message.headers.operation;
    if (op === 'delete') rows.delete(id);
    else if (op === 'update') rows.set(id, { ...rows.get(id), ...message.value });
    else rows.set(id, { ...message.value });
  }
  return changes;
}

export type RawSync = { handle: string; offset: string; rows: RawRows; responses: ShapeResponse[]; messages: AnyJson[] };

/** Pages a shape from offset -1 (or where `from` left off) until a response is up-to-date, as the client does. */
export async function syncShape(
  baseUrl: string,
  token: string,
  table: string,
  options: { from?: RawSync; extra?: Record<string, string>; maxRequests?: number } = {},
): Promise<RawSync> {
  const state: RawSync = options.from
    ? { ...options.from, responses: [], messages: [] }
    : { handle: '', offset: '-1', rows: new Map(), responses: [], messages: [] };
  for (let i = 0; i < (options.maxRequests ?? 100); i += 1) {
    const params: Record<string, string> = { ...options.extra, table, offset: state.offset };
    if (state.offset !== '-1') params.handle = state.handle;
    const res = await getShape(baseUrl, token, params);
    if (res.status !== 200) throw new Error(`GET /v1/shape ${new URLSearchParams(params)} → ${res.status} ${JSON.stringify(res.body)}`);
    state.responses.push(res);
    state.messages.push(...res.body);
    applyRaw(state.rows, res.body);
    state.handle = res.handle!;
    state.offset = res.offset!;
    if (res.upToDate) return state;
  }
  throw new Error(`${table} was not up-to-date after ${options.maxRequests ?? 100} requests`);
}

// ---- The real client ----

export type StreamReplica = {
  stream: ShapeStream<Row>;
  /** Parsed rows keyed by id, maintained from the messages like the app's replica. */
  rows: Map<string, Row>;
  /** Every message batch delivered to the subscriber, in order. */
  batches: Message<Row>[][];
  /** Every change message, in order. */
  changes: ChangeMessage<Row>[];
  upToDates: number;
  mustRefetches: number;
  /** Errors given to onError (each one is also retried or not per options.onError). */
  errors: Error[];
  /** stream.lastOffset after each batch. */
  offsets: string[];
  /** Every HTTP response the stream received (status, headers), in order of arrival. */
  responses: { url: URL; status: number; headers: Headers }[];
  /** Stops the stream (aborts its in-flight request). */
  stop(): void;
};

export function streamShape(
  baseUrl: string,
  table: string,
  options: {
    token: string | (() => string);
    onError?: ShapeStreamOptions['onError'];
    offset?: ShapeStreamOptions['offset'];
    handle?: string;
    params?: Record<string, string>;
  },
): StreamReplica {
  const abort = new AbortController();
  const token = options.token;
  const replica: StreamReplica = {
    stream: undefined as never,
    rows: new Map(),
    batches: [],
    changes: [],
    upToDates: 0,
    mustRefetches: 0,
    errors: [],
    offsets: [],
    responses: [],
    stop: () => abort.abort(),
  };
  replica.stream = new ShapeStream<Row>({
    url: `${baseUrl}/v1/shape`,
    params: { table, ...options.params },
    headers: { authorization: typeof token === 'string' ? `Bearer ${token}` : () => `Bearer ${token()}` },
    signal: abort.signal,
    fetchClient: async (input, init) => {
      const response = await fetch(input, init);
      replica.responses.push({ url: new URL(input instanceof Request ? input.url : String(input)), status: response.status, headers: response.headers });
      return response;
    },
    ...(options.offset ? { offset: options.offset } : {}),
    ...(options.handle ? { handle: options.handle } : {}),
    // Fast retries: a test should not wait out production backoff.
    backoffOptions: { initialDelay: 20, maxDelay: 200, multiplier: 2 },
    onError: async (error) => {
      replica.errors.push(error);
      return options.onError ? options.onError(error) : undefined;
    },
  });
  replica.stream.subscribe(
    (messages) => {
      replica.batches.push(messages);
      for (const message of messages) {
        if (isControlMessage(message)) {
          if (message.headers.control === 'up-to-date') replica.upToDates += 1;
          if (message.headers.control === 'must-refetch') {
            replica.mustRefetches += 1;
            replica.rows.clear();
          }
          continue;
        }
        if (!isChangeMessage(message)) continue;
        replica.changes.push(message);
        const id = String(message.value.id);
        if (message.headers.operation === 'delete') replica.rows.delete(id);
        else if (message.headers.operation === 'update') replica.rows.set(id, { ...replica.rows.get(id), ...message.value });
        else replica.rows.set(id, { ...message.value });
      }
      replica.offsets.push(replica.stream.lastOffset);
    },
    (error) => replica.errors.push(error),
  );
  return replica;
}

/** Polls `check` until it returns true; throws `what` (and the last state) after `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/** Log offsets "<P+1>_0" as numbers (snapshot offsets "0_<n>" and -1 sort before every log offset). */
export function offsetRank(offset: string): number {
  if (offset === '-1') return -1;
  const [tx, op] = offset.split('_').map(Number) as [number, number];
  return tx === 0 ? op / 1e9 : tx;
}

// ---- Servers ----

/**
 * Closes a test server quickly. After a ShapeStream is aborted, Node's fetch leaves an unused connection
 * open; the server itself destroys such sockets after a 3 s grace (see close() in server.ts), which is
 * long for suites that close many servers, so tests cut it to 300 ms.
 */
export function closableServer<S extends { app: { server: Server }; close(): Promise<void> }>(server: S): S & { closeNow(): Promise<void> } {
  const sockets = new Set<Socket>();
  server.app.server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return Object.assign(server, {
    async closeNow() {
      const closing = server.close();
      const timer = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, 300);
      try {
        await closing;
      } finally {
        clearTimeout(timer);
      }
    },
  });
}

export type SyncTestServer = SyncServer & { db: ServerDb; closeNow(): Promise<void> };

/** A sync server on an existing test database (several servers may share one: scale-out). */
export async function startServerOn(database: TestDatabase, options: Partial<SyncServerOptions> = {}): Promise<SyncTestServer> {
  const server = await createSyncServer({
    dataDir: database.dataDir,
    ...(database.databaseUrl ? { databaseUrl: database.databaseUrl } : {}),
    port: 0,
    logger: false,
    jwtSecret: TEST_JWT_SECRET,
    ...options,
  });
  return closableServer(Object.assign(server, { db: server.database.db }));
}

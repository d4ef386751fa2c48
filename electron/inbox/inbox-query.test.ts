// The inbox query on a small seeded replica: ordering, filters, keyset paging (no duplicates or gaps,
// stable under ties), soft-deleted contacts, counts, and the query plan the speed depends on.
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { alerts, brokerages, contacts, properties, users } from '../../db/schema/sqlite.ts';
import { ALERT_PRIORITIES, ALERT_STATUSES, INTENT_TYPES, type AlertPriority, type AlertStatus, type IntentType } from '../../db/schema/vocabulary.ts';
import { openLocalStore, type LocalStore } from '../store/local-store.ts';
import {
  createInboxQueries,
  InboxQueryError,
  PRIORITY_RANK,
  priorityRank,
  priorityRankSql,
  type InboxFilters,
  type InboxQueries,
  type InboxRow,
} from './inbox-query.ts';

const B1 = 'brokerage-1';
const B2 = 'brokerage-2';
const AGENT_A = 'agent-a';
const AGENT_B = 'agent-b';

type AlertSeed = {
  id: string;
  brokerageId?: string;
  contactId?: string;
  propertyId?: string | null;
  type?: IntentType;
  probability: number;
  priority: string; // a string, not AlertPriority: replicas may hold values from a newer app version
  status?: AlertStatus;
  assignedAgentId?: string | null;
  createdAt?: string;
};

let store: LocalStore;
let inbox: InboxQueries;

function seedBase(): void {
  const { db } = store;
  db.insert(brokerages).values([{ id: B1, name: 'One' }, { id: B2, name: 'Two' }]).run();
  db.insert(users)
    .values([
      { id: AGENT_A, brokerageId: B1, email: 'a@x.example', name: 'Agent A', role: 'agent' },
      { id: AGENT_B, brokerageId: B1, email: 'b@x.example', name: 'Agent B', role: 'agent' },
    ])
    .run();
  db.insert(contacts)
    .values([
      { id: 'c-live', brokerageId: B1, firstName: 'Ada', lastName: 'Live' },
      { id: 'c-other', brokerageId: B1, firstName: 'Bo', lastName: 'Other' },
      { id: 'c-deleted', brokerageId: B1, firstName: 'Del', lastName: 'Eted', deletedAt: '2025-01-01T00:00:00.000Z' },
      { id: 'c-b2', brokerageId: B2, firstName: 'Cy', lastName: 'Second' },
    ])
    .run();
  db.insert(properties)
    .values([
      { id: 'p-live', brokerageId: B1, contactId: 'c-live', address: '1 Pine St, Seattle, WA 98101' },
      { id: 'p-deleted', brokerageId: B1, contactId: 'c-other', address: 'gone', deletedAt: '2025-01-01T00:00:00.000Z' },
    ])
    .run();
}

function seedAlerts(seeds: readonly AlertSeed[]): void {
  store.db.delete(alerts).run();
  if (seeds.length === 0) return;
  store.db
    .insert(alerts)
    .values(
      seeds.map((s) => ({
        id: s.id,
        brokerageId: s.brokerageId ?? B1,
        contactId: s.contactId ?? 'c-live',
        propertyId: s.propertyId === undefined ? 'p-live' : s.propertyId,
        type: s.type ?? 'sell',
        probability: s.probability,
        priority: s.priority,
        status: s.status ?? 'new',
        assignedAgentId: s.assignedAgentId === undefined ? AGENT_A : s.assignedAgentId,
        createdAt: s.createdAt ?? '2025-06-01T00:00:00.000Z',
        reasons: [{ text: `reason of ${s.id}` }],
      })),
    )
    .run();
}

/** Every page, following cursors; fails on a loop. */
function allPages(filters: InboxFilters, limit: number): { rows: InboxRow[]; pages: number } {
  const rows: InboxRow[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = inbox.queryInbox(filters, { cursor, limit });
    pages++;
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor) expect(page.rows.length).toBe(limit);
    rows.push(...page.rows);
    cursor = page.nextCursor;
    if (pages > 1_000) throw new Error('pagination does not terminate');
  } while (cursor);
  return { rows, pages };
}

/** The specification, in plain TypeScript: filter the seeds and sort them. */
function expected(seeds: readonly AlertSeed[], filters: InboxFilters): string[] {
  const hidden = new Set(['c-deleted']);
  return seeds
    .filter((s) => (s.brokerageId ?? B1) === filters.brokerageId && !hidden.has(s.contactId ?? 'c-live'))
    .filter((s) => !filters.statuses || filters.statuses.includes(s.status ?? 'new'))
    .filter((s) => !filters.priorities || (filters.priorities as readonly string[]).includes(s.priority))
    .filter((s) => !filters.types || filters.types.includes(s.type ?? 'sell'))
    .filter((s) => filters.assignedAgentId === undefined || filters.assignedAgentId === (s.assignedAgentId === undefined ? AGENT_A : s.assignedAgentId))
    .sort(
      (a, b) =>
        priorityRank(b.priority) - priorityRank(a.priority) ||
        b.probability - a.probability ||
        (b.createdAt ?? '2025-06-01T00:00:00.000Z').localeCompare(a.createdAt ?? '2025-06-01T00:00:00.000Z') ||
        (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
    )
    .map((s) => s.id);
}

beforeAll(() => {
  store = openLocalStore(':memory:');
  seedBase();
});
afterAll(() => store.close());
beforeEach(() => {
  inbox = createInboxQueries(store.db);
});

describe('priority rank', () => {
  it('the SQL expression and PRIORITY_RANK agree, and unknown priorities rank below LOW', () => {
    const priorities = [...ALERT_PRIORITIES, 'URGENT', ''];
    seedAlerts(priorities.map((priority, i) => ({ id: `p${i}`, priority, probability: 0.7 })));
    const rows = store.db.select({ priority: alerts.priority, rank: priorityRankSql }).from(alerts).all();
    expect(rows).toHaveLength(priorities.length);
    for (const row of rows) expect(row.rank, row.priority).toBe(priorityRank(row.priority));
    expect(ALERT_PRIORITIES.map((p) => PRIORITY_RANK[p])).toEqual([3, 2, 1, 0]);
    expect(priorityRank('URGENT')).toBe(-1);
  });
});

describe('queryInbox', () => {
  const seeds: AlertSeed[] = [
    { id: 'low-hi-prob', probability: 0.64, priority: 'LOW' },
    { id: 'crit-1', probability: 0.91, priority: 'CRITICAL' },
    { id: 'crit-2', probability: 0.97, priority: 'CRITICAL' },
    { id: 'high-old', probability: 0.85, priority: 'HIGH', createdAt: '2025-01-01T00:00:00.000Z' },
    { id: 'high-new', probability: 0.85, priority: 'HIGH', createdAt: '2025-07-01T00:00:00.000Z' },
    // A priority that disagrees with the probability: rank wins, probability only breaks ties.
    { id: 'medium-0.95', probability: 0.95, priority: 'MEDIUM' },
    { id: 'viewed', probability: 0.8, priority: 'HIGH', status: 'viewed' },
    { id: 'dismissed', probability: 0.93, priority: 'CRITICAL', status: 'dismissed' },
    { id: 'refi-b', probability: 0.7, priority: 'MEDIUM', type: 'refinance', assignedAgentId: AGENT_B },
    { id: 'unassigned', probability: 0.66, priority: 'MEDIUM', assignedAgentId: null },
    { id: 'of-deleted-contact', probability: 0.98, priority: 'CRITICAL', contactId: 'c-deleted' },
    { id: 'deleted-property', probability: 0.6, priority: 'LOW', contactId: 'c-other', propertyId: 'p-deleted' },
    { id: 'no-property', probability: 0.55, priority: 'LOW', propertyId: null },
    { id: 'future-priority', probability: 0.99, priority: 'URGENT' },
    { id: 'other-brokerage', probability: 0.99, priority: 'CRITICAL', brokerageId: B2, contactId: 'c-b2' },
  ];
  beforeEach(() => seedAlerts(seeds));

  it('sorts by priority rank, then probability, then newest, and joins contact and property', () => {
    const { rows, nextCursor } = inbox.queryInbox({ brokerageId: B1 });
    expect(nextCursor).toBeNull();
    expect(rows.map((r) => r.id)).toEqual([
      'crit-2',
      'dismissed',
      'crit-1',
      'high-new',
      'high-old',
      'viewed',
      'medium-0.95',
      'refi-b',
      'unassigned',
      'low-hi-prob',
      'deleted-property',
      'no-property',
      'future-priority',
    ]);
    const first = rows[0]!;
    expect(first).toMatchObject({
      contactId: 'c-live',
      contactFirstName: 'Ada',
      contactLastName: 'Live',
      propertyId: 'p-live',
      propertyAddress: '1 Pine St, Seattle, WA 98101',
      priority: 'CRITICAL',
      status: 'new',
      type: 'sell',
    });
    expect(first.reasons).toEqual([{ text: 'reason of crit-2' }]); // JSON decoded by the schema's column type
    // A soft-deleted property hides its address, not the alert.
    expect(rows.find((r) => r.id === 'deleted-property')).toMatchObject({ propertyAddress: null, contactFirstName: 'Bo' });
    expect(rows.find((r) => r.id === 'no-property')).toMatchObject({ propertyId: null, propertyAddress: null });
  });

  it("never lists or counts the alerts of soft-deleted contacts", () => {
    const filters = { brokerageId: B1 };
    expect(inbox.queryInbox(filters).rows.map((r) => r.id)).not.toContain('of-deleted-contact');
    expect(inbox.countInbox(filters)).toBe(13);
    expect(inbox.countInbox({ brokerageId: B1, priorities: ['CRITICAL'] })).toBe(3);
  });

  it('filters by statuses, priorities, types, assigned agent and brokerage', () => {
    const ids = (filters: InboxFilters) => inbox.queryInbox(filters).rows.map((r) => r.id);
    expect(ids({ brokerageId: B1, statuses: ['new', 'viewed'], priorities: ['CRITICAL', 'HIGH'] })).toEqual(['crit-2', 'crit-1', 'high-new', 'high-old', 'viewed']);
    expect(ids({ brokerageId: B1, statuses: ['viewed'] })).toEqual(['viewed']);
    expect(ids({ brokerageId: B1, priorities: ['LOW', 'CRITICAL'] })).toEqual(['crit-2', 'dismissed', 'crit-1', 'low-hi-prob', 'deleted-property', 'no-property']);
    expect(ids({ brokerageId: B1, types: ['refinance'] })).toEqual(['refi-b']);
    expect(ids({ brokerageId: B1, assignedAgentId: AGENT_B })).toEqual(['refi-b']);
    expect(ids({ brokerageId: B1, assignedAgentId: null })).toEqual(['unassigned']);
    expect(ids({ brokerageId: B2 })).toEqual(['other-brokerage']);
    // Duplicates in a list are harmless; an empty list matches nothing.
    expect(ids({ brokerageId: B1, statuses: ['viewed', 'viewed'] })).toEqual(['viewed']);
    expect(ids({ brokerageId: B1, statuses: [] })).toEqual([]);
    expect(inbox.countInbox({ brokerageId: B1, types: [] })).toBe(0);
  });

  it('counts what it lists, for every filter', () => {
    const cases: InboxFilters[] = [
      { brokerageId: B1 },
      { brokerageId: B1, statuses: ['new', 'viewed'], priorities: ['CRITICAL', 'HIGH'] },
      { brokerageId: B1, types: ['sell'], assignedAgentId: AGENT_A },
      { brokerageId: B1, assignedAgentId: null },
      { brokerageId: B2, statuses: ['new'] },
    ];
    for (const filters of cases) expect(inbox.countInbox(filters), JSON.stringify(filters)).toBe(inbox.queryInbox(filters, { limit: 200 }).rows.length);
  });

  it('rejects bad input with InboxQueryError', () => {
    expect(() => inbox.queryInbox({ brokerageId: '' })).toThrow(InboxQueryError);
    expect(() => inbox.queryInbox({ brokerageId: B1, statuses: ['open' as AlertStatus] })).toThrow(/Unknown status 'open'/);
    expect(() => inbox.queryInbox({ brokerageId: B1, priorities: ['URGENT' as AlertPriority] })).toThrow(InboxQueryError);
    expect(() => inbox.queryInbox({ brokerageId: B1 }, { limit: 0 })).toThrow(InboxQueryError);
    expect(() => inbox.queryInbox({ brokerageId: B1 }, { limit: 1000 })).toThrow(InboxQueryError);
    expect(() => inbox.queryInbox({ brokerageId: B1 }, { cursor: 'not-a-cursor' })).toThrow(InboxQueryError);
    expect(() => inbox.queryInbox({ brokerageId: B1 }, { cursor: Buffer.from('[1,2]').toString('base64url') })).toThrow(InboxQueryError);
  });
});

describe('keyset pagination', () => {
  it('walks every row exactly once, in order, across pages and ranks (with ties on everything but id)', () => {
    const seeds: AlertSeed[] = [];
    for (let i = 0; i < 37; i++) {
      const priority = ALERT_PRIORITIES[i % 4]!;
      // Only 3 distinct (probability, created_at) pairs per priority: most rows tie on both.
      seeds.push({ id: `a${String(i).padStart(2, '0')}`, priority, probability: 0.6 + (i % 3) * 0.01, createdAt: `2025-0${1 + (i % 2)}-01T00:00:00.000Z` });
    }
    seedAlerts(seeds);
    const filters = { brokerageId: B1 };
    const want = expected(seeds, filters);
    for (const limit of [1, 5, 7, 37, 50]) {
      const { rows, pages } = allPages(filters, limit);
      expect(rows.map((r) => r.id), `limit ${limit}`).toEqual(want);
      expect(pages).toBe(Math.max(1, Math.ceil(want.length / limit))); // no empty trailing page
    }
  });

  it('keeps its place when rows before the cursor change, and continues in lower ranks when the filter drops the cursor rank', () => {
    const seeds: AlertSeed[] = [
      { id: 'h1', probability: 0.89, priority: 'HIGH' },
      { id: 'h2', probability: 0.88, priority: 'HIGH' },
      { id: 'h3', probability: 0.87, priority: 'HIGH' },
      { id: 'm1', probability: 0.7, priority: 'MEDIUM' },
      { id: 'm2', probability: 0.69, priority: 'MEDIUM' },
    ];
    seedAlerts(seeds);
    const first = inbox.queryInbox({ brokerageId: B1 }, { limit: 2 });
    expect(first.rows.map((r) => r.id)).toEqual(['h1', 'h2']);
    // A new, better alert arrives: the next page neither repeats nor skips anything.
    store.db.insert(alerts).values({ id: 'c-new', brokerageId: B1, contactId: 'c-live', type: 'sell', probability: 0.95, priority: 'CRITICAL' }).run();
    expect(inbox.queryInbox({ brokerageId: B1 }, { limit: 2, cursor: first.nextCursor }).rows.map((r) => r.id)).toEqual(['h3', 'm1']);
    // The same cursor with HIGH filtered out resumes at the next lower rank.
    expect(inbox.queryInbox({ brokerageId: B1, priorities: ['MEDIUM'] }, { limit: 5, cursor: first.nextCursor }).rows.map((r) => r.id)).toEqual(['m1', 'm2']);
  });

  it('matches a reference implementation for random data, filters and page sizes', () => {
    const seedArb = fc.record({
      priority: fc.constantFrom<string>(...ALERT_PRIORITIES, 'URGENT'),
      probability: fc.constantFrom(0.65, 0.9),
      status: fc.constantFrom(...ALERT_STATUSES),
      type: fc.constantFrom(...INTENT_TYPES),
      assignedAgentId: fc.constantFrom(AGENT_A, AGENT_B, null),
      contactId: fc.constantFrom('c-live', 'c-other', 'c-deleted'),
      createdAt: fc.constantFrom('2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z'),
    });
    const filtersArb = fc.record(
      {
        statuses: fc.subarray([...ALERT_STATUSES], { minLength: 1 }),
        priorities: fc.subarray([...ALERT_PRIORITIES], { minLength: 1 }),
        types: fc.subarray([...INTENT_TYPES], { minLength: 1 }),
        assignedAgentId: fc.constantFrom(AGENT_A, AGENT_B, null),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(seedArb, { minLength: 5, maxLength: 60, size: 'max' }), filtersArb, fc.integer({ min: 1, max: 8 }), (raw, partial, limit) => {
        const seeds = raw.map((s, i) => ({ ...s, id: `r${String(i).padStart(3, '0')}` }));
        seedAlerts(seeds);
        const filters: InboxFilters = { brokerageId: B1, ...partial };
        const want = expected(seeds, filters);
        expect(allPages(filters, limit).rows.map((r) => r.id)).toEqual(want);
        expect(inbox.countInbox(filters)).toBe(want.length);
      }),
      { numRuns: 150 },
    );
  });
});

describe('query plan', () => {
  it('reads pages in index order (no sort step) and counts from indexes only', () => {
    // Capture the SQL drizzle prepares, then ask SQLite how it runs each statement.
    const prepared: string[] = [];
    const original = store.sqlite.prepare.bind(store.sqlite);
    const spy = vi.spyOn(store.sqlite, 'prepare').mockImplementation(((source: string) => {
      prepared.push(source);
      return original(source);
    }) as typeof store.sqlite.prepare);
    try {
      seedAlerts([
        { id: 'x1', probability: 0.9, priority: 'CRITICAL' },
        { id: 'x2', probability: 0.7, priority: 'MEDIUM' },
      ]);
      const fresh = createInboxQueries(store.db);
      const filters: InboxFilters = { brokerageId: B1, statuses: ['new', 'viewed'], priorities: ['CRITICAL', 'MEDIUM'], types: ['sell'], assignedAgentId: AGENT_A };
      const page = fresh.queryInbox(filters, { limit: 1 });
      fresh.queryInbox(filters, { limit: 1, cursor: page.nextCursor });
      fresh.countInbox(filters);
    } finally {
      spy.mockRestore();
    }
    const inboxStatements = prepared.filter((s) => s.includes('"alerts"') && !s.startsWith('insert') && !s.startsWith('delete'));
    expect(inboxStatements).toHaveLength(4); // first-page, continue-rank, count, count-of-deleted
    for (const source of inboxStatements) {
      const params = new Array<null>((source.match(/\?/g) ?? []).length).fill(null);
      const plan = (store.sqlite.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n');
      expect(plan, source).not.toMatch(/TEMP B-TREE/);
      expect(plan, source).not.toMatch(/SCAN alerts/);
      if (source.includes('"contacts"."first_name"')) expect(plan, source).toMatch(/USING INDEX alerts_inbox_rank_idx/);
      if (source.startsWith('select count(*) from "contacts"')) expect(plan, source).toMatch(/SCAN contacts USING INDEX contacts_deleted_idx\nSEARCH alerts USING INDEX alerts_contact_idx/);
    }
  });
});

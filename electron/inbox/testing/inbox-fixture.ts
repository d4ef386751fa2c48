// A small replica for inbox and notification tests: one brokerage (plus a foreign one), a manager and two
// agents, contacts with tags, homes and notes, and alerts written straight into SQLite (as if synced).
import { alerts, brokerages, contacts, events, notes, properties, users } from '../../../db/schema/sqlite.ts';
import { openLocalStore, type LocalStore } from '../../store/local-store.ts';
import { createReplica, type LocalEdit, type Replica } from '../../sync/replica.ts';

export const B1 = 'brokerage-1';
export const B2 = 'brokerage-2';
export const MANAGER = 'manager-m';
export const AGENT_A = 'agent-a';
export const AGENT_B = 'agent-b';

export type AlertSeed = {
  id: string;
  contactId?: string;
  propertyId?: string | null;
  type?: string;
  probability?: number;
  priority?: string;
  status?: string;
  assignedAgentId?: string | null;
  createdAt?: string;
  brokerageId?: string;
  reasons?: unknown[];
  snoozedUntil?: string | null;
  notifiedAt?: string | null;
};

export type InboxFixture = {
  store: LocalStore;
  replica: Replica;
  /** The sync port the services get: counts calls so tests can prove one batch per action. */
  sync: { mutate(edits: LocalEdit[]): number[]; calls: LocalEdit[][] };
  seedAlerts(seeds: readonly AlertSeed[]): void;
  alert(id: string): Record<string, unknown>;
  close(): void;
};

export function createInboxFixture(userId: string = AGENT_A): InboxFixture {
  const store = openLocalStore(':memory:', userId);
  const { db } = store;
  db.insert(brokerages).values([{ id: B1, name: 'Cascade' }, { id: B2, name: 'Summit' }]).run();
  db.insert(users)
    .values([
      { id: MANAGER, brokerageId: B1, email: 'm@x.example', name: 'Morgan Manager', role: 'manager' },
      { id: AGENT_A, brokerageId: B1, email: 'a@x.example', name: 'Avery Agent', role: 'agent' },
      { id: AGENT_B, brokerageId: B1, email: 'b@x.example', name: 'Blake Agent', role: 'agent' },
    ])
    .run();
  db.insert(contacts)
    .values([
      { id: 'c-ada', brokerageId: B1, firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+1 206 555 0101', stage: 'past_client', tags: ['vip', 'downsizer'], assignedAgentId: AGENT_A },
      { id: 'c-bo', brokerageId: B1, firstName: 'Bo', lastName: 'Diddley', tags: ['investor'], assignedAgentId: AGENT_B },
      { id: 'c-cy', brokerageId: B1, firstName: 'Cy', lastName: 'Young', tags: [] },
      { id: 'c-foreign', brokerageId: B2, firstName: 'Fo', lastName: 'Reign' },
    ])
    .run();
  db.insert(properties)
    .values([
      { id: 'p-ada', brokerageId: B1, contactId: 'c-ada', address: '12 Maple Ave, Seattle, WA 98103', bedrooms: 3, estimate: 810_000, estimateLow: 760_000, estimateHigh: 860_000, estimateConfidence: 82 },
      { id: 'p-bo', brokerageId: B1, contactId: 'c-bo', address: '9 Harbor Rd, Kent, WA 98032' },
    ])
    .run();
  db.insert(notes).values([{ id: 'n-1', brokerageId: B1, contactId: 'c-cy', authorId: AGENT_A, body: 'Wants a bigger garden for the grandchildren' }]).run();
  db.insert(events)
    .values([
      { id: 'e-1', brokerageId: B1, contactId: 'c-ada', type: 'home_value_checked', occurredAt: '2026-11-01T10:00:00.000Z' },
      { id: 'e-2', brokerageId: B1, contactId: 'c-ada', type: 'calculator_used', occurredAt: '2026-11-02T10:00:00.000Z', props: { calculator: 'net_proceeds' } },
      { id: 'e-3', brokerageId: B1, contactId: 'c-ada', type: 'login', occurredAt: '2026-11-03T10:00:00.000Z' },
    ])
    .run();

  const replica = createReplica(store.sqlite, { nodeId: `device-${userId}`, userId, brokerageId: B1 });
  const calls: LocalEdit[][] = [];
  const sync = {
    calls,
    mutate(edits: LocalEdit[]) {
      calls.push(edits);
      return replica.mutate(edits);
    },
  };

  return {
    store,
    replica,
    sync,
    seedAlerts(seeds) {
      db.insert(alerts)
        .values(
          seeds.map((s) => ({
            id: s.id,
            brokerageId: s.brokerageId ?? B1,
            contactId: s.contactId ?? 'c-ada',
            propertyId: s.propertyId === undefined ? 'p-ada' : s.propertyId,
            type: s.type ?? 'sell',
            probability: s.probability ?? 0.5,
            priority: s.priority ?? 'HIGH',
            status: s.status ?? 'new',
            assignedAgentId: s.assignedAgentId === undefined ? AGENT_A : s.assignedAgentId,
            createdAt: s.createdAt ?? '2026-11-20T09:00:00.000Z',
            reasons: s.reasons ?? [{ key: 'signal:home_value_checked', text: '4 home-value checks in the last 7 days', contribution: 1.2 }],
            snoozedUntil: s.snoozedUntil ?? null,
            notifiedAt: s.notifiedAt ?? null,
          })),
        )
        .run();
    },
    alert: (id) => store.sqlite.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as Record<string, unknown>,
    close: () => store.close(),
  };
}

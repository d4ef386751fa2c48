// A migrated in-memory replica with a small brokerage (a manager, two agents, a few contacts with
// properties, alerts, events and a campaign send) for the CRM's service tests.
import { logOffset } from '../../../db/sync/offsets.ts';
import type { ShapeTable } from '../../../db/sync/shape-tables.ts';
import { openLocalStore, type LocalStore } from '../../store/local-store.ts';
import { createReplica, type Replica, type ShapeMessage } from '../../sync/replica.ts';

export const B1 = 'b1';
export const MANAGER = 'u-manager';
export const AGENT = 'u-agent';
export const OTHER_AGENT = 'u-agent-2';

export type CrmFixture = { store: LocalStore; replica: Replica; apply(table: ShapeTable, rows: Record<string, unknown>[]): void; close(): void };

export function createCrmFixture(userId: string = AGENT): CrmFixture {
  const store = openLocalStore(':memory:');
  const replica = createReplica(store.sqlite, { nodeId: `device-${userId}`, userId, brokerageId: B1 });
  let offset = 0;
  const apply = (table: ShapeTable, rows: Record<string, unknown>[]) =>
    replica.applyShapeBatch(
      table,
      rows.map((value): ShapeMessage => ({ key: String(value.id), value, headers: { operation: 'insert' } })),
      { handle: 'h', offset: logOffset(++offset), upToDate: true },
    );
  apply('brokerages', [{ id: B1, name: 'Cascade Realty' }]);
  apply('users', [
    { id: MANAGER, brokerage_id: B1, email: 'morgan@cascade.test', name: 'Morgan Manager', role: 'manager' },
    { id: AGENT, brokerage_id: B1, email: 'avery@cascade.test', name: 'Avery Agent', role: 'agent' },
    { id: OTHER_AGENT, brokerage_id: B1, email: 'blake@cascade.test', name: 'Blake Agent', role: 'agent' },
  ]);
  apply('contacts', [
    { id: 'c1', brokerage_id: B1, assigned_agent_id: AGENT, first_name: 'Margaret', last_name: 'Johnson', email: 'maggie@example.com', phone: '(206) 555-0101', stage: 'lead', tags: ['vip'], zipcode: '98103', created_at: '2025-01-01T00:00:00.000Z', updated_at: '2025-01-01T00:00:00.000Z' },
    { id: 'c2', brokerage_id: B1, assigned_agent_id: AGENT, first_name: 'Maggie', last_name: 'Johnson', email: 'MAGGIE@example.com', phone: null, stage: 'past_client', tags: ['investor'], zipcode: null, source: 'referral', created_at: '2025-02-01T00:00:00.000Z', updated_at: '2025-02-01T00:00:00.000Z' },
    { id: 'c3', brokerage_id: B1, assigned_agent_id: null, first_name: 'Ahmed', last_name: 'Haddad', email: 'ahmed@haddad.example', phone: '425-555-0199', stage: 'sphere', tags: [], zipcode: '98004', created_at: '2025-03-01T00:00:00.000Z', updated_at: '2025-03-01T00:00:00.000Z' },
  ]);
  apply('properties', [{ id: 'p2', brokerage_id: B1, contact_id: 'c2', address: '77 Elm St', zipcode: '98103' }]);
  apply('alerts', [
    { id: 'a1', brokerage_id: B1, contact_id: 'c1', type: 'sell', probability: 0.82, priority: 'HIGH', status: 'new', created_at: '2025-05-01T00:00:00.000Z' },
    { id: 'a2', brokerage_id: B1, contact_id: 'c2', type: 'refinance', probability: 0.55, priority: 'LOW', status: 'new', created_at: '2025-05-02T00:00:00.000Z' },
    { id: 'a3', brokerage_id: B1, contact_id: 'c1', type: 'buy', probability: 0.95, priority: 'CRITICAL', status: 'dismissed', created_at: '2025-05-03T00:00:00.000Z' },
  ]);
  apply('events', [{ id: 'e1', brokerage_id: B1, contact_id: 'c1', type: 'home_value_checked', occurred_at: '2025-04-01T10:00:00.000Z', props: {} }]);
  apply('campaigns', [{ id: 'k1', brokerage_id: B1, name: 'Spring market update', status: 'sent' }]);
  apply('campaign_sends', [{ id: 's1', brokerage_id: B1, campaign_id: 'k1', run_id: 'r1', contact_id: 'c1', email: 'maggie@example.com', status: 'sent', sent_at: '2025-04-15T09:00:00.000Z' }]);
  apply('alert_outcomes', [{ id: 'o1', brokerage_id: B1, alert_id: 'a1', contact_id: 'c1', outcome: 'reached', note: 'Thinking about spring', occurred_at: '2025-05-02T10:00:00.000Z' }]);
  return { store, replica, apply, close: () => store.close() };
}

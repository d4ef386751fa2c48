// rowScopeFilter writes out, for snapshot pages, the rule the change log computes with sync_row_scope
// (db/migrations/pg/0004_sync_triggers.sql). Both must select the same rows, for every table and user:
// otherwise an agent's snapshot and live changes would disagree about what the agent may see.
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { alerts, tasks } from '../../db/schema/pg.ts';
import { SHAPE_TABLES, type ShapeTable } from '../../db/sync/shape-tables.ts';
import { rowsOf } from '../database.ts';
import { describeOnBothBackends, lazyInBeforeAll } from '../testing/backends.ts';
import { fixtureId, seedTenant, startServerOn, type Tenant } from '../testing/sync-fixtures.ts';
import { rowScopeFilter, scopeOf, type ShapeScope } from './shape-scope.ts';

describeOnBothBackends('snapshot scope filter', (backend) => {
  const env = lazyInBeforeAll(
    async () => {
      const server = await startServerOn(await backend.createDatabase());
      const tenant = await seedTenant(server.db, 'p');
      await seedTenant(server.db, 'q'); // another brokerage, never selected
      const contact = (owner: 'a' | 'b' | 'u') => fixtureId('p', 'contacts', owner);
      const common = { brokerageId: tenant.brokerageId };
      // The rows where the rule has more than "the contact's agent": assigned to someone else than the contact's agent.
      await server.db.insert(alerts).values([
        { ...common, id: 'p-alert-b-to-a', contactId: contact('b'), type: 'buy', probability: 0.7, priority: 'HIGH', reasons: [], assignedAgentId: tenant.agentA.id },
        { ...common, id: 'p-alert-u-to-b', contactId: contact('u'), type: 'buy', probability: 0.7, priority: 'HIGH', reasons: [], assignedAgentId: tenant.agentB.id },
      ]);
      await server.db.insert(tasks).values([
        { ...common, id: 'p-task-b-to-a', contactId: contact('b'), assigneeId: tenant.agentA.id, title: 'Call for A' },
        { ...common, id: 'p-task-none-to-a', contactId: null, assigneeId: tenant.agentA.id, title: 'Office, A' },
        { ...common, id: 'p-task-none-to-b', contactId: null, assigneeId: tenant.agentB.id, title: 'Office, B' },
      ]);
      return { server, tenant };
    },
    ({ server }) => server.closeNow(),
  );

  const ids = async (query: ReturnType<typeof sql>) => rowsOf<{ id: string }>(await env.current.server.db.execute(query)).map((row) => row.id);

  /** What the change log's rule lets `scope` see of `table`: the brokerage's rows, then sync_row_scope. */
  const byLogRule = (scope: ShapeScope, table: ShapeTable) =>
    ids(sql`SELECT t.id FROM ${sql.identifier(table)} t
            WHERE ${rowScopeFilter({ ...scope, agentId: null }, table)}
              AND coalesce(sync_row_scope(${table}, to_jsonb(t)) && ARRAY['', ${scope.agentId ?? ''}]::text[], true)
            ORDER BY t.id`);
  const byFilter = (scope: ShapeScope, table: ShapeTable) => ids(sql`SELECT t.id FROM ${sql.identifier(table)} t WHERE ${rowScopeFilter(scope, table)} ORDER BY t.id`);

  const scopeFor = (tenant: Tenant, who: 'agentA' | 'agentB') => scopeOf({ userId: tenant[who].id, brokerageId: tenant.brokerageId, role: 'agent' });

  it('selects the rows the change log scopes to each agent, in every table', async () => {
    const { tenant } = env.current;
    for (const who of ['agentA', 'agentB'] as const) {
      for (const table of SHAPE_TABLES) {
        expect(await byFilter(scopeFor(tenant, who), table), `${who} ${table}`).toEqual(await byLogRule(scopeFor(tenant, who), table));
      }
    }
  });

  it('gives an agent what is assigned to them on someone else’s contact, and nothing assigned to another agent', async () => {
    const { tenant } = env.current;
    const [a, b] = [scopeFor(tenant, 'agentA'), scopeFor(tenant, 'agentB')];
    expect(await byFilter(a, 'alerts')).toEqual(expect.arrayContaining(['p-alert-b-to-a', 'p-alert-u-to-b'])); // unassigned contact: everyone's
    expect(await byFilter(b, 'alerts')).toContain('p-alert-b-to-a'); // B's contact
    expect(await byFilter(a, 'tasks')).toEqual(expect.arrayContaining(['p-task-b-to-a', 'p-task-none-to-a']));
    expect(await byFilter(a, 'tasks')).not.toContain('p-task-none-to-b');
    expect(await byFilter(b, 'tasks')).not.toContain('p-task-none-to-a');
    expect(await byFilter(a, 'contacts')).toEqual([fixtureId('p', 'contacts', 'a'), fixtureId('p', 'contacts', 'u')].sort());
    expect(await byFilter(a, 'events')).not.toContain(fixtureId('p', 'events', 'b'));
  });
});

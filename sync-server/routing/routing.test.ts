// Alert routing on the sync server: each mode assigns as documented, the rule applies once whichever
// device's insert arrives first, round robin stays fair under concurrent pushes, and only managers of
// the token's brokerage read or change the settings.
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { alerts, brokerages, contacts, users } from '../../db/schema/pg.ts';
import { formatHlc } from '../../db/sync/hlc.ts';
import { rowsOf } from '../database.ts';
import { describeOnBothBackends, lazyInBeforeAll } from '../testing/backends.ts';
import { fixtureId, seedTenant, signIn, startServerOn, syncShape, type Session, type Tenant } from '../testing/sync-fixtures.ts';
import { createTestUser, type AnyJson, type TestUser } from '../testing/test-server.ts';
import { ROUTING_HLC_NODE } from './route-alert.ts';

const T = Date.now() - 60_000;
const hlc = (offsetMs: number, node: string) => formatHlc({ millis: T + offsetMs, counter: 0, node });

type Team = { tenant: Tenant; agentC: TestUser; retired: TestUser; manager: Session; agentA: Session; agentB: Session };

describeOnBothBackends('alert routing', (backend) => {
  const env = lazyInBeforeAll(
    async () => {
      const database = await backend.createDatabase();
      // The job is driven by hand in escalation.test.ts; here it must not run at all.
      const server = await startServerOn(database, {
        escalationIntervalMs: 0,
        modelsDir: null,
        // Every test signs a fresh team in.
        rateLimits: { loginPerIp: { max: 1000, windowMs: 60_000 } },
      });
      return { server };
    },
    ({ server }) => server.closeNow(),
  );

  let mutationId = 0;
  const push = async (session: Session, mutations: AnyJson[]) => {
    const response = await fetch(`${env.current.server.url}/v1/mutations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.accessToken}` },
      body: JSON.stringify({ clientId: session.deviceId, mutations: mutations.map((m) => ({ id: (mutationId += 1), ...m })) }),
    });
    const body = (await response.json()) as AnyJson;
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body.results as AnyJson[];
  };
  const alertInsert = (session: Session, id: string, contactId: string, extra: Record<string, unknown> = {}) => ({
    table: 'alerts',
    op: 'insert',
    pk: id,
    changes: { contact_id: contactId, type: 'sell', probability: 0.9, priority: 'HIGH', status: 'new', reasons: [], ...extra },
    hlc: hlc(mutationId + 1, session.deviceId),
  });
  const routing = (session: Session, method: 'GET' | 'PUT', body?: unknown) =>
    fetch(`${env.current.server.url}/v1/routing`, {
      method,
      headers: { authorization: `Bearer ${session.accessToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as AnyJson }));
  const assigneeOf = async (id: string) => (await env.current.server.db.select({ a: alerts.assignedAgentId }).from(alerts).where(eq(alerts.id, id)))[0]?.a;
  const settingsOf = async (brokerageId: string) => (await env.current.server.db.select({ s: brokerages.settings }).from(brokerages).where(eq(brokerages.id, brokerageId)))[0]!.s;

  /** A fresh brokerage per test: agents A and B, a third agent C and a deactivated one (never chosen). */
  const team = async (key: string): Promise<Team> => {
    const { server } = env.current;
    const tenant = await seedTenant(server.db, key);
    const agentC = await createTestUser(server.db, { role: 'agent', brokerageId: tenant.brokerageId, email: `${key}-agent-c@example.test`, name: `Agent C ${key}` });
    const retired = await createTestUser(server.db, { role: 'agent', brokerageId: tenant.brokerageId, email: `${key}-retired@example.test`, name: `Retired ${key}` });
    await server.db.update(users).set({ deactivatedAt: new Date().toISOString(), territories: ['98001', '98002'] }).where(eq(users.id, retired.id));
    const [manager, agentA, agentB] = await Promise.all([
      signIn(server.url, tenant.manager, 'Manager desk'),
      signIn(server.url, tenant.agentA, 'A laptop'),
      signIn(server.url, tenant.agentB, 'B laptop'),
    ]);
    return { tenant, agentC, retired, manager, agentA, agentB };
  };
  const setRouting = async (t: Team, settings: Record<string, unknown>) => {
    const res = await routing(t.manager, 'PUT', { mode: 'manual', fallback: 'round_robin', escalateAfterMinutes: 60, ...settings });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const byId = (t: Team) => [t.tenant.agentA.id, t.tenant.agentB.id, t.agentC.id].sort();
  const unassigned = (t: Team) => fixtureId(t.tenant.key, 'contacts', 'u');

  describe('settings endpoints', () => {
    it('a manager reads the defaults and the active agents, and changes the settings', async () => {
      const t = await team('set');
      const first = await routing(t.manager, 'GET');
      expect(first.status).toBe(200);
      expect(first.body.routing).toEqual({ mode: 'manual', fallback: 'round_robin', escalateAfterMinutes: 60 });
      expect(first.body.agents.map((agent: AnyJson) => agent.id).sort()).toEqual(byId(t));
      expect(first.body.agents[0]).toMatchObject({ territories: [], openAlerts: expect.any(Number) });

      const put = await setRouting(t, { mode: 'territory', fallback: 'unassigned', escalateAfterMinutes: 15 });
      expect(put.routing).toEqual({ mode: 'territory', fallback: 'unassigned', escalateAfterMinutes: 15 });
      expect((await routing(t.manager, 'GET')).body.routing).toEqual(put.routing);
      // The rest of the settings row is kept.
      expect(await settingsOf(t.tenant.brokerageId)).toMatchObject({ tier: 'set', routing: { mode: 'territory' } });
    });

    it('refuses agents (403) and anonymous callers (401), changing nothing', async () => {
      const t = await team('deny');
      const before = await settingsOf(t.tenant.brokerageId);
      for (const [method, body] of [['GET', undefined], ['PUT', { mode: 'round_robin', fallback: 'round_robin', escalateAfterMinutes: 5 }]] as const) {
        const res = await routing(t.agentA, method, body);
        expect(res.status).toBe(403);
        expect(res.body.error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/manager/) });
      }
      const anonymous = await fetch(`${env.current.server.url}/v1/routing`);
      expect(anonymous.status).toBe(401);
      expect(await settingsOf(t.tenant.brokerageId)).toEqual(before);
    });

    it('refuses bad input with 400 naming the field, changing nothing', async () => {
      const t = await team('bad');
      await setRouting(t, { mode: 'round_robin' });
      const before = await settingsOf(t.tenant.brokerageId);
      const cases: [unknown, RegExp][] = [
        [{ mode: 'random', fallback: 'round_robin', escalateAfterMinutes: 60 }, /mode/],
        [{ mode: 'territory', fallback: 'nobody', escalateAfterMinutes: 60 }, /fallback/],
        [{ mode: 'manual', fallback: 'round_robin', escalateAfterMinutes: 0 }, /escalateAfterMinutes/],
        [{ mode: 'manual', fallback: 'round_robin', escalateAfterMinutes: 2.5 }, /escalateAfterMinutes/],
        [{ mode: 'manual', fallback: 'round_robin', escalateAfterMinutes: '60' }, /escalateAfterMinutes/],
        [{ mode: 'manual', fallback: 'round_robin', escalateAfterMinutes: 100_000 }, /escalateAfterMinutes/],
        [{ mode: 'manual', fallback: 'round_robin' }, /escalateAfterMinutes/],
        [{ mode: 'manual', fallback: 'round_robin', escalateAfterMinutes: 60, brokerageId: 'brk-other' }, /brokerageId|Unrecognized/],
        [[], /body/],
        ['{"mode": ', /JSON/],
      ];
      for (const [body, mentions] of cases) {
        const res = await routing(t.manager, 'PUT', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.message, JSON.stringify(body)).toMatch(mentions);
      }
      expect(await settingsOf(t.tenant.brokerageId)).toEqual(before);
    });

    it('a manager changes only the brokerage of their token', async () => {
      const a = await team('mine');
      const b = await team('theirs');
      const theirs = await settingsOf(b.tenant.brokerageId);
      await setRouting(a, { mode: 'least_workload', escalateAfterMinutes: 5 });
      expect(await settingsOf(b.tenant.brokerageId)).toEqual(theirs);
      // Nor do another brokerage's agents show up.
      const listed = (await routing(a.manager, 'GET')).body.agents.map((agent: AnyJson) => agent.id);
      expect(listed).not.toContain(b.tenant.agentA.id);
    });
  });

  describe('modes', () => {
    it('manual leaves an unowned alert unassigned; an owned contact’s alert goes to its owner in every mode', async () => {
      const t = await team('man');
      await push(t.manager, [alertInsert(t.manager, 'man-alert-1', unassigned(t)), alertInsert(t.manager, 'man-alert-2', fixtureId('man', 'contacts', 'b'))]);
      expect(await assigneeOf('man-alert-1')).toBeNull();
      expect(await assigneeOf('man-alert-2')).toBe(t.tenant.agentB.id);

      await setRouting(t, { mode: 'round_robin' });
      await push(t.manager, [alertInsert(t.manager, 'man-alert-3', fixtureId('man', 'contacts', 'a'))]);
      expect(await assigneeOf('man-alert-3')).toBe(t.tenant.agentA.id);
      // An alert that arrives assigned keeps its assignee.
      await push(t.manager, [alertInsert(t.manager, 'man-alert-4', unassigned(t), { assigned_agent_id: t.agentC.id })]);
      expect(await assigneeOf('man-alert-4')).toBe(t.agentC.id);
    });

    it('round robin cycles through the active agents in order and keeps its pointer in the settings', async () => {
      const t = await team('rr');
      await setRouting(t, { mode: 'round_robin' });
      const ids = Array.from({ length: 7 }, (_, i) => `rr-alert-${i}`);
      await push(t.manager, ids.map((id) => alertInsert(t.manager, id, unassigned(t))));
      const order = byId(t);
      for (const [i, id] of ids.entries()) expect(await assigneeOf(id)).toBe(order[i % 3]);
      expect(await settingsOf(t.tenant.brokerageId)).toMatchObject({ routing: { mode: 'round_robin', roundRobin: { lastAgentId: order[0] } } });
      // Changing the settings keeps the pointer: the next alert continues the cycle.
      await setRouting(t, { mode: 'round_robin', escalateAfterMinutes: 30 });
      await push(t.manager, [alertInsert(t.manager, 'rr-alert-next', unassigned(t))]);
      expect(await assigneeOf('rr-alert-next')).toBe(order[1]);
    });

    it('round robin stays fair when several devices push at once', async () => {
      const t = await team('fair');
      await setRouting(t, { mode: 'round_robin' });
      const sessions = [t.manager, t.agentA, t.agentB];
      await Promise.all(
        sessions.map((session, s) => push(session, Array.from({ length: 4 }, (_, i) => alertInsert(session, `fair-x-${s}-${i}`, unassigned(t))))),
      );
      const counts = rowsOf<{ agent: string; n: string | number }>(
        await env.current.server.db.execute(sql`SELECT assigned_agent_id AS agent, count(*) AS n FROM alerts WHERE id LIKE 'fair-x-%' GROUP BY 1`),
      );
      expect(Object.fromEntries(counts.map((c) => [c.agent, Number(c.n)]))).toEqual(Object.fromEntries(byId(t).map((id) => [id, 4])));
    });

    it('least workload picks the active agent with the fewest open alerts', async () => {
      const t = await team('lw');
      const { server } = env.current;
      // A holds 2 open alerts (+ a converted one that does not count), C holds 1, B none.
      await server.db.insert(alerts).values([
        ...[1, 2].map((n) => ({ id: `lw-open-a${n}`, brokerageId: t.tenant.brokerageId, contactId: unassigned(t), type: 'buy', probability: 0.6, priority: 'LOW', assignedAgentId: t.tenant.agentA.id })),
        { id: 'lw-done-b', brokerageId: t.tenant.brokerageId, contactId: unassigned(t), type: 'buy', probability: 0.6, priority: 'LOW', status: 'converted', assignedAgentId: t.tenant.agentB.id },
        { id: 'lw-open-c', brokerageId: t.tenant.brokerageId, contactId: unassigned(t), type: 'buy', probability: 0.6, priority: 'LOW', status: 'snoozed', assignedAgentId: t.agentC.id },
      ]);
      await setRouting(t, { mode: 'least_workload' });
      await push(t.manager, [alertInsert(t.manager, 'lw-alert-1', unassigned(t))]);
      expect(await assigneeOf('lw-alert-1')).toBe(t.tenant.agentB.id);
      // Now B and C hold one each: the tie goes to the lower id.
      await push(t.manager, [alertInsert(t.manager, 'lw-alert-2', unassigned(t))]);
      expect(await assigneeOf('lw-alert-2')).toBe([t.tenant.agentB.id, t.agentC.id].sort()[0]);
    });

    it('territory routes by the property’s zip code (else the contact’s), the least loaded holder first, then the fallback', async () => {
      const t = await team('ter');
      const { server } = env.current;
      const brokerageId = t.tenant.brokerageId;
      await server.db.update(users).set({ territories: ['98001', '98002'] }).where(eq(users.id, t.tenant.agentA.id));
      await server.db.update(users).set({ territories: ['98002', '98003'] }).where(eq(users.id, t.agentC.id));
      await server.db.insert(contacts).values([
        { id: 'ter-contact-1', brokerageId, zipcode: '98001' },
        { id: 'ter-contact-3', brokerageId, zipcode: '98003' },
        { id: 'ter-contact-9', brokerageId, zipcode: '98999' },
      ]);
      await server.db.execute(sql`INSERT INTO properties (id, brokerage_id, contact_id, zipcode) VALUES ('ter-property-2', ${brokerageId}, 'ter-contact-9', '98002')`);
      await setRouting(t, { mode: 'territory', fallback: 'unassigned' });
      await push(t.manager, [
        alertInsert(t.manager, 'ter-alert-1', 'ter-contact-1'),
        alertInsert(t.manager, 'ter-alert-3', 'ter-contact-3'),
        alertInsert(t.manager, 'ter-alert-9', 'ter-contact-9'),
      ]);
      expect(await assigneeOf('ter-alert-1')).toBe(t.tenant.agentA.id);
      expect(await assigneeOf('ter-alert-3')).toBe(t.agentC.id);
      // No active agent holds 98999 (the retired agent's territories do not count): the fallback leaves it.
      expect(await assigneeOf('ter-alert-9')).toBeNull();

      // The property's zip (98002) wins over its contact's; A and C both hold it, both have one open alert → lower id.
      await push(t.manager, [alertInsert(t.manager, 'ter-alert-2', 'ter-contact-9', { property_id: 'ter-property-2' })]);
      expect(await assigneeOf('ter-alert-2')).toBe([t.tenant.agentA.id, t.agentC.id].sort()[0]);

      await setRouting(t, { mode: 'territory', fallback: 'round_robin' });
      await push(t.manager, [alertInsert(t.manager, 'ter-alert-9b', 'ter-contact-9')]);
      expect(await assigneeOf('ter-alert-9b')).toBe(byId(t)[0]);
    });
  });

  describe('devices', () => {
    it('an agent’s device inserting an alert gets it routed, and the assignment reaches the assignee’s shape', async () => {
      const t = await team('dev');
      await setRouting(t, { mode: 'round_robin' });
      const [result] = await push(t.agentA, [alertInsert(t.agentA, 'dev-alert-1', unassigned(t))]);
      expect(result.status).toBe('applied');
      const assignee = byId(t)[0]!;
      expect(await assigneeOf('dev-alert-1')).toBe(assignee);
      const [row] = await env.current.server.db.select().from(alerts).where(eq(alerts.id, 'dev-alert-1'));
      // The assignment's field clock is the server's and newer than the insert's: replicas keep it.
      expect(row!.fieldHlcs.assigned_agent_id).toMatch(new RegExp(`:${ROUTING_HLC_NODE}$`));
      expect(row!.fieldHlcs.assigned_agent_id! > row!.fieldHlcs.contact_id!).toBe(true);
      expect(row!.hlc).toBe(row!.fieldHlcs.assigned_agent_id);

      const assigneeUser = [t.tenant.agentA, t.tenant.agentB, t.agentC].find((user) => user.id === assignee)!;
      const session = await signIn(env.current.server.url, assigneeUser, 'Assignee laptop');
      const shape = await syncShape(env.current.server.url, session.accessToken, 'alerts');
      expect(shape.rows.get('dev-alert-1')).toMatchObject({ assigned_agent_id: assignee });
    });

    it('the same deterministic alert inserted by two devices is routed once and keeps its assignee', async () => {
      const t = await team('twice');
      await setRouting(t, { mode: 'round_robin' });
      const order = byId(t);
      await push(t.agentA, [alertInsert(t.agentA, 'twice-alert', unassigned(t), { assigned_agent_id: null })]);
      expect(await assigneeOf('twice-alert')).toBe(order[0]);
      // A second device, offline until now, derived the same alert later (a newer clock) with nobody assigned.
      const late = { ...alertInsert(t.agentB, 'twice-alert', unassigned(t), { assigned_agent_id: null }), hlc: formatHlc({ millis: Date.now() + 5_000, counter: 0, node: t.agentB.deviceId }) };
      const [result] = await push(t.agentB, [late]);
      expect(result.status).toBe('applied');
      expect(await assigneeOf('twice-alert')).toBe(order[0]);
      expect(await settingsOf(t.tenant.brokerageId)).toMatchObject({ routing: { roundRobin: { lastAgentId: order[0] } } });
      // Both pushed at once: still one routing.
      await Promise.all([
        push(t.agentA, [alertInsert(t.agentA, 'twice-race', unassigned(t))]),
        push(t.manager, [alertInsert(t.manager, 'twice-race', unassigned(t))]),
      ]);
      expect(await assigneeOf('twice-race')).toBe(order[1]);
      expect(await settingsOf(t.tenant.brokerageId)).toMatchObject({ routing: { roundRobin: { lastAgentId: order[1] } } });
    });

    it('a late re-insert of a worked alert refreshes its score but never resets its status or first contact', async () => {
      const t = await team('reinsert');
      const contactId = unassigned(t);
      await push(t.manager, [alertInsert(t.manager, 'reinsert-alert', contactId, { assigned_agent_id: t.tenant.agentA.id })]);
      const contactedAt = new Date(T + 10).toISOString();
      const [worked] = await push(t.agentA, [
        { table: 'alerts', op: 'update', pk: 'reinsert-alert', changes: { status: 'contacted', first_contacted_at: contactedAt }, hlc: hlc(10_000, t.agentA.deviceId) },
      ]);
      expect(worked.status).toBe('applied');
      // Another device, offline since before that, scores the same contact and derives the same alert id.
      const late = { ...alertInsert(t.agentB, 'reinsert-alert', contactId, { probability: 0.95, priority: 'CRITICAL' }), hlc: formatHlc({ millis: Date.now() + 5_000, counter: 0, node: t.agentB.deviceId }) };
      const [result] = await push(t.agentB, [late]);
      expect(result.status).toBe('applied');
      const [row] = await env.current.server.db.select().from(alerts).where(eq(alerts.id, 'reinsert-alert'));
      expect(row).toMatchObject({ status: 'contacted', assignedAgentId: t.tenant.agentA.id, probability: 0.95, priority: 'CRITICAL' });
      expect(row?.firstContactedAt).not.toBeNull();
    });
  });
});

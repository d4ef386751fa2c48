// The team figures over a seeded SQLite replica (each number worked out by hand below), bulk reassignment
// through the replica's mutations (and its undo), and refusals: agents, unknown targets, stale selections.
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { alertOutcomes, alerts, brokerages, contacts, localOutbox, users } from '../../db/schema/sqlite.ts';
import { AppError } from '../ipc/errors.ts';
import { openLocalStore, type LocalStore } from '../store/local-store.ts';
import { createReplica, type Replica } from '../sync/replica.ts';
import type { RoutingClient } from './routing-client.ts';
import { teamContract } from './team-contract.ts';
import { createTeamService, median, type TeamUser } from './team-service.ts';

const NOW = new Date('2026-03-18T12:00:00.000Z'); // a Wednesday
const B1 = 'brk-1';
const at = (daysAgo: number, plusMinutes = 0) => new Date(NOW.getTime() - daysAgo * 86_400_000 + plusMinutes * 60_000).toISOString();

const MANAGER: TeamUser = { id: 'manager', role: 'manager', brokerageId: B1 };
const AGENT: TeamUser = { id: 'agent-a', role: 'agent', brokerageId: B1 };

let store: LocalStore;
let replica: Replica;
const routing: RoutingClient = { get: vi.fn(), save: vi.fn() };

type Seed = { id: string; agent: string | null; type: 'sell' | 'buy' | 'refinance' | 'investment'; status: string; daysAgo: number; contactedAfter?: number; priority?: string; escalated?: boolean; brokerageId?: string };

// The period of 90 days holds a1…d1; `old` is 200 days old (only in 365/all); x1 is another brokerage's.
const SEEDS: Seed[] = [
  { id: 'a1', agent: 'agent-a', type: 'sell', status: 'converted', daysAgo: 10, contactedAfter: 30 },
  { id: 'a2', agent: 'agent-a', type: 'sell', status: 'contacted', daysAgo: 5, contactedAfter: 90 },
  { id: 'a3', agent: 'agent-a', type: 'buy', status: 'new', daysAgo: 1, priority: 'CRITICAL', escalated: true },
  { id: 'b1', agent: 'agent-b', type: 'refinance', status: 'contacted', daysAgo: 20, contactedAfter: 10 },
  { id: 'b2', agent: 'agent-b', type: 'buy', status: 'dismissed', daysAgo: 3 },
  { id: 'b3', agent: 'agent-b', type: 'investment', status: 'viewed', daysAgo: 2 },
  { id: 'u1', agent: null, type: 'sell', status: 'new', daysAgo: 2 },
  { id: 'd1', agent: 'agent-d', type: 'buy', status: 'snoozed', daysAgo: 40 },
  { id: 'old', agent: 'agent-a', type: 'sell', status: 'converted', daysAgo: 200, contactedAfter: 1000 },
  { id: 'x1', agent: 'agent-x', type: 'sell', status: 'converted', daysAgo: 1, contactedAfter: 1, brokerageId: 'brk-2' },
];

beforeEach(() => {
  store = openLocalStore(':memory:');
  replica = createReplica(store.sqlite, { nodeId: 'manager-desk', userId: MANAGER.id, brokerageId: B1 });
  const { db } = store;
  db.insert(brokerages).values([{ id: B1, name: 'One' }, { id: 'brk-2', name: 'Two' }]).run();
  db.insert(users)
    .values([
      { id: 'manager', brokerageId: B1, email: 'm@one.test', name: 'Morgan Manager', role: 'manager' },
      { id: 'agent-a', brokerageId: B1, email: 'a@one.test', name: 'Avery', role: 'agent', territories: ['98101'] },
      { id: 'agent-b', brokerageId: B1, email: 'b@one.test', name: 'Blake', role: 'agent' },
      { id: 'agent-c', brokerageId: B1, email: 'c@one.test', name: 'Casey', role: 'agent' },
      { id: 'agent-d', brokerageId: B1, email: 'd@one.test', name: 'Dana (left)', role: 'agent', deactivatedAt: at(30) },
      { id: 'agent-x', brokerageId: 'brk-2', email: 'x@two.test', name: 'Xavier', role: 'agent' },
    ])
    .run();
  db.insert(contacts)
    .values([
      { id: 'c1', brokerageId: B1, firstName: 'Ada', lastName: 'Lovelace' },
      { id: 'c2', brokerageId: 'brk-2', firstName: 'Other', lastName: 'Tenant' },
    ])
    .run();
  db.insert(alerts)
    .values(
      SEEDS.map((s) => ({
        id: s.id,
        brokerageId: s.brokerageId ?? B1,
        contactId: s.brokerageId ? 'c2' : 'c1',
        type: s.type,
        probability: 0.8,
        priority: s.priority ?? 'HIGH',
        status: s.status,
        assignedAgentId: s.agent,
        createdAt: at(s.daysAgo),
        firstContactedAt: s.contactedAfter === undefined ? null : at(s.daysAgo, s.contactedAfter),
        escalatedAt: s.escalated ? at(0, -60) : null,
      })),
    )
    .run();
  db.insert(alertOutcomes)
    .values([
      { id: 'o1', brokerageId: B1, alertId: 'a1', contactId: 'c1', outcome: 'listing_signed', occurredAt: at(9) },
      { id: 'o2', brokerageId: B1, alertId: 'a2', contactId: 'c1', outcome: 'reached', occurredAt: at(4) },
      { id: 'o3', brokerageId: B1, alertId: 'a2', contactId: 'c1', outcome: 'appointment', occurredAt: at(3) },
      // A refinance logged on an alert still marked contacted counts as converted.
      { id: 'o4', brokerageId: B1, alertId: 'b1', contactId: 'c1', outcome: 'refinanced', occurredAt: at(15) },
    ])
    .run();
});

afterEach(() => {
  store.close();
  vi.clearAllMocks();
});

const service = (user: TeamUser = MANAGER) => createTeamService({ db: store.db, user, mutate: (edits) => replica.mutate(edits), routing, now: () => NOW });
const assigneeOf = (id: string) => store.db.select({ a: alerts.assignedAgentId }).from(alerts).where(eq(alerts.id, id)).get()?.a;
const outboxSize = () => store.db.select().from(localOutbox).all().length;

describe('team overview', () => {
  it('computes the funnel, conversions by type, leaderboard, workloads and escalations of the last 90 days', () => {
    const overview = service().overview('90');
    expect(overview.since).toBe(at(90));
    expect(overview.funnel).toEqual([
      { stage: 'alerts', count: 8 },
      { stage: 'viewed', count: 6 }, // all but the two still new (a3, u1)
      { stage: 'contacted', count: 3 }, // a1, a2, b1
      { stage: 'appointment', count: 3 }, // a2 by its outcome; a1 and b1 went further
      { stage: 'converted', count: 2 }, // a1 (status), b1 (refinanced outcome)
    ]);
    expect(overview.conversionByType).toEqual([
      { type: 'sell', alerts: 3, converted: 1, rate: 1 / 3 },
      { type: 'buy', alerts: 3, converted: 0, rate: 0 },
      { type: 'refinance', alerts: 1, converted: 1, rate: 1 },
      { type: 'investment', alerts: 1, converted: 0, rate: 0 },
    ]);
    // Tied on conversions and handled alerts: the faster median response ranks first.
    expect(overview.leaderboard).toEqual([
      { agentId: 'agent-b', name: 'Blake', assigned: 3, handled: 2, conversions: 1, conversionRate: 1 / 3, medianResponseMinutes: 10 },
      { agentId: 'agent-a', name: 'Avery', assigned: 3, handled: 2, conversions: 1, conversionRate: 1 / 3, medianResponseMinutes: 60 },
      { agentId: 'agent-c', name: 'Casey', assigned: 0, handled: 0, conversions: 0, conversionRate: null, medianResponseMinutes: null },
      { agentId: 'agent-d', name: 'Dana (left)', assigned: 1, handled: 0, conversions: 0, conversionRate: 0, medianResponseMinutes: null },
    ]);
    expect(overview.teamMedianResponseMinutes).toBe(30);
    // Agents: the active ones plus the deactivated one still holding an open alert; the manager holds none.
    expect(overview.agents.map((a) => [a.id, a.active, a.openAlerts, a.openCritical, a.escalatedOpen])).toEqual([
      ['agent-a', true, 2, 1, 1],
      ['agent-b', true, 2, 0, 0],
      ['agent-c', true, 0, 0, 0],
      ['agent-d', false, 1, 0, 0],
    ]);
    expect(overview.agents[0]!.territories).toEqual(['98101']);
    expect(overview.unassignedOpen).toBe(1);
    expect(overview.escalated).toEqual([
      { id: 'a3', contactName: 'Ada Lovelace', type: 'buy', priority: 'CRITICAL', assignedAgentId: 'agent-a', assignedName: 'Avery', createdAt: at(1), escalatedAt: at(0, -60) },
    ]);
  });

  it('counts alert volume per Monday-based week and type, with empty weeks as zeros', () => {
    const { volumeByWeek } = service().overview('90');
    expect(volumeByWeek[0]!.week).toBe('2025-12-15'); // the Monday on or before 90 days ago (2025-12-18)
    expect(volumeByWeek.at(-1)!.week).toBe('2026-03-16');
    expect(volumeByWeek).toHaveLength(14);
    const total = volumeByWeek.reduce((sum, w) => sum + Object.values(w.counts).reduce((a, b) => a + b, 0), 0);
    expect(total).toBe(8);
    // Monday 16 March: a3 (Tue, buy), u1 and b3 (Mon, sell and investment); b2 (Sun 15th) belongs to the week before.
    expect(volumeByWeek.at(-1)!.counts).toEqual({ sell: 1, buy: 1, refinance: 0, investment: 1 });
    expect(volumeByWeek.at(-2)!.counts).toEqual({ sell: 1, buy: 1, refinance: 0, investment: 0 });
  });

  it('widens with the period and never counts another brokerage', () => {
    const all = service().overview('all');
    expect(all.since).toBeNull();
    expect(all.funnel[0]).toEqual({ stage: 'alerts', count: 9 });
    expect(all.conversionByType[0]).toEqual({ type: 'sell', alerts: 4, converted: 2, rate: 0.5 });
    expect(all.leaderboard.find((row) => row.agentId === 'agent-a')).toMatchObject({ assigned: 4, conversions: 2, medianResponseMinutes: 90 });
    expect(all.agents.map((a) => a.id)).not.toContain('agent-x');
    expect(service().overview('365').funnel[0]!.count).toBe(9);
    expect(service().overview('30').funnel[0]!.count).toBe(7); // d1 (40 days) drops out
  });

  it('shows an empty team without failing', () => {
    store.db.delete(alertOutcomes).run();
    store.db.delete(alerts).run();
    const overview = service().overview('90');
    expect(overview.funnel.every((stage) => stage.count === 0)).toBe(true);
    expect(overview.teamMedianResponseMinutes).toBeNull();
    expect(overview.escalated).toEqual([]);
    expect(overview.volumeByWeek.every((week) => Object.values(week.counts).every((n) => n === 0))).toBe(true);
    expect(overview.conversionByType.every((row) => row.rate === null)).toBe(true);
  });

  it('median handles odd, even and empty lists', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('reassigning open alerts', () => {
  it('moves all of an agent’s open alerts through the replica (queued to sync) and undoes it', () => {
    const moved = service().reassign({ fromAgentId: 'agent-a', toAgentId: 'agent-c' });
    expect(moved).toEqual({ alertIds: ['a2', 'a3'], fromAgentId: 'agent-a', toAgentId: 'agent-c' });
    expect([assigneeOf('a2'), assigneeOf('a3'), assigneeOf('a1')]).toEqual(['agent-c', 'agent-c', 'agent-a']); // a1 is closed: stays
    expect(replica.nextBatch(10)).toMatchObject([
      { table: 'alerts', op: 'update', pk: 'a2', changes: { assigned_agent_id: 'agent-c' } },
      { table: 'alerts', op: 'update', pk: 'a3', changes: { assigned_agent_id: 'agent-c' } },
    ]);
    expect(service().overview('90').agents.find((a) => a.id === 'agent-c')!.openAlerts).toBe(2);

    service().reassign({ fromAgentId: 'agent-c', toAgentId: 'agent-a', alertIds: moved.alertIds });
    expect([assigneeOf('a2'), assigneeOf('a3')]).toEqual(['agent-a', 'agent-a']);
  });

  it('hands a departed agent’s alerts over, and assigns or releases unassigned ones', () => {
    expect(service().reassign({ fromAgentId: 'agent-d', toAgentId: 'agent-b' }).alertIds).toEqual(['d1']);
    expect(service().reassign({ fromAgentId: null, toAgentId: 'agent-b' }).alertIds).toEqual(['u1']);
    expect(service().reassign({ fromAgentId: 'agent-b', toAgentId: null, alertIds: ['u1'] }).alertIds).toEqual(['u1']);
    expect(assigneeOf('u1')).toBeNull();
    expect(service().reassign({ fromAgentId: 'agent-c', toAgentId: 'agent-a' }).alertIds).toEqual([]);
  });

  it('refuses unknown, departed or foreign targets and stale selections, changing nothing', () => {
    const attempts = [
      () => service().reassign({ fromAgentId: 'agent-a', toAgentId: 'agent-d' }),
      () => service().reassign({ fromAgentId: 'agent-a', toAgentId: 'agent-x' }),
      () => service().reassign({ fromAgentId: 'agent-a', toAgentId: 'nobody' }),
      () => service().reassign({ fromAgentId: 'agent-a', toAgentId: 'agent-b', alertIds: ['a2', 'a1'] }), // a1 is converted
      () => service().reassign({ fromAgentId: 'agent-a', toAgentId: 'agent-b', alertIds: ['x1'] }), // another brokerage's
    ];
    for (const attempt of attempts) expect(attempt).toThrowError(expect.objectContaining({ code: 'invalid_input' }));
    expect(outboxSize()).toBe(0);
    expect(assigneeOf('a2')).toBe('agent-a');
  });

  it('the contract refuses a hand-over to the same agent and malformed ids', () => {
    const input = teamContract.reassignOpenAlerts.input;
    expect(input.safeParse({ fromAgentId: 'agent-a', toAgentId: 'agent-a' }).success).toBe(false);
    expect(input.safeParse({ fromAgentId: 'agent-a', toAgentId: "b'; drop table alerts" }).success).toBe(false);
    expect(input.safeParse({ fromAgentId: 'agent-a', toAgentId: 'agent-b', alertIds: [] }).success).toBe(false);
    expect(input.safeParse({ fromAgentId: 'agent-a', toAgentId: 'agent-b', extra: 1 }).success).toBe(false);
    expect(input.safeParse({ fromAgentId: 'agent-a', toAgentId: null }).success).toBe(true);
  });
});

describe('agents', () => {
  it('are refused every team operation before anything is read, written or sent', async () => {
    const agent = service(AGENT);
    expect(() => agent.overview('90')).toThrowError(expect.objectContaining({ code: 'forbidden' }));
    expect(() => agent.reassign({ fromAgentId: 'agent-b', toAgentId: 'agent-a' })).toThrowError(AppError);
    await expect(agent.routingSettings()).rejects.toMatchObject({ code: 'forbidden' });
    await expect(agent.saveRoutingSettings({ mode: 'round_robin', fallback: 'round_robin', escalateAfterMinutes: 30 })).rejects.toMatchObject({ code: 'forbidden' });
    expect(routing.get).not.toHaveBeenCalled();
    expect(routing.save).not.toHaveBeenCalled();
    expect(outboxSize()).toBe(0);
  });
});

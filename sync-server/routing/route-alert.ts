// Server-side alert routing: when a device's alert reaches Postgres for the first time with nobody
// assigned, the brokerage's rule picks an agent in the same transaction, so the rule applies exactly
// once whichever device scored first. Called from the mutation path (sync/apply-mutations.ts), which
// already holds the writers' advisory lock: reading and advancing the round-robin pointer cannot race.
//
// Precedence (documented in the README):
//   1. an alert that arrives already assigned keeps its assignee (a device or manager chose);
//   2. an alert whose contact has an active owner goes to that owner, whatever the mode — the agent
//      who holds the relationship works its alerts, and the alert was in their inbox anyway;
//   3. otherwise the mode: territory (the property's zip code, else the contact's, among the agents
//      whose territories hold it; several → the least loaded), round_robin, least_workload, or manual
//      (left unassigned: every agent sees it, a manager assigns it). Territory without a matching agent
//      uses the configured fallback. Only active agents of the alert's brokerage are ever chosen.
import { sql } from 'drizzle-orm';
import { formatHlc, parseHlc } from '../../db/sync/hlc.ts';
import { rowsOf, type ServerDb } from '../database.ts';
import { OPEN_ALERT_STATUSES, readLastRoundRobinAgent, readRoutingSettings, type RoutingMode, type TerritoryFallback } from './routing-settings.ts';

type Executor = Pick<ServerDb, 'execute'>;

/** Why an alert got (or did not get) its assignee — returned for tests and logs. */
export type RoutingDecision =
  | { agentId: string; rule: 'contact_owner' | 'territory' | 'round_robin' | 'least_workload' }
  | { agentId: null; rule: 'manual' | 'no_agent' }
  | { agentId: string; rule: 'already_assigned' }
  | { agentId: null; rule: 'not_found' };

/** The node id stamped on the assignment's field clock, so replicas see who set it. */
export const ROUTING_HLC_NODE = 'server-routing';

/** Same lock (two ints) as the change-log triggers and the mutation endpoint: one lock order for every writer. */
export const WRITERS_LOCK = sql`SELECT pg_advisory_xact_lock(7300, 2)`;

const parseJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

type AlertContext = {
  brokerage_id: string;
  assigned_agent_id: string | null;
  hlc: string;
  zipcode: string | null;
  owner_id: string | null;
  routing: unknown;
};

/**
 * Routes a freshly inserted alert. Must run inside the transaction that inserted it; takes the writers'
 * lock (re-entrant within a transaction) so a caller that does not hold it yet stays in lock order.
 */
export async function routeNewAlert(tx: Executor, alertId: string, options: { now: Date }): Promise<RoutingDecision> {
  await tx.execute(WRITERS_LOCK);
  const [alert] = rowsOf<AlertContext>(
    await tx.execute(sql`
      SELECT a.brokerage_id, a.assigned_agent_id, a.hlc, coalesce(p.zipcode, c.zipcode) AS zipcode,
             owner.id AS owner_id, b.settings -> 'routing' AS routing
      FROM alerts a
      JOIN brokerages b ON b.id = a.brokerage_id
      LEFT JOIN contacts c ON c.id = a.contact_id
      LEFT JOIN properties p ON p.id = a.property_id
      LEFT JOIN users owner ON owner.id = c.assigned_agent_id AND owner.brokerage_id = a.brokerage_id AND owner.deactivated_at IS NULL
      WHERE a.id = ${alertId}`),
  );
  if (!alert) return { agentId: null, rule: 'not_found' };
  if (alert.assigned_agent_id) return { agentId: alert.assigned_agent_id, rule: 'already_assigned' };

  const stored = parseJson(alert.routing);
  const decision = await decide(tx, alert, stored);
  if (decision.agentId === null) return decision;

  if (decision.rule === 'round_robin') await saveRoundRobinPointer(tx, alert.brokerage_id, decision.agentId);
  const hlc = routingHlc(alert.hlc, options.now);
  // The assignment takes a field clock newer than the insert's, so replicas (and a later re-insert of
  // the same deterministic alert by another device) order it after the device's own "unassigned".
  await tx.execute(sql`
    UPDATE alerts
    SET assigned_agent_id = ${decision.agentId},
        field_hlcs = field_hlcs || jsonb_build_object('assigned_agent_id', ${hlc}::text),
        hlc = CASE WHEN hlc COLLATE "C" < ${hlc}::text COLLATE "C" THEN ${hlc} ELSE hlc END,
        updated_at = ${options.now.toISOString()}
    WHERE id = ${alertId} AND assigned_agent_id IS NULL`);
  return decision;
}

async function decide(tx: Executor, alert: AlertContext, stored: unknown): Promise<RoutingDecision> {
  if (alert.owner_id) return { agentId: alert.owner_id, rule: 'contact_owner' };
  const settings = readRoutingSettings(stored);
  const byMode: Record<Exclude<RoutingMode, 'manual' | 'territory'>, () => Promise<string | null>> = {
    round_robin: () => nextRoundRobin(tx, alert.brokerage_id, readLastRoundRobinAgent(stored)),
    least_workload: () => leastLoaded(tx, alert.brokerage_id, null),
  };
  switch (settings.mode) {
    case 'manual':
      return { agentId: null, rule: 'manual' };
    case 'territory': {
      const holders = alert.zipcode ? await territoryHolders(tx, alert.brokerage_id, alert.zipcode) : [];
      if (holders.length > 0) {
        const agentId = holders.length === 1 ? holders[0]! : await leastLoaded(tx, alert.brokerage_id, holders);
        if (agentId) return { agentId, rule: 'territory' };
      }
      return fallback(settings.fallback, byMode);
    }
    default: {
      const agentId = await byMode[settings.mode]();
      return agentId ? { agentId, rule: settings.mode } : { agentId: null, rule: 'no_agent' };
    }
  }
}

async function fallback(
  choice: TerritoryFallback,
  byMode: Record<'round_robin' | 'least_workload', () => Promise<string | null>>,
): Promise<RoutingDecision> {
  if (choice === 'unassigned') return { agentId: null, rule: 'no_agent' };
  const agentId = await byMode[choice]();
  return agentId ? { agentId, rule: choice } : { agentId: null, rule: 'no_agent' };
}

const activeAgents = (brokerageId: string) =>
  sql`SELECT id FROM users WHERE brokerage_id = ${brokerageId} AND role = 'agent' AND deactivated_at IS NULL`;

async function territoryHolders(tx: Executor, brokerageId: string, zipcode: string): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await tx.execute(sql`${activeAgents(brokerageId)} AND territories @> jsonb_build_array(${zipcode}::text) ORDER BY id COLLATE "C"`),
  );
  return rows.map((row) => row.id);
}

/**
 * The next active agent after the last one served, in id order (wrapping around). Id order rather than a
 * stored list: agents who join or leave need no bookkeeping, and a deactivated "last" agent still has a
 * well-defined successor.
 */
async function nextRoundRobin(tx: Executor, brokerageId: string, lastAgentId: string | null): Promise<string | null> {
  const [next] = rowsOf<{ id: string }>(
    await tx.execute(sql`
      SELECT id FROM (${activeAgents(brokerageId)}) agents
      ORDER BY (id COLLATE "C" <= ${lastAgentId ?? ''}::text COLLATE "C"), id COLLATE "C"
      LIMIT 1`),
  );
  return next?.id ?? null;
}

/** The active agent (among `candidates`, or all) with the fewest open alerts; ties go to the lowest id. */
async function leastLoaded(tx: Executor, brokerageId: string, candidates: string[] | null): Promise<string | null> {
  const among = candidates ? sql`AND u.id IN (${sql.join(candidates.map((id) => sql`${id}`), sql`, `)})` : sql``;
  const open = sql.join(OPEN_ALERT_STATUSES.map((status) => sql`${status}`), sql`, `);
  const [agent] = rowsOf<{ id: string }>(
    await tx.execute(sql`
      SELECT u.id FROM users u
      LEFT JOIN alerts a ON a.assigned_agent_id = u.id AND a.brokerage_id = ${brokerageId} AND a.status IN (${open})
      WHERE u.brokerage_id = ${brokerageId} AND u.role = 'agent' AND u.deactivated_at IS NULL ${among}
      GROUP BY u.id
      ORDER BY count(a.id), u.id COLLATE "C"
      LIMIT 1`),
  );
  return agent?.id ?? null;
}

async function saveRoundRobinPointer(tx: Executor, brokerageId: string, agentId: string): Promise<void> {
  await tx.execute(sql`
    UPDATE brokerages
    SET settings = jsonb_set(
      CASE WHEN jsonb_typeof(settings) = 'object' THEN settings ELSE '{}'::jsonb END,
      '{routing}',
      CASE WHEN jsonb_typeof(settings -> 'routing') = 'object' THEN settings -> 'routing' ELSE '{}'::jsonb END
        || jsonb_build_object('roundRobin', jsonb_build_object('lastAgentId', ${agentId}::text)))
    WHERE id = ${brokerageId}`);
}

/** A clock after both the insert's and the server's wall clock. */
export function routingHlc(insertHlc: string, now: Date): string {
  let millis = now.getTime();
  let counter = 0;
  if (insertHlc) {
    const inserted = parseHlc(insertHlc);
    if (inserted.millis > millis || (inserted.millis === millis && inserted.counter >= counter)) {
      millis = inserted.millis;
      counter = inserted.counter + 1;
      if (counter > 99_999) {
        millis += 1;
        counter = 0;
      }
    }
  }
  return formatHlc({ millis, counter, node: ROUTING_HLC_NODE });
}

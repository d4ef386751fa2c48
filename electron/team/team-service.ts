// The managers' team page in the main process: figures from the local replica (work offline), bulk
// reassignment through the replica's mutations (optimistic, synced), and the server's routing settings.
// Agents are refused here, before anything is read or sent: the page is a manager's tool.
import { sql } from 'drizzle-orm';
import { INTENT_TYPES, type IntentType, type Role } from '../../db/schema/vocabulary.ts';
import { AppError } from '../ipc/errors.ts';
import type { LocalDatabase } from '../store/local-store.ts';
import type { LocalEdit } from '../sync/replica.ts';
import type { RoutingClient } from './routing-client.ts';
import { FUNNEL_STAGES, type ReassignInput, type ReassignResult, type RoutingSettings, type RoutingState, type TeamOverview, type TeamPeriod } from './team-contract.ts';
import { alertAggregates, openAlertIdsOf, teamMembers, waitingEscalations, weeklyVolume } from './team-queries.ts';

export type TeamUser = { id: string; role: Role; brokerageId: string | null };

export type TeamServiceDeps = {
  db: LocalDatabase;
  user: TeamUser;
  mutate: (edits: LocalEdit[]) => unknown;
  routing: RoutingClient;
  now?: () => Date;
};

export type TeamService = {
  overview(period?: TeamPeriod): TeamOverview;
  reassign(input: ReassignInput): ReassignResult;
  routingSettings(): Promise<RoutingState>;
  saveRoutingSettings(settings: RoutingSettings): Promise<RoutingState>;
};

const DAY_MS = 86_400_000;
/** The weekly chart shows at most two years of weeks. */
const MAX_WEEKS = 104;

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const parseTerritories = (stored: string): string[] => {
  try {
    const value: unknown = JSON.parse(stored);
    return Array.isArray(value) ? value.filter((zip): zip is string => typeof zip === 'string') : [];
  } catch {
    return [];
  }
};

/** The Monday (UTC) of the week holding `date`, as YYYY-MM-DD. */
const mondayOf = (date: Date): string => {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
};

export function createTeamService(deps: TeamServiceDeps): TeamService {
  const now = deps.now ?? (() => new Date());
  const managerOnly = (what: string): string => {
    if (deps.user.role === 'agent') throw new AppError('forbidden', `Only managers can ${what}. Ask your brokerage manager.`);
    if (!deps.user.brokerageId) throw new AppError('forbidden', `Your account belongs to no brokerage, so there is no team to ${what.split(' ')[0]}.`);
    return deps.user.brokerageId;
  };

  return {
    overview(period = '90') {
      const brokerageId = managerOnly('see the team figures');
      const since = period === 'all' ? null : new Date(now().getTime() - Number(period) * DAY_MS).toISOString();
      const { db } = deps;

      // One pass over the alerts, grouped by (assignee, type); everything below folds those groups.
      const groups = alertAggregates(db, brokerageId, since);
      const byAgent = new Map<string | null, { open: number; critical: number; escalated: number; assigned: number; handled: number; conversions: number; responses: number[] }>();
      const byType = new Map<string, { alerts: number; converted: number }>();
      const stageTotals = { alerts: 0, viewed: 0, contacted: 0, appointment: 0, converted: 0 };
      const allResponses: number[] = [];
      for (const group of groups) {
        const agent = byAgent.get(group.agentId) ?? { open: 0, critical: 0, escalated: 0, assigned: 0, handled: 0, conversions: 0, responses: [] };
        agent.open += group.open;
        agent.critical += group.openCritical;
        agent.escalated += group.openEscalated;
        agent.assigned += group.alerts;
        agent.handled += group.handled;
        agent.conversions += group.converted;
        for (const text of group.responses ? group.responses.split(',') : []) {
          agent.responses.push(Number(text));
          allResponses.push(Number(text));
        }
        byAgent.set(group.agentId, agent);
        const type = byType.get(group.type) ?? { alerts: 0, converted: 0 };
        type.alerts += group.alerts;
        type.converted += group.converted;
        byType.set(group.type, type);
        for (const stage of FUNNEL_STAGES) stageTotals[stage] += group[stage];
      }
      // The team is the brokerage's active agents, plus anyone else (a manager, a deactivated agent)
      // holding open alerts or assigned some in the period.
      const members = teamMembers(db, brokerageId).filter((m) => {
        const held = byAgent.get(m.id);
        return (m.role === 'agent' && m.active === 1) || (held !== undefined && (held.open > 0 || held.assigned > 0));
      });

      const agents = members.map((m) => {
        const held = byAgent.get(m.id);
        return {
          id: m.id,
          name: m.name,
          email: m.email,
          role: m.role,
          active: m.active === 1,
          territories: parseTerritories(m.territories),
          openAlerts: held?.open ?? 0,
          openCritical: held?.critical ?? 0,
          escalatedOpen: held?.escalated ?? 0,
        };
      });
      const leaderboard = members
        .map((m) => {
          const held = byAgent.get(m.id);
          const assigned = held?.assigned ?? 0;
          const conversions = held?.conversions ?? 0;
          return {
            agentId: m.id,
            name: m.name,
            assigned,
            handled: held?.handled ?? 0,
            conversions,
            conversionRate: assigned > 0 ? conversions / assigned : null,
            medianResponseMinutes: median(held?.responses ?? []),
          };
        })
        .sort(
          (a, b) =>
            b.conversions - a.conversions ||
            b.handled - a.handled ||
            (a.medianResponseMinutes ?? Infinity) - (b.medianResponseMinutes ?? Infinity) ||
            a.name.localeCompare(b.name),
        );

      return {
        period,
        since,
        agents,
        unassignedOpen: byAgent.get(null)?.open ?? 0,
        leaderboard,
        teamMedianResponseMinutes: median(allResponses),
        conversionByType: INTENT_TYPES.map((type) => {
          const counts = byType.get(type) ?? { alerts: 0, converted: 0 };
          return { type, ...counts, rate: counts.alerts > 0 ? counts.converted / counts.alerts : null };
        }),
        funnel: FUNNEL_STAGES.map((stage) => ({ stage, count: stageTotals[stage] })),
        volumeByWeek: weeksOf(weeklyVolume(db, brokerageId, since), since ? mondayOf(new Date(since)) : null, mondayOf(now())),
        escalated: waitingEscalations(db, brokerageId),
      };
    },

    reassign(input) {
      const brokerageId = managerOnly('hand alerts to another agent');
      const { db } = deps;
      if (input.toAgentId !== null) {
        const [target] = db.all<{ id: string }>(sql`
          SELECT id FROM users WHERE id = ${input.toAgentId} AND brokerage_id = ${brokerageId} AND deactivated_at IS NULL AND role IN ('agent', 'manager')`);
        if (!target) throw new AppError('invalid_input', 'That person is not an active member of your brokerage: choose someone from the list.');
      }
      const ids = openAlertIdsOf(db, brokerageId, input.fromAgentId, input.alertIds);
      if (input.alertIds) {
        const missing = new Set(input.alertIds).size - ids.length;
        if (missing > 0) {
          throw new AppError(
            'invalid_input',
            `${missing} of the chosen alerts ${missing === 1 ? 'is' : 'are'} no longer open with ${input.fromAgentId === null ? 'nobody assigned' : 'that agent'}; nothing was reassigned. Refresh and try again.`,
          );
        }
      }
      if (ids.length > 0) deps.mutate(ids.map((id) => ({ table: 'alerts', op: 'update', id, changes: { assigned_agent_id: input.toAgentId } })));
      return { alertIds: ids, fromAgentId: input.fromAgentId, toAgentId: input.toAgentId };
    },

    async routingSettings() {
      managerOnly('see how alerts are routed');
      return deps.routing.get();
    },

    async saveRoutingSettings(settings) {
      managerOnly('change how alerts are routed');
      return deps.routing.save(settings);
    },
  };
}

/** Fills the weeks between the first (the window's start, else the first alert) and this one with zeros. */
function weeksOf(rows: { week: string; type: IntentType; count: number }[], firstWeek: string | null, thisWeek: string): TeamOverview['volumeByWeek'] {
  const empty = () => Object.fromEntries(INTENT_TYPES.map((type) => [type, 0])) as Record<IntentType, number>;
  const byWeek = new Map<string, Record<IntentType, number>>();
  for (const row of rows) {
    if (!(INTENT_TYPES as readonly string[]).includes(row.type)) continue;
    const counts = byWeek.get(row.week) ?? empty();
    counts[row.type] = row.count;
    byWeek.set(row.week, counts);
  }
  const start = firstWeek ?? rows[0]?.week;
  if (!start) return [];
  const last = rows.at(-1)?.week && rows.at(-1)!.week > thisWeek ? rows.at(-1)!.week : thisWeek;
  const weeks: TeamOverview['volumeByWeek'] = [];
  for (let week = new Date(`${start}T00:00:00Z`); week.toISOString().slice(0, 10) <= last; week.setUTCDate(week.getUTCDate() + 7)) {
    const key = week.toISOString().slice(0, 10);
    weeks.push({ week: key, counts: byWeek.get(key) ?? empty() });
  }
  return weeks.slice(-MAX_WEEKS);
}

// The team figures, computed by SQLite over the manager's replica (which holds the whole brokerage).
//
// Every alert of the period gets one "stage" (0 new … 4 converted) from its status, its first contact and
// the outcomes logged on it, so the funnel, the conversions by type and the leaderboard count the same
// thing. Outcomes use the inbox vocabulary (electron/inbox: reached, not_reached, appointment,
// listing_signed, refinanced, not_interested): a signed listing or a refinance is a conversion, an
// appointment is the step before, and any other outcome means someone reached out.
import { sql, type SQL } from 'drizzle-orm';
import type { IntentType } from '../../db/schema/vocabulary.ts';
import type { LocalDatabase } from '../store/local-store.ts';
import type { TeamOverview } from './team-contract.ts';

export const OPEN_STATUSES = ['new', 'viewed', 'contacted', 'snoozed'] as const;
export const CONVERTING_OUTCOMES = ['listing_signed', 'refinanced'] as const;
export const APPOINTMENT_OUTCOMES = ['appointment'] as const;

const list = (values: readonly string[]): SQL => sql.join(values.map((value) => sql`${value}`), sql`, `);

export type TeamMember = { id: string; name: string; email: string; role: string; active: number; territories: string };

export function teamMembers(db: LocalDatabase, brokerageId: string): TeamMember[] {
  return db.all<TeamMember>(sql`
    SELECT id, name, email, role, deactivated_at IS NULL AS active, territories
    FROM users WHERE brokerage_id = ${brokerageId}
    ORDER BY name COLLATE NOCASE, id`);
}

export type AlertAggregate = {
  agentId: string | null;
  type: string;
  /** Open now (whatever the period), of which CRITICAL, of which escalated. */
  open: number;
  openCritical: number;
  openEscalated: number;
  /** Created in the period, and how far they got (each stage counts every later one too). */
  alerts: number;
  viewed: number;
  contacted: number;
  appointment: number;
  converted: number;
  /** Worked: contacted, converted or dismissed. */
  handled: number;
  /** Minutes from creation to first contact of the period's contacted alerts, comma-separated (null: none). */
  responses: string | null;
};

/**
 * Everything the team page counts, per assignee and type, in ONE pass over the brokerage's alerts: each
 * scan of the wide alerts table costs tens of milliseconds at 20k alerts, a group per (agent, type) nothing.
 */
export function alertAggregates(db: LocalDatabase, brokerageId: string, since: string | null): AlertAggregate[] {
  const inPeriod = since ? sql`a.created_at >= ${since}` : sql`1`;
  const open = sql`a.status IN (${list(OPEN_STATUSES)})`;
  return db.all<AlertAggregate>(sql`
    WITH outcome_stage AS (
      SELECT alert_id, max(CASE WHEN outcome IN (${list(CONVERTING_OUTCOMES)}) THEN 4
                                WHEN outcome IN (${list(APPOINTMENT_OUTCOMES)}) THEN 3
                                ELSE 2 END) AS stage
      FROM alert_outcomes WHERE brokerage_id = ${brokerageId} GROUP BY alert_id
    ),
    staged AS (
      SELECT a.assigned_agent_id, a.type, a.status, a.priority, a.escalated_at, ${inPeriod} AS in_period, ${open} AS is_open,
             max(CASE a.status WHEN 'converted' THEN 4 WHEN 'contacted' THEN 2 WHEN 'new' THEN 0 ELSE 1 END,
                 CASE WHEN a.first_contacted_at IS NOT NULL THEN 2 ELSE 0 END,
                 coalesce(o.stage, 0)) AS stage,
             CASE WHEN a.first_contacted_at IS NOT NULL
                  THEN max(0, round(unixepoch(a.first_contacted_at, 'subsec') - unixepoch(a.created_at, 'subsec'), 3) / 60.0) END AS response
      FROM alerts a NOT INDEXED LEFT JOIN outcome_stage o ON o.alert_id = a.id
      WHERE a.brokerage_id = ${brokerageId}
    )
    SELECT assigned_agent_id AS agentId, type,
           sum(is_open) AS open, sum(is_open AND priority = 'CRITICAL') AS openCritical, sum(is_open AND escalated_at IS NOT NULL) AS openEscalated,
           sum(in_period) AS alerts, sum(in_period AND stage >= 1) AS viewed, sum(in_period AND stage >= 2) AS contacted,
           sum(in_period AND stage >= 3) AS appointment, sum(in_period AND stage >= 4) AS converted,
           sum(in_period AND (stage >= 2 OR status = 'dismissed')) AS handled,
           group_concat(CASE WHEN in_period THEN response END) AS responses
    FROM staged
    GROUP BY assigned_agent_id, type`);
}

/** Alerts created per week (Monday-based, UTC dates) and type. */
export function weeklyVolume(db: LocalDatabase, brokerageId: string, since: string | null): { week: string; type: IntentType; count: number }[] {
  return db.all<{ week: string; type: IntentType; count: number }>(sql`
    SELECT date(created_at, '-6 days', 'weekday 1') AS week, type, count(*) AS count
    FROM alerts
    WHERE brokerage_id = ${brokerageId} ${since ? sql`AND created_at >= ${since}` : sql``}
    GROUP BY week, type ORDER BY week`);
}

/** Escalated alerts nobody has opened yet, oldest escalation first. */
export function waitingEscalations(db: LocalDatabase, brokerageId: string, limit = 100): TeamOverview['escalated'] {
  return db.all<TeamOverview['escalated'][number]>(sql`
    SELECT a.id, trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) AS contactName, a.type, a.priority,
           a.assigned_agent_id AS assignedAgentId, u.name AS assignedName, a.created_at AS createdAt, a.escalated_at AS escalatedAt
    FROM alerts a
    LEFT JOIN contacts c ON c.id = a.contact_id
    LEFT JOIN users u ON u.id = a.assigned_agent_id
    WHERE a.brokerage_id = ${brokerageId} AND a.escalated_at IS NOT NULL AND a.status = 'new'
    ORDER BY a.escalated_at, a.id
    LIMIT ${limit}`);
}

/** Open alerts held by `agentId` (null: unassigned), optionally only among `ids`. */
export function openAlertIdsOf(db: LocalDatabase, brokerageId: string, agentId: string | null, ids?: readonly string[]): string[] {
  const holder = agentId === null ? sql`assigned_agent_id IS NULL` : sql`assigned_agent_id = ${agentId}`;
  // Chunks keep the IN list under SQLite's variable limit.
  const chunks: (readonly string[] | null)[] = ids ? Array.from({ length: Math.ceil(ids.length / 500) }, (_, i) => ids.slice(i * 500, i * 500 + 500)) : [null];
  return chunks.flatMap((chunk) =>
    db
      .all<{ id: string }>(sql`
        SELECT id FROM alerts
        WHERE brokerage_id = ${brokerageId} AND ${holder} AND status IN (${list(OPEN_STATUSES)}) ${chunk ? sql`AND id IN (${list(chunk)})` : sql``}
        ORDER BY id`)
      .map((row) => row.id),
  );
}

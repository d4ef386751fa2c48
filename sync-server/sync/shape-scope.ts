// Which rows of a table a caller may receive. Derived only from the access token, never from the
// request: agents see their own and unassigned contacts (and what hangs off them), managers their
// whole brokerage, platform admins (no brokerage) only the public market data.
import { sql, type SQL } from 'drizzle-orm';
import { GLOBAL_TABLES, type ShapeTable } from '../../db/sync/shape-tables.ts';
import type { AuthContext } from '../auth/auth-service.ts';

export type ShapeScope = {
  brokerageId: string | null;
  /** Set for agents: rows scoped to other agents are withheld. Null: the whole brokerage. */
  agentId: string | null;
  /** Changes when what the caller may see changes (role, brokerage): a shape built for another scope is refetched. */
  key: string;
};

export function scopeOf(auth: Pick<AuthContext, 'userId' | 'brokerageId' | 'role'>): ShapeScope {
  const agentId = auth.role === 'agent' ? auth.userId : null;
  return { brokerageId: auth.brokerageId, agentId, key: `${auth.brokerageId ?? '-'}|${auth.role}|${agentId ?? '*'}` };
}

/** Whether the caller may read the table at all (a platform admin has no brokerage rows). */
export function mayReadTable(scope: ShapeScope, table: ShapeTable): boolean {
  return GLOBAL_TABLES.has(table) || scope.brokerageId !== null;
}

/** The agent filter on a change-log scope array (NULL = brokerage-wide; '' = every agent). */
export function changeScopeFilter(scope: ShapeScope): SQL {
  if (scope.agentId === null) return sql`true`;
  return sql`(scope IS NULL OR scope && ARRAY['', ${scope.agentId}]::text[])`;
}

/**
 * Tables whose rows belong to the agent of their contact (sync_row_scope in
 * db/migrations/pg/0004_sync_triggers.sql); all have contact_id, and contacts carry their own agent.
 */
const CONTACT_SCOPED_TABLES: ReadonlySet<ShapeTable> = new Set(['properties', 'events', 'alerts', 'alert_outcomes', 'notes', 'tasks', 'activities', 'campaign_sends', 'conflicts']);

/**
 * The rule of sync_row_scope (the change log's, in SQL: db/migrations/pg/0004_sync_triggers.sql) written
 * out for the live rows of `table` aliased `t`, for snapshot pages. A snapshot page of an agent scans the
 * brokerage's rows in id order until the page is full, and calling the function on every scanned row
 * (to_jsonb of the row, then plpgsql) cost 7.6 µs per row; as plain SQL Postgres looks the contact up by
 * its key, 1.6 µs (50k contacts, 150k events). A test holds the two to the same rows for every table
 * (shape-scope.test.ts).
 */
export function rowScopeFilter(scope: ShapeScope, table: ShapeTable): SQL {
  const tenant = GLOBAL_TABLES.has(table)
    ? sql`true`
    : table === 'brokerages'
      ? sql`t.id = ${scope.brokerageId}`
      : sql`t.brokerage_id = ${scope.brokerageId}`;
  if (scope.agentId === null) return tenant;
  const visible = (agent: SQL) => sql`${agent} IN ('', ${scope.agentId})`;
  if (table === 'contacts') return sql`${tenant} AND ${visible(sql`coalesce(t.assigned_agent_id, '')`)}`;
  if (!CONTACT_SCOPED_TABLES.has(table)) return tenant; // brokerage-wide rows (users, campaigns, …)
  // The agent of the row's contact: '' for an unassigned contact, and for one that is gone.
  const contactAgent = sql`coalesce((SELECT c.assigned_agent_id FROM contacts c WHERE c.id = t.contact_id), '')`;
  // A row of an agent's own can also be one assigned to them on a contact of someone else.
  const own = (column: string) => sql`${visible(contactAgent)} OR ${visible(sql`coalesce(t.${sql.identifier(column)}, ${contactAgent})`)}`;
  const byContact =
    table === 'alerts' ? own('assigned_agent_id') : table === 'tasks' ? own('assignee_id') : visible(contactAgent);
  const withoutContact = table === 'tasks' ? visible(sql`coalesce(t.assignee_id, '')`) : sql`true`;
  return sql`${tenant} AND (CASE WHEN t.contact_id IS NULL THEN ${withoutContact} ELSE (${byContact}) END)`;
}

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

/** The same rule evaluated on a live row of `table` aliased `t` (one definition: sync_row_scope in SQL). */
export function rowScopeFilter(scope: ShapeScope, table: ShapeTable): SQL {
  const tenant = GLOBAL_TABLES.has(table)
    ? sql`true`
    : table === 'brokerages'
      ? sql`t.id = ${scope.brokerageId}`
      : sql`t.brokerage_id = ${scope.brokerageId}`;
  if (scope.agentId === null) return tenant;
  // A NULL scope (brokerage-wide) passes. One call per row: the function runs per row scanned, and a
  // snapshot page of an agent scans every row of the brokerage.
  return sql`${tenant} AND coalesce(sync_row_scope(${table}, to_jsonb(t)) && ARRAY['', ${scope.agentId}]::text[], true)`;
}

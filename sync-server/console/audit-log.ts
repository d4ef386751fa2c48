// The audit log: who did what, when, from where. Every console action writes one entry (in the same
// transaction as the change where there is one); managers read their brokerage's entries, admins all.
import { and, desc, eq, gte, ilike, lt, lte, or, type SQL } from 'drizzle-orm';
import { stringify } from 'csv-stringify/sync';
import { serverAuditLog } from '../../db/schema/pg.ts';
import type { ServerDb } from '../database.ts';

type Writer = Pick<ServerDb, 'insert'>;

export type AuditEntryInput = {
  actor: { id: string; email: string } | null;
  action: string;
  brokerageId: string | null;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  ip: string;
  at: Date;
};

export async function writeAudit(db: Writer, entry: AuditEntryInput): Promise<void> {
  await db.insert(serverAuditLog).values({
    brokerageId: entry.brokerageId,
    actorId: entry.actor?.id ?? null,
    actorEmail: entry.actor?.email ?? '',
    action: entry.action,
    targetType: entry.targetType ?? '',
    targetId: entry.targetId ?? '',
    details: entry.details ?? {},
    ip: entry.ip,
    createdAt: entry.at.toISOString(),
  });
}

export type AuditFilter = {
  /** null: every brokerage (and platform-level entries); a manager's is always their own. */
  brokerageId: string | null;
  actor?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Keyset paging: entries with a smaller id. */
  before?: number | undefined;
};

export type AuditEntry = typeof serverAuditLog.$inferSelect;

function whereOf(filter: AuditFilter): SQL | undefined {
  const escape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return and(
    filter.brokerageId ? eq(serverAuditLog.brokerageId, filter.brokerageId) : undefined,
    filter.actor ? or(ilike(serverAuditLog.actorEmail, `%${escape(filter.actor)}%`), eq(serverAuditLog.actorId, filter.actor)) : undefined,
    filter.action ? ilike(serverAuditLog.action, `${escape(filter.action)}%`) : undefined,
    filter.from ? gte(serverAuditLog.createdAt, filter.from) : undefined,
    filter.to ? lte(serverAuditLog.createdAt, filter.to) : undefined,
    filter.before ? lt(serverAuditLog.id, filter.before) : undefined,
  );
}

export async function listAudit(db: ServerDb, filter: AuditFilter, limit: number): Promise<AuditEntry[]> {
  return db.select().from(serverAuditLog).where(whereOf(filter)).orderBy(desc(serverAuditLog.id)).limit(limit);
}

export const AUDIT_EXPORT_LIMIT = 100_000;

export async function exportAuditCsv(db: ServerDb, filter: AuditFilter): Promise<{ csv: string; rows: number }> {
  const rows = await listAudit(db, filter, AUDIT_EXPORT_LIMIT);
  const csv = stringify(
    rows.map((row) => [row.id, row.createdAt, row.actorEmail, row.actorId ?? '', row.action, row.brokerageId ?? '', row.targetType, row.targetId, JSON.stringify(row.details), row.ip].map(spreadsheetSafe)),
    { header: true, columns: ['id', 'at', 'actor_email', 'actor_id', 'action', 'brokerage_id', 'target_type', 'target_id', 'details', 'ip'] },
  );
  return { csv, rows: rows.length };
}

// A cell starting with = + - @ is a formula to Excel and LibreOffice; audit data comes partly from users
// (emails, names), so such cells are prefixed with an apostrophe, which spreadsheets show as text.
function spreadsheetSafe(value: string | number): string | number {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

// What every console route shares: the database, the clock, the session of the request, the caller's
// reach (admins: every brokerage; managers: their own) and the audit writer.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ServerDb } from '../database.ts';
import { ApiError, type ApiErrorDetail } from '../http/errors.ts';
import type { LiveChanges } from '../sync/live-changes.ts';
import { writeAudit, type AuditEntryInput } from './audit-log.ts';
import type { ConsoleSession, ConsoleTimeouts } from './console-session.ts';
import type { ServerMetrics } from './server-metrics.ts';

export type ConsoleContext = {
  db: ServerDb;
  now: () => Date;
  timeouts: ConsoleTimeouts;
  /** How long an invitation or password-reset link stays valid. */
  inviteTtlMs: number;
  metrics: ServerMetrics;
  liveChanges: LiveChanges | null;
};

export function sessionOf(request: FastifyRequest): ConsoleSession {
  if (!request.consoleSession) throw new Error(`Console route ${request.routeOptions.url ?? request.url} has no session guard.`);
  return request.consoleSession;
}

/** The brokerage a manager is limited to; null for admins (every brokerage). */
export const reachOf = (session: ConsoleSession): string | null => (session.user.role === 'admin' ? null : session.user.brokerageId);

/**
 * The brokerage filter of a list: admins may pick one (or none: all); managers always get their own,
 * whatever they ask for.
 */
export function brokerageFilter(session: ConsoleSession, requested: string | undefined): string | null {
  const reach = reachOf(session);
  return reach ?? (requested || null);
}

/** A record of another brokerage is "not found" for a manager: its existence is not revealed. */
export function assertInReach(session: ConsoleSession, brokerageId: string | null, what: string): void {
  const reach = reachOf(session);
  if (reach !== null && brokerageId !== reach) throw new ApiError(404, 'not_found', `There is no such ${what} in your brokerage.`);
}

export function requireAdmin(session: ConsoleSession, what: string): void {
  if (session.user.role !== 'admin') throw new ApiError(403, 'forbidden', `Only platform administrators can ${what}.`);
}

export function audit(
  context: ConsoleContext,
  request: FastifyRequest,
  entry: Omit<AuditEntryInput, 'actor' | 'ip' | 'at'> & { actor?: AuditEntryInput['actor'] },
  db: Pick<ServerDb, 'insert'> = context.db,
): Promise<void> {
  const session = request.consoleSession;
  const actor = entry.actor !== undefined ? entry.actor : session ? { id: session.user.id, email: session.user.email } : null;
  return writeAudit(db, { ...entry, actor, ip: request.ip, at: context.now() });
}

/** Validates a query string with zod; a mismatch is a 400 naming each bad parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const result = schema.safeParse(query ?? {});
  if (result.success) return result.data;
  const details: ApiErrorDetail[] = result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(query)', message: issue.message }));
  throw new ApiError(400, 'invalid_request', `The query is invalid — ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}.`, { details });
}

export const optionalText = (max = 200) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((value) => (value === '' ? undefined : value));
export const optionalDate = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(z.union([z.iso.datetime({ offset: true }), z.iso.date()]).optional());

// Console sign-in sessions. The cookie carries a random id (HttpOnly, SameSite=Strict, Path=/console,
// Secure over https); the database keeps only its hash, with a CSRF token bound to it that every
// state-changing request must echo in X-CSRF-Token. Sessions end after an idle period and after an
// absolute lifetime, whichever comes first; background polling (X-Console-Background: 1) does not count
// as activity, so a console left open on a live tail still times out.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { brokerages, serverConsoleSessions, users } from '../../db/schema/pg.ts';
import type { Role } from '../../db/schema/vocabulary.ts';
import type { ServerDb } from '../database.ts';
import { ApiError } from '../http/errors.ts';

export const SESSION_COOKIE = 'roi_console_session';
export const CSRF_HEADER = 'x-csrf-token';
export const BACKGROUND_HEADER = 'x-console-background';

export type ConsoleTimeouts = {
  /** Signed out after this long without a (foreground) request. Default 30 minutes. */
  idleTimeoutMs: number;
  /** Signed out this long after signing in, however active. Default 12 hours. */
  absoluteTimeoutMs: number;
};
export const DEFAULT_CONSOLE_TIMEOUTS: ConsoleTimeouts = { idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 12 * 3600_000 };

export type ConsoleUser = { id: string; email: string; name: string; role: Exclude<Role, 'agent'>; brokerageId: string | null; brokerageName: string | null };
export type ConsoleSession = { idHash: string; csrfToken: string; user: ConsoleUser; expiresAt: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the console's session guard; null on public console routes. */
    consoleSession: ConsoleSession | null;
  }
}

const hashSessionId = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex');

export function readCookie(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return null;
}

function cookieAttributes(request: FastifyRequest): string {
  return `Path=/console; HttpOnly; SameSite=Strict${request.protocol === 'https' ? '; Secure' : ''}`;
}

/** Opens a session for a user allowed in the console and sets its cookie (ending the browser's previous one). */
export async function openSession(db: ServerDb, reply: FastifyReply, request: FastifyRequest, userId: string, timeouts: ConsoleTimeouts, now: Date) {
  const previous = readCookie(request, SESSION_COOKIE);
  if (previous) await closeSession(db, hashSessionId(previous));
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + timeouts.absoluteTimeoutMs).toISOString();
  // Old sessions of anyone are swept here rather than by a timer: sign-ins are rare and cheap to piggyback on.
  await db.delete(serverConsoleSessions).where(lt(serverConsoleSessions.expiresAt, now.toISOString()));
  await db.insert(serverConsoleSessions).values({ idHash: hashSessionId(id), userId, csrfToken, createdAt: now.toISOString(), lastSeenAt: now.toISOString(), expiresAt });
  reply.header('set-cookie', `${SESSION_COOKIE}=${id}; ${cookieAttributes(request)}; Max-Age=${Math.ceil(timeouts.absoluteTimeoutMs / 1000)}`);
  return { csrfToken, expiresAt };
}

export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; ${cookieAttributes(request)}; Max-Age=0`);
}

export async function closeSession(db: ServerDb, idHash: string): Promise<void> {
  await db.delete(serverConsoleSessions).where(eq(serverConsoleSessions.idHash, idHash));
}

/** Ends every console session of a user (deactivated, demoted, or their password was reset). */
export async function closeSessionsOfUser(db: Pick<ServerDb, 'delete'>, userId: string): Promise<void> {
  await db.delete(serverConsoleSessions).where(eq(serverConsoleSessions.userId, userId));
}

const signInAgain = (reason: string) =>
  new ApiError(401, 'unauthenticated', reason, { data: { signIn: true } });

/**
 * Loads the session of the request's cookie: present, not expired (idle or absolute), its user active
 * and still a manager or admin. Refreshes the idle clock unless the request is background polling.
 */
export async function loadSession(db: ServerDb, request: FastifyRequest, timeouts: ConsoleTimeouts, now: Date): Promise<ConsoleSession> {
  const id = readCookie(request, SESSION_COOKIE);
  if (!id) throw signInAgain('Sign in to the console first.');
  const idHash = hashSessionId(id);
  const [row] = await db
    .select({
      csrfToken: serverConsoleSessions.csrfToken,
      lastSeenAt: serverConsoleSessions.lastSeenAt,
      expiresAt: serverConsoleSessions.expiresAt,
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      brokerageId: users.brokerageId,
      brokerageName: brokerages.name,
      userDeactivatedAt: users.deactivatedAt,
      brokerageDeactivatedAt: brokerages.deactivatedAt,
    })
    .from(serverConsoleSessions)
    .innerJoin(users, eq(users.id, serverConsoleSessions.userId))
    .leftJoin(brokerages, eq(brokerages.id, users.brokerageId))
    .where(eq(serverConsoleSessions.idHash, idHash));
  if (!row) throw signInAgain('Your console session has ended. Sign in again.');
  const idleFor = now.getTime() - Date.parse(row.lastSeenAt);
  if (idleFor > timeouts.idleTimeoutMs || now.getTime() > Date.parse(row.expiresAt)) {
    await closeSession(db, idHash);
    throw signInAgain('Your console session has expired. Sign in again.');
  }
  if (row.userDeactivatedAt || row.brokerageDeactivatedAt || (row.role !== 'admin' && row.role !== 'manager')) {
    await closeSession(db, idHash);
    throw signInAgain('Your account can no longer use the console.');
  }
  if (request.headers[BACKGROUND_HEADER] !== '1') {
    await db
      .update(serverConsoleSessions)
      .set({ lastSeenAt: now.toISOString() })
      .where(eq(serverConsoleSessions.idHash, idHash));
  }
  return {
    idHash,
    csrfToken: row.csrfToken,
    expiresAt: row.expiresAt,
    user: { id: row.id, email: row.email, name: row.name, role: row.role, brokerageId: row.brokerageId, brokerageName: row.brokerageName },
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a state-changing request without the session's CSRF token, or sent from another origin.
 * SameSite=Strict already keeps the cookie off cross-site requests; the token also covers same-site
 * attackers (another app on a sibling subdomain) and older browsers.
 */
export function checkCsrf(request: FastifyRequest, session: { csrfToken: string }): void {
  if (SAFE_METHODS.has(request.method)) return;
  checkOrigin(request);
  const given = request.headers[CSRF_HEADER];
  const expected = Buffer.from(session.csrfToken);
  const actual = Buffer.from(typeof given === 'string' ? given : '');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new ApiError(403, 'forbidden', 'This request lacks the console’s security token (CSRF). Reload the console page and try again.', { data: { csrf: true } });
  }
}

/** A browser's Origin, when sent, must be this server's own. */
export function checkOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (!origin) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = '';
  }
  if (host !== request.headers.host) throw new ApiError(403, 'forbidden', 'Console requests must come from the console page itself.');
}

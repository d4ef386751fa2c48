// One-time links for a new user to choose a password (an invitation) or for an existing user to choose a
// new one (a reset). The link carries a random token in its #fragment (never sent to the server by the
// browser, so it stays out of logs and Referer headers); the database keeps only its hash. A link works
// once, until it expires, and a newer link for the same user voids the older ones.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { brokerages, devices, serverInvites, userCredentials, users } from '../../db/schema/pg.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { ServerDb } from '../database.ts';
import { ApiError } from '../http/errors.ts';
import { closeSessionsOfUser } from './console-session.ts';

type Executor = Pick<ServerDb, 'select' | 'insert' | 'update' | 'delete'>;

export const MIN_PASSWORD_LENGTH = 10;
const hashInviteToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export function inviteUrl(request: FastifyRequest, token: string): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}/console/invite#${token}`;
}

export async function createInvite(db: Executor, input: { userId: string; createdBy: string; now: Date; ttlMs: number }): Promise<{ token: string; expiresAt: string }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(input.now.getTime() + input.ttlMs).toISOString();
  // Only the newest link of a user works.
  await db
    .update(serverInvites)
    .set({ expiresAt: input.now.toISOString() })
    .where(and(eq(serverInvites.userId, input.userId), isNull(serverInvites.usedAt), gt(serverInvites.expiresAt, input.now.toISOString())));
  await db.insert(serverInvites).values({ id: randomUUID(), tokenHash: hashInviteToken(token), userId: input.userId, createdBy: input.createdBy, createdAt: input.now.toISOString(), expiresAt });
  return { token, expiresAt };
}

const LINK_UNUSABLE = 'This link is not valid any more: it was already used, has expired, or a newer one was sent. Ask your administrator for a new link.';

/** Who a link is for, without using it (for the page that asks for the password). */
export async function describeInvite(db: ServerDb, token: string, now: Date) {
  const [row] = await db
    .select({ email: users.email, name: users.name, brokerageName: brokerages.name, hasPassword: userCredentials.userId, deactivatedAt: users.deactivatedAt })
    .from(serverInvites)
    .innerJoin(users, eq(users.id, serverInvites.userId))
    .leftJoin(brokerages, eq(brokerages.id, users.brokerageId))
    .leftJoin(userCredentials, eq(userCredentials.userId, users.id))
    .where(and(eq(serverInvites.tokenHash, hashInviteToken(token)), isNull(serverInvites.usedAt), gt(serverInvites.expiresAt, now.toISOString())));
  if (!row || row.deactivatedAt) throw new ApiError(404, 'not_found', LINK_UNUSABLE);
  return { email: row.email, name: row.name, brokerageName: row.brokerageName, kind: row.hasPassword ? ('reset' as const) : ('invite' as const) };
}

/**
 * Uses a link: sets the password, spends the link (a conditional update, so two concurrent uses cannot
 * both succeed) and, for a reset, signs the user out everywhere (devices and console sessions).
 */
export async function acceptInvite(db: ServerDb, token: string, password: string, now: Date): Promise<{ userId: string; email: string; brokerageId: string | null; kind: 'invite' | 'reset' }> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new ApiError(400, 'invalid_request', `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`);
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(serverInvites)
      .set({ usedAt: now.toISOString() })
      .where(and(eq(serverInvites.tokenHash, hashInviteToken(token)), isNull(serverInvites.usedAt), gt(serverInvites.expiresAt, now.toISOString())))
      .returning({ userId: serverInvites.userId });
    if (!claimed) throw new ApiError(404, 'not_found', LINK_UNUSABLE);
    const [user] = await tx.select({ email: users.email, brokerageId: users.brokerageId, deactivatedAt: users.deactivatedAt }).from(users).where(eq(users.id, claimed.userId));
    if (!user || user.deactivatedAt) throw new ApiError(404, 'not_found', LINK_UNUSABLE);
    const [existing] = await tx.select({ userId: userCredentials.userId }).from(userCredentials).where(eq(userCredentials.userId, claimed.userId));
    if (existing) {
      await tx.update(userCredentials).set({ passwordHash, updatedAt: now.toISOString() }).where(eq(userCredentials.userId, claimed.userId));
      await tx.update(devices).set({ revokedAt: now.toISOString() }).where(and(eq(devices.userId, claimed.userId), isNull(devices.revokedAt)));
      await closeSessionsOfUser(tx, claimed.userId);
    } else {
      await tx.insert(userCredentials).values({ userId: claimed.userId, passwordHash });
    }
    return { userId: claimed.userId, email: user.email, brokerageId: user.brokerageId, kind: existing ? 'reset' : 'invite' };
  });
}

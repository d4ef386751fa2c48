// Two-factor setup for a signed-in user (voluntary, or ahead of a brokerage making it mandatory):
//   POST /v1/auth/totp/setup    → {secret, otpauthUrl}   a new key, not active until confirmed
//   POST /v1/auth/totp/enable   {code} → {recoveryCodes}  confirms the key with a code from the app
//   POST /v1/auth/totp/disable  {password} → 204          unless two-factor is mandatory for the account
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { userCredentials, users } from '../../db/schema/pg.ts';
import { ApiError, parseBody } from '../http/errors.ts';
import { verifyPassword } from './passwords.ts';
import { authOf, requireAuth } from './require-auth.ts';
import { newRecoveryCodes, newTotpEnrollment, secondFactorRequired, totpCodeMatches } from './totp.ts';

const enableBody = z.object({ code: z.string().trim().regex(/^\d{6}$/, 'must be the 6-digit code from your authenticator app') });
const disableBody = z.object({ password: z.string().min(1).max(1024) });

export function registerTotpRoutes(app: FastifyInstance, options: { now?: () => Date } = {}): void {
  const now = () => (options.now ?? (() => new Date()))();
  const account = async (userId: string) => {
    const [row] = await app.syncDb
      .select({
        id: users.id,
        email: users.email,
        role: users.role,
        brokerageId: users.brokerageId,
        secret: userCredentials.totpSecret,
        enabled: userCredentials.totpEnabled,
        passwordHash: userCredentials.passwordHash,
      })
      .from(users)
      .innerJoin(userCredentials, eq(userCredentials.userId, users.id))
      .where(eq(users.id, userId));
    if (!row) throw new ApiError(404, 'not_found', 'This account has no password sign-in to protect.');
    return row;
  };

  app.post('/v1/auth/totp/setup', { preHandler: requireAuth }, async (request) => {
    const current = await account(authOf(request).userId);
    if (current.enabled) throw new ApiError(409, 'invalid_request', 'Two-factor sign-in is already on. Turn it off first to use a new key.');
    const enrollment = newTotpEnrollment(current.email);
    await app.syncDb.update(userCredentials).set({ totpSecret: enrollment.secret, updatedAt: now().toISOString() }).where(eq(userCredentials.userId, current.id));
    return enrollment;
  });

  app.post('/v1/auth/totp/enable', { preHandler: requireAuth }, async (request) => {
    const { code } = parseBody(enableBody, request.body);
    const current = await account(authOf(request).userId);
    if (current.enabled) throw new ApiError(409, 'invalid_request', 'Two-factor sign-in is already on.');
    if (!current.secret) throw new ApiError(409, 'invalid_request', 'Start with POST /v1/auth/totp/setup to get a key for your authenticator app.');
    if (!totpCodeMatches(current.secret, current.email, code, now())) {
      throw new ApiError(400, 'invalid_totp', 'That code is not right. Check your authenticator app and the time on this computer.');
    }
    const recovery = newRecoveryCodes();
    await app.syncDb
      .update(userCredentials)
      .set({ totpEnabled: true, recoveryCodeHashes: recovery.hashes, updatedAt: now().toISOString() })
      .where(eq(userCredentials.userId, current.id));
    return { recoveryCodes: recovery.codes };
  });

  app.post('/v1/auth/totp/disable', { preHandler: requireAuth }, async (request, reply) => {
    const { password } = parseBody(disableBody, request.body);
    const current = await account(authOf(request).userId);
    if (!(await verifyPassword(password, current.passwordHash))) throw new ApiError(401, 'invalid_credentials', 'The password is incorrect.');
    if (await secondFactorRequired(app.syncDb, current)) {
      throw new ApiError(403, 'forbidden', 'Two-factor sign-in is mandatory for this account and cannot be turned off.');
    }
    await app.syncDb
      .update(userCredentials)
      .set({ totpEnabled: false, totpSecret: null, recoveryCodeHashes: [], updatedAt: now().toISOString() })
      .where(eq(userCredentials.userId, current.id));
    return reply.code(204).send();
  });
}

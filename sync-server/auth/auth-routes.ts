// HTTP endpoints of authentication:
//   POST /v1/auth/login    {email, password, deviceName[, platform, appVersion]} → token pair + user
//   POST /v1/auth/refresh  {refreshToken} → new token pair (the old refresh token is spent)
//   POST /v1/auth/logout   (authenticated) → 204, revokes the calling device
//   GET  /v1/me            (authenticated) → {user, deviceId}
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError, parseBody } from '../http/errors.ts';
import { login, loadSessionUser, refresh, revokeDevice } from './auth-service.ts';
import { authOf, requireAuth } from './require-auth.ts';

export type RateLimitRule = { max: number; windowMs: number };
export type AuthRateLimits = {
  /** Sign-in attempts from one IP address (an office behind one NAT shares it). */
  loginPerIp: RateLimitRule;
  /** Sign-in attempts for one email address, from anywhere: slows password guessing on one account. */
  loginPerAccount: RateLimitRule;
  refreshPerIp: RateLimitRule;
};

export const DEFAULT_AUTH_RATE_LIMITS: AuthRateLimits = {
  loginPerIp: { max: 30, windowMs: 60_000 },
  loginPerAccount: { max: 10, windowMs: 15 * 60_000 },
  refreshPerIp: { max: 120, windowMs: 60_000 },
};

const loginBody = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email('must be an email address')),
  password: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
  deviceName: z.string().trim().min(1, 'must name this computer (e.g. its host name)').max(100),
  platform: z.string().trim().max(50).optional(),
  appVersion: z.string().trim().max(50).optional(),
  totpCode: z.string().trim().regex(/^\d{6}$/, 'must be the 6-digit code from your authenticator app').optional(),
  recoveryCode: z.string().trim().min(8).max(20).optional(),
});

const refreshBody = z.object({
  refreshToken: z.string().min(1, 'must not be empty').max(256),
});

export function registerAuthRoutes(app: FastifyInstance, options: { rateLimits: AuthRateLimits }): void {
  const limits = options.rateLimits;
  const loginPerIp = limiter(app, limits.loginPerIp, (request) => `login-ip:${request.ip}`, 'sign-in attempts from your network');
  const loginPerAccount = limiter(app, limits.loginPerAccount, (request) => {
    const email = (request.body as { email?: unknown } | undefined)?.email;
    return typeof email === 'string' ? `login-account:${email.trim().toLowerCase()}` : null;
  }, 'sign-in attempts for this account');
  const refreshPerIp = limiter(app, limits.refreshPerIp, (request) => `refresh-ip:${request.ip}`, 'token refreshes from your network');

  app.post('/v1/auth/login', { preHandler: [loginPerIp, loginPerAccount] }, async (request) => {
    const input = parseBody(loginBody, request.body);
    return login(request.server.authDeps, input);
  });

  app.post('/v1/auth/refresh', { preHandler: [refreshPerIp] }, async (request) => {
    const input = parseBody(refreshBody, request.body);
    return refresh(request.server.authDeps, input.refreshToken);
  });

  app.post('/v1/auth/logout', { preHandler: requireAuth }, async (request, reply) => {
    await revokeDevice(request.server.authDeps, authOf(request).deviceId);
    return reply.status(204).send();
  });

  app.get('/v1/me', { preHandler: requireAuth }, async (request) => {
    const auth = authOf(request);
    const user = await loadSessionUser(request.server.authDeps.db, auth.userId);
    if (!user) throw new ApiError(401, 'invalid_token', 'Your account no longer exists. Sign in again.');
    return { user, deviceId: auth.deviceId };
  });
}

/**
 * A preHandler counting requests per key in a fixed window (@fastify/rate-limit's store). We drive the
 * store ourselves rather than using its route hook because a route here needs two limits (per IP and
 * per account) and the plugin's hook runs only once per request.
 */
export function limiter(
  app: FastifyInstance,
  rule: RateLimitRule,
  keyOf: (request: FastifyRequest) => string | null,
  what: string,
): (request: FastifyRequest) => Promise<void> {
  const check = app.createRateLimit({ max: rule.max, timeWindow: rule.windowMs, keyGenerator: (request) => keyOf(request) ?? '' });
  return async (request) => {
    if (keyOf(request) === null) return;
    const result = await check(request);
    if (result.isAllowed || !result.isExceeded) return;
    const seconds = Math.max(1, result.ttlInSeconds);
    throw new ApiError(429, 'rate_limited', `Too many ${what}. Wait ${formatWait(seconds)} and try again.`, {
      headers: { 'retry-after': String(seconds) },
    });
  };
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

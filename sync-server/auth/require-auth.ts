// The preHandler every authenticated endpoint uses:  app.get('/v1/x', { preHandler: requireAuth }, …)
// then `authOf(request)` inside the handler. It needs `app.authDeps` (decorated by createSyncServer).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../http/errors.ts';
import { verifyAccessToken, type AuthContext, type AuthDeps } from './auth-service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    authDeps: AuthDeps;
  }
  interface FastifyRequest {
    /** Set by requireAuth; null on routes that do not require authentication. */
    auth: AuthContext | null;
  }
}

export function installAuth(app: FastifyInstance, deps: AuthDeps): void {
  app.decorate('authDeps', deps);
  app.decorateRequest('auth', null);
}

export async function requireAuth(request: FastifyRequest): Promise<void> {
  const header = request.headers.authorization;
  const match = header ? /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i.exec(header) : null;
  if (!match) {
    throw new ApiError(
      401,
      header ? 'invalid_token' : 'unauthenticated',
      header
        ? 'The Authorization header must be "Bearer <access token>".'
        : 'Sign in first: this endpoint needs an Authorization: Bearer <access token> header.',
      { headers: { 'www-authenticate': 'Bearer realm="roi-desk"' } },
    );
  }
  try {
    request.auth = await verifyAccessToken(request.server.authDeps, match[1]!);
  } catch (error) {
    if (error instanceof ApiError && error.statusCode === 401) {
      // RFC 6750: tell OAuth-style clients to refresh or re-authenticate.
      throw new ApiError(error.statusCode, error.code, error.message, {
        headers: { 'www-authenticate': `Bearer realm="roi-desk", error="invalid_token"` },
      });
    }
    throw error;
  }
}

/** The caller of a route guarded by requireAuth. Throws if the route forgot the guard. */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new Error(`Route ${request.routeOptions.url ?? request.url} reads auth but has no requireAuth preHandler.`);
  return request.auth;
}

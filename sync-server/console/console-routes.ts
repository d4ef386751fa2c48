// The web console the sync server serves at /console: its JSON API under /console/api and the built
// React app (dist/console) for every other /console path.
//   POST   /console/api/session            {email, password[, totpCode|recoveryCode]} → {user, csrfToken, …} + cookie
//   GET    /console/api/session            → the signed-in user and the CSRF token (401 when signed out or expired)
//   DELETE /console/api/session            → signs out
//   POST   /console/api/invites/lookup     {token} → who the link is for
//   POST   /console/api/invites/accept     {token, password} → sets the password, spends the link
//   everything else under /console/api needs the session cookie, and X-CSRF-Token unless GET.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply } from 'fastify';
import sirv from 'sirv';
import { z } from 'zod';
import { brokerages } from '../../db/schema/pg.ts';
import { DEFAULT_AUTH_RATE_LIMITS, limiter, type AuthRateLimits } from '../auth/auth-routes.ts';
import { authenticateAccount } from '../auth/auth-service.ts';
import type { ServerDb } from '../database.ts';
import { ApiError, parseBody } from '../http/errors.ts';
import type { LiveChanges } from '../sync/live-changes.ts';
import { exportAuditCsv, listAudit } from './audit-log.ts';
import { audit, brokerageFilter, optionalDate, optionalText, parseQuery, sessionOf, type ConsoleContext } from './console-context.ts';
import { checkCsrf, checkOrigin, clearSessionCookie, closeSession, DEFAULT_CONSOLE_TIMEOUTS, loadSession, openSession, type ConsoleTimeouts } from './console-session.ts';
import { acceptInvite, describeInvite } from './invites.ts';
import { registerOperationsRoutes } from './operations-routes.ts';
import { registerPeopleRoutes } from './people-routes.ts';
import { registerRegistryRoutes } from './registry-routes.ts';
import type { ServerMetrics } from './server-metrics.ts';

export const CONSOLE_WEB_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));
const DEFAULT_INVITE_TTL_MS = 7 * 24 * 3600_000;

export type ConsoleOptions = {
  /** Idle and absolute session lifetimes (tests shorten them). */
  timeouts?: Partial<ConsoleTimeouts>;
  inviteTtlMs?: number;
  /** The built console (default dist/console); null serves the API only. */
  webDir?: string | null;
};

const signInBody = z
  .object({
    email: z.string().trim().toLowerCase().max(254).pipe(z.email('must be an email address')),
    password: z.string().min(1, 'must not be empty').max(1024),
    totpCode: z.string().trim().regex(/^\d{6}$/, 'must be the 6-digit code from your authenticator app').optional(),
    recoveryCode: z.string().trim().min(8).max(20).optional(),
  })
  .strict();
const inviteLookup = z.object({ token: z.string().min(20).max(200) }).strict();
const inviteAccept = z.object({ token: z.string().min(20).max(200), password: z.string().min(1, 'must not be empty').max(1024) }).strict();
const auditQuery = z.object({
  brokerageId: optionalText(),
  actor: optionalText(),
  action: optionalText(100),
  from: optionalDate,
  to: optionalDate,
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
});

// The console page's own policy: scripts only from /console, Mantine's runtime styles inline, API calls to itself.
const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function registerConsole(
  app: FastifyInstance,
  deps: { db: ServerDb; now: () => Date; metrics: ServerMetrics; liveChanges: LiveChanges | null; rateLimits?: AuthRateLimits },
  options: ConsoleOptions = {},
): void {
  const context: ConsoleContext = {
    db: deps.db,
    now: deps.now,
    metrics: deps.metrics,
    liveChanges: deps.liveChanges,
    timeouts: { ...DEFAULT_CONSOLE_TIMEOUTS, ...options.timeouts },
    inviteTtlMs: options.inviteTtlMs ?? DEFAULT_INVITE_TTL_MS,
  };
  app.decorateRequest('consoleSession', null);
  const limits = deps.rateLimits ?? DEFAULT_AUTH_RATE_LIMITS;
  const perIp = limiter(app, limits.loginPerIp, (request) => `console-login-ip:${request.ip}`, 'sign-in attempts from your network');
  const perAccount = limiter(
    app,
    limits.loginPerAccount,
    (request) => {
      const email = (request.body as { email?: unknown } | undefined)?.email;
      return typeof email === 'string' ? `console-login-account:${email.trim().toLowerCase()}` : null;
    },
    'sign-in attempts for this account',
  );
  const sessionResponse = (session: { csrfToken: string; expiresAt: string; user: unknown }) => ({
    user: session.user,
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt,
    idleTimeoutMs: context.timeouts.idleTimeoutMs,
  });

  app.register(
    async (api) => {
      api.addHook('onSend', async (_request, reply, payload) => {
        reply.header('cache-control', 'no-store');
        return payload;
      });

      // ---- public: signing in, invitation links ----
      api.post('/session', { preHandler: [perIp, perAccount] }, async (request, reply) => {
        checkOrigin(request);
        const input = parseBody(signInBody, request.body);
        let user;
        let recoveryCodes: string[] | undefined;
        try {
          ({ user, recoveryCodes } = await authenticateAccount({ db: context.db, jwtKey: new Uint8Array(), now: context.now }, input));
        } catch (error) {
          if (error instanceof ApiError && error.code !== 'totp_required' && error.code !== 'totp_enrollment_required') {
            await audit(context, request, { action: 'console.sign_in_failed', brokerageId: null, details: { email: input.email, reason: error.code } });
          }
          throw error;
        }
        if (user.role === 'agent') {
          await audit(context, request, { action: 'console.sign_in_refused', brokerageId: user.brokerageId, targetType: 'user', targetId: user.id, details: { email: user.email, reason: 'agent' } });
          throw new ApiError(403, 'forbidden', 'The console is for brokerage managers and administrators. Agents use the ROI Desk app.');
        }
        const opened = await openSession(context.db, reply, request, user.id, context.timeouts, context.now());
        await audit(context, request, { action: 'console.signed_in', actor: { id: user.id, email: user.email }, brokerageId: user.brokerageId, targetType: 'user', targetId: user.id });
        const [brokerage] = user.brokerageId ? await context.db.select({ name: brokerages.name }).from(brokerages).where(eq(brokerages.id, user.brokerageId)) : [];
        // Two-factor was just turned on at this sign-in: its recovery codes are shown this once.
        return { ...sessionResponse({ ...opened, user: { ...user, brokerageName: brokerage?.name ?? null } }), ...(recoveryCodes ? { recoveryCodes } : {}) };
      });

      api.post('/invites/lookup', async (request) => {
        const { token } = parseBody(inviteLookup, request.body);
        return describeInvite(context.db, token, context.now());
      });

      api.post('/invites/accept', { preHandler: [perIp] }, async (request) => {
        checkOrigin(request);
        const { token, password } = parseBody(inviteAccept, request.body);
        const accepted = await acceptInvite(context.db, token, password, context.now());
        await audit(context, request, {
          action: accepted.kind === 'invite' ? 'user.invite_accepted' : 'user.password_reset',
          actor: { id: accepted.userId, email: accepted.email },
          brokerageId: accepted.brokerageId,
          targetType: 'user',
          targetId: accepted.userId,
        });
        return { email: accepted.email, kind: accepted.kind };
      });

      // ---- signed in ----
      api.register(async (guarded) => {
        // onRequest: a request without a valid session and token is refused before its body is read.
        guarded.addHook('onRequest', async (request) => {
          request.consoleSession = await loadSession(context.db, request, context.timeouts, context.now());
          checkCsrf(request, request.consoleSession);
        });

        guarded.get('/session', async (request) => sessionResponse(sessionOf(request)));

        guarded.delete('/session', async (request, reply) => {
          const session = sessionOf(request);
          await closeSession(context.db, session.idHash);
          await audit(context, request, { action: 'console.signed_out', brokerageId: session.user.brokerageId, targetType: 'user', targetId: session.user.id });
          clearSessionCookie(reply, request);
          return reply.code(204).send();
        });

        registerPeopleRoutes(guarded, context);
        registerOperationsRoutes(guarded, context);
        registerRegistryRoutes(guarded, context);

        guarded.get('/audit', async (request) => {
          const query = parseQuery(auditQuery, request.query);
          const filter = { ...query, brokerageId: brokerageFilter(sessionOf(request), query.brokerageId) };
          const entries = await listAudit(context.db, filter, query.limit);
          return { entries, nextBefore: entries.length === query.limit ? entries[entries.length - 1]!.id : null };
        });

        // A GET with a file download; recorded in the log it exports.
        guarded.get('/audit.csv', async (request, reply) => {
          const query = parseQuery(auditQuery, request.query);
          const filter = { ...query, before: undefined, brokerageId: brokerageFilter(sessionOf(request), query.brokerageId) };
          const { csv, rows } = await exportAuditCsv(context.db, filter);
          await audit(context, request, { action: 'audit.exported', brokerageId: filter.brokerageId, details: { rows, filter: { ...query, before: undefined } } });
          reply.header('content-type', 'text/csv; charset=utf-8');
          reply.header('content-disposition', `attachment; filename="roi-desk-audit-${context.now().toISOString().slice(0, 10)}.csv"`);
          return reply.send(csv);
        });
      });

      api.all('/*', async (request) => {
        throw new ApiError(404, 'not_found', `There is no ${request.method} ${request.url.split('?')[0]} in the console API.`);
      });
    },
    { prefix: '/console/api' },
  );

  registerConsolePages(app, options.webDir === undefined ? CONSOLE_WEB_DIR : options.webDir);
}

function registerConsolePages(app: FastifyInstance, webDir: string | null): void {
  const index = webDir ? path.join(webDir, 'index.html') : null;
  // Created at the first request after a build exists (`roi start` may still be building at listen time),
  // and again after a rebuild: sirv lists the files once, and a new build has new asset names.
  let serve: ReturnType<typeof sirv> | null = null;
  let builtAt = 0;
  const setHeaders = (reply: FastifyReply) => {
    reply.header('content-security-policy', CONSOLE_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
  };
  app.get('/console', async (_request, reply) => reply.redirect('/console/'));
  app.get('/console/*', async (request, reply) => {
    setHeaders(reply);
    const mtime = index && existsSync(index) ? statSync(index).mtimeMs : 0;
    if (webDir && mtime !== builtAt) {
      serve = mtime ? sirv(webDir, { single: true, dev: false, etag: true, gzip: false }) : null;
      builtAt = mtime;
    }
    if (!serve) {
      throw new ApiError(503, 'service_unavailable', 'The console is not built on this server. Run `npx vite build --config vite.console.config.ts` (roi start does it for you).');
    }
    reply.hijack();
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value as string);
    const raw = request.raw;
    raw.url = raw.url!.slice('/console'.length) || '/';
    serve(raw, reply.raw, () => void reply.raw.writeHead(404).end('Not found'));
  });
}

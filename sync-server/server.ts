// The sync server: one Fastify app over one database (Postgres or embedded PGlite).
// createSyncServer opens and migrates the database, optionally seeds the demo, and listens.
import rateLimit from '@fastify/rate-limit';
import { sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { DEFAULT_AUTH_RATE_LIMITS, registerAuthRoutes, type AuthRateLimits } from './auth/auth-routes.ts';
import { resolveJwtKey } from './auth/jwt-secret.ts';
import { installAuth } from './auth/require-auth.ts';
import { registerTotpRoutes } from './auth/totp-routes.ts';
import { registerConsole, type ConsoleOptions } from './console/console-routes.ts';
import { createServerMetrics, installMetricsHooks } from './console/server-metrics.ts';
import { openDatabase, type DatabaseKind, type ServerDatabase } from './database.ts';
import { seedDemo } from './demo/seed.ts';
import { registerDeviceRoutes } from './devices/device-routes.ts';
import { registerIngestRoutes } from './ingest/ingest-routes.ts';
import { registerBundledModels, registerModelRoutes } from './models/model-registry.ts';
import { startLiveChanges } from './sync/live-changes.ts';
import { registerMutationRoutes } from './sync/mutation-routes.ts';
import { registerShapeRoutes } from './sync/shape-routes.ts';
import { registerCampaignRoutes } from './campaigns/campaign-routes.ts';
import { registerBounceRoutes } from './campaigns/bounce-routes.ts';
import { startEscalationJob } from './routing/escalation.ts';
import { registerRoutingRoutes } from './routing/routing-routes.ts';
import { ApiError, installErrorHandlers } from './http/errors.ts';
import { installJsonParser } from './http/json-body.ts';
import { API_VERSION, SERVER_VERSION } from './version.ts';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 7300;
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
const CLOSE_GRACE_MS = 3_000;

/** Pino options accepted for `logger` (redaction of secrets is always added on top). */
export type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>;

export type SyncServerOptions = {
  /** postgres://… ; when absent the embedded PGlite in `<dataDir>/pglite` is used. */
  databaseUrl?: string;
  /** Folder for the server's own files (the embedded database). Created if missing. */
  dataDir: string;
  /** Default 7300; 0 picks a free port (tests). */
  port?: number;
  host?: string;
  /** Load the demo brokerages, people, contacts and market data (idempotent). */
  demo?: boolean;
  /** true: JSON logs to stdout at ROI_LOG_LEVEL (default info); false: silent; object: pino options. */
  logger?: boolean | LoggerOptions;
  /** Signs access tokens (≥ 32 characters). Default: ROI_JWT_SECRET, else one generated and kept in the database. */
  jwtSecret?: string;
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  rateLimits?: Partial<AuthRateLimits>;
  /** Trust X-Forwarded-For (only behind a reverse proxy you control), so rate limits see client IPs. */
  trustProxy?: boolean;
  /** Clock for tokens and expiry; tests move it. */
  clock?: () => Date;
  /** How long a live shape request waits for a change (default 20 s; tests shorten it). */
  liveTimeoutMs?: number;
  /** Rows per shape snapshot page / changes per log response (default 5,000). */
  shapePageSize?: number;
  /** Folder of the models registered at start (default: the committed models/); null registers none (tests). */
  modelsDir?: string | null;
  /** How often unclaimed CRITICAL alerts are checked for escalation (default 60 s; 0 turns the job off). */
  escalationIntervalMs?: number;
  /** The web console at /console: session lifetimes, where its built page is, what counts as a slow request. */
  console?: ConsoleOptions & { slowRequestMs?: number };
  /** Registers more routes before the server starts listening (embedding, tests). */
  routes?: (app: FastifyInstance) => void | Promise<void>;
};

export type SyncServer = {
  app: FastifyInstance;
  /** http://host:port the server listens on. */
  url: string;
  database: ServerDatabase;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. Idempotent. */
  close(): Promise<void>;
};

export type HealthResponse = { status: 'ok'; version: string; database: DatabaseKind };
export type VersionResponse = { name: 'roi-desk-sync-server'; version: string; api: number };

// Pino paths whose values are replaced before a log line is written. Fastify's default request
// serializer logs no headers and no bodies; these catch anything a route or plugin logs explicitly.
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'password',
  'accessToken',
  'refreshToken',
  'token',
  'jwtSecret',
  'body.password',
  'body.refreshToken',
  '*.password',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.jwtSecret',
  '*.passwordHash',
];

function loggerConfig(logger: SyncServerOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === false) return false;
  const base = {
    level: process.env.ROI_LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  if (logger === true || logger === undefined) return base;
  // Caller options win, except that redaction is never dropped.
  return { ...base, ...logger, redact: base.redact };
}

export async function createSyncServer(options: SyncServerOptions): Promise<SyncServer> {
  const app = Fastify({
    logger: loggerConfig(options.logger),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    // Fastify's own shutdown 503 has a fixed body in another shape; ours is the onRequest hook below.
    return503OnClosing: false,
  });

  let shuttingDown = false;
  let database: ServerDatabase;
  try {
    database = await openDatabase({
      dataDir: options.dataDir,
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      onPoolError: (error) => app.log.error({ err: error }, 'idle Postgres connection failed; the pool will reconnect'),
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  app.log.info({ database: database.kind, location: database.location }, 'database ready');

  try {
    if (options.demo) {
      const seeded = await seedDemo(database.db);
      app.log.info({ seeded }, seeded.skipped ? 'demo data already present' : 'demo data loaded');
    }
    const models = options.modelsDir === null ? [] : await registerBundledModels(database.db, options.modelsDir);
    if (models.length > 0) app.log.info({ models }, 'bundled models registered');
    const jwt = await resolveJwtKey(database.db, { option: options.jwtSecret, env: process.env.ROI_JWT_SECRET });
    app.log.info({ source: jwt.source }, 'access-token signing key ready');

    installErrorHandlers(app);
    installJsonParser(app);
    installAuth(app, { db: database.db, jwtKey: jwt.key, ...(options.clock ? { now: options.clock } : {}) });
    // Counters for the console's sync-health page, fed by every request's completion.
    const metrics = createServerMetrics(options.console?.slowRequestMs ? { slowRequestMs: options.console.slowRequestMs } : {});
    installMetricsHooks(app, metrics, database.db);
    // global: false — limits apply only where a route asks (auth routes use per-IP and per-account limits).
    await app.register(rateLimit, { global: false });
    const liveChanges = await startLiveChanges(database);
    app.decorate('syncDb', database.db);
    // Live requests are answered (up-to-date) first, so closing never waits out their 20 s timeout.
    app.addHook('preClose', async () => {
      await liveChanges.close();
    });
    // Any instance may run it: each alert escalates once however many instances share the database.
    if (options.escalationIntervalMs !== 0) {
      const escalation = startEscalationJob({
        db: database.db,
        ...(options.escalationIntervalMs ? { intervalMs: options.escalationIntervalMs } : {}),
        ...(options.clock ? { now: options.clock } : {}),
        onEscalated: (alerts) => app.log.info({ alerts: alerts.map((alert) => alert.id) }, 'unclaimed CRITICAL alerts escalated'),
        onError: (error) => app.log.error({ err: error }, 'escalation run failed; retrying at the next interval'),
      });
      app.addHook('preClose', () => escalation.stop());
    }
    app.addHook('onClose', async () => {
      await database.close();
    });
    // Node's server.close() drops only the keep-alive connections idle at that instant; a connection
    // whose request is still running would then stay open after its response and hold close() until
    // the keep-alive timeout. Answering with "Connection: close" while shutting down ends it at once.
    app.addHook('onSend', async (_request, reply) => {
      if (shuttingDown) reply.header('connection', 'close');
    });
    // Requests that still arrive while draining (on an open keep-alive connection) get a retryable 503.
    app.addHook('onRequest', async () => {
      if (shuttingDown) {
        throw new ApiError(503, 'service_unavailable', 'The server is shutting down. Try again in a moment.', {
          headers: { 'retry-after': '1' },
        });
      }
    });

    app.get('/health', async (): Promise<HealthResponse> => {
      try {
        await database.db.execute(sql`select 1`);
      } catch (error) {
        throw new ApiError(
          503,
          'service_unavailable',
          'The server cannot reach its database. Try again shortly; if it persists, check the database.',
          { cause: error },
        );
      }
      return { status: 'ok', version: SERVER_VERSION, database: database.kind };
    });
    app.get('/version', async (): Promise<VersionResponse> => ({ name: 'roi-desk-sync-server', version: SERVER_VERSION, api: API_VERSION }));

    registerAuthRoutes(app, { rateLimits: { ...DEFAULT_AUTH_RATE_LIMITS, ...options.rateLimits } });
    registerDeviceRoutes(app);
    registerModelRoutes(app);
    registerIngestRoutes(app, options.clock ? { now: options.clock } : {});
    registerTotpRoutes(app, options.clock ? { now: options.clock } : {});
    registerShapeRoutes(app, {
      liveChanges,
      ...(options.liveTimeoutMs ? { liveTimeoutMs: options.liveTimeoutMs } : {}),
      ...(options.shapePageSize ? { pageSize: options.shapePageSize } : {}),
    });
    registerMutationRoutes(app, options.clock ? { now: options.clock } : {});
    await registerCampaignRoutes(app, options.clock ? { now: options.clock } : {});
    registerBounceRoutes(app, options.clock ? { now: options.clock } : {});
    registerConsole(
      app,
      { db: database.db, now: options.clock ?? (() => new Date()), metrics, liveChanges, rateLimits: { ...DEFAULT_AUTH_RATE_LIMITS, ...options.rateLimits } },
      options.console,
    );
    registerRoutingRoutes(app);
    await options.routes?.(app);

    await app.listen({ port: options.port ?? DEFAULT_PORT, host: options.host ?? DEFAULT_HOST });
  } catch (error) {
    await app.close().catch(() => {});
    await database.close().catch(() => {});
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    app,
    url: listeningUrl(app, options.host ?? DEFAULT_HOST),
    database,
    close: () => {
      shuttingDown = true;
      // In-flight requests get a few seconds to finish; connections a client opened and never used
      // (fetch does that after an aborted request) would otherwise hold close() until they time out.
      const force = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
      force.unref();
      return (closing ??= app.close().finally(() => clearTimeout(force)));
    },
  };
}

function listeningUrl(app: FastifyInstance, host: string): string {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('The server is not listening on a TCP port.');
  // A wildcard bind is reachable on loopback; print an address a browser on this machine can open.
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shownHost}:${address.port}`;
}

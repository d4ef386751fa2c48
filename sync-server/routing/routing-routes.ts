// The managers' routing endpoints. The brokerage always comes from the access token, never the request.
//   GET /v1/routing  → {routing:{mode, fallback, escalateAfterMinutes}, agents:[{id, name, email, territories, openAlerts}]}
//   PUT /v1/routing  {mode, fallback, escalateAfterMinutes} → the same as GET
// Agents get 403: routing decides other people's work.
import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthContext } from '../auth/auth-service.ts';
import { authOf, requireAuth } from '../auth/require-auth.ts';
import { rowsOf, type ServerDb } from '../database.ts';
import { ApiError, parseBody } from '../http/errors.ts';
import { WRITERS_LOCK } from './route-alert.ts';
import { OPEN_ALERT_STATUSES, readRoutingSettings, routingSettingsSchema, type RoutingSettings } from './routing-settings.ts';

export type RoutingAgent = { id: string; name: string; email: string; territories: string[]; openAlerts: number };
export type RoutingResponse = { routing: RoutingSettings; agents: RoutingAgent[] };

function managedBrokerage(request: FastifyRequest): { auth: AuthContext; brokerageId: string } {
  const auth = authOf(request);
  if (auth.role === 'agent') {
    throw new ApiError(403, 'forbidden', 'Only a manager can see or change how alerts are routed. Ask your brokerage manager.');
  }
  if (!auth.brokerageId) {
    throw new ApiError(403, 'forbidden', 'Your account belongs to no brokerage: routing is set by each brokerage’s managers.');
  }
  return { auth, brokerageId: auth.brokerageId };
}

const parseJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

async function readRouting(db: Pick<ServerDb, 'execute'>, brokerageId: string): Promise<RoutingResponse> {
  const [brokerage] = rowsOf<{ routing: unknown }>(await db.execute(sql`SELECT settings -> 'routing' AS routing FROM brokerages WHERE id = ${brokerageId}`));
  if (!brokerage) throw new ApiError(404, 'not_found', 'Your brokerage no longer exists. Sign in again.');
  const open = sql.join(OPEN_ALERT_STATUSES.map((status) => sql`${status}`), sql`, `);
  const agents = rowsOf<{ id: string; name: string; email: string; territories: unknown; open_alerts: string | number }>(
    await db.execute(sql`
      SELECT u.id, u.name, u.email, u.territories,
             (SELECT count(*) FROM alerts a WHERE a.assigned_agent_id = u.id AND a.brokerage_id = ${brokerageId} AND a.status IN (${open})) AS open_alerts
      FROM users u
      WHERE u.brokerage_id = ${brokerageId} AND u.role = 'agent' AND u.deactivated_at IS NULL
      ORDER BY u.name, u.id`),
  );
  return {
    routing: readRoutingSettings(parseJson(brokerage.routing)),
    agents: agents.map((agent) => {
      const territories = parseJson(agent.territories);
      return {
        id: agent.id,
        name: agent.name,
        email: agent.email,
        territories: Array.isArray(territories) ? territories.filter((zip): zip is string => typeof zip === 'string') : [],
        openAlerts: Number(agent.open_alerts),
      };
    }),
  };
}

export function registerRoutingRoutes(app: FastifyInstance): void {
  app.get('/v1/routing', { preHandler: requireAuth }, async (request): Promise<RoutingResponse> => {
    const { brokerageId } = managedBrokerage(request);
    return readRouting(app.syncDb, brokerageId);
  });

  app.put('/v1/routing', { preHandler: requireAuth }, async (request): Promise<RoutingResponse> => {
    const { auth, brokerageId } = managedBrokerage(request);
    const settings = parseBody(routingSettingsSchema, request.body);
    const response = await app.syncDb.transaction(async (tx) => {
      // Writers' lock first, as every writer of synced rows: the routing hook reads and advances the
      // round-robin pointer in this same object, and this write keeps it (only the three settings change).
      await tx.execute(WRITERS_LOCK);
      await tx.execute(sql`
        UPDATE brokerages
        SET settings = jsonb_set(
              CASE WHEN jsonb_typeof(settings) = 'object' THEN settings ELSE '{}'::jsonb END,
              '{routing}',
              CASE WHEN jsonb_typeof(settings -> 'routing') = 'object' THEN settings -> 'routing' ELSE '{}'::jsonb END
                || ${JSON.stringify(settings)}::jsonb),
            updated_at = now()
        WHERE id = ${brokerageId}`);
      return readRouting(tx, brokerageId);
    });
    request.log.info({ brokerage: brokerageId, by: auth.userId, routing: settings }, 'routing settings changed');
    return response;
  });
}

// Devices a user (or, for managers, their brokerage) has signed in on, and revoking them: a revoked
// device's tokens stop working at its next request, and the app signs out keeping its local changes.
//   GET  /v1/devices              → {devices:[…]}   own devices; managers and admins: the brokerage's
//   POST /v1/devices/:id/revoke   → 204             same reach; another tenant's id is "not found"
import { and, desc, eq, isNull, or, type SQL } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { devices, syncClientMutations, users } from '../../db/schema/pg.ts';
import type { AuthContext } from '../auth/auth-service.ts';
import { authOf, requireAuth } from '../auth/require-auth.ts';
import { ApiError } from '../http/errors.ts';

export type DeviceSummary = {
  id: string;
  userId: string;
  userName: string;
  name: string;
  platform: string;
  appVersion: string;
  createdAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
  /** The newest mutation id the server applied from this device (0: none yet). */
  lastMutationId: number;
  current: boolean;
};

/** Which devices the caller may see and revoke. */
function reachOf(auth: AuthContext): SQL | undefined {
  if (auth.role === 'agent' || !auth.brokerageId) return eq(devices.userId, auth.userId);
  return or(eq(devices.brokerageId, auth.brokerageId), eq(devices.userId, auth.userId));
}

export function registerDeviceRoutes(app: FastifyInstance): void {
  app.get('/v1/devices', { preHandler: requireAuth }, async (request): Promise<{ devices: DeviceSummary[] }> => {
    const auth = authOf(request);
    const rows = await app.syncDb
      .select({
        id: devices.id,
        userId: devices.userId,
        userName: users.name,
        name: devices.name,
        platform: devices.platform,
        appVersion: devices.appVersion,
        createdAt: devices.createdAt,
        lastSeenAt: devices.lastSeenAt,
        revokedAt: devices.revokedAt,
        lastMutationId: syncClientMutations.lastMutationId,
      })
      .from(devices)
      .innerJoin(users, eq(users.id, devices.userId))
      .leftJoin(syncClientMutations, eq(syncClientMutations.clientId, devices.id))
      .where(reachOf(auth))
      .orderBy(desc(devices.lastSeenAt))
      .limit(1000);
    return { devices: rows.map((row) => ({ ...row, lastMutationId: row.lastMutationId ?? 0, current: row.id === auth.deviceId })) };
  });

  app.post<{ Params: { id: string } }>('/v1/devices/:id/revoke', { preHandler: requireAuth }, async (request, reply) => {
    const auth = authOf(request);
    const revoked = await app.syncDb
      .update(devices)
      .set({ revokedAt: new Date().toISOString() })
      .where(and(eq(devices.id, request.params.id), isNull(devices.revokedAt), reachOf(auth)))
      .returning({ id: devices.id });
    if (revoked.length === 0) {
      const [already] = await app.syncDb.select({ id: devices.id }).from(devices).where(and(eq(devices.id, request.params.id), reachOf(auth)));
      if (!already) throw new ApiError(404, 'not_found', 'There is no such device on your account.');
    }
    request.log.info({ device: request.params.id, by: auth.userId }, 'device revoked');
    return reply.code(204).send();
  });
}

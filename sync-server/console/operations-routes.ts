// Devices and sync health (per device and server-wide) and the conflicts log.
import { and, desc, eq, gte, ilike, isNull, lte, or, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { conflicts, devices, syncClientMutations, users } from '../../db/schema/pg.ts';
import { rowsOf } from '../database.ts';
import { ApiError } from '../http/errors.ts';
import { audit, brokerageFilter, optionalDate, optionalText, parseQuery, reachOf, requireAdmin, sessionOf, type ConsoleContext } from './console-context.ts';

const deviceQuery = z.object({ brokerageId: optionalText(), q: optionalText(), status: z.enum(['active', 'revoked', 'all']).default('active') });
const conflictQuery = z.object({
  brokerageId: optionalText(),
  table: optionalText(64),
  field: optionalText(64),
  rowId: optionalText(),
  user: optionalText(),
  from: optionalDate,
  to: optionalDate,
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
});

export function registerOperationsRoutes(api: FastifyInstance, context: ConsoleContext): void {
  const { db, metrics } = context;

  api.get('/devices', async (request) => {
    const session = sessionOf(request);
    const query = parseQuery(deviceQuery, request.query);
    const brokerageId = brokerageFilter(session, query.brokerageId);
    const like = query.q ? `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const rows = await db
      .select({
        id: devices.id,
        brokerageId: devices.brokerageId,
        userId: devices.userId,
        userName: users.name,
        userEmail: users.email,
        name: devices.name,
        platform: devices.platform,
        appVersion: devices.appVersion,
        createdAt: devices.createdAt,
        lastSeenAt: devices.lastSeenAt,
        revokedAt: devices.revokedAt,
        lastMutationId: syncClientMutations.lastMutationId,
        lastMutationAt: syncClientMutations.updatedAt,
      })
      .from(devices)
      .innerJoin(users, eq(users.id, devices.userId))
      .leftJoin(syncClientMutations, eq(syncClientMutations.clientId, devices.id))
      .where(
        and(
          brokerageId ? eq(devices.brokerageId, brokerageId) : undefined,
          query.status === 'active' ? isNull(devices.revokedAt) : query.status === 'revoked' ? sql`${devices.revokedAt} IS NOT NULL` : undefined,
          like ? or(ilike(users.name, like), ilike(users.email, like), ilike(devices.name, like)) : undefined,
        ),
      )
      .orderBy(sql`${devices.lastSeenAt} DESC NULLS LAST`)
      .limit(2_000);
    return { devices: rows.map((row) => ({ ...row, lastMutationId: row.lastMutationId ?? 0, activity: metrics.deviceActivity(row.id) })) };
  });

  api.post<{ Params: { id: string } }>('/devices/:id/revoke', async (request) => {
    const session = sessionOf(request);
    const reach = reachOf(session);
    const [device] = await db
      .select({ id: devices.id, brokerageId: devices.brokerageId, revokedAt: devices.revokedAt, name: devices.name, userEmail: users.email })
      .from(devices)
      .innerJoin(users, eq(users.id, devices.userId))
      .where(and(eq(devices.id, request.params.id), reach ? eq(devices.brokerageId, reach) : undefined));
    if (!device) throw new ApiError(404, 'not_found', 'There is no such device in your reach.');
    if (device.revokedAt) return { revokedAt: device.revokedAt };
    const now = context.now().toISOString();
    await db.transaction(async (tx) => {
      await tx.update(devices).set({ revokedAt: now }).where(and(eq(devices.id, device.id), isNull(devices.revokedAt)));
      await audit(context, request, { action: 'device.revoked', brokerageId: device.brokerageId, targetType: 'device', targetId: device.id, details: { name: device.name, user: device.userEmail } }, tx);
    });
    return { revokedAt: now };
  });

  api.get('/health', async (request) => {
    requireAdmin(sessionOf(request), 'see server-wide sync health');
    // The log's newest position counts every change ever written (its rows are never renumbered); its
    // size on disk comes from the catalogue, so neither needs a scan of a table with millions of rows.
    const [log] = rowsOf<{ entries: number | string | null; bytes: number | string | null }>(
      await db.execute(sql`SELECT (SELECT max(seq) FROM sync_changes) AS entries, pg_total_relation_size('sync_changes') AS bytes`),
    );
    const [deviceCounts] = rowsOf<{ active: number | string; recent: number | string }>(
      await db.execute(
        sql`SELECT count(*) FILTER (WHERE revoked_at IS NULL) AS active, count(*) FILTER (WHERE revoked_at IS NULL AND last_seen_at > ${new Date(context.now().getTime() - 5 * 60_000).toISOString()}) AS recent FROM devices`,
      ),
    );
    return {
      instance: metrics.snapshot(),
      liveSubscribers: context.liveChanges?.waiting() ?? 0,
      changeLog: { entries: Number(log?.entries ?? 0), bytes: Number(log?.bytes ?? 0) },
      devices: { active: Number(deviceCounts?.active ?? 0), seenLast5Minutes: Number(deviceCounts?.recent ?? 0) },
    };
  });

  api.get('/conflicts', async (request) => {
    const session = sessionOf(request);
    const query = parseQuery(conflictQuery, request.query);
    const brokerageId = brokerageFilter(session, query.brokerageId);
    const like = query.user ? `%${query.user.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const rows = await db
      .select({
        id: conflicts.id,
        brokerageId: conflicts.brokerageId,
        tableName: conflicts.tableName,
        rowId: conflicts.rowId,
        contactId: conflicts.contactId,
        field: conflicts.field,
        winningValue: conflicts.winningValue,
        losingValue: conflicts.losingValue,
        winningHlc: conflicts.winningHlc,
        losingHlc: conflicts.losingHlc,
        losingDeviceId: conflicts.losingDeviceId,
        losingUserId: conflicts.losingUserId,
        losingUserName: users.name,
        losingUserEmail: users.email,
        createdAt: conflicts.createdAt,
      })
      .from(conflicts)
      .leftJoin(users, eq(users.id, conflicts.losingUserId))
      .where(
        and(
          brokerageId ? eq(conflicts.brokerageId, brokerageId) : undefined,
          query.table ? eq(conflicts.tableName, query.table) : undefined,
          query.field ? eq(conflicts.field, query.field) : undefined,
          query.rowId ? eq(conflicts.rowId, query.rowId) : undefined,
          like ? or(ilike(users.name, like), ilike(users.email, like)) : undefined,
          query.from ? gte(conflicts.createdAt, query.from) : undefined,
          query.to ? lte(conflicts.createdAt, query.to.length === 10 ? `${query.to}T23:59:59.999Z` : query.to) : undefined,
        ),
      )
      .orderBy(desc(conflicts.createdAt))
      .limit(query.limit);
    return { conflicts: rows };
  });
}

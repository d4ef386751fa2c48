// Brokerages and users: list, create, edit, deactivate; invitation and password-reset links; roles and
// territories (the zip codes alert routing uses). Admins manage every brokerage; managers their own
// agents and managers, never admins, never another brokerage (whose ids are "not found").
import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, gt, ilike, isNull, max, or, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { brokerages, devices, serverInvites, userCredentials, users } from '../../db/schema/pg.ts';
import { ROLES } from '../../db/schema/vocabulary.ts';
import { ApiError, parseBody } from '../http/errors.ts';
import { assertInReach, audit, brokerageFilter, optionalText, parseQuery, reachOf, requireAdmin, sessionOf, type ConsoleContext } from './console-context.ts';
import { closeSessionsOfUser } from './console-session.ts';
import { createInvite, inviteUrl } from './invites.ts';

const name = z.string().trim().min(1, 'must not be empty').max(200);
const zip = z.string().trim().regex(/^\d{5}$/, 'each territory is a 5-digit zip code');
const territories = z
  .array(zip)
  .max(500, 'at most 500 zip codes')
  .transform((list) => [...new Set(list)].sort());

const brokerageCreate = z.object({ name, postalAddress: z.string().trim().max(500).default('') }).strict();
const brokeragePatch = z
  .object({ name: name.optional(), postalAddress: z.string().trim().max(500).optional(), deactivated: z.boolean().optional(), requireTotp: z.boolean().optional() })
  .strict();
const userCreate = z
  .object({
    email: z.string().trim().toLowerCase().max(254).pipe(z.email('must be an email address')),
    name,
    role: z.enum(ROLES),
    brokerageId: z.string().trim().min(1).nullable().optional(),
    territories: territories.default([]),
  })
  .strict();
const userPatch = z.object({ name: name.optional(), role: z.enum(ROLES).optional(), territories: territories.optional(), deactivated: z.boolean().optional() }).strict();
const userQuery = z.object({ brokerageId: optionalText(), q: optionalText(), role: z.enum(ROLES).optional().or(z.literal('').transform(() => undefined)), status: z.enum(['active', 'deactivated', 'all']).default('all') });

export function registerPeopleRoutes(api: FastifyInstance, context: ConsoleContext): void {
  const { db } = context;

  api.get('/brokerages', async (request) => {
    const session = sessionOf(request);
    const reach = reachOf(session);
    const rows = await db
      .select({
        id: brokerages.id,
        name: brokerages.name,
        postalAddress: brokerages.postalAddress,
        settings: brokerages.settings,
        createdAt: brokerages.createdAt,
        deactivatedAt: brokerages.deactivatedAt,
        users: sql<number>`(SELECT count(*)::int FROM users u WHERE u.brokerage_id = ${brokerages.id} AND u.deactivated_at IS NULL)`,
      })
      .from(brokerages)
      .where(reach ? eq(brokerages.id, reach) : undefined)
      .orderBy(asc(brokerages.name));
    return { brokerages: rows.map(({ settings, ...row }) => ({ ...row, requireTotp: settings?.requireTotp === true })) };
  });

  api.post('/brokerages', async (request, reply) => {
    const session = sessionOf(request);
    requireAdmin(session, 'create brokerages');
    const input = parseBody(brokerageCreate, request.body);
    const id = randomUUID();
    await db.transaction(async (tx) => {
      await tx.insert(brokerages).values({ id, name: input.name, postalAddress: input.postalAddress });
      await audit(context, request, { action: 'brokerage.created', brokerageId: id, targetType: 'brokerage', targetId: id, details: { name: input.name } }, tx);
    });
    return reply.code(201).send({ id });
  });

  api.patch<{ Params: { id: string } }>('/brokerages/:id', async (request) => {
    const session = sessionOf(request);
    requireAdmin(session, 'edit brokerages');
    const input = parseBody(brokeragePatch, request.body);
    const [current] = await db.select().from(brokerages).where(eq(brokerages.id, request.params.id));
    if (!current) throw new ApiError(404, 'not_found', 'There is no such brokerage.');
    const now = context.now().toISOString();
    await db.transaction(async (tx) => {
      await tx
        .update(brokerages)
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.postalAddress !== undefined ? { postalAddress: input.postalAddress } : {}),
          ...(input.deactivated !== undefined ? { deactivatedAt: input.deactivated ? (current.deactivatedAt ?? now) : null } : {}),
          ...(input.requireTotp !== undefined ? { settings: { ...current.settings, requireTotp: input.requireTotp } } : {}),
          updatedAt: now,
        })
        .where(eq(brokerages.id, current.id));
      const action = input.deactivated === true ? 'brokerage.deactivated' : input.deactivated === false ? 'brokerage.reactivated' : 'brokerage.updated';
      await audit(context, request, { action, brokerageId: current.id, targetType: 'brokerage', targetId: current.id, details: input }, tx);
    });
    return { ok: true };
  });

  api.get('/users', async (request) => {
    const session = sessionOf(request);
    const query = parseQuery(userQuery, request.query);
    const brokerageId = brokerageFilter(session, query.brokerageId);
    const like = query.q ? `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const now = context.now().toISOString();
    const rows = await db
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        brokerageId: users.brokerageId,
        brokerageName: brokerages.name,
        territories: users.territories,
        createdAt: users.createdAt,
        deactivatedAt: users.deactivatedAt,
        hasPassword: sql<boolean>`${userCredentials.userId} IS NOT NULL`,
        invitePending: sql<boolean>`EXISTS (SELECT 1 FROM server_invites i WHERE i.user_id = ${users.id} AND i.used_at IS NULL AND i.expires_at > ${now})`,
        activeDevices: sql<number>`(SELECT count(*)::int FROM devices d WHERE d.user_id = ${users.id} AND d.revoked_at IS NULL)`,
        lastSeenAt: sql<string | null>`(SELECT max(d.last_seen_at) FROM devices d WHERE d.user_id = ${users.id})`,
      })
      .from(users)
      .leftJoin(brokerages, eq(brokerages.id, users.brokerageId))
      .leftJoin(userCredentials, eq(userCredentials.userId, users.id))
      .where(
        and(
          brokerageId ? eq(users.brokerageId, brokerageId) : undefined,
          query.role ? eq(users.role, query.role) : undefined,
          like ? or(ilike(users.email, like), ilike(users.name, like)) : undefined,
          query.status === 'active' ? isNull(users.deactivatedAt) : query.status === 'deactivated' ? sql`${users.deactivatedAt} IS NOT NULL` : undefined,
        ),
      )
      .orderBy(asc(brokerages.name), asc(users.name))
      .limit(2_000);
    return { users: rows };
  });

  api.post('/users', async (request, reply) => {
    const session = sessionOf(request);
    const input = parseBody(userCreate, request.body);
    const reach = reachOf(session);
    if (input.role === 'admin') {
      requireAdmin(session, 'create administrators');
      if (input.brokerageId) throw new ApiError(400, 'invalid_request', 'Administrators belong to no brokerage: leave the brokerage empty.');
    }
    const brokerageId = input.role === 'admin' ? null : (input.brokerageId ?? reach);
    if (input.role !== 'admin') {
      if (!brokerageId) throw new ApiError(400, 'invalid_request', 'Choose the brokerage this user works for.');
      assertInReach(session, brokerageId, 'brokerage');
      const [brokerage] = await db.select({ id: brokerages.id, deactivatedAt: brokerages.deactivatedAt }).from(brokerages).where(eq(brokerages.id, brokerageId));
      if (!brokerage) throw new ApiError(404, 'not_found', 'There is no such brokerage.');
      if (brokerage.deactivatedAt) throw new ApiError(400, 'invalid_request', 'This brokerage is deactivated; reactivate it before adding people.');
    }
    const [taken] = await db.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${input.email}`);
    if (taken) throw new ApiError(409, 'invalid_request', `${input.email} already has an account. Search for it in the list instead.`);
    const id = randomUUID();
    const invite = await db.transaction(async (tx) => {
      await tx.insert(users).values({ id, email: input.email, name: input.name, role: input.role, brokerageId, territories: input.territories });
      const created = await createInvite(tx, { userId: id, createdBy: session.user.id, now: context.now(), ttlMs: context.inviteTtlMs });
      await audit(context, request, { action: 'user.created', brokerageId, targetType: 'user', targetId: id, details: { email: input.email, role: input.role, territories: input.territories } }, tx);
      return created;
    });
    return reply.code(201).send({ id, inviteUrl: inviteUrl(request, invite.token), inviteExpiresAt: invite.expiresAt });
  });

  /** The user if the caller may manage them (managers: own brokerage, not admins); 404 otherwise. */
  async function manageableUser(session: ReturnType<typeof sessionOf>, id: string) {
    const [user] = await db.select().from(users).where(eq(users.id, id));
    if (!user) throw new ApiError(404, 'not_found', 'There is no such user.');
    assertInReach(session, user.brokerageId, 'user');
    return user;
  }

  api.patch<{ Params: { id: string } }>('/users/:id', async (request) => {
    const session = sessionOf(request);
    const input = parseBody(userPatch, request.body);
    const user = await manageableUser(session, request.params.id);
    if (user.id === session.user.id && (input.deactivated === true || (input.role && input.role !== user.role))) {
      throw new ApiError(400, 'invalid_request', 'You cannot deactivate yourself or change your own role; ask another administrator.');
    }
    if (input.role === 'admin' || user.role === 'admin') requireAdmin(session, 'change administrators');
    if (input.role && (input.role === 'admin') !== (user.brokerageId === null)) {
      throw new ApiError(400, 'invalid_request', user.brokerageId ? 'A brokerage member cannot become a platform administrator; create a separate administrator account.' : 'An administrator has no brokerage, so cannot become an agent or manager.');
    }
    const now = context.now().toISOString();
    await db.transaction(async (tx) => {
      await tx
        .update(users)
        .set({
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.role !== undefined ? { role: input.role } : {}),
          ...(input.territories !== undefined ? { territories: input.territories } : {}),
          ...(input.deactivated !== undefined ? { deactivatedAt: input.deactivated ? (user.deactivatedAt ?? now) : null } : {}),
          updatedAt: now,
        })
        .where(eq(users.id, user.id));
      if (input.deactivated === true) {
        // Signed out everywhere at once: the app's next request gets 401, the console session ends.
        await tx.update(devices).set({ revokedAt: now }).where(and(eq(devices.userId, user.id), isNull(devices.revokedAt)));
        await closeSessionsOfUser(tx, user.id);
      }
      if (input.role === 'agent') await closeSessionsOfUser(tx, user.id);
      const action = input.deactivated === true ? 'user.deactivated' : input.deactivated === false ? 'user.reactivated' : 'user.updated';
      const changes = Object.fromEntries(
        (['name', 'role', 'territories'] as const).filter((key) => input[key] !== undefined).map((key) => [key, { from: user[key], to: input[key] }]),
      );
      await audit(context, request, { action, brokerageId: user.brokerageId, targetType: 'user', targetId: user.id, details: { email: user.email, ...changes } }, tx);
    });
    return { ok: true };
  });

  for (const kind of ['invite', 'reset-password'] as const) {
    api.post<{ Params: { id: string } }>(`/users/:id/${kind}`, async (request) => {
      const session = sessionOf(request);
      const user = await manageableUser(session, request.params.id);
      if (user.role === 'admin' && user.id !== session.user.id) requireAdmin(session, 'reset administrators’ passwords');
      if (user.deactivatedAt) throw new ApiError(400, 'invalid_request', 'This user is deactivated; reactivate them first.');
      const [credentials] = await db.select({ userId: userCredentials.userId }).from(userCredentials).where(eq(userCredentials.userId, user.id));
      if (kind === 'invite' && credentials) throw new ApiError(400, 'invalid_request', 'This user has already set a password; send a password reset link instead.');
      const link = await db.transaction(async (tx) => {
        const created = await createInvite(tx, { userId: user.id, createdBy: session.user.id, now: context.now(), ttlMs: context.inviteTtlMs });
        await audit(context, request, { action: kind === 'invite' ? 'user.invited' : 'user.password_reset_link', brokerageId: user.brokerageId, targetType: 'user', targetId: user.id, details: { email: user.email } }, tx);
        return created;
      });
      return { url: inviteUrl(request, link.token), expiresAt: link.expiresAt };
    });
  }

  // Aggregate numbers for the overview page.
  api.get('/overview', async (request) => {
    const session = sessionOf(request);
    const reach = reachOf(session);
    const [people] = await db.select({ users: count() }).from(users).where(and(reach ? eq(users.brokerageId, reach) : undefined, isNull(users.deactivatedAt)));
    const [deviceStats] = await db
      .select({ active: count(), lastSeenAt: max(devices.lastSeenAt) })
      .from(devices)
      .where(and(reach ? eq(devices.brokerageId, reach) : undefined, isNull(devices.revokedAt)));
    const [pending] = await db
      .select({ invites: count() })
      .from(serverInvites)
      .innerJoin(users, eq(users.id, serverInvites.userId))
      .where(and(reach ? eq(users.brokerageId, reach) : undefined, isNull(serverInvites.usedAt), gt(serverInvites.expiresAt, context.now().toISOString())));
    return { users: people?.users ?? 0, activeDevices: deviceStats?.active ?? 0, lastDeviceSeenAt: deviceStats?.lastSeenAt ?? null, pendingInvites: pending?.invites ?? 0 };
  });
}

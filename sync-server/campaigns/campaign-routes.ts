// Campaign endpoints of the sync server.
//
//   POST /v1/campaign-runs/:runId/claim    {campaignId, leaseSeconds?}          → the lease (409 when held/done)
//   POST /v1/campaign-runs/:runId/renew    {generation, leaseSeconds?}          → the lease (409 lease_lost)
//   POST /v1/campaign-runs/:runId/release  {generation, completed}              → {completed}
//   POST /v1/campaign-runs/:runId/reserve  {generation, contactIds, links}      → reserves the recipients for this
//                                                                                device and returns their tracking URLs,
//                                                                                which are suppressed, and which another
//                                                                                device reserved (`elsewhere`)
//   GET  /t/o/<token>.gif        open pixel          → records email_opened
//   GET  /t/c/<token>?u=<url>    click redirect      → records email_clicked, 302 to the signed URL only
//   GET  /u/<token>              unsubscribe page    (a button; GET never unsubscribes: link scanners fetch it)
//   POST /u/<token>              unsubscribe         (RFC 8058 one-click as well as the page's button)
//
// Tracking writes `events` and `suppressions` rows; the change-log triggers carry them to every device,
// where they show in statistics, exclude the address from the next run and feed scoring.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { rowsOf, type ServerDb } from '../database.ts';
import { authOf, requireAuth } from '../auth/require-auth.ts';
import { ApiError, parseBody } from '../http/errors.ts';
import { claimRun, DEFAULT_LEASE_SECONDS, MAX_LEASE_SECONDS, releaseRun, renewRun, requireLease, reserveRecipients, type Caller } from './run-claims.ts';
import { resolveTrackingKey, signToken, TOKEN_LIFETIME_SECONDS, urlHash, verifyToken, type TokenPayload } from './tracking-tokens.ts';

export type CampaignRoutesOptions = {
  now?: () => Date;
  /** The address recipients reach this server at (tracking links); default: ROI_PUBLIC_URL, else the request's own origin. */
  publicUrl?: string;
};

const id = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/, 'ids use letters, digits and _ . : -');
const leaseSeconds = z.number().int().min(10).max(MAX_LEASE_SECONDS).default(DEFAULT_LEASE_SECONDS);
const claimSchema = z.object({ campaignId: id, leaseSeconds }).strict();
const renewSchema = z.object({ generation: z.number().int().min(1), leaseSeconds }).strict();
const releaseSchema = z.object({ generation: z.number().int().min(1), completed: z.boolean() }).strict();
const reserveSchema = z
  .object({
    generation: z.number().int().min(1),
    contactIds: z.array(id).min(1).max(1000),
    links: z
      .array(z.url({ protocol: /^https?$/, error: 'links must be http(s) URLs' }).max(2000))
      .max(50)
      .default([]),
  })
  .strict();

/** Opens sooner than this after the token was issued come from a scanner pre-fetching the message. */
export const BOT_OPEN_SECONDS = 10;
const SCANNER_AGENTS = /bot\b|crawler|spider|preview|barracuda|proofpoint|mimecast|ironport|forcepoint|symantec|trendmicro|sophos|fortinet|safelinks|headless|curl\/|wget\/|python-requests|go-http-client|java\/|okhttp|libwww|scanner/i;

/** Why an open or click looks automated (null: a person, as far as we can tell). */
export function botSignal(userAgent: string | undefined, payload: TokenPayload, now: Date): string | null {
  if (!userAgent || userAgent.trim() === '') return 'no_user_agent';
  if (SCANNER_AGENTS.test(userAgent)) return 'scanner_user_agent';
  if (now.getTime() / 1000 - payload.i < BOT_OPEN_SECONDS) return 'too_soon_after_sending';
  return null;
}

// The smallest transparent GIF.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

function page(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', PAGE_CSP)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>` +
        `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#222"><h1 style="font-size:1.4rem">${escapeHtml(title)}</h1>${body}</body></html>`,
    );
}

async function recordEvent(db: ServerDb, payload: TokenPayload, type: 'email_opened' | 'email_clicked', props: Record<string, unknown>, now: Date): Promise<boolean> {
  const inserted = rowsOf<{ id: string }>(
    await db.execute(sql`
      INSERT INTO events (id, brokerage_id, contact_id, type, occurred_at, props, source)
      SELECT ${`trk-${randomUUID()}`}, c.brokerage_id, c.id, ${type}, ${now.toISOString()}, ${JSON.stringify(props)}::jsonb, 'campaign'
      FROM contacts c WHERE c.id = ${payload.c} AND c.brokerage_id = ${payload.b}
      RETURNING id`),
  );
  return inserted.length > 0;
}

export async function registerCampaignRoutes(app: FastifyInstance, options: CampaignRoutesOptions = {}): Promise<void> {
  const now = options.now ?? (() => new Date());
  const db = app.syncDb;
  const key = await resolveTrackingKey(db);
  const publicUrl = options.publicUrl ?? process.env.ROI_PUBLIC_URL;
  const baseOf = (request: FastifyRequest) => (publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');

  const callerOf = (request: FastifyRequest): Caller => {
    const auth = authOf(request);
    if (!auth.brokerageId) throw new ApiError(403, 'forbidden', 'Campaigns belong to a brokerage; platform admins have none.');
    return { userId: auth.userId, brokerageId: auth.brokerageId, deviceId: auth.deviceId };
  };
  const runIdOf = (request: FastifyRequest<{ Params: { runId: string } }>) => parseBody(z.object({ runId: id }), request.params).runId;

  app.post<{ Params: { runId: string } }>('/v1/campaign-runs/:runId/claim', { preHandler: requireAuth }, async (request) => {
    const body = parseBody(claimSchema, request.body ?? {});
    return claimRun(db, callerOf(request), { runId: runIdOf(request), campaignId: body.campaignId, leaseSeconds: body.leaseSeconds }, now());
  });

  app.post<{ Params: { runId: string } }>('/v1/campaign-runs/:runId/renew', { preHandler: requireAuth }, async (request) => {
    const body = parseBody(renewSchema, request.body ?? {});
    return renewRun(db, callerOf(request), { runId: runIdOf(request), ...body }, now());
  });

  app.post<{ Params: { runId: string } }>('/v1/campaign-runs/:runId/release', { preHandler: requireAuth }, async (request) => {
    const body = parseBody(releaseSchema, request.body ?? {});
    return releaseRun(db, callerOf(request), { runId: runIdOf(request), ...body }, now());
  });

  app.post<{ Params: { runId: string } }>('/v1/campaign-runs/:runId/reserve', { preHandler: requireAuth }, async (request) => {
    const caller = callerOf(request);
    const body = parseBody(reserveSchema, request.body ?? {});
    const runId = runIdOf(request);
    const at = now();
    const claim = await requireLease(db, caller, runId, body.generation, at);
    const known = new Set(
      rowsOf<{ id: string }>(
        await db.execute(sql`SELECT id FROM contacts WHERE brokerage_id = ${caller.brokerageId} AND id IN (${sql.join(body.contactIds.map((c) => sql`${c}`), sql`, `)})`),
      ).map((row) => row.id),
    );
    const unknown = body.contactIds.filter((contactId) => !known.has(contactId));
    if (unknown.length > 0) {
      throw new ApiError(400, 'invalid_request', `No contact ${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ', …' : ''} in this brokerage on the server. Let the app finish syncing.`);
    }
    // The server's suppression list is the newest there is: an unsubscribe that arrived after this device
    // last synced still wins, because tokens (and so messages) are withheld for suppressed addresses.
    const suppressed: Record<string, string> = {};
    for (const row of rowsOf<{ id: string; reason: string }>(
      await db.execute(sql`
        SELECT c.id, s.reason FROM contacts c
        JOIN suppressions s ON s.brokerage_id = c.brokerage_id AND lower(s.email) = lower(trim(c.email))
        WHERE c.brokerage_id = ${caller.brokerageId} AND c.id IN (${sql.join(body.contactIds.map((c) => sql`${c}`), sql`, `)})`),
    )) {
      suppressed[row.id] = row.reason;
    }
    // Reserved before any link is signed: no message can go out without the server knowing which device sent it.
    const { elsewhere } = await reserveRecipients(db, caller, runId, body.contactIds, at);
    const base = baseOf(request);
    const issued = Math.floor(at.getTime() / 1000);
    const common = { b: caller.brokerageId, m: claim.campaign_id, r: runId, i: issued, x: issued + TOKEN_LIFETIME_SECONDS };
    const tokens: Record<string, { open: string; unsubscribe: string; clicks: Record<string, string> }> = {};
    for (const contactId of body.contactIds) {
      if (suppressed[contactId] || elsewhere[contactId]) continue;
      const clicks: Record<string, string> = {};
      for (const link of body.links) clicks[link] = `${base}/t/c/${signToken(key, { ...common, k: 'c', c: contactId, h: urlHash(link) })}?u=${encodeURIComponent(link)}`;
      tokens[contactId] = {
        open: `${base}/t/o/${signToken(key, { ...common, k: 'o', c: contactId })}.gif`,
        unsubscribe: `${base}/u/${signToken(key, { ...common, k: 'u', c: contactId })}`,
        clicks,
      };
    }
    return { tokens, suppressed, elsewhere };
  });

  // ---- Public tracking endpoints (no sign-in: the signed token is the credential) ----

  // Wildcard routes: a token is longer than the router's 100-character limit for a :param.
  app.get<{ Params: { '*': string } }>('/t/o/*', async (request, reply) => {
    const raw = request.params['*'].replace(/\.gif$/, '');
    const at = now();
    const verified = verifyToken(key, raw, 'o', at);
    if (!verified.ok) return reply.code(verified.status).header('cache-control', 'no-store').send();
    const bot = botSignal(request.headers['user-agent'], verified.payload, at);
    await recordEvent(db, verified.payload, 'email_opened', { campaignId: verified.payload.m, runId: verified.payload.r, bot: bot !== null, ...(bot ? { botReason: bot } : {}) }, at);
    return reply.header('content-type', 'image/gif').header('cache-control', 'no-store, private').send(PIXEL);
  });

  app.get<{ Params: { '*': string }; Querystring: { u?: string } }>('/t/c/*', async (request, reply) => {
    const at = now();
    const verified = verifyToken(key, request.params['*'], 'c', at);
    if (!verified.ok) return page(reply, verified.status, 'This link is not valid', '<p>The link may have been changed or has expired.</p>');
    const target = typeof request.query.u === 'string' ? request.query.u : '';
    // Only the exact URL whose hash was signed: anything else would make this an open redirect.
    if (!target || urlHash(target) !== verified.payload.h || !/^https?:\/\//i.test(target)) {
      return page(reply, 400, 'This link is not valid', '<p>The link’s address does not match the one in the email.</p>');
    }
    const bot = botSignal(request.headers['user-agent'], verified.payload, at);
    await recordEvent(db, verified.payload, 'email_clicked', { campaignId: verified.payload.m, runId: verified.payload.r, url: target, bot: bot !== null, ...(bot ? { botReason: bot } : {}) }, at);
    return reply.code(302).header('location', target).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send();
  });

  const contactEmail = async (payload: TokenPayload): Promise<string | null> => {
    const row = rowsOf<{ email: string | null }>(await db.execute(sql`SELECT email FROM contacts WHERE id = ${payload.c} AND brokerage_id = ${payload.b}`))[0];
    return row?.email ? row.email.trim().toLowerCase() : null;
  };

  // Form posts (the page's button, RFC 8058 one-click) are read as text and ignored: the token is what counts.
  await app.register(async (scope) => {
    scope.addContentTypeParser(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'], { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => done(null, body));

    scope.get<{ Params: { '*': string } }>('/u/*', async (request, reply) => {
      const verified = verifyToken(key, request.params['*'], 'u', now());
      if (!verified.ok) return page(reply, verified.status, 'This unsubscribe link is not valid', '<p>The link may have been changed. Reply to the email and ask to be removed instead.</p>');
      const email = await contactEmail(verified.payload);
      if (!email) return page(reply, 404, 'This unsubscribe link is not valid', '<p>We no longer have this address.</p>');
      return page(
        reply,
        200,
        'Unsubscribe',
        `<p>Stop emails to <strong>${escapeHtml(email)}</strong>?</p><form method="post"><button type="submit" style="font-size:1rem;padding:.5rem 1rem">Unsubscribe</button></form>`,
      );
    });

    scope.post<{ Params: { '*': string } }>('/u/*', async (request, reply) => {
      const at = now();
      const verified = verifyToken(key, request.params['*'], 'u', at);
      if (!verified.ok) return page(reply, verified.status, 'This unsubscribe link is not valid', '<p>The link may have been changed. Reply to the email and ask to be removed instead.</p>');
      const email = await contactEmail(verified.payload);
      if (!email) return page(reply, 404, 'This unsubscribe link is not valid', '<p>We no longer have this address.</p>');
      // One suppression per address and brokerage: unsubscribing twice changes nothing.
      await db.execute(sql`
        INSERT INTO suppressions (id, brokerage_id, email, contact_id, reason, created_at)
        VALUES (${`unsub-${randomUUID()}`}, ${verified.payload.b}, ${email}, ${verified.payload.c}, 'unsubscribed', ${at.toISOString()})
        ON CONFLICT (brokerage_id, email) DO NOTHING`);
      return page(reply, 200, 'You are unsubscribed', `<p><strong>${escapeHtml(email)}</strong> will get no more of these emails.</p>`);
    });
  });
}

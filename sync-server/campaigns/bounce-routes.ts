// Asynchronous bounces: a mail provider (or the brokerage's bounce processor) reports an address that
// bounced after the mail server had accepted the message.
//
//   POST /v1/campaign-bounces   X-Api-Key: <brokerage ingestion key>
//        {email, reason, messageId?}  → {suppressed: true, created, contactId, matchedSend}
//
// The address is suppressed in the key's brokerage (reason 'bounced'); the change log carries the row to
// every device, where it excludes the address from later runs and shows as a late bounce in statistics.
// Reporting the same address again changes nothing. Another brokerage's contacts, sends and suppressions
// are never read or written: every query is confined to the key's brokerage. The SMTP reason is returned,
// not stored (suppressions hold a reason code, not text).
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { rowsOf } from '../database.ts';
import { ApiError, parseBody } from '../http/errors.ts';
import { brokerageOfIngestKey } from '../ingest/ingest-keys.ts';

/** One report is a few hundred bytes; anything much larger is not a bounce report. */
export const BOUNCE_BODY_LIMIT = 16 * 1024;

export const bounceReportSchema = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email('email must be an email address').max(254)),
    reason: z.string().trim().min(1, 'reason is required (the mail server’s reply, e.g. "550 5.1.1 No such user")').max(2000),
    messageId: z.string().trim().min(3).max(300).optional(),
  })
  .strict();

export function registerBounceRoutes(app: FastifyInstance, options: { now?: () => Date } = {}): void {
  const now = () => (options.now ?? (() => new Date()))();

  app.post('/v1/campaign-bounces', { bodyLimit: BOUNCE_BODY_LIMIT }, async (request) => {
    const key = request.headers['x-api-key'];
    if (typeof key !== 'string' || key.length === 0) throw new ApiError(401, 'unauthenticated', 'Send the brokerage ingestion key in an X-Api-Key header.');
    const at = now();
    const brokerageId = await brokerageOfIngestKey(app.syncDb, key.slice(0, 200), at);
    if (!brokerageId) throw new ApiError(401, 'invalid_token', 'This API key is unknown or has been revoked. Ask your administrator for a current key.');
    const report = parseBody(bounceReportSchema, request.body ?? {});
    const db = app.syncDb;

    // The send the report names (by Message-ID), if it is this brokerage's and to this address.
    const send = report.messageId
      ? rowsOf<{ contact_id: string }>(
          await db.execute(sql`
            SELECT contact_id FROM campaign_sends
            WHERE brokerage_id = ${brokerageId} AND message_id = ${report.messageId} AND lower(trim(email)) = ${report.email}
            LIMIT 1`),
        )[0]
      : undefined;
    const contactId =
      send?.contact_id ??
      rowsOf<{ id: string }>(
        await db.execute(sql`
          SELECT id FROM contacts WHERE brokerage_id = ${brokerageId} AND lower(trim(email)) = ${report.email} AND deleted_at IS NULL
          ORDER BY created_at, id LIMIT 1`),
      )[0]?.id ??
      null;

    const inserted = rowsOf<{ id: string }>(
      await db.execute(sql`
        INSERT INTO suppressions (id, brokerage_id, email, contact_id, reason, created_at)
        VALUES (${`bounce-${randomUUID()}`}, ${brokerageId}, ${report.email}, ${contactId}, 'bounced', ${at.toISOString()})
        ON CONFLICT (brokerage_id, email) DO NOTHING
        RETURNING id`),
    );
    request.log.info({ brokerageId, created: inserted.length > 0, reason: report.reason }, 'campaign bounce reported');
    return { suppressed: true, created: inserted.length > 0, contactId, matchedSend: Boolean(send) };
  });
}

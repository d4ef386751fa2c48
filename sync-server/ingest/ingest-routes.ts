// Event ingestion endpoints. Authentication is a brokerage API key (X-Api-Key) or, for webhooks, an
// HMAC-SHA256 signature over the timestamp and the exact body bytes.
//   POST /v1/events            {events:[{id, contactId, type, occurredAt, props}]} (≤ 5,000) → {accepted, duplicates}
//   POST /v1/events/csv        text/csv (event_id, contact_id, type, occurred_at, props) → {accepted, duplicates, rejected, errors}
//   POST /v1/webhooks/events   same body as /v1/events; headers X-Roi-Webhook-Id, X-Roi-Timestamp (unix s),
//                              X-Roi-Signature: sha256=<hex HMAC(secret, "<timestamp>.<body>")>
import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { serverWebhookSecrets } from '../../db/schema/pg.ts';
import { ApiError, parseBody } from '../http/errors.ts';
import { ingestEventCsv } from './ingest-csv.ts';
import { eventBatchSchema, ingestEvents } from './ingest-events.ts';
import { brokerageOfIngestKey } from './ingest-keys.ts';

export const INGEST_BODY_LIMIT = 8 * 1024 * 1024;
export const CSV_BODY_LIMIT = 50 * 1024 * 1024;
/** Signed webhooks older (or newer) than this are refused as possible replays. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function registerIngestRoutes(app: FastifyInstance, options: { now?: () => Date } = {}): void {
  const now = () => (options.now ?? (() => new Date()))();

  const brokerageOfRequest = async (request: FastifyRequest): Promise<string> => {
    const key = request.headers['x-api-key'];
    if (typeof key !== 'string' || key.length === 0) {
      throw new ApiError(401, 'unauthenticated', 'Send the brokerage ingestion key in an X-Api-Key header.');
    }
    const brokerageId = await brokerageOfIngestKey(app.syncDb, key.slice(0, 200), now());
    if (!brokerageId) throw new ApiError(401, 'invalid_token', 'This API key is unknown or has been revoked. Ask your administrator for a current key.');
    return brokerageId;
  };

  app.post('/v1/events', { bodyLimit: INGEST_BODY_LIMIT }, async (request) => {
    const brokerageId = await brokerageOfRequest(request);
    const { events } = parseBody(eventBatchSchema, request.body);
    return ingestEvents(app.syncDb, brokerageId, events, 'api', now());
  });

  app.register(async (csvScope) => {
    csvScope.addContentTypeParser(/^text\/csv(\s*;.*)?$/i, { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_request, body, done) => done(null, body));
    csvScope.post('/v1/events/csv', { bodyLimit: CSV_BODY_LIMIT }, async (request) => {
      const brokerageId = await brokerageOfRequest(request);
      if (typeof request.body !== 'string' || request.body.trim() === '') {
        throw new ApiError(400, 'invalid_request', 'Send the CSV file as the request body with Content-Type: text/csv.');
      }
      return ingestEventCsv(app.syncDb, brokerageId, request.body, now());
    });
  });

  app.post('/v1/webhooks/events', { bodyLimit: INGEST_BODY_LIMIT }, async (request) => {
    const id = request.headers['x-roi-webhook-id'];
    const timestamp = Number(request.headers['x-roi-timestamp']);
    const signature = request.headers['x-roi-signature'];
    if (typeof id !== 'string' || typeof signature !== 'string' || !Number.isInteger(timestamp)) {
      throw new ApiError(401, 'unauthenticated', 'A signed webhook needs X-Roi-Webhook-Id, X-Roi-Timestamp and X-Roi-Signature headers.');
    }
    if (Math.abs(now().getTime() / 1000 - timestamp) > WEBHOOK_TOLERANCE_SECONDS) {
      throw new ApiError(401, 'invalid_token', `The webhook timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} seconds away from the server's clock; it may be a replay. Send it fresh.`);
    }
    const [secret] = await app.syncDb
      .select({ brokerageId: serverWebhookSecrets.brokerageId, secret: serverWebhookSecrets.secret })
      .from(serverWebhookSecrets)
      .where(and(eq(serverWebhookSecrets.id, id.slice(0, 200)), isNull(serverWebhookSecrets.revokedAt)));
    const expected = secret ? Buffer.from(signWebhook(secret.secret, timestamp, request.rawBody ?? '')) : null;
    const given = Buffer.from(signature);
    if (!secret || !expected || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new ApiError(401, 'invalid_token', 'The webhook signature does not match. Sign "<timestamp>.<raw body>" with HMAC-SHA256 and the shared secret.');
    }
    const { events } = parseBody(eventBatchSchema, request.body);
    return ingestEvents(app.syncDb, secret.brokerageId, events, 'webhook', now());
  });
}

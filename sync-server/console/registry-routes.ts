// The model registry (versions with their cards, upload, activate, roll back) and event ingestion
// (API keys, webhook secrets, the live tail, CSV upload with a per-row report).
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { brokerages, serverIngestKeys, serverWebhookSecrets } from '../../db/schema/pg.ts';
import { ApiError, parseBody } from '../http/errors.ts';
import { ingestEventCsv } from '../ingest/ingest-csv.ts';
import { CSV_BODY_LIMIT } from '../ingest/ingest-routes.ts';
import { createIngestKey, createWebhookSecret, revokeIngestKey, revokeWebhookSecret } from '../ingest/ingest-keys.ts';
import { activateModelVersion, addModelVersion, listModelVersions, rollbackModel } from '../models/model-registry.ts';
import { assertInReach, audit, brokerageFilter, optionalText, parseQuery, reachOf, requireAdmin, sessionOf, type ConsoleContext } from './console-context.ts';

export const MODEL_UPLOAD_LIMIT = 64 * 1024 * 1024;

const uploadQuery = z.object({ version: z.string().trim().min(1, 'name the version (e.g. ?version=2026-11-v2)').max(64), notes: optionalText(2_000) });
const keyCreate = z.object({ brokerageId: z.string().trim().min(1).optional(), label: z.string().trim().min(1, 'must say what the key is for (e.g. "website")').max(100) }).strict();
const webhookCreate = z.object({ brokerageId: z.string().trim().min(1).optional() }).strict();
const brokerageQuery = z.object({ brokerageId: optionalText() });
const tailQuery = z.object({ brokerageId: optionalText(), since: optionalText(40) });

export function registerRegistryRoutes(api: FastifyInstance, context: ConsoleContext): void {
  const { db } = context;

  // ---- models ----
  api.get('/models', async () => {
    const versions = await listModelVersions(db);
    return { versions };
  });

  api.register(async (upload) => {
    upload.addContentTypeParser(['application/octet-stream', 'application/x-onnx'], { parseAs: 'buffer', bodyLimit: MODEL_UPLOAD_LIMIT }, (_request, body, done) => done(null, body));
    upload.post<{ Params: { name: string } }>('/models/:name/versions', { bodyLimit: MODEL_UPLOAD_LIMIT }, async (request, reply) => {
      const session = sessionOf(request);
      requireAdmin(session, 'upload model versions');
      const query = parseQuery(uploadQuery, request.query);
      if (!Buffer.isBuffer(request.body)) throw new ApiError(400, 'invalid_request', 'Send the .onnx file as the request body with Content-Type: application/octet-stream.');
      const row = await addModelVersion(db, {
        name: request.params.name,
        version: query.version,
        content: request.body,
        metadata: { uploadedBy: session.user.email, uploadedAt: context.now().toISOString(), ...(query.notes ? { notes: query.notes } : {}) },
      });
      await audit(context, request, { action: 'model.uploaded', brokerageId: null, targetType: 'model', targetId: `${row.name}@${row.version}`, details: { sha256: row.sha256, size: row.size } });
      return reply.code(201).send({ version: row });
    });
  });

  api.post<{ Params: { name: string; version: string } }>('/models/:name/versions/:version/activate', async (request) => {
    requireAdmin(sessionOf(request), 'activate model versions');
    const { name, version } = request.params;
    const result = await activateModelVersion(db, name, version, context.now());
    await audit(context, request, { action: 'model.activated', brokerageId: null, targetType: 'model', targetId: `${name}@${version}`, details: { previous: result.previous } });
    return { active: version, previous: result.previous };
  });

  api.post<{ Params: { name: string } }>('/models/:name/rollback', async (request) => {
    requireAdmin(sessionOf(request), 'roll back models');
    const result = await rollbackModel(db, request.params.name, context.now());
    await audit(context, request, { action: 'model.rolled_back', brokerageId: null, targetType: 'model', targetId: `${request.params.name}@${result.to}`, details: result });
    return { active: result.to, previous: result.from };
  });

  // ---- ingestion ----
  /** The brokerage a write acts on: a manager's own; an admin must name one that exists. */
  async function targetBrokerage(session: ReturnType<typeof sessionOf>, requested: string | undefined): Promise<string> {
    const id = requested ?? reachOf(session);
    if (!id) throw new ApiError(400, 'invalid_request', 'Choose the brokerage (brokerageId).');
    assertInReach(session, id, 'brokerage');
    const [row] = await db.select({ id: brokerages.id }).from(brokerages).where(eq(brokerages.id, id));
    if (!row) throw new ApiError(404, 'not_found', 'There is no such brokerage.');
    return id;
  }

  api.get('/ingest/keys', async (request) => {
    const brokerageId = brokerageFilter(sessionOf(request), parseQuery(brokerageQuery, request.query).brokerageId);
    const keys = await db
      .select({ id: serverIngestKeys.id, brokerageId: serverIngestKeys.brokerageId, brokerageName: brokerages.name, label: serverIngestKeys.label, createdAt: serverIngestKeys.createdAt, lastUsedAt: serverIngestKeys.lastUsedAt, revokedAt: serverIngestKeys.revokedAt })
      .from(serverIngestKeys)
      .innerJoin(brokerages, eq(brokerages.id, serverIngestKeys.brokerageId))
      .where(brokerageId ? eq(serverIngestKeys.brokerageId, brokerageId) : undefined)
      .orderBy(asc(brokerages.name), asc(serverIngestKeys.createdAt));
    return { keys };
  });

  api.post('/ingest/keys', async (request, reply) => {
    const session = sessionOf(request);
    const input = parseBody(keyCreate, request.body);
    const brokerageId = await targetBrokerage(session, input.brokerageId);
    const created = await db.transaction(async (tx) => {
      const key = await createIngestKey(tx, brokerageId, input.label);
      await audit(context, request, { action: 'ingest_key.created', brokerageId, targetType: 'ingest_key', targetId: key.id, details: { label: input.label } }, tx);
      return key;
    });
    return reply.code(201).send(created);
  });

  /** A live key of the caller's reach, or 404. */
  async function reachableKey(session: ReturnType<typeof sessionOf>, id: string) {
    const reach = reachOf(session);
    const [key] = await db
      .select({ id: serverIngestKeys.id, brokerageId: serverIngestKeys.brokerageId, label: serverIngestKeys.label, revokedAt: serverIngestKeys.revokedAt })
      .from(serverIngestKeys)
      .where(and(eq(serverIngestKeys.id, id), reach ? eq(serverIngestKeys.brokerageId, reach) : undefined));
    if (!key) throw new ApiError(404, 'not_found', 'There is no such API key in your reach.');
    if (key.revokedAt) throw new ApiError(400, 'invalid_request', 'This key is already revoked.');
    return key;
  }

  api.post<{ Params: { id: string } }>('/ingest/keys/:id/revoke', async (request) => {
    const session = sessionOf(request);
    const key = await reachableKey(session, request.params.id);
    await db.transaction(async (tx) => {
      await revokeIngestKey(tx, key.id, key.brokerageId, context.now());
      await audit(context, request, { action: 'ingest_key.revoked', brokerageId: key.brokerageId, targetType: 'ingest_key', targetId: key.id, details: { label: key.label } }, tx);
    });
    return { ok: true };
  });

  // Rotation: a new key with the same label, and the old one refused from this moment.
  api.post<{ Params: { id: string } }>('/ingest/keys/:id/rotate', async (request, reply) => {
    const session = sessionOf(request);
    const key = await reachableKey(session, request.params.id);
    const created = await db.transaction(async (tx) => {
      if (!(await revokeIngestKey(tx, key.id, key.brokerageId, context.now()))) throw new ApiError(400, 'invalid_request', 'This key was revoked meanwhile.');
      const next = await createIngestKey(tx, key.brokerageId, key.label);
      await audit(context, request, { action: 'ingest_key.rotated', brokerageId: key.brokerageId, targetType: 'ingest_key', targetId: next.id, details: { label: key.label, replaced: key.id } }, tx);
      return next;
    });
    return reply.code(201).send(created);
  });

  api.get('/ingest/webhooks', async (request) => {
    const brokerageId = brokerageFilter(sessionOf(request), parseQuery(brokerageQuery, request.query).brokerageId);
    const secrets = await db
      .select({ id: serverWebhookSecrets.id, brokerageId: serverWebhookSecrets.brokerageId, brokerageName: brokerages.name, createdAt: serverWebhookSecrets.createdAt, revokedAt: serverWebhookSecrets.revokedAt })
      .from(serverWebhookSecrets)
      .innerJoin(brokerages, eq(brokerages.id, serverWebhookSecrets.brokerageId))
      .where(brokerageId ? eq(serverWebhookSecrets.brokerageId, brokerageId) : undefined)
      .orderBy(asc(brokerages.name), asc(serverWebhookSecrets.createdAt));
    return { webhooks: secrets };
  });

  api.post('/ingest/webhooks', async (request, reply) => {
    const session = sessionOf(request);
    const brokerageId = await targetBrokerage(session, parseBody(webhookCreate, request.body).brokerageId);
    const created = await db.transaction(async (tx) => {
      const secret = await createWebhookSecret(tx, brokerageId);
      await audit(context, request, { action: 'webhook_secret.created', brokerageId, targetType: 'webhook_secret', targetId: secret.id }, tx);
      return secret;
    });
    return reply.code(201).send(created);
  });

  api.post<{ Params: { id: string } }>('/ingest/webhooks/:id/revoke', async (request) => {
    const session = sessionOf(request);
    const reach = reachOf(session);
    const [secret] = await db
      .select({ id: serverWebhookSecrets.id, brokerageId: serverWebhookSecrets.brokerageId })
      .from(serverWebhookSecrets)
      .where(and(eq(serverWebhookSecrets.id, request.params.id), isNull(serverWebhookSecrets.revokedAt), reach ? eq(serverWebhookSecrets.brokerageId, reach) : undefined));
    if (!secret) throw new ApiError(404, 'not_found', 'There is no such live webhook secret in your reach.');
    await db.transaction(async (tx) => {
      await revokeWebhookSecret(tx, secret.id, secret.brokerageId, context.now());
      await audit(context, request, { action: 'webhook_secret.revoked', brokerageId: secret.brokerageId, targetType: 'webhook_secret', targetId: secret.id }, tx);
    });
    return { ok: true };
  });

  api.get('/ingest/tail', async (request) => {
    const query = parseQuery(tailQuery, request.query);
    return { entries: context.metrics.ingestTail(brokerageFilter(sessionOf(request), query.brokerageId), query.since) };
  });

  api.register(async (csvScope) => {
    csvScope.addContentTypeParser(/^text\/csv(\s*;.*)?$/i, { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_request, body, done) => done(null, body));
    csvScope.post('/ingest/csv', { bodyLimit: CSV_BODY_LIMIT }, async (request) => {
      const session = sessionOf(request);
      const brokerageId = await targetBrokerage(session, parseQuery(brokerageQuery, request.query).brokerageId);
      if (typeof request.body !== 'string' || request.body.trim() === '') {
        throw new ApiError(400, 'invalid_request', 'Choose a non-empty CSV file (columns event_id, contact_id, type, occurred_at, props).');
      }
      const result = await ingestEventCsv(db, brokerageId, request.body, context.now());
      await audit(context, request, { action: 'events.csv_uploaded', brokerageId, targetType: 'events', details: { accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejected } });
      context.metrics.ingest({ source: 'csv', status: 200, brokerageId, keyLabel: `console: ${session.user.email}`, accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejected, message: null, events: [] });
      return result;
    });
  });
}

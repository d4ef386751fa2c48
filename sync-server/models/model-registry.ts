// The model registry: versions of the intent and valuation models kept in the database, one active per
// name. The models committed in models/ are registered at start (a version named after their hash) and
// become active when nothing else is, so a fresh server serves exactly what the app ships with.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { serverModels } from '../../db/schema/pg.ts';
import { authOf, requireAuth } from '../auth/require-auth.ts';
import type { ServerDb } from '../database.ts';
import { ApiError } from '../http/errors.ts';

export const BUNDLED_MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

export type ModelVersion = { name: string; version: string; sha256: string; size: number; activatedAt: string | null; metadata: Record<string, unknown> };

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Companion files of a model: its calibration table and its card (intent-* models share one card). */
function bundledMetadata(dir: string, name: string): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  const calibration = path.join(dir, `${name}.calibration.json`);
  if (existsSync(calibration)) metadata.calibration = JSON.parse(readFileSync(calibration, 'utf8'));
  const card = [path.join(dir, `${name}.model-card.md`), path.join(dir, `${name.split('-')[0]}.model-card.md`)].find(existsSync);
  if (card) metadata.card = readFileSync(card, 'utf8');
  return metadata;
}

export async function registerBundledModels(db: ServerDb, dir: string = BUNDLED_MODELS_DIR): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const registered: string[] = [];
  for (const file of readdirSync(dir).filter((entry) => entry.endsWith('.onnx')).sort()) {
    const name = file.slice(0, -'.onnx'.length);
    const content = readFileSync(path.join(dir, file));
    const hash = sha256(content);
    const version = `bundled-${hash.slice(0, 12)}`;
    await db.transaction(async (tx) => {
      const inserted = await tx
        .insert(serverModels)
        .values({ id: randomUUID(), name, version, sha256: hash, size: content.length, content, metadata: bundledMetadata(dir, name) })
        .onConflictDoNothing()
        .returning({ id: serverModels.id });
      if (inserted.length > 0) registered.push(`${name}@${version}`);
      // Activate only when the name has no active version: an admin's choice is never overridden.
      await tx.execute(sql`
        UPDATE server_models SET active = true, activated_at = now()
        WHERE name = ${name} AND version = ${version}
          AND NOT EXISTS (SELECT 1 FROM server_models WHERE name = ${name} AND active)`);
    });
  }
  return registered;
}

export async function activeModels(db: ServerDb): Promise<ModelVersion[]> {
  return db
    .select({
      name: serverModels.name,
      version: serverModels.version,
      sha256: serverModels.sha256,
      size: serverModels.size,
      activatedAt: serverModels.activatedAt,
      metadata: serverModels.metadata,
    })
    .from(serverModels)
    .where(eq(serverModels.active, true))
    .orderBy(serverModels.name);
}

//   GET /v1/models                      → {models:[{name, version, sha256, size, activatedAt, metadata}]} (active ones)
//   GET /v1/models/:name/:version       → the ONNX bytes (X-Model-Sha256 header)
export function registerModelRoutes(app: FastifyInstance): void {
  app.get('/v1/models', { preHandler: requireAuth }, async () => ({ models: await activeModels(app.syncDb) }));

  app.get<{ Params: { name: string; version: string } }>('/v1/models/:name/:version', { preHandler: requireAuth }, async (request, reply) => {
    authOf(request);
    const [model] = await app.syncDb
      .select({ content: serverModels.content, sha256: serverModels.sha256 })
      .from(serverModels)
      .where(and(eq(serverModels.name, request.params.name), eq(serverModels.version, request.params.version)));
    if (!model) throw new ApiError(404, 'not_found', `There is no model ${request.params.name} version ${request.params.version}.`);
    reply.header('content-type', 'application/octet-stream');
    reply.header('x-model-sha256', model.sha256);
    reply.header('cache-control', 'private, max-age=31536000, immutable');
    return reply.send(model.content);
  });
}

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

// ---- Managing versions (the web console's model registry page) ----

export type ModelVersionRow = ModelVersion & { id: string; active: boolean; createdAt: string };

/** Every version of every model, newest first per name (no bytes). */
export async function listModelVersions(db: ServerDb): Promise<ModelVersionRow[]> {
  return db
    .select({
      id: serverModels.id,
      name: serverModels.name,
      version: serverModels.version,
      sha256: serverModels.sha256,
      size: serverModels.size,
      active: serverModels.active,
      createdAt: serverModels.createdAt,
      activatedAt: serverModels.activatedAt,
      metadata: serverModels.metadata,
    })
    .from(serverModels)
    .orderBy(serverModels.name, sql`${serverModels.createdAt} DESC`);
}

type TensorSignature = { name: string; type: string; shape: string };

/** Input and output names, element types and shapes of an ONNX model, as onnxruntime-node loads it. */
export async function modelSignature(content: Buffer): Promise<{ inputs: TensorSignature[]; outputs: TensorSignature[] }> {
  const ort = await import('onnxruntime-node');
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(new Uint8Array(content.buffer, content.byteOffset, content.byteLength), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (error) {
    throw new ApiError(400, 'invalid_request', `The file is not a model onnxruntime can load: ${(error as Error).message.split('\n')[0]}`);
  }
  const describe = (list: readonly { name: string; isTensor: boolean; type?: string; shape?: ReadonlyArray<number | string> }[]) =>
    // Symbolic dimensions (the batch size) are named differently by exporters; only fixed sizes must agree.
    list.map((value) => ({ name: value.name, type: value.isTensor ? (value.type ?? '') : 'non-tensor', shape: `[${(value.shape ?? []).map((d) => (typeof d === 'number' ? d : '?')).join(', ')}]` }));
  try {
    return { inputs: describe(session.inputMetadata), outputs: describe(session.outputMetadata) };
  } finally {
    await session.release();
  }
}

const MODEL_NAME = /^(intent-(sell|buy|refinance|investment)|avm)$/;
const VERSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Stores a new (inactive) version after checking it: it loads in onnxruntime-node, and its inputs and
 * outputs (names, types, fixed dimensions) are those of the active version, so devices can swap it in.
 * The active version's companion metadata (calibration, card) is carried over unless replaced.
 */
export async function addModelVersion(
  db: ServerDb,
  input: { name: string; version: string; content: Buffer; metadata?: Record<string, unknown> },
): Promise<ModelVersionRow> {
  if (!MODEL_NAME.test(input.name)) throw new ApiError(400, 'invalid_request', `Unknown model "${input.name}": use intent-sell, intent-buy, intent-refinance, intent-investment or avm.`);
  if (!VERSION_NAME.test(input.version)) throw new ApiError(400, 'invalid_request', 'The version must be 1–64 letters, digits, dots, dashes or underscores (e.g. 2026-11-v2).');
  if (input.content.length === 0) throw new ApiError(400, 'invalid_request', 'The uploaded file is empty. Choose the .onnx file of the model.');
  const signature = await modelSignature(input.content);
  const [active] = await db.select({ content: serverModels.content, version: serverModels.version, metadata: serverModels.metadata }).from(serverModels).where(and(eq(serverModels.name, input.name), eq(serverModels.active, true)));
  if (active) {
    const expected = await modelSignature(active.content);
    const differences = [...compareSignature('input', expected.inputs, signature.inputs), ...compareSignature('output', expected.outputs, signature.outputs)];
    if (differences.length > 0) {
      throw new ApiError(400, 'invalid_request', `This model does not fit where ${input.name} ${active.version} runs: ${differences.join('; ')}. Export it with the same inputs and outputs.`);
    }
  }
  const [existing] = await db.select({ id: serverModels.id }).from(serverModels).where(and(eq(serverModels.name, input.name), eq(serverModels.version, input.version)));
  if (existing) throw new ApiError(409, 'invalid_request', `${input.name} already has a version "${input.version}". Pick another version name.`);
  const hash = sha256(input.content);
  // The runtime companions (calibration) carry over so devices can use the new version at once; the card
  // does too, marked as the active version's, until the version brings its own.
  const inherited = active?.metadata ?? {};
  const metadata = { ...inherited, ...('card' in inherited ? { cardOf: active!.version } : {}), ...(input.metadata ?? {}), signature };
  const [row] = await db
    .insert(serverModels)
    .values({ id: randomUUID(), name: input.name, version: input.version, sha256: hash, size: input.content.length, content: input.content, metadata })
    .returning({
      id: serverModels.id,
      name: serverModels.name,
      version: serverModels.version,
      sha256: serverModels.sha256,
      size: serverModels.size,
      active: serverModels.active,
      createdAt: serverModels.createdAt,
      activatedAt: serverModels.activatedAt,
      metadata: serverModels.metadata,
    });
  return row!;
}

function compareSignature(kind: string, expected: TensorSignature[], actual: TensorSignature[]): string[] {
  const show = (list: TensorSignature[]) => list.map((t) => `${t.name} ${t.type}${t.shape}`).join(', ') || 'none';
  const same = expected.length === actual.length && expected.every((t, i) => t.name === actual[i]!.name && t.type === actual[i]!.type && t.shape === actual[i]!.shape);
  return same ? [] : [`${kind}s are ${show(actual)}, expected ${show(expected)}`];
}

/** Makes one version the active one of its name (devices pick it up at their next model check). */
export async function activateModelVersion(db: ServerDb, name: string, version: string, now: Date): Promise<{ previous: string | null }> {
  return db.transaction(async (tx) => {
    const [target] = await tx.select({ id: serverModels.id, active: serverModels.active }).from(serverModels).where(and(eq(serverModels.name, name), eq(serverModels.version, version)));
    if (!target) throw new ApiError(404, 'not_found', `There is no model ${name} version ${version}.`);
    const [current] = await tx.select({ version: serverModels.version }).from(serverModels).where(and(eq(serverModels.name, name), eq(serverModels.active, true)));
    if (target.active) return { previous: current?.version ?? null };
    await tx.update(serverModels).set({ active: false }).where(and(eq(serverModels.name, name), eq(serverModels.active, true)));
    await tx.update(serverModels).set({ active: true, activatedAt: now.toISOString() }).where(eq(serverModels.id, target.id));
    return { previous: current?.version ?? null };
  });
}

/** Re-activates the version that was active before the current one (the most recently activated other). */
export async function rollbackModel(db: ServerDb, name: string, now: Date): Promise<{ from: string; to: string }> {
  const rows = await db
    .select({ version: serverModels.version, active: serverModels.active, activatedAt: serverModels.activatedAt })
    .from(serverModels)
    .where(eq(serverModels.name, name))
    .orderBy(sql`${serverModels.activatedAt} DESC NULLS LAST`);
  const current = rows.find((row) => row.active);
  const previous = rows.find((row) => !row.active && row.activatedAt);
  if (!current || !previous) throw new ApiError(400, 'invalid_request', `${name} has no earlier active version to roll back to.`);
  await activateModelVersion(db, name, previous.version, now);
  return { from: current.version, to: previous.version };
}

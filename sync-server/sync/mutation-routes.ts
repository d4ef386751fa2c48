// POST /v1/mutations — the write path (wire format: db/sync/mutations.ts, docs/sync.md).
import type { FastifyInstance } from 'fastify';
import { mutationBatchSchema, type MutationBatch, type MutationBatchResponse } from '../../db/sync/mutations.ts';
import { authOf, requireAuth } from '../auth/require-auth.ts';
import { ApiError, parseBody } from '../http/errors.ts';
import { applyMutationBatch } from './apply-mutations.ts';

/** Larger than the default body limit: a device back from days offline pushes up to 1,000 edits at once. */
export const MUTATIONS_BODY_LIMIT = 4 * 1024 * 1024;

export function registerMutationRoutes(app: FastifyInstance, options: { now?: () => Date } = {}): void {
  app.post('/v1/mutations', { preHandler: requireAuth, bodyLimit: MUTATIONS_BODY_LIMIT }, async (request): Promise<MutationBatchResponse> => {
    const auth = authOf(request);
    // Validated whole before anything is written: one malformed mutation fails the batch with a 400.
    const batch = parseBody(mutationBatchSchema, request.body) as MutationBatch;
    if (batch.clientId !== auth.deviceId) {
      throw new ApiError(403, 'forbidden', 'clientId must be the device id this access token was issued to.');
    }
    return { results: await applyMutationBatch(app.syncDb, auth, batch, options.now) };
  });
}

// Brokerage API keys for event ingestion. Keys are random 32-byte strings shown once; only their
// SHA-256 is stored (a key is high-entropy, so a fast hash is enough and lookups stay indexed).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { serverIngestKeys, serverWebhookSecrets } from '../../db/schema/pg.ts';
import type { ServerDb } from '../database.ts';

type Executor = Pick<ServerDb, 'select' | 'insert' | 'update'>;

export const hashIngestKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

export async function createIngestKey(db: Executor, brokerageId: string, label: string, key = `roi_${randomBytes(32).toString('base64url')}`) {
  const id = randomUUID();
  await db.insert(serverIngestKeys).values({ id, brokerageId, keyHash: hashIngestKey(key), label });
  return { id, key };
}

/** The brokerage a key belongs to, or null when it is unknown or revoked. Records its use. */
export async function brokerageOfIngestKey(db: Executor, key: string, now: Date): Promise<string | null> {
  const [row] = await db
    .update(serverIngestKeys)
    .set({ lastUsedAt: now.toISOString() })
    .where(and(eq(serverIngestKeys.keyHash, hashIngestKey(key)), isNull(serverIngestKeys.revokedAt)))
    .returning({ brokerageId: serverIngestKeys.brokerageId });
  return row?.brokerageId ?? null;
}

/** Revokes a key of the brokerage (null: any brokerage). Returns false when there is no such live key. */
export async function revokeIngestKey(db: Executor, id: string, brokerageId: string | null, now: Date): Promise<boolean> {
  const rows = await db
    .update(serverIngestKeys)
    .set({ revokedAt: now.toISOString() })
    .where(and(eq(serverIngestKeys.id, id), isNull(serverIngestKeys.revokedAt), brokerageId ? eq(serverIngestKeys.brokerageId, brokerageId) : undefined))
    .returning({ id: serverIngestKeys.id });
  return rows.length > 0;
}

/** A new shared secret for signed webhooks (HMAC needs the secret itself, so it is stored as is and shown once). */
export async function createWebhookSecret(db: Executor, brokerageId: string) {
  const id = `wh_${randomBytes(9).toString('base64url')}`;
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  await db.insert(serverWebhookSecrets).values({ id, brokerageId, secret });
  return { id, secret };
}

export async function revokeWebhookSecret(db: Executor, id: string, brokerageId: string | null, now: Date): Promise<boolean> {
  const rows = await db
    .update(serverWebhookSecrets)
    .set({ revokedAt: now.toISOString() })
    .where(and(eq(serverWebhookSecrets.id, id), isNull(serverWebhookSecrets.revokedAt), brokerageId ? eq(serverWebhookSecrets.brokerageId, brokerageId) : undefined))
    .returning({ id: serverWebhookSecrets.id });
  return rows.length > 0;
}

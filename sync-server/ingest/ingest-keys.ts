// Brokerage API keys for event ingestion. Keys are random 32-byte strings shown once; only their
// SHA-256 is stored (a key is high-entropy, so a fast hash is enough and lookups stay indexed).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { serverIngestKeys } from '../../db/schema/pg.ts';
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

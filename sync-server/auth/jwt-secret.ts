// Where the key that signs access tokens comes from: an explicit option, else ROI_JWT_SECRET, else a
// random secret generated once and kept in server_settings, so every server process on the same
// database (several instances behind a load balancer, or a restart) accepts the others' tokens.
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { serverSettings } from '../../db/schema/pg.ts';
import type { ServerDb } from '../database.ts';

const SETTING_KEY = 'jwt_secret';
const MIN_SECRET_LENGTH = 32;

export type JwtSecretSource = 'option' | 'environment' | 'database';

export async function resolveJwtKey(
  db: ServerDb,
  configured: { option?: string | undefined; env?: string | undefined },
): Promise<{ key: Uint8Array; source: JwtSecretSource }> {
  if (configured.option !== undefined) return { key: keyFrom(configured.option, 'the jwtSecret option'), source: 'option' };
  if (configured.env) return { key: keyFrom(configured.env, 'ROI_JWT_SECRET'), source: 'environment' };

  // Insert-if-absent then read back: when two instances start together, both read the winner's secret.
  await db
    .insert(serverSettings)
    .values({ key: SETTING_KEY, value: randomBytes(48).toString('base64url') })
    .onConflictDoNothing({ target: serverSettings.key });
  const [row] = await db.select({ value: serverSettings.value }).from(serverSettings).where(eq(serverSettings.key, SETTING_KEY));
  if (!row) throw new Error('The generated JWT secret could not be read back from server_settings.');
  return { key: new TextEncoder().encode(row.value), source: 'database' };
}

function keyFrom(secret: string, where: string): Uint8Array {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `${where} is too short (${secret.length} characters). Use at least ${MIN_SECRET_LENGTH} random characters, ` +
        'e.g. the output of `openssl rand -base64 48`, or unset it to let the server generate and store one.',
    );
  }
  return new TextEncoder().encode(secret);
}

// Signed tracking tokens for campaign emails: open pixel, click redirect and unsubscribe. Only the server
// holds the key (server_settings, like the JWT secret, so every instance verifies every other's tokens);
// devices receive ready-made tokens when they claim a run. A click token carries a hash of the one URL it
// may redirect to, so a token can never be turned into an open redirect.
//
// Format: base64url(JSON payload) "." base64url(HMAC-SHA256(key, "roi-campaign:" + payload))[0..16 bytes].
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { serverSettings } from '../../db/schema/pg.ts';
import type { ServerDb } from '../database.ts';

const SETTING_KEY = 'campaign_tracking_key';
/** Unsubscribe links must keep working long after the message (CAN-SPAM: at least 30 days); opens and clicks too. */
export const TOKEN_LIFETIME_SECONDS = 400 * 86_400;

export const TOKEN_KINDS = { open: 'o', click: 'c', unsubscribe: 'u' } as const;
export type TokenKind = (typeof TOKEN_KINDS)[keyof typeof TOKEN_KINDS];

const payloadSchema = z
  .object({
    v: z.literal(1),
    k: z.enum(['o', 'c', 'u']),
    b: z.string().min(1).max(128),
    m: z.string().min(1).max(128),
    r: z.string().min(1).max(128),
    c: z.string().min(1).max(128),
    /** Issued at (unix seconds): opens seconds after issue are likely scanners. */
    i: z.number().int(),
    /** Expires at (unix seconds). */
    x: z.number().int(),
    /** Click tokens: hash of the target URL. */
    h: z.string().max(64).optional(),
  })
  .strict();

export type TokenPayload = z.output<typeof payloadSchema>;

export async function resolveTrackingKey(db: ServerDb): Promise<Buffer> {
  await db
    .insert(serverSettings)
    .values({ key: SETTING_KEY, value: randomBytes(48).toString('base64url') })
    .onConflictDoNothing({ target: serverSettings.key });
  const [row] = await db.select({ value: serverSettings.value }).from(serverSettings).where(eq(serverSettings.key, SETTING_KEY));
  if (!row) throw new Error('The campaign tracking key could not be read back from server_settings.');
  return Buffer.from(row.value, 'utf8');
}

export const urlHash = (url: string) => createHash('sha256').update(url, 'utf8').digest('base64url').slice(0, 22);

const signature = (key: Buffer, payload: string) => createHmac('sha256', key).update(`roi-campaign:${payload}`).digest().subarray(0, 16);

export function signToken(key: Buffer, payload: Omit<TokenPayload, 'v'>): string {
  const body = Buffer.from(JSON.stringify({ v: 1, ...payload }), 'utf8').toString('base64url');
  return `${body}.${signature(key, body).toString('base64url')}`;
}

export type VerifyResult = { ok: true; payload: TokenPayload } | { ok: false; status: 400 | 404; reason: string };

/** Checks shape, signature and expiry; the kind must match where the token was presented. */
export function verifyToken(key: Buffer, token: string, kind: TokenKind, now: Date): VerifyResult {
  const match = /^([A-Za-z0-9_-]{10,2000})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!match) return { ok: false, status: 400, reason: 'malformed' };
  const expected = signature(key, match[1]!);
  const given = Buffer.from(match[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, status: 404, reason: 'bad_signature' };
  let payload: TokenPayload;
  try {
    payload = payloadSchema.parse(JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8')));
  } catch {
    return { ok: false, status: 400, reason: 'malformed' };
  }
  if (payload.k !== kind) return { ok: false, status: 404, reason: 'wrong_kind' };
  if (payload.x * 1000 < now.getTime()) return { ok: false, status: 404, reason: 'expired' };
  return { ok: true, payload };
}

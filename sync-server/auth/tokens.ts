// Access tokens (short-lived JWTs the server can check without a lookup of the token itself) and
// refresh tokens (long-lived random strings, stored only as hashes, rotated on every use).
import { createHash, randomBytes } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { ROLES, type Role } from '../../db/schema/vocabulary.ts';
import { ApiError } from '../http/errors.ts';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;
const ISSUER = 'roi-desk-sync-server';
const AUDIENCE = 'roi-desk';
const ALGORITHM = 'HS256';

export type AccessTokenClaims = {
  /** User id. */
  sub: string;
  /** Brokerage id; null for platform admins. */
  brk: string | null;
  role: Role;
  /** Device id: lets the server refuse tokens of a revoked device before they expire. */
  dev: string;
};

export type SignedAccessToken = { token: string; expiresAt: Date };

export async function signAccessToken(
  claims: AccessTokenClaims,
  key: Uint8Array,
  options: { now?: Date; ttlSeconds?: number } = {},
): Promise<SignedAccessToken> {
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const expiresAt = issuedAt + (options.ttlSeconds ?? ACCESS_TOKEN_TTL_SECONDS);
  const token = await new SignJWT({ brk: claims.brk, role: claims.role, dev: claims.dev })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(key);
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/**
 * Checks signature, algorithm, issuer, audience and expiry, and the claims' shape. Only the token
 * itself: whether its device is still allowed is the caller's (a database) question.
 */
export async function verifyAccessTokenSignature(
  token: string,
  key: Uint8Array,
  options: { now?: Date } = {},
): Promise<AccessTokenClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      ...(options.now ? { currentDate: options.now } : {}),
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      throw new ApiError(401, 'token_expired', 'Your access token has expired. Refresh it with POST /v1/auth/refresh.');
    }
    throw new ApiError(401, 'invalid_token', 'The access token is not valid for this server. Sign in again.');
  }
  const { sub, brk, role, dev } = payload;
  const validRole = typeof role === 'string' && (ROLES as readonly string[]).includes(role);
  if (typeof sub !== 'string' || typeof dev !== 'string' || !(brk === null || typeof brk === 'string') || !validRole) {
    throw new ApiError(401, 'invalid_token', 'The access token is missing required claims. Sign in again.');
  }
  return { sub, brk, role: role as Role, dev };
}

/** 32 random bytes, base64url: what the client keeps. Only its SHA-256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

// A plain (unsalted) hash is enough here: the token has 256 bits of entropy, so there is nothing to
// brute-force, and a deterministic hash lets us find the row by a unique index.
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

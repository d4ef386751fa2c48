// Sign-in, token refresh with rotation, device revocation and access-token verification. Plain
// functions over the database so HTTP routes, tests and later features (shapes, mutations) share them.
import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { brokerages, devices, refreshTokens, userCredentials, users } from '../../db/schema/pg.ts';
import type { Role } from '../../db/schema/vocabulary.ts';
import type { ServerDb } from '../database.ts';
import { ApiError } from '../http/errors.ts';
import { verifyAgainstDummy, verifyPassword } from './passwords.ts';
import { checkSecondFactor, type SecondFactor } from './totp.ts';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  hashRefreshToken,
  newRefreshToken,
  REFRESH_TOKEN_TTL_SECONDS,
  signAccessToken,
  verifyAccessTokenSignature,
} from './tokens.ts';

export type AuthDeps = {
  db: ServerDb;
  jwtKey: Uint8Array;
  /** Injectable clock for tests; defaults to the system clock. */
  now?: () => Date;
};

/** Who is calling, as established from a valid access token and the current database state. */
export type AuthContext = {
  userId: string;
  brokerageId: string | null;
  role: Role;
  deviceId: string;
};

export type SessionUser = { id: string; brokerageId: string | null; role: Role; name: string; email: string };

export type TokenPair = {
  tokenType: 'Bearer';
  accessToken: string;
  accessTokenExpiresAt: string;
  /** Seconds until the access token expires, as OAuth clients expect. */
  expiresIn: number;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  deviceId: string;
  user: SessionUser;
  /** Only right after two-factor was turned on at sign-in: shown once, never again. */
  recoveryCodes?: string[];
};

export type LoginInput = {
  email: string;
  password: string;
  deviceName: string;
  platform?: string | undefined;
  appVersion?: string | undefined;
} & SecondFactor;

const INVALID_CREDENTIALS = 'The email or password is incorrect. Check both and try again.';
const DEVICE_REVOKED = 'This device has been signed out (revoked). Sign in again.';
const ACCOUNT_DEACTIVATED = 'This account has been deactivated. Ask your brokerage manager or administrator to reactivate it.';

const clock = (deps: AuthDeps) => (deps.now ?? (() => new Date()))();

// Executor of both the root db and a transaction: everything these helpers call exists on both.
type Executor = Pick<ServerDb, 'select' | 'insert' | 'update'>;

// What login and token refresh read of an account: who it is and whether it (or its brokerage) still may sign in.
const accountColumns = {
  id: users.id,
  brokerageId: users.brokerageId,
  role: users.role,
  name: users.name,
  email: users.email,
  userDeactivatedAt: users.deactivatedAt,
  brokerageDeactivatedAt: brokerages.deactivatedAt,
};

/**
 * Checks an email, password and (when due) second factor, and that the account may sign in. Shared by
 * the app's sign-in (which then registers a device) and the web console's (which opens a session).
 */
export async function authenticateAccount(
  deps: AuthDeps,
  input: { email: string; password: string } & SecondFactor,
): Promise<{ user: SessionUser; recoveryCodes?: string[] }> {
  const email = input.email.trim().toLowerCase();
  const [account] = await deps.db
    .select({
      ...accountColumns,
      passwordHash: userCredentials.passwordHash,
    })
    .from(users)
    .leftJoin(userCredentials, eq(userCredentials.userId, users.id))
    .leftJoin(brokerages, eq(brokerages.id, users.brokerageId))
    .where(sql`lower(${users.email}) = ${email}`)
    .limit(1);

  // Same work and same answer whether the email is unknown, has no password, or the password is wrong.
  const passwordOk = account?.passwordHash
    ? await verifyPassword(input.password, account.passwordHash)
    : await verifyAgainstDummy(input.password);
  if (!account || !passwordOk) throw new ApiError(401, 'invalid_credentials', INVALID_CREDENTIALS);
  // Only now, with the right password, may we say more than "incorrect".
  if (account.userDeactivatedAt || account.brokerageDeactivatedAt) {
    throw new ApiError(401, 'account_deactivated', ACCOUNT_DEACTIVATED);
  }
  const secondFactor = await checkSecondFactor(deps.db, account, input, clock(deps));
  return { user: toSessionUser(account), ...(secondFactor.recoveryCodes ? { recoveryCodes: secondFactor.recoveryCodes } : {}) };
}

export async function login(deps: AuthDeps, input: LoginInput): Promise<TokenPair> {
  const { user: account, recoveryCodes } = await authenticateAccount(deps, input);
  const now = clock(deps);
  const deviceId = randomUUID();
  const refresh = newRefreshToken();
  const refreshExpiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000);
  await deps.db.transaction(async (tx) => {
    await tx.insert(devices).values({
      id: deviceId,
      brokerageId: account.brokerageId,
      userId: account.id,
      name: input.deviceName,
      platform: input.platform ?? '',
      appVersion: input.appVersion ?? '',
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
    });
    await insertRefreshToken(tx, deviceId, refresh.hash, now, refreshExpiresAt);
  });

  const pair = await issuePair(deps, account, deviceId, refresh.token, refreshExpiresAt, now);
  return recoveryCodes ? { ...pair, recoveryCodes } : pair;
}

type RefreshOutcome =
  | { kind: 'ok'; user: SessionUser; deviceId: string; token: string; expiresAt: Date }
  | { kind: 'unknown' | 'expired' | 'revoked' | 'deactivated' }
  | { kind: 'reused'; deviceId: string };

/**
 * Trades a refresh token for a new pair. The old token is marked used in the same transaction that
 * stores its successor. A token presented a second time means two parties hold it (it leaked, or was
 * copied): the device is revoked so that neither can continue, and its user must sign in again.
 */
export async function refresh(deps: AuthDeps, presentedToken: string): Promise<TokenPair> {
  const now = clock(deps);
  const nowIso = now.toISOString();
  const hash = hashRefreshToken(presentedToken);

  const outcome = await deps.db.transaction(async (tx): Promise<RefreshOutcome> => {
    // The conditional UPDATE is the claim: of two concurrent refreshes with one token, exactly one wins.
    const [claimed] = await tx
      .update(refreshTokens)
      .set({ usedAt: nowIso })
      .where(and(eq(refreshTokens.tokenHash, hash), isNull(refreshTokens.usedAt), gt(refreshTokens.expiresAt, nowIso)))
      .returning({ deviceId: refreshTokens.deviceId });
    if (!claimed) {
      const [existing] = await tx
        .select({ deviceId: refreshTokens.deviceId, usedAt: refreshTokens.usedAt })
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, hash));
      if (!existing) return { kind: 'unknown' };
      if (existing.usedAt) return { kind: 'reused', deviceId: existing.deviceId };
      return { kind: 'expired' };
    }
    const session = await loadDeviceSession(tx, claimed.deviceId);
    if (!session || session.deviceRevokedAt) return { kind: 'revoked' };
    if (session.userDeactivatedAt || session.brokerageDeactivatedAt) return { kind: 'deactivated' };

    const next = newRefreshToken();
    const expiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000);
    await insertRefreshToken(tx, claimed.deviceId, next.hash, now, expiresAt);
    await tx.update(devices).set({ lastSeenAt: nowIso }).where(eq(devices.id, claimed.deviceId));
    return { kind: 'ok', user: toSessionUser(session), deviceId: claimed.deviceId, token: next.token, expiresAt };
  });

  switch (outcome.kind) {
    case 'ok':
      return issuePair(deps, outcome.user, outcome.deviceId, outcome.token, outcome.expiresAt, now);
    case 'reused':
      await revokeDevice(deps, outcome.deviceId);
      throw new ApiError(
        401,
        'device_revoked',
        'This refresh token was already used, so it may have been copied; for safety this device has been signed out. Sign in again.',
      );
    case 'revoked':
      throw new ApiError(401, 'device_revoked', DEVICE_REVOKED);
    case 'deactivated':
      throw new ApiError(401, 'account_deactivated', ACCOUNT_DEACTIVATED);
    case 'expired':
      throw new ApiError(401, 'refresh_token_expired', 'Your session has expired. Sign in again.');
    case 'unknown':
      throw new ApiError(401, 'invalid_refresh_token', 'This refresh token is not known to this server. Sign in again.');
  }
}

/** Ends a device's session: its access tokens stop working at once and its refresh tokens are refused. */
export async function revokeDevice(deps: AuthDeps, deviceId: string): Promise<void> {
  await deps.db
    .update(devices)
    .set({ revokedAt: clock(deps).toISOString() })
    .where(and(eq(devices.id, deviceId), isNull(devices.revokedAt)));
}

/**
 * Verifies an access token and that its device, user and brokerage are still allowed. Role and
 * brokerage come from the database, not the token, so a change takes effect on the next request.
 */
export async function verifyAccessToken(deps: AuthDeps, token: string): Promise<AuthContext> {
  const claims = await verifyAccessTokenSignature(token, deps.jwtKey, { now: clock(deps) });
  const session = await loadDeviceSession(deps.db, claims.dev);
  if (!session || session.id !== claims.sub) {
    throw new ApiError(401, 'invalid_token', 'The access token does not match a known device. Sign in again.');
  }
  if (session.deviceRevokedAt) throw new ApiError(401, 'device_revoked', DEVICE_REVOKED);
  if (session.userDeactivatedAt || session.brokerageDeactivatedAt) {
    throw new ApiError(401, 'account_deactivated', ACCOUNT_DEACTIVATED);
  }
  const now = clock(deps);
  // "Last seen" for the device list, written at most once a minute per device.
  if (!session.deviceLastSeenAt || now.getTime() - new Date(session.deviceLastSeenAt).getTime() > 60_000) {
    await deps.db.update(devices).set({ lastSeenAt: now.toISOString() }).where(eq(devices.id, claims.dev));
  }
  return { userId: session.id, brokerageId: session.brokerageId, role: session.role as Role, deviceId: claims.dev };
}

export async function loadSessionUser(db: ServerDb, userId: string): Promise<(SessionUser & { territories: string[] }) | undefined> {
  const [row] = await db
    .select({
      id: users.id,
      brokerageId: users.brokerageId,
      role: users.role,
      name: users.name,
      email: users.email,
      territories: users.territories,
    })
    .from(users)
    .where(eq(users.id, userId));
  return row ? { ...toSessionUser(row), territories: row.territories } : undefined;
}

async function loadDeviceSession(db: Executor, deviceId: string) {
  const [row] = await db
    .select({
      ...accountColumns,
      deviceRevokedAt: devices.revokedAt,
      deviceLastSeenAt: devices.lastSeenAt,
    })
    .from(devices)
    .innerJoin(users, eq(users.id, devices.userId))
    .leftJoin(brokerages, eq(brokerages.id, users.brokerageId))
    .where(eq(devices.id, deviceId));
  return row;
}

async function insertRefreshToken(db: Executor, deviceId: string, hash: string, now: Date, expiresAt: Date): Promise<void> {
  await db.insert(refreshTokens).values({
    id: randomUUID(),
    deviceId,
    tokenHash: hash,
    createdAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
  });
}

async function issuePair(
  deps: AuthDeps,
  user: SessionUser,
  deviceId: string,
  refreshToken: string,
  refreshExpiresAt: Date,
  now: Date,
): Promise<TokenPair> {
  const access = await signAccessToken({ sub: user.id, brk: user.brokerageId, role: user.role, dev: deviceId }, deps.jwtKey, { now });
  return {
    tokenType: 'Bearer',
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt.toISOString(),
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    refreshToken,
    refreshTokenExpiresAt: refreshExpiresAt.toISOString(),
    deviceId,
    user,
  };
}

function toSessionUser(row: { id: string; brokerageId: string | null; role: string; name: string; email: string }): SessionUser {
  return { id: row.id, brokerageId: row.brokerageId, role: row.role as Role, name: row.name, email: row.email };
}

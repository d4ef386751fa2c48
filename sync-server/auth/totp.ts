// Two-factor sign-in with time-based one-time passwords (RFC 6238: HMAC-SHA1, 30 s, 6 digits — what
// every authenticator app speaks) and one-time recovery codes. The TOTP arithmetic is the `otpauth`
// library's; this module decides when a second factor is needed and keeps the secrets' lifecycle.
import { createHash, randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { brokerages, serverSettings, userCredentials } from '../../db/schema/pg.ts';
import type { ServerDb } from '../database.ts';
import { ApiError } from '../http/errors.ts';

const ISSUER = 'ROI Desk';
const RECOVERY_CODE_COUNT = 10;
/** server_settings key: "true" makes two-factor mandatory for platform admins. */
export const REQUIRE_TOTP_FOR_ADMINS = 'require_totp_for_admins';

type Executor = Pick<ServerDb, 'select' | 'update'>;

export type SecondFactor = { totpCode?: string | undefined; recoveryCode?: string | undefined };

const totpFor = (secret: string, email: string) =>
  new TOTP({ issuer: ISSUER, label: email, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });

/** A code from the user's app, accepting one 30 s step of clock drift either way. */
export function totpCodeMatches(secret: string, email: string, code: string, now: Date): boolean {
  return totpFor(secret, email).validate({ token: code.replace(/\s/g, ''), timestamp: now.getTime(), window: 1 }) !== null;
}

/** The current code (tests and the console's "show a code" never need it; the evaluation does). */
export function currentTotpCode(secret: string, email: string, now: Date): string {
  return totpFor(secret, email).generate({ timestamp: now.getTime() });
}

export function newTotpEnrollment(email: string): { secret: string; otpauthUrl: string } {
  const secret = new Secret({ size: 20 }).base32;
  return { secret, otpauthUrl: totpFor(secret, email).toString() };
}

const hashRecoveryCode = (code: string) => createHash('sha256').update(code.replace(/[\s-]/g, '').toLowerCase()).digest('hex');

/** Ten codes like "k3f9-2xq7", shown once; only their hashes are kept. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = randomBytes(5).toString('hex');
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  return { codes, hashes: codes.map(hashRecoveryCode) };
}

/** Whether this account must use a second factor even if it has not set one up. */
export async function secondFactorRequired(db: Executor, account: { role: string; brokerageId: string | null }): Promise<boolean> {
  if (account.brokerageId) {
    const [brokerage] = await db.select({ settings: brokerages.settings }).from(brokerages).where(eq(brokerages.id, account.brokerageId));
    if (brokerage?.settings?.requireTotp === true) return true;
  }
  if (account.role === 'admin') {
    const [setting] = await db.select({ value: serverSettings.value }).from(serverSettings).where(eq(serverSettings.key, REQUIRE_TOTP_FOR_ADMINS));
    return setting?.value === 'true';
  }
  return false;
}

export type SecondFactorOutcome = { recoveryCodes?: string[] };

/**
 * Checks the second factor at sign-in, after the password was verified. Throws 401 with a code the
 * app branches on: `totp_required` (ask for the code), `invalid_totp`, or `totp_enrollment_required`
 * (two-factor is mandatory and not set up: the error carries a new secret to add to an authenticator
 * app; signing in again with a code from it turns two-factor on and returns the recovery codes).
 */
export async function checkSecondFactor(
  db: Executor,
  account: { id: string; email: string; role: string; brokerageId: string | null },
  input: SecondFactor,
  now: Date,
): Promise<SecondFactorOutcome> {
  const [credentials] = await db
    .select({ secret: userCredentials.totpSecret, enabled: userCredentials.totpEnabled, recovery: userCredentials.recoveryCodeHashes })
    .from(userCredentials)
    .where(eq(userCredentials.userId, account.id));
  if (credentials?.enabled && credentials.secret) {
    if (input.recoveryCode) {
      const hash = hashRecoveryCode(input.recoveryCode);
      if (!credentials.recovery.includes(hash)) throw new ApiError(401, 'invalid_totp', 'That recovery code is not valid (each code works once).');
      await db
        .update(userCredentials)
        .set({ recoveryCodeHashes: sql`${userCredentials.recoveryCodeHashes} - ${hash}::text`, updatedAt: now.toISOString() })
        .where(eq(userCredentials.userId, account.id));
      return {};
    }
    if (!input.totpCode) throw new ApiError(401, 'totp_required', 'Enter the 6-digit code from your authenticator app (or a recovery code).');
    if (!totpCodeMatches(credentials.secret, account.email, input.totpCode, now)) {
      throw new ApiError(401, 'invalid_totp', 'That code is not right. Check your authenticator app and the time on this computer.');
    }
    return {};
  }
  if (!(await secondFactorRequired(db, account))) return {};

  // Mandatory but not set up: enrol now, with the password already proven.
  if (credentials?.secret && input.totpCode && totpCodeMatches(credentials.secret, account.email, input.totpCode, now)) {
    const recovery = newRecoveryCodes();
    await db
      .update(userCredentials)
      .set({ totpEnabled: true, recoveryCodeHashes: recovery.hashes, updatedAt: now.toISOString() })
      .where(eq(userCredentials.userId, account.id));
    return { recoveryCodes: recovery.codes };
  }
  const enrollment = credentials?.secret ? { secret: credentials.secret, otpauthUrl: totpFor(credentials.secret, account.email).toString() } : newTotpEnrollment(account.email);
  if (!credentials?.secret) {
    await db.update(userCredentials).set({ totpSecret: enrollment.secret, updatedAt: now.toISOString() }).where(eq(userCredentials.userId, account.id));
  }
  throw new ApiError(
    401,
    'totp_enrollment_required',
    'Two-factor sign-in is required for this account. Add this key to your authenticator app, then sign in again with the code it shows.',
    { data: { enrollment } },
  );
}

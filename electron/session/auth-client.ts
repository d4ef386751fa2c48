// HTTP calls to the sync server's auth endpoints, turning every failure into an AppError whose message
// tells the user what happened and what to do.
import { z } from 'zod';
import { sessionUserSchema } from '../ipc/contract.ts';
import { AppError } from '../ipc/errors.ts';

const tokenResponseSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  deviceId: z.string().min(1),
  user: sessionUserSchema,
});
export type TokenResponse = z.output<typeof tokenResponseSchema>;

const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), enrollment: z.object({ secret: z.string() }).optional() }),
});

/** Second-factor outcomes of a sign-in: the form asks for a code and, when enrolling, shows the key. */
const SECOND_FACTOR_CODES = new Set(['totp_required', 'invalid_totp', 'totp_enrollment_required']);

const REQUEST_TIMEOUT_MS = 10_000;

async function postJson(serverUrl: string, path: string, body: unknown): Promise<TokenResponse> {
  const url = new URL(path, serverUrl).toString();
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (cause) {
    const detail = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
    throw new AppError(
      'server_unreachable',
      `Can't reach the sync server at ${serverUrl} (${detail}). Check the address and your network; you can keep working offline once signed in.`,
      { cause },
    );
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // fall through: a non-JSON answer is reported below
  }
  if (response.ok) {
    const parsed = tokenResponseSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    throw new AppError('server_error', `The server at ${serverUrl} answered ${path} in an unexpected format; is it a ROI Desk sync server?`);
  }
  const error = errorBodySchema.safeParse(json);
  const message = error.success ? error.data.error.message : `HTTP ${response.status}`;
  const code = error.success ? error.data.error.code : '';
  if (response.status === 401 && SECOND_FACTOR_CODES.has(code)) {
    const key = error.success ? error.data.error.enrollment?.secret : undefined;
    throw new AppError(code as 'totp_required', key ? `${message} Key: ${key.replace(/(.{4})/g, '$1 ').trim()}` : message);
  }
  if (response.status === 401 && code === 'device_revoked') {
    throw new AppError('device_revoked', 'This device was signed out by an administrator. Sign in again to continue.');
  }
  if (response.status === 401) throw new AppError(path.endsWith('/login') ? 'invalid_credentials' : 'unauthenticated', message);
  if (response.status === 429) {
    const retry = response.headers.get('retry-after');
    throw new AppError('server_error', `Too many attempts. Try again${retry ? ` in ${retry} seconds` : ' later'}.`);
  }
  throw new AppError('server_error', `The sync server refused the request (${response.status}): ${message}`);
}

export type SecondFactorInput = { totpCode?: string | undefined; recoveryCode?: string | undefined };

export function login(serverUrl: string, email: string, password: string, deviceName: string, secondFactor: SecondFactorInput = {}): Promise<TokenResponse> {
  return postJson(serverUrl, '/v1/auth/login', { email, password, deviceName, ...secondFactor });
}

export function refreshTokens(serverUrl: string, refreshToken: string): Promise<TokenResponse> {
  return postJson(serverUrl, '/v1/auth/refresh', { refreshToken });
}

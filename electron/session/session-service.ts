// Who is signed in on this device. The public part of the session (user, device, server) is a small JSON
// file so the app can start offline; the refresh token lives only in the SecretStore (OS keychain); the
// short-lived access token only in memory.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { sessionUserSchema, type Session } from '../ipc/contract.ts';
import { AppError } from '../ipc/errors.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { login, refreshTokens, type SecondFactorInput, type TokenResponse } from './auth-client.ts';

const rememberedSessionSchema = z.object({ user: sessionUserSchema, deviceId: z.string(), serverUrl: z.string() });
type RememberedSession = z.output<typeof rememberedSessionSchema>;

export type SessionServiceOptions = {
  dataDir: string;
  defaultServerUrl: string;
  secrets: SecretStore;
  deviceName: string;
  log?: (message: string) => void;
};

export type SessionService = ReturnType<typeof createSessionService>;

const refreshAccount = (deviceId: string) => `refresh-token:${deviceId}`;

export function createSessionService(options: SessionServiceOptions) {
  const sessionFile = path.join(options.dataDir, 'session.json');
  const listeners = new Set<(session: Session | null) => void>();
  let session: Session | null = null;
  let accessToken: string | null = null;

  const setSession = (next: Session | null) => {
    session = next;
    for (const listener of listeners) listener(next);
  };

  const readRemembered = (): RememberedSession | null => {
    if (!existsSync(sessionFile)) return null;
    try {
      return rememberedSessionSchema.parse(JSON.parse(readFileSync(sessionFile, 'utf8')));
    } catch {
      options.log?.(`Ignoring unreadable ${sessionFile}; signing in again will replace it.`);
      return null;
    }
  };

  const remember = (value: RememberedSession) => {
    mkdirSync(options.dataDir, { recursive: true });
    const tmp = `${sessionFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
    renameSync(tmp, sessionFile); // atomic: a crash never leaves half a file
  };

  const adopt = async (tokens: TokenResponse, serverUrl: string): Promise<Session> => {
    await options.secrets.set(refreshAccount(tokens.deviceId), tokens.refreshToken);
    accessToken = tokens.accessToken;
    const remembered = { user: tokens.user, deviceId: tokens.deviceId, serverUrl };
    remember(remembered);
    const next: Session = { ...remembered, offline: false };
    setSession(next);
    return next;
  };

  const forget = async (deviceId: string | null) => {
    if (deviceId) await options.secrets.delete(refreshAccount(deviceId));
    rmSync(sessionFile, { force: true });
    accessToken = null;
  };

  return {
    current: () => session,
    accessToken: () => accessToken,
    onChange(listener: (session: Session | null) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** At start: resume the remembered session, online if the server answers, offline if it can't be reached. */
    async restore(): Promise<Session | null> {
      const remembered = readRemembered();
      if (!remembered) return null;
      const refreshToken = await options.secrets.get(refreshAccount(remembered.deviceId));
      if (!refreshToken) {
        options.log?.('No refresh token in the keychain for the remembered session; sign in again.');
        return null;
      }
      try {
        return await adopt(await refreshTokens(remembered.serverUrl, refreshToken), remembered.serverUrl);
      } catch (error) {
        if (error instanceof AppError && error.code === 'server_unreachable') {
          const offline: Session = { ...remembered, offline: true };
          setSession(offline);
          return offline;
        }
        if (error instanceof AppError && (error.code === 'unauthenticated' || error.code === 'device_revoked')) {
          options.log?.(`Remembered session ended: ${error.message}`);
          await forget(remembered.deviceId);
          return null;
        }
        throw error;
      }
    },

    async signIn(input: { email: string; password: string; serverUrl?: string | undefined } & SecondFactorInput): Promise<Session> {
      const serverUrl = input.serverUrl ?? session?.serverUrl ?? readRemembered()?.serverUrl ?? options.defaultServerUrl;
      const tokens = await login(serverUrl, input.email, input.password, options.deviceName, { totpCode: input.totpCode, recoveryCode: input.recoveryCode });
      const previous = readRemembered();
      if (previous && previous.deviceId !== tokens.deviceId) await options.secrets.delete(refreshAccount(previous.deviceId));
      return adopt(tokens, serverUrl);
    },

    /** Returns a fresh access token, rotating the refresh token. Ends the session if the server refuses. */
    async refreshAccessToken(): Promise<string> {
      const current = session;
      if (!current) throw new AppError('unauthenticated', 'Not signed in.');
      const refreshToken = await options.secrets.get(refreshAccount(current.deviceId));
      if (!refreshToken) throw new AppError('unauthenticated', 'The session has no refresh token; sign in again.');
      try {
        await adopt(await refreshTokens(current.serverUrl, refreshToken), current.serverUrl);
        return accessToken!;
      } catch (error) {
        if (error instanceof AppError && (error.code === 'unauthenticated' || error.code === 'device_revoked')) {
          await forget(current.deviceId);
          setSession(null);
        }
        throw error;
      }
    },

    async signOut(): Promise<void> {
      await forget(session?.deviceId ?? readRemembered()?.deviceId ?? null);
      setSession(null);
    },
  };
}

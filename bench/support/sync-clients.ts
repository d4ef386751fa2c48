// The client side of the sync benchmarks: signed-in devices running the app's real sync engine
// (startSyncEngine: ShapeStreams + replica + pusher) on a fresh SQLite replica.
import path from 'node:path';
import { openLocalStore, type LocalStore } from '../../electron/store/local-store.ts';
import { startSyncEngine, type SyncEngine, type SyncEngineOptions } from '../../electron/sync/sync-engine.ts';
import { removeDatabaseFiles } from '../scale-data.ts';
import type { Cleanup } from './sync-server-process.ts';

export type Session = {
  serverUrl: string;
  accessToken: string;
  refreshToken: string;
  deviceId: string;
  user: { id: string; brokerageId: string | null };
};

async function postJson<T>(url: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${new URL(url).pathname} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

type TokenPair = { accessToken: string; refreshToken: string; deviceId: string; user: { id: string; brokerageId: string | null } };

export async function signIn(serverUrl: string, credentials: { email: string; password: string }, deviceName = 'bench'): Promise<Session> {
  const pair = await postJson<TokenPair>(`${serverUrl}/v1/auth/login`, { ...credentials, deviceName });
  return { serverUrl, accessToken: pair.accessToken, refreshToken: pair.refreshToken, deviceId: pair.deviceId, user: { id: pair.user.id, brokerageId: pair.user.brokerageId } };
}

export async function refreshSession(session: Session): Promise<string> {
  const pair = await postJson<TokenPair>(`${session.serverUrl}/v1/auth/refresh`, { refreshToken: session.refreshToken });
  session.accessToken = pair.accessToken;
  session.refreshToken = pair.refreshToken;
  return pair.accessToken;
}

export type Device = { session: Session; store: LocalStore; engine: SyncEngine };

/** A fresh replica under `dir` with the sync engine running on it; stopped and deleted by cleanup. */
export function startDevice(
  cleanup: Cleanup,
  dir: string,
  session: Session,
  callbacks: Pick<SyncEngineOptions, 'onTablesChanged' | 'onCaughtUp' | 'onOutboxChanged' | 'onError'> = {},
): Device {
  const store = openLocalStore(path.join(dir, `replica-${session.deviceId}.sqlite`), session.user.id);
  cleanup.defer('close and delete a replica', () => {
    store.close();
    removeDatabaseFiles(store.file);
  });
  const engine = startSyncEngine({
    store,
    serverUrl: session.serverUrl,
    deviceId: session.deviceId,
    user: session.user,
    accessToken: async () => session.accessToken,
    refreshAccessToken: () => refreshSession(session),
    timings: { restartDelayMs: 500, pushMinDelayMs: 100, pushMaxDelayMs: 2_000 },
    ...callbacks,
  });
  cleanup.defer('stop a sync engine', () => engine.stop());
  return { session, store, engine };
}

/** Resolves when `check` is true, polling every `everyMs`; rejects after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs: number, everyMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

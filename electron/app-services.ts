// Composition root of the main-process services. Electron's shell (electron/main) and the browser-mode
// host (electron/host) both call createAppServices and expose its handlers through the IPC contract,
// so every behaviour is testable in plain Node.
import os from 'node:os';
import type { EventPayload, OperationHandlers } from './ipc/contract.ts';
import type { EventName } from './ipc/operations.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import { createSessionService } from './session/session-service.ts';
import { openUserStore, type LocalStore } from './store/local-store.ts';
import { startSyncEngine, type SyncEngine } from './sync/sync-engine.ts';
import { createSyncStatusTracker } from './sync/sync-status.ts';
import { readAppVersion } from './app-version.ts';

export type Shell = 'electron' | 'browser';

export type Notifier = { show(notification: { title: string; body: string; alertId?: string }): void };

export type AppServicesOptions = {
  dataDir: string;
  serverUrl: string;
  shell: Shell;
  secrets: SecretStore;
  notifier?: Notifier;
  log?: (message: string) => void;
  /** Health-probe period; tests shorten it. */
  statusIntervalMs?: number;
  /** Sync engine pauses; tests shorten them. */
  syncTimings?: { restartDelayMs?: number; pushMinDelayMs?: number; pushMaxDelayMs?: number };
};

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export type AppServices = {
  handlers: OperationHandlers;
  onEvent(listener: EventListener): () => void;
  /** The signed-in user's replica, or null when nobody is signed in. */
  store(): LocalStore | null;
  /** The running sync engine of the signed-in session, or null. */
  sync(): SyncEngine | null;
  close(): Promise<void>;
};

export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const log = options.log ?? (() => {});
  const listeners = new Set<EventListener>();
  const emit: EventListener = (event, payload) => {
    for (const listener of listeners) listener(event, payload);
  };

  const session = createSessionService({
    dataDir: options.dataDir,
    defaultServerUrl: options.serverUrl,
    secrets: options.secrets,
    deviceName: `${os.hostname()} (${options.shell})`,
    log,
  });

  let store: LocalStore | null = null;
  let engine: SyncEngine | null = null;
  let engineDevice: string | null = null;
  const stopEngine = () => {
    engine?.stop();
    engine = null;
    engineDevice = null;
  };
  const closeStore = () => {
    stopEngine();
    store?.close();
    store = null;
  };

  const status = createSyncStatusTracker({
    serverUrl: () => session.current()?.serverUrl ?? options.serverUrl,
    countChanges: () => engine?.counts() ?? { pending: 0, failed: 0 },
    ...(options.statusIntervalMs ? { intervalMs: options.statusIntervalMs } : {}),
  });
  status.onChange((next) => emit('syncStatusChanged', next));

  // An access token, refreshed when missing (e.g. after an offline start, once the server answers).
  const accessToken = async () => session.accessToken() ?? (await session.refreshAccessToken());

  session.onChange((next) => {
    if (!next) closeStore();
    else {
      if (!store || store.userId !== next.user.id) {
        closeStore();
        store = openUserStore(options.dataDir, next.user.id);
        if (store.migration.backupPath) log(`Local database migrated; previous copy kept at ${store.migration.backupPath}`);
      }
      // A new device id (signed in again) restarts the engine: mutation ids and HLCs belong to a device.
      if (engineDevice !== next.deviceId) {
        stopEngine();
        engineDevice = next.deviceId;
        engine = startSyncEngine({
          store,
          serverUrl: next.serverUrl,
          deviceId: next.deviceId,
          user: next.user,
          accessToken,
          refreshAccessToken: () => session.refreshAccessToken(),
          ...(options.syncTimings ? { timings: options.syncTimings } : {}),
          onTablesChanged: (tables) => emit('dataChanged', { tables }),
          onCaughtUp: () => status.markSynced(),
          onOutboxChanged: () => status.refreshCounts(),
          onError: (message) => {
            log(message);
            status.reportError(message);
          },
        });
      }
    }
    emit('sessionChanged', next);
  });

  await session.restore().catch((error: unknown) => log(`Could not restore the previous session: ${String(error)}`));
  status.start();

  const handlers: OperationHandlers = {
    getAppInfo: async () => ({
      version: readAppVersion(),
      shell: options.shell,
      serverUrl: session.current()?.serverUrl ?? options.serverUrl,
      platform: process.platform,
      keychainAvailable: options.secrets.kind === 'os-keychain',
    }),
    getSession: async () => session.current(),
    signIn: async (input) => {
      const next = await session.signIn(input);
      void status.probe();
      return next;
    },
    signOut: async () => {
      const pendingChangesKept = status.current().pendingChanges;
      await session.signOut();
      return { pendingChangesKept };
    },
    getSyncStatus: async () => status.current(),
    listRejectedChanges: async () => engine?.replica.rejected() ?? [],
    dismissRejectedChange: async ({ id }) => {
      const dismissed = (engine?.replica.dismissRejected(id).changes ?? 0) > 0;
      status.refreshCounts();
      return { dismissed };
    },
  };

  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    store: () => store,
    sync: () => engine,
    async close() {
      status.stop();
      closeStore();
      listeners.clear();
    },
  };
}

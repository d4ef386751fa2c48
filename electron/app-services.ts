// Composition root of the main-process services. Electron's shell (electron/main) and the browser-mode
// host (electron/host) both call createAppServices and expose its handlers through the IPC contract,
// so every behaviour is testable in plain Node.
import os from 'node:os';
import path from 'node:path';
import type { EventPayload, OperationHandlers } from './ipc/contract.ts';
import { AppError } from './ipc/errors.ts';
import type { EventName } from './ipc/operations.ts';
import { createModelStore } from './models/model-store.ts';
import type { SecretStore } from './secrets/secret-store.ts';
import { createSessionService } from './session/session-service.ts';
import { openUserStore, type LocalStore } from './store/local-store.ts';
import { startSyncEngine, type SyncEngine } from './sync/sync-engine.ts';
import { createSyncStatusTracker } from './sync/sync-status.ts';
import { readAppVersion } from './app-version.ts';
import { createCrm } from './contacts/crm-handlers.ts';
import { createInboxService, type InboxService } from './inbox/inbox-service.ts';
import { createNotificationPolicy, type NotificationPolicy } from './notifications/notification-policy.ts';
import { teamHandlers } from './team/team-handlers.ts';
import { createCampaignFeature } from './campaigns/campaign-service.ts';
import { startValuationService, type ValuationService } from './valuation/valuation-service.ts';
import { startAlertEngine, type AlertEngine } from './alerts/alert-engine.ts';
import { intentModelSpec, isIntentModel } from './alerts/intent-model-spec.ts';
import type { ModelSpec } from './valuation/valuation-messages.ts';

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
  /** Least time between two catch-up counts sent to the UI (default 250 ms); tests set 0 to see every batch. */
  statusProgressEveryMs?: number;
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
  /** The valuation service of the signed-in session, or null. */
  valuation(): ValuationService | null;
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

  // Models follow the server's registry (downloaded once a session has caught up); shipped ones until then.
  const models = createModelStore({ dir: path.join(options.dataDir, 'models') });
  const avmModel = (): ModelSpec | null => {
    const model = models.current('avm');
    return model ? { file: model.file, version: model.version, calibration: model.metadata.calibration } : null;
  };

  let store: LocalStore | null = null;
  let engine: SyncEngine | null = null;
  let engineDevice: string | null = null;
  let valuation: ValuationService | null = null;
  let alertEngine: AlertEngine | null = null;
  // -- alert inbox --: the inbox and its OS notifications live as long as the session's sync engine.
  let inbox: InboxService | null = null;
  let alertNotifications: NotificationPolicy | null = null;
  // Browser mode has no native notifications: the page shows them (Web Notifications API).
  const notifier: Notifier | null = options.notifier ?? (options.shell === 'browser' ? { show: (notification) => emit('showNotification', notification) } : null);
  const closingValuations = new Set<Promise<void>>();
  const stopEngine = () => {
    if (valuation) {
      const closing = valuation.close().catch((error: unknown) => log(`Could not stop the valuation service: ${String(error)}`));
      closingValuations.add(closing);
      void closing.finally(() => closingValuations.delete(closing));
    }
    valuation = null;
    if (alertEngine) {
      const closing = alertEngine.close().catch((error: unknown) => log(`Could not stop the alert engine: ${String(error)}`));
      closingValuations.add(closing); // awaited by close() like the valuation service's
      void closing.finally(() => closingValuations.delete(closing));
    }
    alertEngine = null;
    alertNotifications?.close();
    alertNotifications = null;
    inbox = null;
    engine?.stop();
    engine = null;
    engineDevice = null;
  };
  models.onChange((names) => {
    if (names.includes('avm')) valuation?.modelChanged();
    if (names.some(isIntentModel)) alertEngine?.modelChanged();
  });
  const closeStore = () => {
    stopEngine();
    store?.close();
    store = null;
  };

  const status = createSyncStatusTracker({
    serverUrl: () => session.current()?.serverUrl ?? options.serverUrl,
    countChanges: () => engine?.counts() ?? { pending: 0, failed: 0 },
    catchUp: () => (engine && !engine.upToDate() ? { rowsStored: engine.progress().rowsStored } : null),
    ...(options.statusIntervalMs ? { intervalMs: options.statusIntervalMs } : {}),
    ...(options.statusProgressEveryMs !== undefined ? { progressEveryMs: options.statusProgressEveryMs } : {}),
  });
  status.onChange((next) => emit('syncStatusChanged', next));

  // An access token, refreshed when missing (e.g. after an offline start, once the server answers).
  const accessToken = async () => session.accessToken() ?? (await session.refreshAccessToken());

  session.onChange((next) => {
    if (!next) {
      closeStore();
      status.refreshCounts();
    } else {
      if (!store || store.userId !== next.user.id) {
        closeStore();
        store = openUserStore(options.dataDir, next.user.id);
        if (store.migration.backupPath) log(`Local database migrated; previous copy kept at ${store.migration.backupPath}`);
      }
      // A new device id (signed in again) restarts the engine: mutation ids and HLCs belong to a device.
      if (engineDevice !== next.deviceId) {
        stopEngine();
        engineDevice = next.deviceId;
        let modelsChecked = false;
        engine = startSyncEngine({
          store,
          serverUrl: next.serverUrl,
          deviceId: next.deviceId,
          user: next.user,
          accessToken,
          refreshAccessToken: () => session.refreshAccessToken(),
          ...(options.syncTimings ? { timings: options.syncTimings } : {}),
          onTablesChanged: (tables) => {
            emit('dataChanged', { tables });
            valuation?.tablesChanged(tables);
            alertEngine?.tablesChanged(tables);
            // An alert is announced once its contact has synced too (the notification names them).
            if (tables.includes('alerts') || tables.includes('contacts')) alertNotifications?.alertsChanged();
          },
          // Which contacts' rows changed (synced or edited here): the alert engine rescores them.
          onServerChangesApplied: (table, changes) => alertEngine?.serverChangesApplied(table, changes),
          onLocalEdits: (edits) => alertEngine?.localEdits(edits),
          onCaughtUp: () => {
            status.markSynced();
            alertEngine?.caughtUp();
            if (modelsChecked) return;
            modelsChecked = true;
            void accessToken()
              .then((token) => models.refresh(next.serverUrl, token))
              .catch((error: unknown) => log(`Could not check the model registry (keeping the current models): ${String(error)}`));
          },
          onOutboxChanged: () => status.refreshCounts(),
          onError: (message) => {
            log(message);
            status.reportError(message);
          },
        });
        status.refreshCounts(); // "Syncing…" from the start, not only once the first batch is stored
        valuation = startValuationService({ store, sync: engine, model: avmModel, userId: next.user.id, log, monthly: true });
        // Intent alerts belong to a brokerage: an admin's replica holds no contacts to score.
        if (next.user.brokerageId !== null) {
          alertEngine = startAlertEngine({ store, sync: engine, models: () => intentModelSpec(models), brokerageId: next.user.brokerageId, log, nightly: true });
        }
        if (next.user.brokerageId !== null) {
          const inboxUser = { id: next.user.id, role: next.user.role, brokerageId: next.user.brokerageId };
          inbox = createInboxService({ store, sync: engine, user: inboxUser });
          if (notifier) alertNotifications = createNotificationPolicy({ store, sync: engine, user: inboxUser, notifier, log });
          alertNotifications?.alertsChanged(); // what synced while the app was closed
        }
      }
    }
    emit('sessionChanged', next);
  });

  await session.restore().catch((error: unknown) => log(`Could not restore the previous session: ${String(error)}`));
  status.start();

  const signedInValuation = (): ValuationService => {
    if (!valuation) throw new AppError('unauthenticated', 'Sign in to see properties; they live in your account’s data on this device.');
    return valuation;
  };

  // -- alert inbox --
  const signedInInbox = (): InboxService => {
    if (!inbox) throw new AppError('unauthenticated', 'Sign in with a brokerage account to see alerts; they live in your account’s data on this device.');
    return inbox;
  };
  const signedInNotifications = (): NotificationPolicy => {
    if (!alertNotifications) throw new AppError('unauthenticated', 'Sign in with a brokerage account to set alert notifications.');
    return alertNotifications;
  };

  // -- contacts, notes, tasks, activities, import/export, search --: services per session's replica,
  // the background search indexer and task reminders follow the session and every data change.
  const crm = createCrm({ store: () => store, sync: () => engine, user: () => session.current()?.user ?? null, notifier, log });
  listeners.add((event, payload) => {
    if (event === 'dataChanged') crm.tablesChanged((payload as EventPayload<'dataChanged'>).tables);
    else if (event === 'sessionChanged') crm.sessionChanged();
  });
  crm.sessionChanged();

  // -- campaigns --: the scheduler follows the session; progress goes to the renderer as events.
  const campaigns = createCampaignFeature({
    store: () => store,
    sync: () => engine,
    session: () => session.current(),
    secrets: options.secrets,
    accessToken,
    refreshAccessToken: () => session.refreshAccessToken(),
    onProgress: (progress) => emit('campaignProgress', progress),
    log,
  });
  listeners.add((event) => {
    if (event === 'sessionChanged') campaigns.sessionChanged();
  });
  campaigns.sessionChanged();

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
    listProperties: async (input) => signedInValuation().listProperties(input),
    getProperty: async ({ id }) => signedInValuation().getProperty(id),
    updatePropertyFacts: async ({ id, changes }) => signedInValuation().updatePropertyFacts(id, changes),
    revalueProperty: async ({ id }) => signedInValuation().revalueProperty(id),
    analyzeRefinance: async (input) => signedInValuation().analyzeRefinance(input),
    createMaintenanceTask: async ({ propertyId, itemId }) => signedInValuation().createMaintenanceTask(propertyId, itemId),
    // -- alert inbox --
    listInbox: async (input) => signedInInbox().list(input),
    listInboxViews: async () => signedInInbox().views(),
    saveInboxView: async ({ name, filters }) => signedInInbox().saveView(name, filters),
    deleteInboxView: async ({ id }) => signedInInbox().deleteView(id),
    getAlert: async ({ id }) => signedInInbox().open(id),
    changeAlerts: async ({ ids, action, snoozedUntil }) => signedInInbox().change(ids, action, snoozedUntil),
    assignAlerts: async ({ ids, agentId }) => signedInInbox().assign(ids, agentId),
    undoAlertChanges: async ({ undoId }) => signedInInbox().undo(undoId),
    logAlertOutcome: async ({ id, outcome, note, occurredAt }) => signedInInbox().logOutcome(id, outcome, note, occurredAt),
    listAlertAssignees: async () => signedInInbox().assignees(),
    getNotificationPreferences: async () => signedInNotifications().preferences(),
    saveNotificationPreferences: async (preferences) => signedInNotifications().savePreferences(preferences),
    // -- contacts, notes, tasks, activities, import/export, search --
    ...crm.handlers,
    // -- team and routing --
    ...teamHandlers({
      session: () => session.current(),
      store: () => store,
      replica: () => engine?.replica ?? null,
      accessToken,
      refreshAccessToken: () => session.refreshAccessToken(),
    }),
    // -- campaigns --
    ...campaigns.handlers,
  };

  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    store: () => store,
    sync: () => engine,
    valuation: () => valuation,
    async close() {
      status.stop();
      stopEngine();
      await Promise.all(closingValuations);
      crm.close();
      campaigns.close(); // -- campaigns --
      closeStore();
      listeners.clear();
    },
  };
}

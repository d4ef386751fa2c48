// The app's life from launch to quit: single-instance lock, the app:// scheme and security guards before
// `ready`; then the window, IPC and services; and on quit, services closed before the process exits.
// The services come in through `openServices` (index.ts passes the real ones, tests pass fakes), so this
// file is all Electron wiring and no product behaviour.
import path from 'node:path';
import { app, dialog, session } from 'electron';
import type { AppServices, Notifier } from '../app-services.ts';
import { APP_ENTRY_URL, registerAppScheme, serveAppProtocol } from './app-protocol.ts';
import { createDeepLinkRouter, registerDeepLinkScheme } from './deep-links.ts';
import { registerIpcHandlers } from './ipc.ts';
import { createElectronNotifier } from './notifications.ts';
import type { AppPaths } from './paths.ts';
import { buildContentSecurityPolicy, denyAllPermissions, installNavigationGuards } from './security.ts';
import { createMainWindowHost, type MainWindowHost } from './window.ts';

type Log = (message: string) => void;

export const APP_ID = 'com.roidesk.app';
export const PRODUCT_NAME = 'ROI Desk';
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:7300';
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;

/** What the shell needs from the services: their handlers, their events, and a way to close them. */
export type ShellServices = Pick<AppServices, 'handlers' | 'onEvent' | 'close'>;

export type ShellServicesOptions = { dataDir: string; serverUrl: string; notifier: Notifier; log: Log };

export type ShellDependencies = {
  paths: AppPaths;
  env: Readonly<Record<string, string | undefined>>;
  argv: readonly string[];
  platform: NodeJS.Platform;
  /** `process` in the app: `roi start` stops Electron with SIGTERM, which must still close the services. */
  signals: { once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown };
  openServices(options: ShellServicesOptions): Promise<ShellServices>;
  log: Log;
  /** How long quitting waits for the services to close; the local database is crash-safe past that. */
  shutdownTimeoutMs?: number;
};

export type Shell = {
  /** False when another instance was already running: this one handed over its argv and quits. */
  primary: boolean;
  /** Settles when start-up has finished (window open, services up) or failed (error shown, app exiting). */
  started: Promise<void>;
  host: MainWindowHost | null;
};

/** The sync server: ROI_SERVER_URL when it is an http(s) URL, otherwise the local default (with a log line saying so). */
export function resolveServerUrl(env: ShellDependencies['env'], log: Log): string {
  const raw = env.ROI_SERVER_URL?.trim();
  if (!raw) return DEFAULT_SERVER_URL;
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return raw;
  } catch {
    // reported below
  }
  log(`ROI_SERVER_URL ${JSON.stringify(raw)} is not an http(s) URL; using ${DEFAULT_SERVER_URL}. Fix or unset the variable.`);
  return DEFAULT_SERVER_URL;
}

export function startShell(deps: ShellDependencies): Shell {
  const { log } = deps;

  // The single-instance lock lives in the userData directory, so that path is fixed first. Naming it
  // explicitly keeps development runs (package name "roi-desk") and installed builds on the same data.
  app.setName(PRODUCT_NAME);
  app.setPath('userData', path.join(app.getPath('appData'), PRODUCT_NAME));

  // Two instances would fight over the local database. A second launch hands its argv (maybe a deep link)
  // to the running one through 'second-instance' and quits before setting anything else up.
  if (!app.requestSingleInstanceLock()) {
    log('ROI Desk is already running; this launch was handed to it.');
    app.quit();
    return { primary: false, started: Promise.resolve(), host: null };
  }

  // Both must happen before `ready`: Electron accepts privileged schemes only then, and guards must be in
  // place before the first webContents exists.
  registerAppScheme();
  installNavigationGuards(log);
  // Windows shows notifications only for an app with an AppUserModelID matching its Start-menu shortcut.
  if (deps.platform === 'win32') app.setAppUserModelId(APP_ID);

  const serverUrl = resolveServerUrl(deps.env, log);
  const host = createMainWindowHost({
    preloadPath: deps.paths.preloadPath,
    devTools: !app.isPackaged,
    entryUrl: APP_ENTRY_URL,
    isReady: () => app.isReady(),
    log,
  });
  const deepLinks = createDeepLinkRouter({ host, log });

  // macOS delivers links here, possibly before `ready`; the host keeps the alert until the page loads.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    deepLinks.handleUrl(url);
  });
  app.on('second-instance', (_event, argv) => {
    host.reveal();
    deepLinks.handleArgv(argv);
  });
  registerDeepLinkScheme(log);

  let services: Promise<ShellServices> | null = null;
  let stopForwarding = () => {};
  let unregisterIpc = () => {};
  const timeoutMs = deps.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;

  const closeServices = async (): Promise<void> => {
    stopForwarding();
    unregisterIpc();
    const opening = services;
    if (!opening) return;
    const close = async () => {
      const opened = await opening.catch(() => null); // never started: nothing to close
      await opened?.close();
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const outcome = await Promise.race([close().then(() => 'closed' as const), timedOut]);
      if (outcome === 'timeout') log(`The services did not close within ${timeoutMs} ms; quitting anyway (the local database is crash-safe).`);
    } catch (error) {
      log(`Closing the services failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  };

  // Quitting waits for the services to close (sync outbox flushed, SQLite closed), then quits for real.
  let phase: 'running' | 'closing' | 'closed' = 'running';
  app.on('will-quit', (event) => {
    if (phase === 'closed') return;
    event.preventDefault();
    if (phase === 'closing') return;
    phase = 'closing';
    void closeServices().finally(() => {
      phase = 'closed';
      app.quit();
    });
  });
  app.on('window-all-closed', () => {
    // macOS apps stay in the dock without windows; the dock icon ('activate') reopens one.
    if (deps.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => host.reveal());
  deps.signals.once('SIGINT', () => app.quit());
  deps.signals.once('SIGTERM', () => app.quit());

  const started = app
    .whenReady()
    .then(async () => {
      denyAllPermissions(session.defaultSession, log);
      serveAppProtocol({ rootDir: deps.paths.rendererDir, contentSecurityPolicy: buildContentSecurityPolicy(serverUrl) });

      const notifier = createElectronNotifier({ host, log });
      const opening = deps.openServices({ dataDir: app.getPath('userData'), serverUrl, notifier, log });
      services = opening;
      // The window opens at once: restoring a session may wait on the network, and calls the page makes
      // meanwhile simply wait for the services inside their IPC handler.
      unregisterIpc = registerIpcHandlers({ handlers: async () => (await opening).handlers, window: () => host.current(), log });
      host.open();
      deepLinks.handleArgv(deps.argv);

      const opened = await opening;
      stopForwarding = opened.onEvent((event, payload) => host.emit(event, payload));
    })
    .catch(async (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      log(`Start-up failed: ${error instanceof Error ? (error.stack ?? message) : message}`);
      dialog.showErrorBox(
        'ROI Desk could not start',
        `${message}\n\nStart ROI Desk again. If this keeps happening, send the app log to your administrator.`,
      );
      await closeServices();
      phase = 'closed';
      app.exit(1);
    });

  return { primary: true, started, host };
}

// The one app window: its hardened options, and a small host that creates it on demand, brings it to the
// front (second launch, deep link, notification click) and delivers events once the page can hear them.
import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';
import type { EventPayload } from '../ipc/contract.ts';
import type { EventName } from '../ipc/operations.ts';
import { sendEvent } from './ipc.ts';

type Log = (message: string) => void;

export const WINDOW_TITLE = 'ROI Desk';

export type MainWindowOptions = {
  /** Absolute path of the bundled (CommonJS) preload script. */
  preloadPath: string;
  /** Developer tools only in development builds. */
  devTools: boolean;
};

/**
 * Every webPreference from Electron's security checklist is spelled out, even where it is already the
 * default, so a reader (and the test) sees the whole policy and a changed default cannot loosen it.
 */
export function mainWindowOptions(options: MainWindowOptions): BrowserWindowConstructorOptions {
  return {
    title: WINDOW_TITLE,
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    // Shown on ready-to-show so the user never sees an empty white frame.
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      devTools: options.devTools,
    },
  };
}

/** Restores a minimised window, shows a hidden one and gives it focus. */
export function bringToFront(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  window.focus();
}

export type MainWindowHost = {
  current(): BrowserWindow | null;
  /** The window, created (and loading the app) if none is open. */
  open(): BrowserWindow;
  /** Brings the window forward, opening it if it was closed (macOS keeps running without windows). */
  reveal(): void;
  /**
   * Sends an event to the page. Before the page has loaded, `openAlert` is kept (the latest wins) and
   * delivered on load — a deep link or notification click may arrive before the window exists (the
   * preload then keeps it until the page subscribes). Other events are dropped meanwhile: the page
   * reads current state (session, sync status) when it starts.
   */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
};

export type MainWindowHostOptions = MainWindowOptions & {
  entryUrl: string;
  /** app.isReady(): windows cannot be created before `ready`, so early requests only queue. */
  isReady: () => boolean;
  log: Log;
};

export function createMainWindowHost(options: MainWindowHostOptions): MainWindowHost {
  let window: BrowserWindow | null = null;
  let pageLoaded = false;
  let pendingAlert: EventPayload<'openAlert'> | null = null;

  const flushPending = () => {
    if (!window || !pageLoaded || !pendingAlert) return;
    sendEvent(window.webContents, 'openAlert', pendingAlert);
    pendingAlert = null;
  };

  const open = (): BrowserWindow => {
    if (window && !window.isDestroyed()) return window;
    const created = new BrowserWindow(mainWindowOptions(options));
    window = created;
    pageLoaded = false;

    created.once('ready-to-show', () => created.show());
    // The page's <title> must not rename the window: it is "ROI Desk" in the task bar, always.
    created.on('page-title-updated', (event) => event.preventDefault());
    created.on('closed', () => {
      if (window === created) {
        window = null;
        pageLoaded = false;
      }
    });
    created.webContents.on('did-start-loading', () => {
      pageLoaded = false;
    });
    created.webContents.on('did-finish-load', () => {
      pageLoaded = true;
      flushPending();
    });
    created.webContents.on('render-process-gone', (_event, details) => {
      options.log(`The window's page stopped (${details.reason}, exit code ${details.exitCode}).`);
    });
    created.loadURL(options.entryUrl).catch((error: unknown) => options.log(`Could not load ${options.entryUrl}: ${String(error)}`));
    return created;
  };

  return {
    current: () => (window && !window.isDestroyed() ? window : null),
    open,
    reveal() {
      if (!options.isReady()) return; // the window opens on `ready`; queued events follow it
      const existing = window && !window.isDestroyed() ? window : null;
      // A new window shows (and takes focus) itself on ready-to-show, without a blank frame first.
      if (existing) bringToFront(existing);
      else open();
    },
    emit(event, payload) {
      const target = window && !window.isDestroyed() ? window : null;
      if (target && pageLoaded) {
        sendEvent(target.webContents, event, payload);
        return;
      }
      if (event === 'openAlert') pendingAlert = payload as EventPayload<'openAlert'>;
    },
  };
}

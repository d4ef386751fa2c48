import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventListener } from '../../app-services.ts';
import { unavailableHandlers } from '../../ipc/testing/unavailable-handlers.ts';
import type { EventPayload, OperationHandlers } from '../../ipc/contract.ts';
import type { EventName } from '../../ipc/operations.ts';
import { APP_ENTRY_URL } from '../app-protocol.ts';
import { EVENT_CHANNEL } from '../ipc.ts';
import { APP_ID, DEFAULT_SERVER_URL, startShell, type ShellDependencies, type ShellServices } from '../lifecycle.ts';
import { app, BrowserWindow, dialog, fakeEvent, FakeWebFrame, ipcMain, protocol, resetFakeElectron, session } from './fake-electron.ts';

vi.mock('electron', () => import('./fake-electron.ts'));

const ALERT_ID = '3f2b8c1e-9d4a-4e6b-8f1a-2c3d4e5f6a7b';
const LINK = `roidesk://alert/${ALERT_ID}`;
const USER_DATA = path.join('/home/agent/.config', 'ROI Desk');
const syncStatus = { online: true, pendingChanges: 2, failedChanges: 0, lastSyncAt: '2026-03-01T10:00:00.000Z', error: null, catchUp: null };

let rendererDir: string;
beforeAll(() => {
  rendererDir = mkdtempSync(path.join(os.tmpdir(), 'roi-lifecycle-'));
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>ROI Desk</title>');
});
afterAll(() => rmSync(rendererDir, { recursive: true, force: true }));

type FakeServices = ShellServices & { emit<E extends EventName>(event: E, payload: EventPayload<E>): void; close: ReturnType<typeof vi.fn> };

function fakeServices(): FakeServices {
  const listeners = new Set<EventListener>();
  const handlers: OperationHandlers = {
    ...unavailableHandlers(),
    getAppInfo: async () => ({ version: '0.1.0', shell: 'electron', serverUrl: DEFAULT_SERVER_URL, platform: 'linux', keychainAvailable: true }),
    getSession: async () => null,
    signIn: async () => {
      throw new Error('not in this test');
    },
    signOut: async () => ({ pendingChangesKept: 0 }),
    getSyncStatus: async () => syncStatus,
    listRejectedChanges: async () => [],
    dismissRejectedChange: async () => ({ dismissed: false }),
    listProperties: async () => ({ total: 0, items: [] }),
    getProperty: async () => {
      throw new Error('not in this test');
    },
    updatePropertyFacts: async () => {
      throw new Error('not in this test');
    },
    revalueProperty: async () => {
      throw new Error('not in this test');
    },
    analyzeRefinance: async () => null,
    createMaintenanceTask: async () => {
      throw new Error('not in this test');
    },
  };
  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: vi.fn(async () => {}),
    emit(event, payload) {
      for (const listener of listeners) listener(event, payload);
    },
  };
}

function start(overrides: Partial<ShellDependencies> = {}) {
  const services = fakeServices();
  const signals = new EventEmitter();
  const log = vi.fn();
  const openServices = vi.fn(async () => services);
  const shell = startShell({
    paths: { rendererDir, preloadPath: '/app/dist/electron/preload/index.cjs' },
    env: {},
    argv: ['/opt/ROI Desk/roi-desk'],
    platform: 'linux',
    signals,
    openServices,
    log,
    shutdownTimeoutMs: 50,
    ...overrides,
  });
  return { shell, services, signals, log, openServices };
}

/** Fires `ready`, waits for start-up, and loads the page in the window it opened. */
async function startReady(overrides: Partial<ShellDependencies> = {}) {
  const started = start(overrides);
  app.fireReady();
  await started.shell.started;
  const window = BrowserWindow.instances.at(-1)!;
  window.webContents.emit('did-finish-load');
  return { ...started, window };
}

const trustedEvent = (window: BrowserWindow) => ({ sender: window.webContents, senderFrame: new FakeWebFrame('app://roi/index.html') });

beforeEach(() => resetFakeElectron());

describe('before ready', () => {
  it('fixes userData, takes the single-instance lock, registers app:// and installs the guards', () => {
    const { openServices } = start();
    expect(app.setPath).toHaveBeenCalledWith('userData', USER_DATA);
    // The lock lives in userData, so the path must be set before the lock is taken.
    expect(app.setPath.mock.invocationCallOrder[0]).toBeLessThan(app.requestSingleInstanceLock.mock.invocationCallOrder[0]!);
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([expect.objectContaining({ scheme: 'app' })]);
    expect(app.listenerCount('web-contents-created')).toBe(1);
    expect(openServices).not.toHaveBeenCalled();
    expect(BrowserWindow.instances).toHaveLength(0);
  });

  it('a second instance hands over and quits without setting anything up', async () => {
    app.lockGranted = false;
    const { shell, openServices } = start();
    expect(shell.primary).toBe(false);
    expect(app.quit).toHaveBeenCalled();
    expect(protocol.registerSchemesAsPrivileged).not.toHaveBeenCalled();
    app.fireReady();
    await shell.started;
    expect(openServices).not.toHaveBeenCalled();
    expect(BrowserWindow.instances).toHaveLength(0);
  });

  it('gives Windows the AppUserModelID notifications need', () => {
    start({ platform: 'win32' });
    expect(app.setAppUserModelId).toHaveBeenCalledWith(APP_ID);
  });

  it('registers roidesk:// as the OS handler in packaged builds', () => {
    app.isPackaged = true;
    start();
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('roidesk');
  });
});

describe('start-up', () => {
  it('opens the services in userData against the default server, and the window on app://roi', async () => {
    const { openServices, window, log } = await startReady();
    expect(openServices).toHaveBeenCalledWith({ dataDir: USER_DATA, serverUrl: DEFAULT_SERVER_URL, notifier: expect.objectContaining({ show: expect.any(Function) }), log });
    expect(DEFAULT_SERVER_URL).toBe('http://127.0.0.1:7300');
    expect(window.loadURL).toHaveBeenCalledWith(APP_ENTRY_URL);
    expect(window.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, preload: '/app/dist/electron/preload/index.cjs' });
    expect(session.defaultSession.permissionRequestHandler).not.toBeNull();
  });

  it('uses ROI_SERVER_URL and allows that origin in the CSP of app:// responses', async () => {
    const { openServices } = await startReady({ env: { ROI_SERVER_URL: 'https://sync.cascade.test:8443' } });
    expect(openServices).toHaveBeenCalledWith(expect.objectContaining({ serverUrl: 'https://sync.cascade.test:8443' }));
    const response = await protocol.handlers.get('app')!(new Request(APP_ENTRY_URL));
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp.startsWith("default-src 'none'")).toBe(true);
    expect(csp).toContain("connect-src 'self' https://sync.cascade.test:8443");
  });

  it('falls back to the default server when ROI_SERVER_URL is not an http(s) URL', async () => {
    const { openServices, log } = await startReady({ env: { ROI_SERVER_URL: 'file:///etc/passwd' } });
    expect(openServices).toHaveBeenCalledWith(expect.objectContaining({ serverUrl: DEFAULT_SERVER_URL }));
    expect(log).toHaveBeenCalledWith(expect.stringContaining('ROI_SERVER_URL'));
  });

  it('serves the contract over IPC to the app window', async () => {
    const { window } = await startReady();
    const result = await ipcMain.handlers.get('roi:getSyncStatus')!(trustedEvent(window), undefined);
    expect(result).toEqual({ ok: true, value: syncStatus });
  });

  it('forwards service events to the page', async () => {
    const { services, window } = await startReady();
    services.emit('syncStatusChanged', syncStatus);
    expect(window.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, { event: 'syncStatusChanged', payload: syncStatus });
  });

  it('shows the error and exits when the services cannot start', async () => {
    const { shell } = start({ openServices: () => Promise.reject(new Error('The local database is locked by another program.')) });
    app.fireReady();
    await shell.started;
    expect(dialog.showErrorBox).toHaveBeenCalledWith('ROI Desk could not start', expect.stringContaining('locked by another program'));
    expect(app.exit).toHaveBeenCalledWith(1);
  });
});

describe('single instance and deep links', () => {
  it('a second launch focuses the existing window and forwards its deep link', async () => {
    const { window } = await startReady();
    window.minimized = true;
    app.emit('second-instance', fakeEvent(), ['/opt/ROI Desk/roi-desk', LINK], '/home/agent', {});
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(window.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, { event: 'openAlert', payload: { alertId: ALERT_ID } });
    expect(BrowserWindow.instances).toHaveLength(1);
  });

  it('a second launch with a junk link still focuses, but opens nothing', async () => {
    const { window, log } = await startReady();
    app.emit('second-instance', fakeEvent(), ['/opt/ROI Desk/roi-desk', 'roidesk://alert/../../settings'], '/home/agent', {});
    expect(window.focus).toHaveBeenCalled();
    expect(window.webContents.send).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('not a valid alert link'));
  });

  it('opens the alert of a link the app was launched with (Windows, Linux)', async () => {
    const { window } = await startReady({ argv: ['/opt/ROI Desk/roi-desk', LINK] });
    expect(window.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, { event: 'openAlert', payload: { alertId: ALERT_ID } });
  });

  it('keeps a macOS open-url that arrives before ready until the page has loaded', async () => {
    const { shell } = start({ platform: 'darwin' });
    const event = fakeEvent();
    app.emit('open-url', event, LINK);
    expect(event.defaultPrevented).toBe(true);
    app.fireReady();
    await shell.started;
    const window = BrowserWindow.instances[0]!;
    expect(window.webContents.send).not.toHaveBeenCalled();
    window.webContents.emit('did-finish-load');
    expect(window.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, { event: 'openAlert', payload: { alertId: ALERT_ID } });
  });
});

describe('windows and quitting', () => {
  it('quits when the last window closes, except on macOS where the dock reopens it', async () => {
    await startReady();
    app.emit('window-all-closed');
    expect(app.quit).toHaveBeenCalledTimes(1);

    resetFakeElectron();
    await startReady({ platform: 'darwin' });
    BrowserWindow.instances[0]!.close();
    app.emit('window-all-closed');
    expect(app.quit).not.toHaveBeenCalled();
    app.emit('activate');
    expect(BrowserWindow.instances).toHaveLength(2);
  });

  it('closes the services before the process exits', async () => {
    const { services } = await startReady();
    const event = fakeEvent();
    app.emit('will-quit', event);
    expect(event.defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
    expect(services.close).toHaveBeenCalledTimes(1);
    expect(services.close.mock.invocationCallOrder[0]).toBeLessThan(app.quit.mock.invocationCallOrder[0]!);
    expect(ipcMain.handlers.size).toBe(0);

    const again = fakeEvent();
    app.emit('will-quit', again);
    expect(again.defaultPrevented).toBe(false);
    expect(services.close).toHaveBeenCalledTimes(1);
  });

  it('quits anyway when the services hang on close', async () => {
    const { services, log } = await startReady();
    services.close.mockImplementation(() => new Promise(() => {}));
    app.emit('will-quit', fakeEvent());
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
    expect(log).toHaveBeenCalledWith(expect.stringContaining('did not close within 50 ms'));
  });

  it('turns SIGTERM (how `roi start` stops Electron) into a clean quit', async () => {
    const { signals } = await startReady();
    signals.emit('SIGTERM');
    expect(app.quit).toHaveBeenCalled();
  });
});

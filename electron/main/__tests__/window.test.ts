import { beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_ENTRY_URL } from '../app-protocol.ts';
import { EVENT_CHANNEL } from '../ipc.ts';
import { createMainWindowHost, mainWindowOptions, WINDOW_TITLE } from '../window.ts';
import { app, BrowserWindow, fakeEvent, resetFakeElectron } from './fake-electron.ts';

vi.mock('electron', () => import('./fake-electron.ts'));

const ALERT_ID = '3f2b8c1e-9d4a-4e6b-8f1a-2c3d4e5f6a7b';

function makeHost(log = vi.fn()) {
  return createMainWindowHost({ preloadPath: '/app/dist/electron/preload/index.cjs', devTools: false, entryUrl: APP_ENTRY_URL, isReady: () => app.isReady(), log });
}

const onlyWindow = () => {
  expect(BrowserWindow.instances).toHaveLength(1);
  return BrowserWindow.instances[0]!;
};

beforeEach(() => {
  resetFakeElectron();
  app.fireReady();
});

describe('main window options', () => {
  it('sandboxes the renderer and keeps Node out of it', () => {
    const { webPreferences } = mainWindowOptions({ preloadPath: '/p/index.cjs', devTools: false });
    expect(webPreferences).toMatchObject({
      preload: '/p/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      devTools: false,
    });
    expect(webPreferences).not.toHaveProperty('enableBlinkFeatures');
  });

  it('is titled ROI Desk and stays hidden until it has painted', () => {
    const options = mainWindowOptions({ preloadPath: '/p/index.cjs', devTools: true });
    expect(options.title).toBe(WINDOW_TITLE);
    expect(WINDOW_TITLE).toBe('ROI Desk');
    expect(options.show).toBe(false);
    expect(options.webPreferences?.devTools).toBe(true);
  });
});

describe('main window host', () => {
  it('opens one window on the app entry and shows it when ready to show', () => {
    const host = makeHost();
    const window = host.open();
    expect(host.open()).toBe(window);
    const created = onlyWindow();
    expect(created.loadURL).toHaveBeenCalledWith(APP_ENTRY_URL);
    expect(created.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true });
    expect(created.show).not.toHaveBeenCalled();
    created.emit('ready-to-show');
    expect(created.show).toHaveBeenCalledTimes(1);
  });

  it('keeps the window title when the page sets its own <title>', () => {
    makeHost().open();
    const event = fakeEvent();
    onlyWindow().emit('page-title-updated', event, 'Inbox — something else');
    expect(event.defaultPrevented).toBe(true);
  });

  it('restores, shows and focuses a minimised window', () => {
    const host = makeHost();
    host.open();
    const window = onlyWindow();
    window.minimized = true;
    host.reveal();
    expect(window.restore).toHaveBeenCalled();
    expect(window.show).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(BrowserWindow.instances).toHaveLength(1);
  });

  it('opens a new window when revealed after the last one was closed', () => {
    const host = makeHost();
    host.open();
    onlyWindow().close();
    expect(host.current()).toBeNull();
    host.reveal();
    expect(BrowserWindow.instances).toHaveLength(2);
    expect(host.current()).toBe(BrowserWindow.instances[1]);
  });

  it('does nothing before the app is ready (windows cannot exist yet)', () => {
    resetFakeElectron();
    const host = makeHost();
    host.reveal();
    expect(BrowserWindow.instances).toHaveLength(0);
  });

  it('keeps openAlert until the page has loaded, then delivers it once', () => {
    const host = makeHost();
    host.open();
    const window = onlyWindow();
    host.emit('openAlert', { alertId: ALERT_ID });
    host.emit('syncStatusChanged', { online: true, pendingChanges: 0, failedChanges: 0, lastSyncAt: null, error: null, catchUp: null });
    expect(window.webContents.send).not.toHaveBeenCalled();

    window.webContents.emit('did-finish-load');
    expect(window.webContents.send).toHaveBeenCalledTimes(1);
    expect(window.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, { event: 'openAlert', payload: { alertId: ALERT_ID } });

    window.webContents.emit('did-finish-load');
    expect(window.webContents.send).toHaveBeenCalledTimes(1);
  });

  it('sends events straight to a loaded page and queues again while it reloads', () => {
    const host = makeHost();
    host.open();
    const window = onlyWindow();
    window.webContents.emit('did-finish-load');
    host.emit('sessionChanged', null);
    expect(window.webContents.send).toHaveBeenLastCalledWith(EVENT_CHANNEL, { event: 'sessionChanged', payload: null });

    window.webContents.emit('did-start-loading');
    host.emit('openAlert', { alertId: ALERT_ID });
    expect(window.webContents.send).toHaveBeenCalledTimes(1);
    window.webContents.emit('did-finish-load');
    expect(window.webContents.send).toHaveBeenLastCalledWith(EVENT_CHANNEL, { event: 'openAlert', payload: { alertId: ALERT_ID } });
  });

  it('logs when the page process dies', () => {
    const log = vi.fn();
    makeHost(log).open();
    onlyWindow().webContents.emit('render-process-gone', fakeEvent(), { reason: 'crashed', exitCode: 139 });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('crashed'));
  });
});

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_ENTRY_URL } from '../app-protocol.ts';
import { EVENT_CHANNEL } from '../ipc.ts';
import { createElectronNotifier } from '../notifications.ts';
import { createMainWindowHost } from '../window.ts';
import { app, BrowserWindow, Notification, resetFakeElectron } from './fake-electron.ts';

vi.mock('electron', () => import('./fake-electron.ts'));

const ALERT_ID = '3f2b8c1e-9d4a-4e6b-8f1a-2c3d4e5f6a7b';
const log = vi.fn();

function setup() {
  const host = createMainWindowHost({ preloadPath: '/p/index.cjs', devTools: false, entryUrl: APP_ENTRY_URL, isReady: () => app.isReady(), log });
  return { host, notifier: createElectronNotifier({ host, log }) };
}

/** The app window, open with its page loaded (able to receive events). */
function loadedWindow(host: ReturnType<typeof setup>['host']): BrowserWindow {
  host.open();
  const window = BrowserWindow.instances.at(-1)!;
  window.webContents.emit('did-finish-load');
  return window;
}

const onlyNotification = () => {
  expect(Notification.instances).toHaveLength(1);
  return Notification.instances[0]!;
};

beforeEach(() => {
  resetFakeElectron();
  log.mockClear();
  app.fireReady();
});

describe('Electron notifier', () => {
  it('shows a native notification with the title and body', () => {
    const { notifier } = setup();
    notifier.show({ title: 'HIGH: Jordan Lee checked their home value 3 times', body: '1423 Alder St · score 0.82', alertId: ALERT_ID });
    const notification = onlyNotification();
    expect(notification.options).toEqual({ title: 'HIGH: Jordan Lee checked their home value 3 times', body: '1423 Alder St · score 0.82' });
    expect(notification.show).toHaveBeenCalled();
  });

  it('on click restores the minimised window, focuses it and opens that alert', () => {
    const { host, notifier } = setup();
    const window = loadedWindow(host);
    window.minimized = true;

    notifier.show({ title: 'New alert', body: 'x', alertId: ALERT_ID });
    onlyNotification().emit('click');

    expect(window.restore).toHaveBeenCalled();
    expect(window.show).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(window.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, { event: 'openAlert', payload: { alertId: ALERT_ID } });
  });

  it('on click reopens a closed window and opens the alert once the page has loaded', () => {
    const { host, notifier } = setup();
    loadedWindow(host).close();

    notifier.show({ title: 'New alert', body: 'x', alertId: ALERT_ID });
    onlyNotification().emit('click');

    const reopened = BrowserWindow.instances.at(-1)!;
    expect(BrowserWindow.instances).toHaveLength(2);
    expect(reopened.webContents.send).not.toHaveBeenCalled();
    reopened.webContents.emit('did-finish-load');
    expect(reopened.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, { event: 'openAlert', payload: { alertId: ALERT_ID } });
  });

  it('without an alert id, a click only brings the app forward', () => {
    const { host, notifier } = setup();
    const window = loadedWindow(host);
    notifier.show({ title: 'Sync finished', body: '42 changes' });
    onlyNotification().emit('click');
    expect(window.focus).toHaveBeenCalled();
    expect(window.webContents.send).not.toHaveBeenCalled();
  });

  it('never forwards a malformed alert id', () => {
    const { host, notifier } = setup();
    const window = loadedWindow(host);
    notifier.show({ title: 'x', body: 'y', alertId: '../../settings' });
    onlyNotification().emit('click');
    expect(window.focus).toHaveBeenCalled();
    expect(window.webContents.send).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('malformed alert id'));
  });

  it('clips runaway text', () => {
    const { notifier } = setup();
    notifier.show({ title: 't'.repeat(500), body: 'b'.repeat(5000), alertId: ALERT_ID });
    const { title, body } = onlyNotification().options;
    expect(title).toHaveLength(120);
    expect(body).toHaveLength(400);
  });

  it('logs instead of failing where notifications are unsupported', () => {
    Notification.supported = false;
    setup().notifier.show({ title: 'New alert', body: 'x', alertId: ALERT_ID });
    expect(Notification.instances).toHaveLength(0);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('not supported'));
  });

  it('logs a notification the OS failed to show', () => {
    setup().notifier.show({ title: 'New alert', body: 'x' });
    onlyNotification().emit('failed', {}, 'Toast activator not registered');
    expect(log).toHaveBeenCalledWith(expect.stringContaining('Toast activator not registered'));
  });
});

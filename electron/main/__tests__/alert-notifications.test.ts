// The Electron path of alert notifications, with a mocked `electron`: the policy announces a new alert
// through the native notifier, and clicking it brings the window forward on that alert.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AGENT_A, B1, createInboxFixture, type InboxFixture } from '../../inbox/testing/inbox-fixture.ts';
import { createNotificationPolicy } from '../../notifications/notification-policy.ts';
import { APP_ENTRY_URL } from '../app-protocol.ts';
import { EVENT_CHANNEL } from '../ipc.ts';
import { createElectronNotifier } from '../notifications.ts';
import { createMainWindowHost } from '../window.ts';
import { app, BrowserWindow, Notification, resetFakeElectron } from './fake-electron.ts';

vi.mock('electron', () => import('./fake-electron.ts'));

const ALERT_ID = '3f2b8c1e-9d4a-4e6b-8f1a-2c3d4e5f6a7b';
let fx: InboxFixture;

beforeEach(() => {
  resetFakeElectron();
  app.fireReady();
  fx = createInboxFixture();
});
afterEach(() => fx.close());

describe('alert notifications in Electron', () => {
  it('shows a native notification for a new alert; a click restores the window and opens the alert', () => {
    const log = vi.fn();
    const host = createMainWindowHost({ preloadPath: '/p/index.cjs', devTools: false, entryUrl: APP_ENTRY_URL, isReady: () => app.isReady(), log });
    host.open();
    const window = BrowserWindow.instances.at(-1)!;
    window.webContents.emit('did-finish-load');
    window.minimized = true;

    fx.seedAlerts([{ id: ALERT_ID, priority: 'CRITICAL', probability: 0.91, createdAt: new Date(Date.now() - 60_000).toISOString() }]);
    const policy = createNotificationPolicy({ store: fx.store, sync: fx.sync, user: { id: AGENT_A, brokerageId: B1 }, notifier: createElectronNotifier({ host, log }) });
    expect(policy.check()).toBe(1);

    expect(Notification.instances).toHaveLength(1);
    const notification = Notification.instances[0]!;
    expect(notification.options.title).toBe('CRITICAL sell alert: Ada Lovelace');
    notification.emit('click');
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(window.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, { event: 'openAlert', payload: { alertId: ALERT_ID } });

    // A restart of the app does not announce it again.
    expect(createNotificationPolicy({ store: fx.store, sync: fx.sync, user: { id: AGENT_A, brokerageId: B1 }, notifier: createElectronNotifier({ host, log }) }).check()).toBe(0);
    expect(Notification.instances).toHaveLength(1);
    policy.close();
  });
});

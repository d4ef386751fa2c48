// The notification policy on a real replica: who is notified of what, batching, minimum priority,
// quiet hours and do-not-disturb, and never twice — not after a restart (local_notified) and not on a
// second device (alerts.notified_at, set through a synced edit).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Notifier } from '../app-services.ts';
import { AGENT_A, AGENT_B, B1, createInboxFixture, type InboxFixture } from '../inbox/testing/inbox-fixture.ts';
import { createNotificationPolicy, DEFAULT_NOTIFICATION_PREFERENCES, describeAlerts, inQuietHours, msUntilQuietEnds } from './notification-policy.ts';

// Local time, as quiet hours are: 14:00 on a weekday.
const NOW = new Date(2026, 10, 20, 14, 0, 0);
const recent = (minutesAgo: number) => new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();

let fx: InboxFixture;
let shown: Parameters<Notifier['show']>[0][];
const notifier: Notifier = { show: (notification) => void shown.push(notification) };
const policy = (now = NOW) => createNotificationPolicy({ store: fx.store, sync: fx.sync, user: { id: AGENT_A, brokerageId: B1 }, notifier, now: () => now, batchDelayMs: 20 });

beforeEach(() => {
  fx = createInboxFixture();
  shown = [];
});
afterEach(() => fx.close());

describe('which alerts raise a notification', () => {
  it("one new alert of the user's at or above their minimum priority: one notification naming it", () => {
    fx.seedAlerts([
      { id: 'mine-high', priority: 'HIGH', probability: 0.81, createdAt: recent(5) },
      { id: 'mine-medium', priority: 'MEDIUM', createdAt: recent(5) },
      { id: 'someone-elses', priority: 'CRITICAL', assignedAgentId: AGENT_B, contactId: 'c-bo', createdAt: recent(5) },
      { id: 'unassigned', priority: 'CRITICAL', assignedAgentId: null, createdAt: recent(5) },
      { id: 'already-viewed', priority: 'CRITICAL', status: 'viewed', createdAt: recent(5) },
      { id: 'last-month', priority: 'CRITICAL', createdAt: recent(60 * 24 * 30) },
    ]);
    expect(policy().check()).toBe(1);
    expect(shown).toEqual([
      { title: 'HIGH sell alert: Ada Lovelace', body: '4 home-value checks in the last 7 days · 12 Maple Ave, Seattle, WA 98103 · 81% likely', alertId: 'mine-high' },
    ]);
  });

  it('a lower minimum priority includes more', () => {
    fx.seedAlerts([{ id: 'mine-medium', priority: 'MEDIUM', createdAt: recent(5) }]);
    const p = policy();
    expect(p.check()).toBe(0);
    p.savePreferences({ ...DEFAULT_NOTIFICATION_PREFERENCES, minPriority: 'MEDIUM' });
    expect(p.check()).toBe(1);
    p.close();
  });

  it('batches alerts that arrive together', () => {
    fx.seedAlerts(Array.from({ length: 5 }, (_, i) => ({ id: `high-${i}`, priority: 'HIGH', createdAt: recent(i + 1) })));
    expect(policy().check()).toBe(5);
    expect(shown).toEqual([{ title: '5 new HIGH alerts', body: 'Ada Lovelace' }]);
  });

  it('says how a mixed batch splits by priority and whom it is about', () => {
    const text = describeAlerts([
      { id: '1', priority: 'CRITICAL', type: 'sell', probability: 0.9, name: 'Ada Lovelace', address: null, reasons: '[]' },
      { id: '2', priority: 'HIGH', type: 'buy', probability: 0.8, name: 'Bo Diddley', address: null, reasons: '[]' },
      { id: '3', priority: 'HIGH', type: 'buy', probability: 0.7, name: 'Cy Young', address: null, reasons: '[]' },
      { id: '4', priority: 'HIGH', type: 'buy', probability: 0.6, name: 'Di Prima', address: null, reasons: '[]' },
    ]);
    expect(text).toEqual({ title: '4 new alerts (1 CRITICAL, 3 HIGH)', body: 'Ada Lovelace, Bo Diddley and 2 others' });
  });

  it('waits for a burst of synced batches to settle, then notifies once', async () => {
    const p = policy();
    fx.seedAlerts([{ id: 'first', createdAt: recent(1) }]);
    p.alertsChanged();
    fx.seedAlerts([{ id: 'second', createdAt: recent(1) }]);
    p.alertsChanged();
    await vi.waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0]!.title).toBe('2 new HIGH alerts');
    p.close();
  });
});

describe('never twice', () => {
  it('not after a restart (local_notified), and the mark syncs as alerts.notified_at', () => {
    fx.seedAlerts([{ id: 'once', createdAt: recent(5) }]);
    expect(policy().check()).toBe(1);
    expect(fx.alert('once').notified_at).toBe(NOW.toISOString());
    const queued = fx.store.sqlite.prepare(`SELECT changes FROM local_outbox WHERE table_name = 'alerts' AND row_id = 'once'`).get() as { changes: string };
    expect(JSON.parse(queued.changes)).toEqual({ notified_at: NOW.toISOString() });

    // A restart: a new policy over the same replica. Even if the synced mark were lost (say the server
    // refused it), the local record keeps this device quiet.
    fx.store.sqlite.prepare(`UPDATE alerts SET notified_at = NULL`).run();
    expect(policy().check()).toBe(0);
    expect(shown).toHaveLength(1);
  });

  it('not on a second device: an alert another device announced (notified_at synced down) stays quiet', () => {
    fx.seedAlerts([{ id: 'elsewhere', createdAt: recent(5), notifiedAt: recent(4) }]);
    expect(policy().check()).toBe(0);
    expect(shown).toEqual([]);
  });
});

describe('quiet hours and do-not-disturb', () => {
  const quiet = { enabled: true, start: '21:00', end: '07:00' };

  it('knows when quiet hours apply, across midnight', () => {
    expect(inQuietHours(new Date(2026, 10, 20, 22, 30), quiet)).toBe(true);
    expect(inQuietHours(new Date(2026, 10, 20, 6, 59), quiet)).toBe(true);
    expect(inQuietHours(new Date(2026, 10, 20, 7, 0), quiet)).toBe(false);
    expect(inQuietHours(new Date(2026, 10, 20, 14, 0), quiet)).toBe(false);
    expect(inQuietHours(new Date(2026, 10, 20, 12, 30), { enabled: true, start: '12:00', end: '13:00' })).toBe(true);
    expect(inQuietHours(new Date(2026, 10, 20, 22, 30), { ...quiet, enabled: false })).toBe(false);
    expect(msUntilQuietEnds(new Date(2026, 10, 20, 22, 0), quiet)).toBe(9 * 3_600_000);
  });

  it('stays silent during quiet hours and announces what is still new afterwards', () => {
    fx.seedAlerts([{ id: 'at-night', createdAt: recent(5) }]);
    const night = new Date(2026, 10, 20, 23, 0);
    const asleep = policy(night);
    asleep.savePreferences({ ...DEFAULT_NOTIFICATION_PREFERENCES, quietHours: quiet });
    expect(asleep.check()).toBe(0);
    asleep.close();
    expect(fx.alert('at-night').notified_at).toBeNull();

    const morning = policy(new Date(2026, 10, 21, 7, 30));
    expect(morning.check()).toBe(1);
    expect(shown[0]!.alertId).toBe('at-night');
  });

  it('stays silent with do-not-disturb on, and announces on turning it off', async () => {
    fx.seedAlerts([{ id: 'busy', createdAt: recent(5) }]);
    const p = policy();
    p.savePreferences({ ...DEFAULT_NOTIFICATION_PREFERENCES, doNotDisturb: true });
    expect(p.check()).toBe(0);
    p.savePreferences({ ...DEFAULT_NOTIFICATION_PREFERENCES, doNotDisturb: false });
    await vi.waitFor(() => expect(shown).toHaveLength(1));
    p.close();
  });

  it('keeps preferences across restarts and falls back to defaults for unreadable ones', () => {
    policy().savePreferences({ minPriority: 'CRITICAL', doNotDisturb: true, quietHours: quiet });
    expect(policy().preferences()).toEqual({ minPriority: 'CRITICAL', doNotDisturb: true, quietHours: quiet });
    fx.store.sqlite.prepare(`UPDATE local_settings SET value = '{"minPriority":"URGENT"}' WHERE key = 'notifications.preferences'`).run();
    expect(policy().preferences()).toEqual(DEFAULT_NOTIFICATION_PREFERENCES);
  });
});

// When a new alert deserves an OS notification, and how many at once. Plain Node: the Electron shell
// passes a native Notifier, browser mode one that asks the page to use the Web Notifications API.
//
// A new alert raises a notification when it is assigned to the signed-in user, is still new, is at or
// above their minimum priority, and nobody was notified of it yet — on this device (local_notified
// survives restarts) or on any other (alerts.notified_at: the device that notifies sets it and the
// mark syncs, so a device that sees it set stays quiet). Alerts arriving together (a sync batch, a
// scoring run) make one notification ("5 new HIGH alerts"). During quiet hours or do-not-disturb
// nothing is shown; alerts that are still new when it ends are announced then, together.
import type { z } from 'zod';
import { ALERT_PRIORITIES, type AlertPriority } from '../../db/schema/vocabulary.ts';
import type { Notifier } from '../app-services.ts';
import { notificationPreferencesSchema, type NotificationPreferences } from '../inbox/inbox-contract.ts';
import { priorityRank } from '../inbox/inbox-query.ts';
import { localSetting } from '../inbox/local-setting.ts';
import type { LocalStore } from '../store/local-store.ts';
import type { LocalEdit } from '../sync/replica.ts';

export const DEFAULT_NOTIFICATION_PREFERENCES: NotificationPreferences = {
  minPriority: 'HIGH',
  doNotDisturb: false,
  quietHours: { enabled: false, start: '21:00', end: '07:00' },
};

export type NotificationPolicyOptions = {
  store: Pick<LocalStore, 'db' | 'sqlite'>;
  sync: { mutate(edits: LocalEdit[]): number[] };
  user: { id: string; brokerageId: string };
  notifier: Notifier;
  now?: () => Date;
  /** Quiet time after the last alert change before announcing (sync delivers alerts in several batches). */
  batchDelayMs?: number;
  /** Older alerts are not announced (a first sync of a long-unused laptop must not ring for last month's alerts). */
  maxAgeMs?: number;
  log?: (message: string) => void;
};

export type NotificationPolicy = ReturnType<typeof createNotificationPolicy>;

type Candidate = { id: string; priority: string; type: string; probability: number; name: string; address: string | null; reasons: string };

/** The inbox's priority rank (CRITICAL 3 … LOW 0, unknown -1) as SQL on alias `a`. */
const RANK_SQL = `(CASE a.priority ${ALERT_PRIORITIES.map((p: AlertPriority) => `WHEN '${p}' THEN ${priorityRank(p)}`).join(' ')} ELSE -1 END)`;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `at` (local time) is inside the quiet hours; a window may span midnight (21:00–07:00). */
export function inQuietHours(at: Date, quiet: NotificationPreferences['quietHours']): boolean {
  if (!quiet.enabled) return false;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const minute = at.getHours() * 60 + at.getMinutes();
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** Milliseconds from `at` until the quiet hours end (local time). */
export function msUntilQuietEnds(at: Date, quiet: NotificationPreferences['quietHours']): number {
  const end = new Date(at);
  end.setHours(Number(quiet.end.slice(0, 2)), Number(quiet.end.slice(3, 5)), 0, 0);
  if (end.getTime() <= at.getTime()) end.setDate(end.getDate() + 1);
  return end.getTime() - at.getTime();
}

const firstReason = (stored: string): string | null => {
  try {
    const reasons = JSON.parse(stored) as unknown;
    const first = Array.isArray(reasons) ? (reasons[0] as unknown) : undefined;
    if (typeof first === 'string') return first;
    if (first && typeof first === 'object' && typeof (first as { text?: unknown }).text === 'string') return (first as { text: string }).text;
  } catch {
    /* no readable reason */
  }
  return null;
};

const namesList = (names: string[]) =>
  names.length <= 3 ? names.join(', ').replace(/, ([^,]*)$/, ' and $1') : `${names.slice(0, 2).join(', ')} and ${names.length - 2} others`;

/** The notification for a group of alerts (best first). */
export function describeAlerts(alerts: readonly Candidate[]): { title: string; body: string; alertId?: string } {
  const [first] = alerts;
  if (!first) throw new Error('describeAlerts needs at least one alert');
  if (alerts.length === 1) {
    const why = firstReason(first.reasons);
    return {
      title: `${first.priority} ${first.type} alert: ${first.name}`,
      body: [why, first.address, `${Math.round(first.probability * 100)}% likely`].filter(Boolean).join(' · '),
      alertId: first.id,
    };
  }
  const byPriority = new Map<string, number>();
  for (const alert of alerts) byPriority.set(alert.priority, (byPriority.get(alert.priority) ?? 0) + 1);
  const title =
    byPriority.size === 1
      ? `${alerts.length} new ${first.priority} alerts`
      : `${alerts.length} new alerts (${[...byPriority].map(([priority, n]) => `${n} ${priority}`).join(', ')})`;
  return { title, body: namesList([...new Set(alerts.map((alert) => alert.name))]) };
}

export function createNotificationPolicy(options: NotificationPolicyOptions) {
  const { store, sync, user, notifier } = options;
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const batchDelayMs = options.batchDelayMs ?? 1_500;
  const maxAgeMs = options.maxAgeMs ?? 48 * 3_600_000;
  const preferences = localSetting(store.db, 'notifications.preferences', notificationPreferencesSchema as z.ZodType<NotificationPreferences>, () =>
    structuredClone(DEFAULT_NOTIFICATION_PREFERENCES),
  );

  const candidates = store.sqlite.prepare(
    `SELECT a.id, a.priority, a.type, a.probability, a.reasons, trim(c.first_name || ' ' || c.last_name) AS name, p.address
     FROM alerts a JOIN contacts c ON c.id = a.contact_id AND c.deleted_at IS NULL
     LEFT JOIN properties p ON p.id = a.property_id AND p.deleted_at IS NULL
     WHERE a.brokerage_id = @brokerageId AND a.assigned_agent_id = @userId AND a.status = 'new' AND a.notified_at IS NULL
       AND a.created_at >= @since AND ${RANK_SQL} >= @minRank
       AND NOT EXISTS (SELECT 1 FROM local_notified n WHERE n.kind = 'alert' AND n.record_id = a.id)
     ORDER BY ${RANK_SQL} DESC, a.probability DESC, a.created_at DESC
     LIMIT 500`,
  );
  const remember = store.sqlite.prepare(`INSERT OR IGNORE INTO local_notified (kind, record_id, notified_at) VALUES ('alert', ?, ?)`);

  let timer: ReturnType<typeof setTimeout> | null = null;
  let dueAt = 0;
  let closed = false;

  const schedule = (delayMs: number) => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    dueAt = Date.now() + delayMs;
    timer = setTimeout(() => {
      timer = null;
      try {
        check();
      } catch (error) {
        log(`Could not check for new alerts to announce: ${error instanceof Error ? error.message : String(error)}`);
      }
    }, delayMs);
    timer.unref?.();
  };

  /** Announces what is due now; returns how many alerts it announced. */
  const check = (): number => {
    if (closed) return 0;
    const prefs = preferences.read();
    const at = now();
    if (prefs.doNotDisturb) return 0;
    if (inQuietHours(at, prefs.quietHours)) {
      schedule(msUntilQuietEnds(at, prefs.quietHours) + 1_000);
      return 0;
    }
    const due = candidates.all({
      brokerageId: user.brokerageId,
      userId: user.id,
      since: new Date(at.getTime() - maxAgeMs).toISOString(),
      minRank: priorityRank(prefs.minPriority),
    }) as Candidate[];
    if (due.length === 0) return 0;
    // Marked before shown: after a crash between the two, an alert is missed rather than announced twice.
    const stamp = at.toISOString();
    store.sqlite.transaction(() => {
      for (const alert of due) remember.run(alert.id, stamp);
      sync.mutate(due.map((alert) => ({ table: 'alerts', op: 'update', id: alert.id, changes: { notified_at: stamp } })));
    })();
    notifier.show(describeAlerts(due));
    return due.length;
  };

  return {
    /**
     * Alerts changed (synced or edited): announce what is due `batchDelayMs` after the first change, so a
     * burst of synced batches makes one notification. Later changes do not push the check back (a steady
     * trickle of changes must not postpone it forever), but an earlier check replaces a quiet-hours wait.
     */
    alertsChanged(): void {
      if (timer && dueAt <= Date.now() + batchDelayMs) return;
      schedule(batchDelayMs);
    },
    check,
    preferences: (): NotificationPreferences => preferences.read(),
    savePreferences(next: NotificationPreferences): NotificationPreferences {
      preferences.write(next);
      schedule(batchDelayMs); // leaving do-not-disturb announces what waited
      return preferences.read();
    },
    close(): void {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

// Task reminders as OS notifications: a task of mine (assigned to me, or unassigned and created by me)
// whose remind_at has come, not completed or deleted, is shown once through the app's Notifier and marked
// in local_notified (kind 'task'), so neither a restart nor a second check repeats it. Reminders long past
// when this device first sees them (e.g. the first sync of a new laptop) are marked without a notification.
import type Database from 'better-sqlite3';

export type ReminderNotifier = { show(notification: { title: string; body: string; taskId?: string; contactId?: string }): void };

/** Reminders older than this when first seen are not shown (they would arrive as a burst of stale pop-ups). */
export const STALE_REMINDER_MS = 24 * 3_600_000;

export function checkTaskReminders(sqlite: Database.Database, userId: string, notifier: ReminderNotifier, now: Date = new Date()): number {
  const due = sqlite
    .prepare(
      `SELECT t.id, t.title, t.due_at, t.remind_at, t.contact_id, c.first_name, c.last_name FROM tasks t
       LEFT JOIN contacts c ON c.id = t.contact_id
       WHERE t.remind_at IS NOT NULL AND t.remind_at <= ? AND t.completed_at IS NULL AND t.deleted_at IS NULL
         AND (t.assignee_id = ? OR (t.assignee_id IS NULL AND t.created_by = ?))
         AND NOT EXISTS (SELECT 1 FROM local_notified n WHERE n.kind = 'task' AND n.record_id = t.id)
       ORDER BY t.remind_at LIMIT 50`,
    )
    .all(now.toISOString(), userId, userId) as {
    id: string;
    title: string;
    due_at: string | null;
    remind_at: string;
    contact_id: string | null;
    first_name: string | null;
    last_name: string | null;
  }[];
  const mark = sqlite.prepare(`INSERT OR IGNORE INTO local_notified (kind, record_id, notified_at) VALUES ('task', ?, ?)`);
  let shown = 0;
  for (const task of due) {
    // Mark first: a notifier that throws must not make the reminder repeat every check.
    mark.run(task.id, now.toISOString());
    if (now.getTime() - Date.parse(task.remind_at) > STALE_REMINDER_MS) continue;
    const who = task.first_name !== null ? `${task.first_name} ${task.last_name ?? ''}`.trim() : null;
    const when = task.due_at ? `Due ${new Date(task.due_at).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })}` : 'Reminder';
    notifier.show({
      title: `Task: ${task.title}`,
      body: [when, who ? `for ${who}` : null].filter(Boolean).join(' '),
      taskId: task.id,
      ...(task.contact_id ? { contactId: task.contact_id } : {}),
    });
    shown++;
  }
  return shown;
}

/** Checks every `intervalMs` and whenever tasks change; stop() ends it. */
export function startTaskReminders(options: {
  sqlite: Database.Database;
  userId: string;
  notifier: ReminderNotifier;
  intervalMs?: number;
  now?: () => Date;
  log?: (message: string) => void;
}) {
  let stopped = false;
  const check = () => {
    if (stopped) return;
    try {
      checkTaskReminders(options.sqlite, options.userId, options.notifier, options.now?.() ?? new Date());
    } catch (error) {
      options.log?.(`Could not check task reminders: ${String(error)}`);
    }
  };
  const timer = setInterval(check, options.intervalMs ?? 30_000);
  timer.unref?.();
  setImmediate(check);
  return {
    tablesChanged(tables: readonly string[]) {
      if (tables.includes('tasks')) setImmediate(check);
    },
    check,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

// Task reminders through the Notifier: shown once when due (never again after a restart), only for my
// tasks, never for completed or deleted ones, and long-stale reminders are marked without a pop-up.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCrm } from '../contacts/crm-handlers.ts';
import { AGENT, B1, createCrmFixture, OTHER_AGENT, type CrmFixture } from '../contacts/testing/crm-fixture.ts';
import { checkTaskReminders, STALE_REMINDER_MS } from './task-reminders.ts';

const NOW = new Date('2026-03-10T15:00:00.000Z');
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
let fx: CrmFixture;
let shown: { title: string; body: string }[];
const notifier = { show: (n: { title: string; body: string }) => void shown.push(n) };

beforeEach(() => {
  fx = createCrmFixture(AGENT);
  shown = [];
  fx.replica.mutate([
    { table: 'tasks', op: 'insert', id: 't-due', changes: { title: 'Call Margaret', contact_id: 'c1', assignee_id: AGENT, due_at: at(3_600_000), remind_at: at(-60_000) } },
    { table: 'tasks', op: 'insert', id: 't-future', changes: { title: 'Later', assignee_id: AGENT, remind_at: at(3_600_000) } },
    { table: 'tasks', op: 'insert', id: 't-other', changes: { title: 'Not mine', assignee_id: OTHER_AGENT, remind_at: at(-60_000) } },
    { table: 'tasks', op: 'insert', id: 't-done', changes: { title: 'Done', assignee_id: AGENT, remind_at: at(-60_000), completed_at: at(-120_000) } },
    { table: 'tasks', op: 'insert', id: 't-stale', changes: { title: 'Ancient', assignee_id: AGENT, remind_at: at(-STALE_REMINDER_MS - 60_000) } },
  ]);
  fx.replica.mutate([{ table: 'tasks', op: 'delete', id: 't-future' }]);
});
afterEach(() => fx.close());

describe('task reminders', () => {
  it('notifies each due reminder of mine once, and marks it so a restart stays quiet', () => {
    expect(checkTaskReminders(fx.store.sqlite, AGENT, notifier, NOW)).toBe(1);
    expect(shown).toEqual([expect.objectContaining({ title: 'Task: Call Margaret', body: expect.stringMatching(/^Due .* for Margaret Johnson$/), taskId: 't-due' })]);
    expect(fx.store.sqlite.prepare(`SELECT record_id FROM local_notified WHERE kind = 'task' ORDER BY record_id`).pluck().all()).toEqual(['t-due', 't-stale']);
    // A second check, or a restart (a new check on the same file), shows nothing again.
    expect(checkTaskReminders(fx.store.sqlite, AGENT, notifier, new Date(NOW.getTime() + 60_000))).toBe(0);
    expect(shown).toHaveLength(1);
  });

  it('a moved reminder reminds again; a completed task never', async () => {
    checkTaskReminders(fx.store.sqlite, AGENT, notifier, NOW);
    const crm = createCrm({ store: () => fx.store, sync: () => ({ mutate: (e) => fx.replica.mutate(e) }), user: () => ({ id: AGENT, role: 'agent', brokerageId: B1 }), notifier: null });
    await crm.handlers.updateTask({ id: 't-due', changes: { remindAt: at(30_000) } });
    expect(checkTaskReminders(fx.store.sqlite, AGENT, notifier, NOW)).toBe(0);
    expect(checkTaskReminders(fx.store.sqlite, AGENT, notifier, new Date(NOW.getTime() + 60_000))).toBe(1);
    await crm.handlers.createTask({ title: 'Finished', description: '', priority: 'normal', dueAt: null, remindAt: at(-1000), contactId: null });
    const finished = fx.store.sqlite.prepare(`SELECT id FROM tasks WHERE title = 'Finished'`).pluck().get() as string;
    await crm.handlers.updateTask({ id: finished, changes: { completed: true } });
    expect(checkTaskReminders(fx.store.sqlite, AGENT, notifier, new Date(NOW.getTime() + 120_000))).toBe(0);
    crm.close();
  });

  it('runs in the app: a task created with a due reminder reaches the notifier', async () => {
    const crm = createCrm({
      store: () => fx.store,
      sync: () => ({ mutate: (e) => fx.replica.mutate(e) }),
      user: () => ({ id: AGENT, role: 'agent', brokerageId: B1 }),
      notifier,
      reminderIntervalMs: 20,
    });
    crm.sessionChanged();
    await crm.handlers.createTask({ title: 'Reminder now', description: '', priority: 'high', dueAt: null, remindAt: new Date(Date.now() - 1000).toISOString(), contactId: 'c3' });
    crm.tablesChanged(['tasks']);
    await expect.poll(() => shown.map((n) => n.title)).toContain('Task: Reminder now');
    crm.close();
  });
});

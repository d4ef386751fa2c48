import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignScheduleSchema } from '../campaigns-contract.ts';
import { openLocalStore, type LocalStore } from '../../store/local-store.ts';
import { triggerCandidates, triggeredScheduleSchema, triggerRunId, type TriggeredSchedule } from './alert-trigger.ts';

const ACTIVATED = '2026-05-01T08:00:00.000Z';
const hours = (n: number) => new Date(Date.parse(ACTIVATED) + n * 3_600_000).toISOString();
const schedule: TriggeredSchedule = { kind: 'triggered', alertType: 'sell', minPriority: 'HIGH', delayHours: 24, activatedAt: ACTIVATED };

describe('trigger schedule', () => {
  it('is part of the campaign schedule union and refuses bad settings with the reason', () => {
    expect(campaignScheduleSchema.parse({ kind: 'triggered', alertType: 'refinance', minPriority: 'MEDIUM', delayHours: 2.5 })).toMatchObject({ kind: 'triggered', delayHours: 2.5 });
    const messages = (input: unknown) => {
      const result = triggeredScheduleSchema.safeParse(input);
      return result.success ? [] : result.error.issues.map((i) => i.message);
    };
    expect(messages({ kind: 'triggered', alertType: 'sell', minPriority: 'HIGH', delayHours: -1 })).toEqual(['The delay cannot be negative']);
    expect(messages({ kind: 'triggered', alertType: 'sell', minPriority: 'HIGH', delayHours: 721 })).toEqual(['The delay can be at most 720 hours (30 days)']);
    expect(messages({ kind: 'triggered', alertType: 'rent', minPriority: 'HIGH', delayHours: 1 })).toEqual(['Pick the kind of alert that triggers the campaign']);
    expect(messages({ kind: 'triggered', alertType: 'sell', minPriority: 'URGENT', delayHours: 1 })).toEqual(['Pick the lowest alert priority that triggers the campaign']);
    expect(messages({ kind: 'triggered', alertType: 'sell', minPriority: 'HIGH', delayHours: 1, extra: true })).toHaveLength(1);
  });

  it('names one run per (campaign, alert): stable, distinct, a valid record id', () => {
    expect(triggerRunId('cmp-1', 'al-1')).toBe(triggerRunId('cmp-1', 'al-1'));
    expect(triggerRunId('cmp-1', 'al-1')).not.toBe(triggerRunId('cmp-1', 'al-2'));
    expect(triggerRunId('cmp-1', 'al-1')).not.toBe(triggerRunId('cmp-2', 'al-1'));
    const long = triggerRunId(`cmp-${'x'.repeat(36)}`, 'a'.repeat(300));
    expect(long).toMatch(/^[A-Za-z0-9_.:-]+$/);
    expect(long.length).toBeLessThanOrEqual(128);
  });
});

describe('trigger candidates over the replica', () => {
  let store: LocalStore;
  const eligible = new Set(['c-due', 'c-low', 'c-called', 'c-status', 'c-first', 'c-backlog', 'c-buy', 'c-later', 'c-note', 'c-sent', 'c-critical']);

  beforeAll(() => {
    store = openLocalStore(path.join(mkdtempSync(path.join(tmpdir(), 'roi-triggers-')), 'replica.sqlite'));
    const s = store.sqlite;
    s.prepare(`INSERT INTO brokerages (id, name) VALUES ('b1', 'B')`).run();
    s.prepare(`INSERT INTO campaigns (id, brokerage_id, name) VALUES ('cmp-1', 'b1', 'C')`).run();
    const contact = s.prepare(`INSERT INTO contacts (id, brokerage_id, first_name, email) VALUES (?, 'b1', ?, ?)`);
    for (const id of [...eligible, 'c-outside']) contact.run(id, id, `${id}@example.com`);
    const alert = s.prepare(`INSERT INTO alerts (id, brokerage_id, contact_id, type, probability, priority, status, first_contacted_at, created_at) VALUES (?, 'b1', ?, ?, 0.8, ?, ?, ?, ?)`);
    alert.run('al-due', 'c-due', 'sell', 'HIGH', 'new', null, hours(1));
    alert.run('al-critical', 'c-critical', 'sell', 'CRITICAL', 'snoozed', null, hours(2));
    alert.run('al-low', 'c-low', 'sell', 'MEDIUM', 'new', null, hours(1));
    alert.run('al-called', 'c-called', 'sell', 'HIGH', 'viewed', null, hours(1));
    alert.run('al-status', 'c-status', 'sell', 'HIGH', 'dismissed', null, hours(1));
    alert.run('al-first', 'c-first', 'sell', 'HIGH', 'new', hours(3), hours(1));
    alert.run('al-backlog', 'c-backlog', 'sell', 'HIGH', 'new', null, hours(-1));
    alert.run('al-buy', 'c-buy', 'buy', 'HIGH', 'new', null, hours(1));
    alert.run('al-later', 'c-later', 'sell', 'HIGH', 'new', null, hours(30));
    alert.run('al-note', 'c-note', 'sell', 'HIGH', 'new', null, hours(1));
    alert.run('al-sent', 'c-sent', 'sell', 'HIGH', 'new', null, hours(1));
    alert.run('al-outside', 'c-outside', 'sell', 'HIGH', 'new', null, hours(1));
    const activity = s.prepare(`INSERT INTO activities (id, brokerage_id, contact_id, kind, occurred_at) VALUES (?, 'b1', ?, ?, ?)`);
    activity.run('act-1', 'c-called', 'call', hours(4));
    activity.run('act-2', 'c-note', 'status_change', hours(4)); // not a conversation
    activity.run('act-3', 'c-due', 'call', hours(-5)); // before the alert: does not count
    s.prepare(`INSERT INTO campaign_sends (id, brokerage_id, campaign_id, run_id, contact_id, email, status) VALUES ('cs-1', 'b1', 'cmp-1', ?, 'c-sent', 'c-sent@example.com', 'sent')`).run(triggerRunId('cmp-1', 'al-sent'));
  });
  afterAll(() => store.close());

  it('due after the delay: the right type and priority, raised after activation, nobody contacted, in the segment, not already logged', () => {
    const { due, waiting } = triggerCandidates(store, 'cmp-1', schedule, eligible, new Date(hours(26)));
    expect(due.map((c) => c.alertId)).toEqual(['al-due', 'al-note', 'al-critical']);
    expect(waiting.map((c) => c.alertId)).toEqual(['al-later']);
    expect(due[0]).toEqual({ alertId: 'al-due', contactId: 'c-due', runId: triggerRunId('cmp-1', 'al-due'), raisedAt: hours(1), dueAt: hours(25) });
  });

  it('nothing is due before the delay; a lower minimum priority lets more in; one alert can be asked alone', () => {
    expect(triggerCandidates(store, 'cmp-1', schedule, eligible, new Date(hours(24))).due).toEqual([]);
    expect(triggerCandidates(store, 'cmp-1', { ...schedule, minPriority: 'MEDIUM' }, eligible, new Date(hours(26))).due.map((c) => c.alertId)).toContain('al-low');
    expect(triggerCandidates(store, 'cmp-1', schedule, eligible, new Date(hours(26)), 'al-note').due.map((c) => c.alertId)).toEqual(['al-note']);
    expect(triggerCandidates(store, 'cmp-1', { ...schedule, activatedAt: undefined }, eligible, new Date(hours(26))).due).toEqual([]);
  });
});

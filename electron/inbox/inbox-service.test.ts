// The inbox service on a real SQLite replica: filters, search, views and their counts, the status flow,
// bulk changes in one edit batch with undo, assignment rights, outcome logging, and bad input refused
// with nothing changed. Every change is checked both on the row and in the outbox (what syncs).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperationHandlers } from '../ipc/contract.ts';
import { dispatch } from '../ipc/dispatch.ts';
import { AppError } from '../ipc/errors.ts';
import type { InboxUser } from './alert-rules.ts';
import { createInboxService, type InboxService } from './inbox-service.ts';
import { AGENT_A, AGENT_B, B1, createInboxFixture, MANAGER, type InboxFixture } from './testing/inbox-fixture.ts';

const NOW = new Date('2026-11-22T12:00:00.000Z');
const agentA: InboxUser = { id: AGENT_A, role: 'agent', brokerageId: B1 };
const manager: InboxUser = { id: MANAGER, role: 'manager', brokerageId: B1 };

let fx: InboxFixture;
const serviceFor = (user: InboxUser): InboxService => createInboxService({ store: fx.store, sync: fx.sync, user, now: () => NOW });
const ids = (service: InboxService, filters: Parameters<InboxService['list']>[0]['filters']) => service.list({ filters, limit: 200 }).rows.map((row) => row.id);
const outbox = () => fx.store.sqlite.prepare('SELECT table_name, row_id, changes FROM local_outbox ORDER BY id').all() as { table_name: string; row_id: string; changes: string }[];

function expectAppError(run: () => unknown, code: string, message?: RegExp) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
    if (message) expect((error as AppError).message).toMatch(message);
    return;
  }
  throw new Error('expected an AppError');
}

beforeEach(() => {
  fx = createInboxFixture();
  fx.seedAlerts([
    { id: 'a-crit', priority: 'CRITICAL', probability: 0.9, type: 'sell', createdAt: '2026-11-21T08:00:00.000Z' },
    { id: 'a-high', priority: 'HIGH', probability: 0.7, type: 'refinance', createdAt: '2026-11-20T08:00:00.000Z' },
    { id: 'a-high2', priority: 'HIGH', probability: 0.8, type: 'refinance', contactId: 'c-cy', propertyId: null, assignedAgentId: null, createdAt: '2026-11-01T08:00:00.000Z' },
    { id: 'a-bo', priority: 'MEDIUM', probability: 0.6, type: 'investment', contactId: 'c-bo', propertyId: 'p-bo', assignedAgentId: AGENT_B, status: 'viewed' },
    { id: 'a-low', priority: 'LOW', probability: 0.3, type: 'buy', status: 'dismissed' },
    { id: 'a-foreign', priority: 'CRITICAL', probability: 0.99, contactId: 'c-foreign', propertyId: null, brokerageId: 'brokerage-2', assignedAgentId: null },
  ]);
});
afterEach(() => fx.close());

describe('listing and filtering', () => {
  it('orders by priority, probability, recency, never shows another brokerage, and joins names and addresses', () => {
    const page = serviceFor(agentA).list({ filters: {}, limit: 50 });
    expect(page.rows.map((row) => row.id)).toEqual(['a-crit', 'a-high2', 'a-high', 'a-bo', 'a-low']);
    expect(page.total).toBe(5);
    expect(page.rows[0]).toMatchObject({ contactName: 'Ada Lovelace', propertyAddress: '12 Maple Ave, Seattle, WA 98103', headline: '4 home-value checks in the last 7 days' });
  });

  it('pages with a cursor', () => {
    const inbox = serviceFor(agentA);
    const first = inbox.list({ filters: {}, limit: 2 });
    const second = inbox.list({ filters: {}, cursor: first.nextCursor, limit: 2 });
    expect([...first.rows, ...second.rows].map((row) => row.id)).toEqual(['a-crit', 'a-high2', 'a-high', 'a-bo']);
    expectAppError(() => inbox.list({ filters: {}, cursor: 'garbage!', limit: 2 }), 'invalid_input', /cursor/);
  });

  it('filters by type, priority, status, assignee, dates and contact tag', () => {
    const inbox = serviceFor(agentA);
    expect(ids(inbox, { types: ['refinance'] })).toEqual(['a-high2', 'a-high']);
    expect(ids(inbox, { priorities: ['CRITICAL', 'MEDIUM'] })).toEqual(['a-crit', 'a-bo']);
    expect(ids(inbox, { statuses: ['viewed', 'dismissed'] })).toEqual(['a-bo', 'a-low']);
    expect(ids(inbox, { assignee: 'me', statuses: ['new'] })).toEqual(['a-crit', 'a-high']);
    expect(ids(inbox, { assignee: 'unassigned' })).toEqual(['a-high2']);
    expect(ids(inbox, { assignee: AGENT_B })).toEqual(['a-bo']);
    expect(ids(inbox, { createdFrom: '2026-11-20', createdTo: '2026-11-20' })).toEqual(['a-high', 'a-bo', 'a-low']);
    expect(ids(inbox, { createdWithinDays: 7, types: ['refinance'] })).toEqual(['a-high']);
    expect(ids(inbox, { tag: 'investor' })).toEqual(['a-bo']);
    expect(ids(inbox, { tag: 'vip', priorities: ['CRITICAL'] })).toEqual(['a-crit']);
    // Who carries a tag is cached until contacts change: an edit here shows at once.
    fx.sync.mutate([{ table: 'contacts', op: 'update', id: 'c-cy', changes: { tags: ['investor'] } }]);
    expect(ids(inbox, { tag: 'investor' })).toEqual(['a-high2', 'a-bo']);
  });

  it('searches contact names, addresses and notes', () => {
    const inbox = serviceFor(agentA);
    expect(ids(inbox, { search: 'lovelace' })).toEqual(['a-crit', 'a-high', 'a-low']);
    expect(ids(inbox, { search: 'harbor kent' })).toEqual(['a-bo']);
    expect(ids(inbox, { search: 'garden' })).toEqual(['a-high2']);
    expect(ids(inbox, { search: 'nobody-at-all' })).toEqual([]);
    expect(inbox.list({ filters: { search: '100%_' }, limit: 5 }).total).toBe(0);
  });
});

describe('views', () => {
  it('has the built-in views with their counts, and keeps user views', () => {
    const inbox = serviceFor(agentA);
    const counts = Object.fromEntries(inbox.views().map((view) => [view.name, view.count]));
    expect(counts).toMatchObject({ 'Open alerts': 4, 'My new CRITICAL': 1, 'Refinance this week': 1, Snoozed: 0, 'All alerts': 5 });

    const saved = inbox.saveView('Investors', { tag: 'investor' });
    expect(saved).toMatchObject({ name: 'Investors', builtIn: false, count: 1 });
    // Stored on the device: a new service (a restart) still has it.
    expect(serviceFor(agentA).views().find((view) => view.id === saved.id)?.count).toBe(1);

    expectAppError(() => inbox.saveView('my new critical', {}), 'invalid_input', /already exists/);
    expectAppError(() => inbox.deleteView('builtin:all'), 'invalid_input', /Built-in/);
    expect(inbox.deleteView(saved.id)).toEqual({ deleted: true });
    expect(inbox.deleteView(saved.id)).toEqual({ deleted: false });
  });
});

describe('alert detail', () => {
  it('shows reasons, signals, contact, property with valuation, timeline and next actions — and marks a new alert viewed', () => {
    const detail = serviceFor(agentA).open('a-crit');
    expect(detail.alert).toMatchObject({ id: 'a-crit', status: 'viewed', reasons: [{ key: 'signal:home_value_checked', text: '4 home-value checks in the last 7 days' }] });
    expect(detail.contact).toMatchObject({ name: 'Ada Lovelace', stage: 'past_client', tags: ['vip', 'downsizer'], email: 'ada@example.com', phone: '+1 206 555 0101' });
    expect(detail.property).toMatchObject({ address: '12 Maple Ave, Seattle, WA 98103', estimate: 810_000, estimateConfidence: 82 });
    expect(detail.signals.map((signal) => [signal.text, signal.matched])).toEqual([
      ['Logged in', false],
      ['Used a calculator (net proceeds)', false],
      ['Checked their home value', true],
    ]);
    expect(detail.timeline.some((entry) => entry.kind === 'alert' && entry.title === 'HIGH refinance alert')).toBe(true);
    expect(detail.nextActions.map((action) => action.id)).toEqual(['call', 'cma', 'visit']);
    expect(detail.permissions).toEqual({ canEdit: true, canAssign: false });
    expect(outbox()).toEqual([{ table_name: 'alerts', row_id: 'a-crit', changes: JSON.stringify({ status: 'viewed' }) }]);
  });

  it("opening another agent's alert changes nothing; unknown and foreign ids say the alert is not here", () => {
    const inbox = serviceFor(agentA);
    expect(inbox.open('a-bo').permissions.canEdit).toBe(false);
    expect(fx.alert('a-bo').status).toBe('viewed');
    expectAppError(() => inbox.open('no-such-alert'), 'not_found', /not on this device/);
    expectAppError(() => inbox.open('a-foreign'), 'not_found', /another agent or brokerage/);
    expect(outbox()).toEqual([]);
  });
});

describe('status flow', () => {
  it('records the first contact once, converts, snoozes until a date and reopens', () => {
    const inbox = serviceFor(agentA);
    expect(inbox.change(['a-crit'], 'contacted').changed).toBe(1);
    const first = fx.alert('a-crit');
    expect(first).toMatchObject({ status: 'contacted', first_contacted_at: NOW.toISOString() });
    expect(inbox.change(['a-crit'], 'contacted')).toEqual({ changed: 0, undoId: null });
    inbox.change(['a-crit'], 'converted');
    expect(fx.alert('a-crit')).toMatchObject({ status: 'converted', first_contacted_at: NOW.toISOString() });

    inbox.change(['a-high'], 'snoozed', '2026-11-25T09:00:00.000Z');
    expect(fx.alert('a-high')).toMatchObject({ status: 'snoozed', snoozed_until: '2026-11-25T09:00:00.000Z' });
    inbox.change(['a-high'], 'reopen');
    expect(fx.alert('a-high')).toMatchObject({ status: 'viewed', snoozed_until: null });
  });

  it('wakes a snoozed alert when its time has come', () => {
    fx.seedAlerts([{ id: 'a-snoozed', status: 'snoozed', snoozedUntil: '2026-11-22T11:00:00.000Z' }]);
    expect(ids(serviceFor(agentA), { statuses: ['snoozed'] })).toEqual([]);
    expect(fx.alert('a-snoozed')).toMatchObject({ status: 'viewed', snoozed_until: null });
  });

  it('refuses impossible changes and changes nothing', () => {
    const inbox = serviceFor(agentA);
    expectAppError(() => inbox.change(['a-crit', 'a-low'], 'contacted'), 'invalid_input', /dismissed alert cannot be marked contacted/);
    expectAppError(() => inbox.change(['a-crit'], 'snoozed', '2026-11-01T00:00:00.000Z'), 'invalid_input', /future/);
    expect(fx.alert('a-crit').status).toBe('new');
    expect(outbox()).toEqual([]);
  });
});

describe('bulk changes and undo', () => {
  it('dismisses many in one edit batch and undoes it', () => {
    const inbox = serviceFor(agentA);
    const result = inbox.change(['a-crit', 'a-high', 'a-high2'], 'dismissed');
    expect(result.changed).toBe(3);
    expect(fx.sync.calls).toHaveLength(1);
    expect(fx.sync.calls[0]).toHaveLength(3);
    expect(['a-crit', 'a-high', 'a-high2'].map((id) => fx.alert(id).status)).toEqual(['dismissed', 'dismissed', 'dismissed']);

    expect(inbox.undo(result.undoId!)).toEqual({ restored: 3, skipped: 0 });
    expect(['a-crit', 'a-high', 'a-high2'].map((id) => fx.alert(id).status)).toEqual(['new', 'new', 'new']);
    expect(fx.sync.calls).toHaveLength(2);
    expectAppError(() => inbox.undo(result.undoId!), 'not_found', /no longer be undone/);
  });

  it('undo keeps a newer change made since', () => {
    const inbox = serviceFor(agentA);
    const { undoId } = inbox.change(['a-crit', 'a-high'], 'contacted');
    inbox.change(['a-high'], 'converted');
    expect(inbox.undo(undoId!)).toEqual({ restored: 1, skipped: 1 });
    expect(fx.alert('a-crit')).toMatchObject({ status: 'new', first_contacted_at: null });
    expect(fx.alert('a-high').status).toBe('converted');
  });

  it("refuses a bulk change that includes another agent's alert, and changes none of them", () => {
    expectAppError(() => serviceFor(agentA).change(['a-crit', 'a-bo'], 'dismissed'), 'forbidden', /assigned to another agent.*Nothing was changed/);
    expect(fx.alert('a-crit').status).toBe('new');
    expect(outbox()).toEqual([]);
  });

  it('lets managers assign (and undo), not agents; refuses unknown assignees', () => {
    expectAppError(() => serviceFor(agentA).assign(['a-high2'], AGENT_A), 'forbidden', /Only a manager/);
    const inbox = serviceFor(manager);
    expectAppError(() => inbox.assign(['a-high2'], 'agent-from-elsewhere'), 'invalid_input', /not an active agent/);
    expect(outbox()).toEqual([]);

    const { undoId, changed } = inbox.assign(['a-high2', 'a-bo'], AGENT_B);
    expect(changed).toBe(1); // a-bo already was Blake's
    expect(fx.alert('a-high2').assigned_agent_id).toBe(AGENT_B);
    inbox.undo(undoId!);
    expect(fx.alert('a-high2').assigned_agent_id).toBeNull();
    expect(inbox.assignees().map((person) => person.name)).toEqual(['Avery Agent', 'Blake Agent', 'Morgan Manager']);
  });
});

describe('outcomes', () => {
  it('logs an outcome with its status change, in one edit batch', () => {
    const inbox = serviceFor(agentA);
    const detail = inbox.logOutcome('a-crit', 'listing_signed', 'Signed at the kitchen table');
    expect(detail.alert).toMatchObject({ status: 'converted', firstContactedAt: NOW.toISOString(), responseMinutes: 28 * 60 });
    expect(detail.outcomes).toEqual([expect.objectContaining({ outcome: 'listing_signed', note: 'Signed at the kitchen table', recordedBy: 'Avery Agent' })]);
    expect(detail.timeline[0]).toMatchObject({ kind: 'outcome', title: 'Listing signed (sell alert) — Avery Agent' });
    expect(fx.sync.calls.at(-1)!.map((edit) => edit.table)).toEqual(['alert_outcomes', 'alerts']);

    inbox.logOutcome('a-high', 'not_interested', '');
    expect(fx.alert('a-high')).toMatchObject({ status: 'dismissed', first_contacted_at: NOW.toISOString() });
  });

  it("refuses outcomes on another agent's alert or in the future", () => {
    const inbox = serviceFor(agentA);
    expectAppError(() => inbox.logOutcome('a-bo', 'reached', ''), 'forbidden');
    expectAppError(() => inbox.logOutcome('a-crit', 'reached', '', '2027-01-01T00:00:00.000Z'), 'invalid_input', /future/);
    expect(outbox()).toEqual([]);
  });
});

describe('the IPC boundary', () => {
  it('refuses wrong types before the service runs', async () => {
    const handlers = { changeAlerts: async () => ({ changed: 99, undoId: null }) } as unknown as OperationHandlers;
    const refuse = async (op: string, input: unknown) => {
      const result = await dispatch(handlers, op, input);
      expect(result.ok).toBe(false);
      return (result as { error: { code: string; message: string } }).error;
    };
    expect(await refuse('changeAlerts', { ids: [], action: 'dismissed' })).toEqual({ code: 'invalid_input', message: 'ids: Select at least one alert' });
    expect((await refuse('changeAlerts', { ids: ['a-1'], action: 'explode' })).code).toBe('invalid_input');
    expect((await refuse('changeAlerts', { ids: ['a-1'], action: 'snoozed' })).message).toMatch(/until when/);
    expect((await refuse('changeAlerts', { ids: ['../../etc'], action: 'dismissed' })).message).toMatch(/not a record id/);
    expect((await refuse('logAlertOutcome', { id: 'a-1', outcome: 'won_the_lottery' })).code).toBe('invalid_input');
    expect((await refuse('listInbox', { filters: { priorities: ['URGENT'] } })).code).toBe('invalid_input');
    expect((await refuse('saveNotificationPreferences', { minPriority: 'HIGH', doNotDisturb: false, quietHours: { enabled: true, start: '25:00', end: '07:00' } })).message).toMatch(/21:00/);
  });
});

// Every contact, note, task and activity operation through the real IPC boundary (contract validation
// + handler) on a migrated replica: what it changes, what it queues for the server, and what it refuses
// (bad input, an agent trying a manager's action) without changing anything.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperationHandlers, OperationInput, OperationOutput } from '../ipc/contract.ts';
import { dispatch } from '../ipc/dispatch.ts';
import type { OperationName } from '../ipc/operations.ts';
import { createCrm, type Crm } from './crm-handlers.ts';
import { AGENT, B1, createCrmFixture, MANAGER, OTHER_AGENT, type CrmFixture } from './testing/crm-fixture.ts';

let fx: CrmFixture;
let crm: Crm;

const signIn = (userId: string, role: 'agent' | 'manager') => {
  fx = createCrmFixture(userId);
  crm = createCrm({ store: () => fx.store, sync: () => ({ mutate: (edits) => fx.replica.mutate(edits) }), user: () => ({ id: userId, role, brokerageId: B1 }), notifier: null });
};

async function call<N extends OperationName>(operation: N, input?: OperationInput<N>): Promise<OperationOutput<N>> {
  const result = await dispatch(crm.handlers as unknown as OperationHandlers, operation, input);
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
  return result.value as OperationOutput<N>;
}

const outboxSize = () => (fx.store.sqlite.prepare('SELECT count(*) AS n FROM local_outbox').get() as { n: number }).n;
const row = (table: string, id: string) => fx.store.sqlite.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(id) as Record<string, unknown> | undefined;

/** Runs a call that must fail, and proves it changed nothing. */
async function refused<N extends OperationName>(operation: N, input: OperationInput<N>, code: string, message?: RegExp) {
  const before = outboxSize();
  const error = (await call(operation, input).catch((e: unknown) => e)) as Error & { code?: string };
  expect(error).toBeInstanceOf(Error);
  expect(error.code).toBe(code);
  if (message) expect(error.message).toMatch(message);
  expect(outboxSize()).toBe(before);
}

afterEach(() => {
  crm.close();
  fx.close();
});

describe('contacts as an agent', () => {
  beforeEach(() => signIn(AGENT, 'agent'));

  it('lists, sorts by score (best open alert) and filters by stage, tag, owner, zip, score and words', async () => {
    const all = await call('listContacts', { sort: 'score', direction: 'desc' });
    expect(all.total).toBe(3);
    expect(all.items.map((c) => [c.id, c.score])).toEqual([
      ['c1', 0.82], // the dismissed 0.95 alert does not count
      ['c2', 0.55],
      ['c3', null],
    ]);
    expect(all.items[0]).toMatchObject({ name: 'Margaret Johnson', ownerName: 'Avery Agent', tags: ['vip'] });
    expect(all.tags).toEqual(['investor', 'vip']);
    expect((await call('listContacts', { stages: ['sphere', 'past_client'] })).items.map((c) => c.id)).toEqual(['c3', 'c2']);
    expect((await call('listContacts', { tag: 'investor' })).items.map((c) => c.id)).toEqual(['c2']);
    expect((await call('listContacts', { owner: 'unassigned' })).items.map((c) => c.id)).toEqual(['c3']);
    expect((await call('listContacts', { owner: 'me' })).total).toBe(2);
    expect((await call('listContacts', { zipcode: '981' })).items.map((c) => c.id)).toEqual(['c1']);
    expect((await call('listContacts', { minScore: 0.6 })).items.map((c) => c.id)).toEqual(['c1']);
    expect((await call('listContacts', { search: 'hadad' })).items.map((c) => c.id)).toEqual(['c3']);
    expect((await call('listContacts', { search: 'elm st' })).items.map((c) => c.id)).toEqual(['c2']);
    expect((await call('listContacts', { limit: 1, offset: 1 })).items).toHaveLength(1);
    await refused('listContacts', { zipcode: 'abc' }, 'invalid_input', /zip/);
  });

  it('shows a contact page: details, properties, alerts, notes, tasks, campaigns and one timeline', async () => {
    await call('addNote', { contactId: 'c1', body: 'Prefers **texts**' });
    await call('logActivity', { contactId: 'c1', kind: 'call', summary: 'Left a voicemail' });
    await call('createTask', { title: 'Send CMA', contactId: 'c1', dueAt: '2030-01-01T10:00:00.000Z' });
    const page = await call('getContact', { id: 'c1' });
    expect(page.contact).toMatchObject({ id: 'c1', firstName: 'Margaret', email: 'maggie@example.com', score: 0.82, pendingChanges: 0 });
    expect(page.alerts.map((a) => a.id)).toEqual(['a3', 'a1']);
    expect(page.notes).toEqual([expect.objectContaining({ body: 'Prefers **texts**', authorName: 'Avery Agent' })]);
    expect(page.tasks).toEqual([expect.objectContaining({ title: 'Send CMA', assigneeId: AGENT, overdue: false })]);
    expect(page.campaigns).toEqual([expect.objectContaining({ campaignName: 'Spring market update', status: 'sent' })]);
    expect(page.timeline.map((entry) => entry.kind).sort()).toEqual(['activity', 'campaign', 'event', 'note', 'outcome']);
    expect(page.timeline.find((entry) => entry.kind === 'outcome')).toMatchObject({ type: 'reached', text: 'Thinking about spring' });
    await refused('getContact', { id: 'nope' }, 'not_found');
    await refused('getContact', { id: 'bad id!' }, 'invalid_input');
  });

  it('creates a contact (theirs, queued for the server) and refuses one without name or email', async () => {
    const { id } = await call('createContact', { firstName: 'Quinn', lastName: 'Lee', email: 'Quinn@Example.com', phone: '206 555 0142', tags: ['open-house'] });
    expect(row('contacts', id)).toMatchObject({ first_name: 'Quinn', email: 'quinn@example.com', stage: 'lead', assigned_agent_id: AGENT, tags: '["open-house"]' });
    expect(fx.replica.nextBatch(10)).toEqual([expect.objectContaining({ table: 'contacts', op: 'insert', pk: id })]);
    await refused('createContact', { firstName: ' ', lastName: '' }, 'invalid_input', /name or an email/);
    await refused('createContact', { firstName: 'X', email: 'not-an-email' }, 'invalid_input', /valid email/);
    await refused('createContact', { firstName: 'X', phone: '12' }, 'invalid_input', /7 digits/);
    await refused('createContact', { firstName: 'X', zipcode: '9810' }, 'invalid_input', /5 digits/);
    await refused('createContact', { firstName: 'X', stage: 'vip' as never }, 'invalid_input');
  });

  it('edits, changes stage (logged on the timeline) and tags', async () => {
    await call('updateContact', { id: 'c3', changes: { stage: 'active', phone: '' } });
    expect(row('contacts', 'c3')).toMatchObject({ stage: 'active', phone: null });
    expect((await call('getContact', { id: 'c3' })).timeline[0]).toMatchObject({ kind: 'activity', type: 'status_change', text: 'Stage: sphere → active' });
    expect(await call('tagContacts', { ids: ['c1', 'c3'], add: ['spring'], remove: ['vip'] })).toEqual({ changed: 2 });
    expect(JSON.parse(String(row('contacts', 'c1')!.tags))).toEqual(['spring']);
    expect(await call('tagContacts', { ids: ['c1'], add: ['spring'] })).toEqual({ changed: 0 });
    await refused('updateContact', { id: 'c3', changes: {} }, 'invalid_input', /at least one/);
    await refused('updateContact', { id: 'missing', changes: { firstName: 'A' } }, 'not_found');
    await refused('tagContacts', { ids: ['c1', 'missing'], add: ['x'] }, 'not_found');
  });

  it('refuses to assign contacts or tasks to others, with a clear reason, changing nothing', async () => {
    await refused('assignContacts', { ids: ['c1'], agentId: OTHER_AGENT }, 'forbidden', /Only a manager can assign contacts/);
    await refused('createTask', { title: 'Call', assigneeId: OTHER_AGENT }, 'forbidden', /Only a manager/);
    expect(row('contacts', 'c1')).toMatchObject({ assigned_agent_id: AGENT });
  });

  it('deletes with undo: gone from lists and search, back after restore', async () => {
    await call('deleteContact', { id: 'c3' });
    expect(row('contacts', 'c3')!.deleted_at).toEqual(expect.any(String));
    expect((await call('listContacts')).items.map((c) => c.id)).not.toContain('c3');
    expect(await call('search', { query: 'haddad' })).toEqual([]);
    await refused('getContact', { id: 'c3' }, 'not_found');
    await call('restoreContact', { id: 'c3' });
    expect(row('contacts', 'c3')!.deleted_at).toBeNull();
    expect((await call('search', { query: 'haddad' }))[0]).toMatchObject({ kind: 'contact', id: 'c3' });
    await refused('deleteContact', { id: 'missing' }, 'not_found');
  });

  it('finds duplicates by email (any case) and merges with a preview of what wins', async () => {
    await call('addNote', { contactId: 'c2', body: 'Old note on the duplicate' });
    await call('logActivity', { contactId: 'c2', kind: 'email', summary: 'Sent listing' });
    await call('createTask', { title: 'Follow up', contactId: 'c2' });
    const groups = await call('findDuplicateContacts');
    expect(groups).toEqual([expect.objectContaining({ reason: 'email', value: 'maggie@example.com', contacts: [expect.objectContaining({ id: 'c1' }), expect.objectContaining({ id: 'c2' })] })]);
    const preview = await call('previewContactMerge', { survivorId: 'c1', otherId: 'c2' });
    expect(preview.fields.find((f) => f.field === 'first_name')).toMatchObject({ survivor: 'Margaret', other: 'Maggie', result: 'Margaret', from: 'survivor' });
    expect(preview.fields.find((f) => f.field === 'source')).toMatchObject({ survivor: '', other: 'referral', result: 'referral', from: 'other' });
    expect(preview.fields.find((f) => f.field === 'tags')).toMatchObject({ result: 'vip, investor' });
    expect(preview.moves).toEqual({ notes: 1, tasks: 1, activities: 1, properties: 1, alerts: 1 });
    expect(row('contacts', 'c2')!.deleted_at).toBeNull(); // a preview changes nothing

    await call('mergeContacts', { survivorId: 'c1', otherId: 'c2' });
    expect(row('contacts', 'c2')!.deleted_at).toEqual(expect.any(String));
    expect(row('contacts', 'c1')).toMatchObject({ first_name: 'Margaret', source: 'referral', tags: '["vip","investor"]' });
    expect(row('properties', 'p2')).toMatchObject({ contact_id: 'c1' });
    expect(row('alerts', 'a2')).toMatchObject({ contact_id: 'c1' });
    const page = await call('getContact', { id: 'c1' });
    expect(page.notes.map((n) => n.body)).toContain('Old note on the duplicate');
    expect(page.tasks.map((t) => t.title)).toContain('Follow up');
    expect(page.timeline.some((e) => e.kind === 'activity' && e.text === 'Sent listing')).toBe(true);
    expect(page.timeline.some((e) => e.type === 'status_change' && /Merged with Maggie Johnson/.test(e.text))).toBe(true);
    expect(await call('findDuplicateContacts')).toEqual([]);
    await refused('mergeContacts', { survivorId: 'c1', otherId: 'c1' }, 'invalid_input', /two different/);
    await refused('mergeContacts', { survivorId: 'c1', otherId: 'c2' }, 'not_found');
  });

  it('adds append-only notes and lets only their author (or a manager) delete one', async () => {
    const { id } = await call('addNote', { contactId: 'c1', body: '<img src=x onerror=alert(1)> stays text' });
    expect(row('notes', id)).toMatchObject({ body: '<img src=x onerror=alert(1)> stays text', author_id: AGENT });
    await refused('addNote', { contactId: 'c1', body: '   ' }, 'invalid_input', /Write something/);
    await refused('addNote', { contactId: 'missing', body: 'x' }, 'not_found');
    fx.apply('notes', [{ id: 'n-mgr', brokerage_id: B1, contact_id: 'c1', author_id: MANAGER, body: 'Manager note' }]);
    await refused('deleteNote', { id: 'n-mgr' }, 'forbidden', /author or a manager/);
    await call('deleteNote', { id });
    expect(row('notes', id)!.deleted_at).toEqual(expect.any(String));
  });

  it('keeps tasks: due date, priority, overdue view, completion, deletion', async () => {
    const now = Date.now();
    const late = await call('createTask', { title: 'Overdue call', priority: 'high', dueAt: new Date(now - 3_600_000).toISOString(), contactId: 'c1' });
    const later = await call('createTask', { title: 'Next week', dueAt: new Date(now + 7 * 86_400_000).toISOString() });
    const overdue = await call('listTasks', { view: 'overdue' });
    expect(overdue.items.map((t) => t.id)).toEqual([late.id]);
    expect(overdue.items[0]).toMatchObject({ overdue: true, priority: 'high', contactName: 'Margaret Johnson', assigneeName: 'Avery Agent' });
    expect((await call('listTasks', { view: 'upcoming' })).items.map((t) => t.id)).toEqual([later.id]);
    expect((await call('listTasks')).overdue).toBe(1);
    await call('updateTask', { id: late.id, changes: { completed: true } });
    expect((await call('listTasks', { view: 'completed' })).items.map((t) => t.id)).toEqual([late.id]);
    expect((await call('listTasks', { view: 'overdue' })).items).toEqual([]);
    await call('deleteTask', { id: later.id });
    expect((await call('listTasks', { view: 'open' })).items).toEqual([]);
    await refused('createTask', { title: '' }, 'invalid_input', /title/);
    await refused('createTask', { title: 'x', dueAt: 'tomorrow' }, 'invalid_input');
    await refused('updateTask', { id: later.id, changes: { title: 'x' } }, 'not_found');
    await refused('updateTask', { id: late.id, changes: { assigneeId: OTHER_AGENT } }, 'forbidden');
  });

  it('logs activities (two clicks: contact + kind) and refuses the future or another contact\u2019s alert', async () => {
    const { id } = await call('logActivity', { contactId: 'c1', kind: 'showing', alertId: 'a1' });
    expect(row('activities', id)).toMatchObject({ kind: 'showing', contact_id: 'c1', alert_id: 'a1', user_id: AGENT });
    await refused('logActivity', { contactId: 'c1', kind: 'call', occurredAt: '2999-01-01T00:00:00.000Z' }, 'invalid_input', /future/);
    await refused('logActivity', { contactId: 'c3', kind: 'call', alertId: 'a1' }, 'invalid_input', /another contact/);
    await refused('logActivity', { contactId: 'c1', kind: 'status_change' as never }, 'invalid_input');
  });
});

describe('contacts as a manager', () => {
  beforeEach(() => signIn(MANAGER, 'manager'));

  it('assigns contacts and tasks to an agent, and refuses an unknown one', async () => {
    expect(await call('assignContacts', { ids: ['c1', 'c3'], agentId: OTHER_AGENT })).toEqual({ changed: 2 });
    expect(row('contacts', 'c3')).toMatchObject({ assigned_agent_id: OTHER_AGENT });
    const { id } = await call('createTask', { title: 'Call Ahmed', contactId: 'c3', assigneeId: OTHER_AGENT });
    expect(row('tasks', id)).toMatchObject({ assignee_id: OTHER_AGENT, created_by: MANAGER });
    await refused('assignContacts', { ids: ['c1'], agentId: 'ghost' }, 'not_found', /not in your brokerage/);
    expect(await call('assignContacts', { ids: ['c1'], agentId: null })).toEqual({ changed: 1 });
    expect((await call('listContactOwners')).map((owner) => owner.name)).toEqual(['Avery Agent', 'Blake Agent', 'Morgan Manager']);
  });

  it('a manager\u2019s contact starts unassigned', async () => {
    const { id } = await call('createContact', { firstName: 'Ivy' });
    expect(row('contacts', id)).toMatchObject({ assigned_agent_id: null });
  });
});

describe('signed out', () => {
  it('answers unauthenticated', async () => {
    fx = createCrmFixture();
    crm = createCrm({ store: () => null, sync: () => null, user: () => null, notifier: null });
    await expect(call('listContacts')).rejects.toMatchObject({ code: 'unauthenticated' });
  });
});

// The CRM's writes against a real sync server (PGlite): every kind of edit the contacts, notes, tasks,
// activities, merge and import operations queue is accepted by the server's own checks (nothing ends up
// refused), lands in Postgres as made, and the search index follows what sync brings down.
import { eq } from 'drizzle-orm';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activities, alerts, brokerages, contacts, notes, properties, tasks } from '../../db/schema/pg.ts';
import { createAppServices, type AppServices } from '../../electron/app-services.ts';
import { createMemorySecretStore } from '../../electron/secrets/secret-store.ts';
import { createTestDatabase, type TestDatabase } from '../../sync-server/testing/test-databases.ts';
import { createTestUser, startTestServer, type TestServer, type TestUser } from '../../sync-server/testing/test-server.ts';
import { eventually as eventuallyWithin } from '../support/eventually.ts';

const BROKERAGE = 'b-crm-server';

const eventually = <T>(read: () => T | Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000) => eventuallyWithin(read, check, timeoutMs);

describe('CRM edits against a real sync server', () => {
  let database: TestDatabase;
  let server: TestServer;
  let agent: TestUser;
  let app: AppServices;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await startTestServer({ kind: 'pglite', createDatabase: async () => database }, { liveTimeoutMs: 2_000 });
    await server.db.insert(brokerages).values({ id: BROKERAGE, name: 'CRM Realty' });
    agent = await createTestUser(server.db, { role: 'agent', brokerageId: BROKERAGE, name: 'Avery Agent' });
    await server.db.insert(contacts).values([
      { id: 'c-keep', brokerageId: BROKERAGE, assignedAgentId: agent.id, firstName: 'Harriet', lastName: 'Vane', email: 'harriet@vane.example' },
      { id: 'c-dupe', brokerageId: BROKERAGE, assignedAgentId: agent.id, firstName: 'Harriet', lastName: 'Vane', email: 'HARRIET@vane.example', phone: '206-555-0160', source: 'open_house' },
    ]);
    await server.db.insert(properties).values({ id: 'p-dupe', brokerageId: BROKERAGE, contactId: 'c-dupe', address: '12 Wimsey Lane', zipcode: '98103' });
    await server.db.insert(alerts).values({ id: 'a-dupe', brokerageId: BROKERAGE, contactId: 'c-dupe', propertyId: 'p-dupe', type: 'sell', probability: 0.8, priority: 'HIGH', status: 'new' });
    app = await createAppServices({
      dataDir: mkdtempSync(path.join(tmpdir(), 'roi-crm-server-')),
      serverUrl: server.url,
      shell: 'browser',
      secrets: createMemorySecretStore(),
      syncTimings: { restartDelayMs: 200, pushMinDelayMs: 50, pushMaxDelayMs: 400 },
    });
    await app.handlers.signIn({ email: agent.email, password: agent.password });
    await eventually(() => app.sync()?.upToDate(), Boolean);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await server?.close();
    await database?.drop();
  });

  it('creates, notes, tasks, logs, merges, deletes, restores and imports — all accepted by the server', async () => {
    const h = app.handlers;
    const { id } = await h.createContact({ firstName: 'Peter', lastName: 'Wimsey', email: 'peter@wimsey.example', phone: '206 555 0199', tags: ['vip'] });
    await h.updateContact({ id, changes: { stage: 'active', zipcode: '98109' } });
    await h.tagContacts({ ids: [id], add: ['investor'], remove: [] });
    const note = await h.addNote({ contactId: id, body: 'Prefers **email**' });
    const task = await h.createTask({ title: 'Send comps', description: '', priority: 'high', dueAt: '2030-01-01T10:00:00.000Z', remindAt: '2029-12-31T10:00:00.000Z', contactId: id });
    await h.updateTask({ id: task.id, changes: { completed: true } });
    await h.logActivity({ contactId: id, kind: 'showing', summary: 'Toured 12 Wimsey Lane' });
    await h.mergeContacts({ survivorId: 'c-keep', otherId: 'c-dupe' });
    await h.deleteContact({ id });
    await h.restoreContact({ id });
    const upload = await h.uploadImportChunk({ fileName: 'old.csv', chunk: Buffer.from('Name,Email,Phone\n"Vane, Bunter",bunter@example.com,206-555-0111\nBad Row,nope,\n').toString('base64'), last: true });
    const imported = await h.runImport({ importId: upload.parsed!.importId, mapping: upload.parsed!.mapping });
    expect(imported).toMatchObject({ phase: 'done', imported: 1 });

    await eventually(() => h.getSyncStatus(), (status) => status.pendingChanges === 0, 30_000);
    expect(await h.getSyncStatus()).toMatchObject({ pendingChanges: 0, failedChanges: 0 });
    expect(await h.listRejectedChanges()).toEqual([]);

    const [peter] = await server.db.select().from(contacts).where(eq(contacts.id, id));
    expect(peter).toMatchObject({ stage: 'active', zipcode: '98109', tags: ['vip', 'investor'], deletedAt: null, assignedAgentId: agent.id });
    expect((await server.db.select().from(notes).where(eq(notes.id, note.id)))[0]).toMatchObject({ body: 'Prefers **email**', authorId: agent.id });
    expect((await server.db.select().from(tasks).where(eq(tasks.id, task.id)))[0]).toMatchObject({ assigneeId: agent.id, completedAt: expect.anything() });
    expect((await server.db.select().from(activities).where(eq(activities.contactId, id))).map((a) => a.kind).sort()).toEqual(['showing', 'status_change']);
    // The merge: re-pointed, united, soft-deleted.
    expect((await server.db.select().from(properties).where(eq(properties.id, 'p-dupe')))[0]?.contactId).toBe('c-keep');
    expect((await server.db.select().from(alerts).where(eq(alerts.id, 'a-dupe')))[0]?.contactId).toBe('c-keep');
    expect((await server.db.select().from(contacts).where(eq(contacts.id, 'c-dupe')))[0]?.deletedAt).not.toBeNull();
    expect((await server.db.select().from(contacts).where(eq(contacts.id, 'c-keep')))[0]).toMatchObject({ phone: '206-555-0160', source: 'open_house' });
    const [bunter] = await server.db.select().from(contacts).where(eq(contacts.email, 'bunter@example.com'));
    expect(bunter).toMatchObject({ firstName: 'Bunter', lastName: 'Vane', source: 'import', assignedAgentId: agent.id });
  }, 90_000);

  it('refuses an agent\u2019s assignment locally, before anything reaches the server', async () => {
    const other = await createTestUser(server.db, { role: 'agent', brokerageId: BROKERAGE });
    await expect(app.handlers.assignContacts({ ids: ['c-keep'], agentId: other.id })).rejects.toMatchObject({ code: 'forbidden' });
    expect(app.sync()!.counts()).toEqual({ pending: 0, failed: 0 });
  });

  it('finds what sync brought down, once indexed in the background', async () => {
    await server.db.insert(contacts).values({ id: 'c-synced', brokerageId: BROKERAGE, assignedAgentId: agent.id, firstName: 'Mervyn', lastName: 'Bunter' });
    await eventually(() => app.handlers.search({ query: 'mervin', limit: 10 }), (hits) => hits.some((hit) => hit.id === 'c-synced'));
    expect((await app.handlers.search({ query: 'wimsey lane', limit: 10 }))[0]).toMatchObject({ kind: 'property', id: 'p-dupe', contactId: 'c-keep' });
  });
});

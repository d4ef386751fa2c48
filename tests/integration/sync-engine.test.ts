// The desktop app's sync engine against a real sync server: two devices sign in through the app
// services, receive exactly their scope into SQLite, edit offline, and converge through the server.
import { eq, sql } from 'drizzle-orm';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerages, contacts, notes } from '../../db/schema/pg.ts';
import { createAppServices, type AppServices } from '../../electron/app-services.ts';
import { createMemorySecretStore } from '../../electron/secrets/secret-store.ts';
import { rowsOf } from '../../sync-server/database.ts';
import { createTestDatabase, type TestDatabase } from '../../sync-server/testing/test-databases.ts';
import type { TestBackend } from '../../sync-server/testing/backends.ts';
import { createTestUser, startTestServer, type TestServer, type TestUser } from '../../sync-server/testing/test-server.ts';

const BROKERAGE = 'b-sync-engine';

async function eventually<T>(read: () => T | Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('sync engine against a real server', () => {
  let database: TestDatabase;
  let server: TestServer;
  let manager: TestUser;
  let agent: TestUser;
  let other: TestUser;
  const opened: AppServices[] = [];
  const sameDatabase: TestBackend = { kind: 'pglite', createDatabase: async () => database };

  const openDevice = async (user: TestUser, serverUrl = server.url): Promise<AppServices> => {
    const services = await createAppServices({
      dataDir: mkdtempSync(path.join(tmpdir(), 'roi-sync-device-')),
      serverUrl,
      shell: 'browser',
      secrets: createMemorySecretStore(),
      syncTimings: { restartDelayMs: 200, pushMinDelayMs: 50, pushMaxDelayMs: 500 },
    });
    opened.push(services);
    await services.handlers.signIn({ email: user.email, password: user.password });
    return services;
  };
  const rows = (services: AppServices, query: string, ...params: unknown[]) => services.store()!.sqlite.prepare(query).all(...params) as Record<string, unknown>[];
  const contactPhone = (services: AppServices, id: string) => rows(services, 'SELECT phone FROM contacts WHERE id = ?', id)[0]?.phone;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await startTestServer(sameDatabase, { liveTimeoutMs: 2_000 });
    await server.db.insert(brokerages).values({ id: BROKERAGE, name: 'Sync Engine Realty' });
    manager = await createTestUser(server.db, { role: 'manager', brokerageId: BROKERAGE });
    agent = await createTestUser(server.db, { role: 'agent', brokerageId: BROKERAGE });
    other = await createTestUser(server.db, { role: 'agent', brokerageId: BROKERAGE });
    await server.db.insert(contacts).values([
      { id: 'c-mine', brokerageId: BROKERAGE, assignedAgentId: agent.id, firstName: 'Mina', lastName: 'Mine', phone: '555-0101' },
      { id: 'c-open', brokerageId: BROKERAGE, assignedAgentId: null, firstName: 'Otto', lastName: 'Open' },
      { id: 'c-theirs', brokerageId: BROKERAGE, assignedAgentId: other.id, firstName: 'Theo', lastName: 'Theirs' },
    ]);
    await server.db.insert(notes).values({ id: 'n-theirs', brokerageId: BROKERAGE, contactId: 'c-theirs', body: 'private to the other agent' });
  });

  afterAll(async () => {
    for (const services of opened) await services.close();
    await server?.close();
    await database?.drop();
  });

  it('replicates exactly the signed-in user\u2019s scope into SQLite', async () => {
    const device = await openDevice(agent);
    await eventually(() => device.sync()?.upToDate(), Boolean);
    expect(rows(device, 'SELECT id FROM contacts ORDER BY id').map((r) => r.id)).toEqual(['c-mine', 'c-open']);
    expect(rows(device, 'SELECT id FROM notes')).toEqual([]);
    const managerDevice = await openDevice(manager);
    await eventually(() => managerDevice.sync()?.upToDate(), Boolean);
    expect(rows(managerDevice, 'SELECT id FROM contacts ORDER BY id').map((r) => r.id)).toEqual(['c-mine', 'c-open', 'c-theirs']);
    expect(rows(managerDevice, 'SELECT body FROM notes')).toEqual([{ body: 'private to the other agent' }]);
  });

  it('applies a local edit at once, pushes it, and another device receives it live', async () => {
    const [agentDevice, managerDevice] = [opened[0]!, opened[1]!];
    agentDevice.sync()!.mutate([{ table: 'contacts', op: 'update', id: 'c-mine', changes: { phone: '555-0199' } }]);
    expect(contactPhone(agentDevice, 'c-mine')).toBe('555-0199'); // optimistic, before any network
    await eventually(() => contactPhone(managerDevice, 'c-mine'), (phone) => phone === '555-0199');
    const [onServer] = await server.db.select().from(contacts).where(eq(contacts.id, 'c-mine'));
    expect(onServer?.phone).toBe('555-0199');
    await eventually(() => agentDevice.sync()!.counts().pending, (pending) => pending === 0);
    expect(await agentDevice.handlers.getSyncStatus()).toMatchObject({ pendingChanges: 0, failedChanges: 0 });
  });

  it('keeps edits made offline, survives a restart, and converges when the server is back', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'roi-sync-offline-'));
    const secrets = createMemorySecretStore();
    const open = (serverUrl: string) =>
      createAppServices({ dataDir, serverUrl, shell: 'browser', secrets, syncTimings: { restartDelayMs: 200, pushMinDelayMs: 50, pushMaxDelayMs: 300 } });
    const online = await open(server.url);
    await online.handlers.signIn({ email: agent.email, password: agent.password });
    await eventually(() => online.sync()?.upToDate(), Boolean);
    await online.close();

    // The server stops; the app restarts offline from the remembered session and the user keeps working.
    await server.close();
    const offline = await open(server.url);
    expect(await offline.handlers.getSession()).toMatchObject({ offline: true });
    offline.sync()!.mutate([
      { table: 'contacts', op: 'update', id: 'c-open', changes: { phone: '555-0142', stage: 'prospect' } },
      { table: 'notes', op: 'insert', id: 'n-offline', changes: { contact_id: 'c-open', body: 'Met at the open house' } },
    ]);
    expect(offline.sync()!.counts().pending).toBe(2);
    await offline.close(); // "crash": nothing pushed yet

    server = await startTestServer(sameDatabase, { liveTimeoutMs: 2_000, port: Number(new URL(server.url).port) });
    // Meanwhile the manager changed another field of the same contact: both edits must survive.
    await server.db.update(contacts).set({ lastName: 'Openshaw' }).where(eq(contacts.id, 'c-open'));
    const back = await open(server.url);
    opened.push(back);
    expect(back.sync()!.counts().pending).toBe(2);
    await eventually(() => back.sync()!.counts().pending, (pending) => pending === 0, 20_000);
    const local = rows(back, 'SELECT phone, stage, last_name FROM contacts WHERE id = ?', 'c-open')[0];
    expect(local).toEqual({ phone: '555-0142', stage: 'prospect', last_name: 'Openshaw' });
    const [remote] = await server.db.select().from(contacts).where(eq(contacts.id, 'c-open'));
    expect({ phone: remote?.phone, stage: remote?.stage, lastName: remote?.lastName }).toEqual({ phone: '555-0142', stage: 'prospect', lastName: 'Openshaw' });
    const [note] = await server.db.select().from(notes).where(eq(notes.id, 'n-offline'));
    expect(note).toMatchObject({ body: 'Met at the open house', authorId: agent.id });
  });

  it('shows a refused edit with its reason and restores the server version', async () => {
    const device = opened[0]!;
    device.sync()!.mutate([{ table: 'contacts', op: 'update', id: 'c-mine', changes: { assigned_agent_id: other.id } }]);
    await eventually(() => device.sync()!.counts().failed, (failed) => failed === 1);
    const [rejected] = await device.handlers.listRejectedChanges();
    expect(rejected).toMatchObject({ tableName: 'contacts', rowId: 'c-mine', reason: expect.stringMatching(/manager/) });
    expect(rows(device, 'SELECT assigned_agent_id FROM contacts WHERE id = ?', 'c-mine')[0]?.assigned_agent_id).toBe(agent.id);
    expect(await device.handlers.dismissRejectedChange({ id: rejected!.id })).toEqual({ dismissed: true });
    expect(device.sync()!.counts().failed).toBe(0);
    const [{ count } = { count: 0 }] = rowsOf<{ count: number }>(await server.db.execute(sql`SELECT count(*)::int AS count FROM contacts WHERE assigned_agent_id = ${other.id}`));
    expect(count).toBe(1);
  });
});

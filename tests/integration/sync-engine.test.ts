// The desktop app's sync engine against a real sync server: two devices sign in through the app
// services, receive exactly their scope into SQLite, edit offline, and converge through the server.
import { eq, sql } from 'drizzle-orm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup, openForSeeding, startServerProcess, type ServerProcess } from '../../bench/support/sync-server-process.ts';
import { seedBrokerage, type SeededBrokerage } from '../../bench/support/sync-seed.ts';
import { brokerages, contacts, notes } from '../../db/schema/pg.ts';
import { createAppServices, type AppServices } from '../../electron/app-services.ts';
import type { SyncStatus } from '../../electron/ipc/contract.ts';
import { createMemorySecretStore } from '../../electron/secrets/secret-store.ts';
import { openLocalStore } from '../../electron/store/local-store.ts';
import { startSyncEngine } from '../../electron/sync/sync-engine.ts';
import { rowsOf } from '../../sync-server/database.ts';
import { createTestDatabase, type TestDatabase } from '../../sync-server/testing/test-databases.ts';
import type { TestBackend } from '../../sync-server/testing/backends.ts';
import { createTestUser, startTestServer, type TestServer, type TestUser } from '../../sync-server/testing/test-server.ts';
import { startFaultProxy } from '../support/fault-proxy.ts';
import { openTestDevice, pendingEditProblems, signInDevice, storedShapes, tokensOf } from '../support/sync-device.ts';
import { eventually as eventuallyWithin } from '../support/eventually.ts';

const BROKERAGE = 'b-sync-engine';

const eventually = <T>(read: () => T | Promise<T>, check: (value: T) => boolean, timeoutMs = 10_000) => eventuallyWithin(read, check, timeoutMs);

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

  it('refreshes a refused access token through the main thread and carries on (401)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roi-sync-401-'));
    const session = await signInDevice(server.url, manager, '401 laptop');
    const real = tokensOf(session, server.url);
    let token = 'not-a-valid-token';
    let refreshes = 0;
    const store = openLocalStore(path.join(dir, 'replica.sqlite'), manager.id);
    const errors: string[] = [];
    const engine = startSyncEngine({
      store,
      serverUrl: server.url,
      deviceId: session.deviceId,
      user: { id: manager.id, brokerageId: BROKERAGE },
      accessToken: async () => token,
      refreshAccessToken: async () => {
        refreshes++;
        token = await real.refreshAccessToken();
        return token;
      },
      tables: ['contacts', 'notes', 'tasks'],
      timings: { restartDelayMs: 200, pushMinDelayMs: 50, pushMaxDelayMs: 500 },
      onError: (message) => errors.push(message),
    });
    try {
      await eventually(() => engine.upToDate(), Boolean, 20_000);
      expect(refreshes).toBeGreaterThanOrEqual(1);
      // Streams refused together share one refresh (rotating refresh tokens must not be spent twice).
      expect(refreshes).toBeLessThanOrEqual(2);
      expect(errors.every((e) => /401|Unauthorized|token/i.test(e)), errors.join('\n')).toBe(true);
      expect((store.sqlite.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n).toBe(3);
    } finally {
      engine.stop();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a 409 must-refetch rebuilds the table through the worker and keeps an edit that is still in flight', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roi-sync-409-'));
    let pushesHeld = true;
    const proxy = await startFaultProxy({ target: server.url, seed: 409, initialMode: 'clean', unavailable: (method, url) => pushesHeld && method === 'POST' && url.startsWith('/v1/mutations') });
    const session = await signInDevice(server.url, manager, '409 laptop');
    const device = openTestDevice({ name: '409', file: path.join(dir, 'replica.sqlite'), serverUrl: proxy.url, session, tables: ['contacts'] });
    try {
      await eventually(() => device.engine.upToDate(), Boolean);
      const before = storedShapes(device.sqlite).get('contacts')!;
      device.engine.mutate([{ table: 'contacts', op: 'update', id: 'c-open', changes: { phone: '555-4090' } }]);
      // The server forgets the shape (as after a scope change): the next request with the handle gets 409.
      await server.db.execute(sql`DELETE FROM sync_shapes`);
      await server.db.update(contacts).set({ lastName: 'Refetched' }).where(eq(contacts.id, 'c-theirs'));
      await eventually(
        () => storedShapes(device.sqlite).get('contacts')!,
        (shape) => shape.handle !== before.handle && shape.upToDate && shape.offset !== '-1',
        20_000,
      );
      expect(device.engine.counts().pending).toBe(1); // still held back by the proxy
      expect(pendingEditProblems(device.sqlite, '409 device')).toEqual([]);
      const local = device.sqlite.prepare('SELECT id, phone, last_name FROM contacts ORDER BY id').all();
      expect(local).toEqual([
        { id: 'c-mine', phone: expect.any(String), last_name: 'Mine' },
        { id: 'c-open', phone: '555-4090', last_name: expect.any(String) },
        { id: 'c-theirs', phone: null, last_name: 'Refetched' },
      ]);
      // The table was fetched from the start twice: at first, and after the 409.
      expect(proxy.requests().filter((r) => r.method === 'GET' && /[?&]offset=-1(&|$)/.test(r.path)).length).toBeGreaterThanOrEqual(2);
      pushesHeld = false;
      await eventually(() => device.engine.counts().pending, (pending) => pending === 0, 20_000);
      const [onServer] = await server.db.select().from(contacts).where(eq(contacts.id, 'c-open'));
      expect(onServer?.phone).toBe('555-4090');
    } finally {
      device.close();
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The read path runs in a worker thread: with the server in another process, the shape worker fetches and
// decodes rows while this (the main) thread is blocked and runs no JavaScript at all; once it is free again
// it stores them, and the replica ends up complete. The main thread's fetch never sees a shape request.
describe('the shape worker', () => {
  let database: TestDatabase;
  let serverProcess: ServerProcess;
  let seeded: SeededBrokerage;
  const cleanup = new Cleanup((line) => console.warn(line));

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    const seeder = await openForSeeding(database);
    try {
      seeded = await seedBrokerage(seeder.db, { brokerageId: 'b-worker', contacts: 2_000, events: 6_000 });
    } finally {
      await seeder.close(); // one process at a time may open a PGlite directory
    }
    serverProcess = await startServerProcess(cleanup, database);
  }, 120_000);

  afterAll(async () => {
    await cleanup.run();
    await database?.drop();
  });

  it('fetches and decodes while the main thread is blocked, and the replica ends complete', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roi-sync-worker-'));
    const session = await signInDevice(serverProcess.url, seeded.managers[0]!, 'worker laptop');
    const store = openLocalStore(path.join(dir, 'replica.sqlite'), session.user.id);
    const mainFetch = globalThis.fetch;
    const mainThreadShapeRequests: string[] = [];
    globalThis.fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/v1/shape')) mainThreadShapeRequests.push(String(input));
      return mainFetch(input, init);
    };
    const engine = startSyncEngine({
      store,
      serverUrl: serverProcess.url,
      deviceId: session.deviceId,
      user: { id: session.user.id, brokerageId: session.user.brokerageId },
      ...tokensOf(session, serverProcess.url),
      tables: ['contacts', 'events'],
      timings: { restartDelayMs: 200 },
    });
    try {
      // Under tsx the worker's modules load through loader hooks that need this thread: wait for that.
      await eventually(() => engine.progress().workerRunning, Boolean, 60_000);
      // Block this thread (no event loop turn, no message handled) until the worker has decoded rows.
      const blocked = new Int32Array(new SharedArrayBuffer(4));
      const deadline = Date.now() + 60_000;
      while (engine.progress().rowsDecoded === 0 && Date.now() < deadline) Atomics.wait(blocked, 0, 0, 25);
      const whileBlocked = engine.progress();
      expect(whileBlocked.rowsDecoded).toBeGreaterThan(0);
      expect(whileBlocked.rowsStored).toBe(0); // storing is this thread's job: nothing could happen yet
      await eventually(() => engine.upToDate(), Boolean, 60_000);
      const count = (table: string) => (store.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      expect({ contacts: count('contacts'), events: count('events') }).toEqual({ contacts: 2_000, events: 6_000 });
      expect(engine.progress().rowsStored).toBe(8_000);
      expect(engine.shapeWorkerThreadId()).toBeGreaterThan(0);
      expect(engine.shapeWorkerThreadId()).not.toBe(threadId);
      expect(mainThreadShapeRequests).toEqual([]);
    } finally {
      globalThis.fetch = mainFetch;
      engine.stop();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('tells the UI how far a first download has come, then that it caught up', async () => {
    const services = await createAppServices({
      dataDir: mkdtempSync(path.join(tmpdir(), 'roi-sync-catch-up-')),
      serverUrl: serverProcess.url,
      shell: 'browser',
      secrets: createMemorySecretStore(),
      statusProgressEveryMs: 0, // every stored batch, so the test sees the count move
    });
    const seen: SyncStatus[] = [];
    services.onEvent((event, payload) => {
      if (event === 'syncStatusChanged') seen.push(payload as SyncStatus);
    });
    try {
      const manager = seeded.managers[0]!;
      await services.handlers.signIn({ email: manager.email, password: manager.password });
      await eventually(() => services.sync()?.upToDate(), Boolean, 60_000);
      await eventually(() => seen.at(-1), (status) => status?.catchUp === null && status.lastSyncAt !== null);
      const counts = seen.flatMap((status) => (status.catchUp ? [status.catchUp.rowsStored] : []));
      expect(counts[0]).toBe(0); // "Syncing…" as soon as the engine starts
      expect(counts.filter((rows) => rows > 0 && rows < 8_000).length).toBeGreaterThan(1); // the count moves during the download
      expect(counts).toEqual([...counts].sort((a, b) => a - b));
      expect(await services.handlers.getSyncStatus()).toMatchObject({ catchUp: null, pendingChanges: 0 });
    } finally {
      await services.close();
    }
  }, 120_000);

  it('starts a worker that died again, from the stored positions, until stopped', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'roi-sync-dead-worker-'));
    const entry = path.join(dir, 'dying-worker.mjs');
    writeFileSync(entry, 'process.exit(3);\n'); // in a worker thread this ends the thread, as a crash would
    const store = openLocalStore(path.join(dir, 'replica.sqlite'), 'u-dead');
    const errors: string[] = [];
    const engine = startSyncEngine({
      store,
      serverUrl: serverProcess.url,
      deviceId: 'dead-worker-device',
      user: { id: 'u-dead', brokerageId: 'b-worker' },
      accessToken: async () => 'unused',
      refreshAccessToken: async () => 'unused',
      tables: ['contacts'],
      timings: { restartDelayMs: 50 },
      shapeWorkerEntry: entry,
      onError: (message) => errors.push(message),
    });
    try {
      await eventually(() => errors.length, (n) => n >= 3, 20_000);
      expect(errors[0]).toMatch(/sync worker stopped \(exit code 3\); it restarts from the stored positions/);
    } finally {
      engine.stop();
    }
    const afterStop = errors.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(errors.length).toBe(afterStop); // stopped: no more restarts
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

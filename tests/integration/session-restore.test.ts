// The app's session against a real sync server (embedded PGlite): sign in, restart the app services and
// resume online; restart with the server down and resume offline from the remembered session; a revoked
// device ends the session at the next start while the local replica stays on disk.
import { eq } from 'drizzle-orm';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devices } from '../../db/schema/pg.ts';
import { createAppServices, type AppServices } from '../../electron/app-services.ts';
import { createMemorySecretStore } from '../../electron/secrets/secret-store.ts';
import { createTestDatabase, type TestDatabase } from '../../sync-server/testing/test-databases.ts';
import type { TestBackend } from '../../sync-server/testing/backends.ts';
import { createTestUser, startTestServer, type TestServer, type TestUser } from '../../sync-server/testing/test-server.ts';

describe('app session against a real sync server', () => {
  let database: TestDatabase;
  let server: TestServer;
  let user: TestUser;
  const secrets = createMemorySecretStore(); // the keychain itself is covered by keytar-secret-store.test.ts
  const dataDir = mkdtempSync(path.join(tmpdir(), 'roi-session-'));
  const open = (serverUrl: string): Promise<AppServices> => createAppServices({ dataDir, serverUrl, shell: 'browser', secrets });

  // One database for the whole suite, so the server can be stopped and started again over the same data.
  const sameDatabase: TestBackend = { kind: 'pglite', createDatabase: async () => database };

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await startTestServer(sameDatabase);
    user = await createTestUser(server.db, { email: 'field.agent@example.test', name: 'Field Agent' });
  });

  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  it('refuses wrong credentials with a clear error and stays signed out', async () => {
    const services = await open(server.url);
    await expect(services.handlers.signIn({ email: user.email, password: 'nope' })).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(await services.handlers.getSession()).toBeNull();
    await services.close();
  });

  it('signs in, keeps only public session data on disk, and resumes online after a restart', async () => {
    const first = await open(server.url);
    const session = await first.handlers.signIn({ email: user.email, password: user.password });
    expect(session).toMatchObject({ user: { id: user.id, email: user.email, role: 'agent' }, offline: false });
    expect(first.store()?.file).toContain(path.join('users', user.id));
    const onDisk = readFileSync(path.join(dataDir, 'session.json'), 'utf8');
    expect(onDisk).not.toMatch(/token/i);
    expect(await secrets.get(`refresh-token:${session.deviceId}`)).toBeTruthy();
    await first.close();

    const second = await open(server.url);
    expect(await second.handlers.getSession()).toMatchObject({ user: { id: user.id }, deviceId: session.deviceId, offline: false });
    await second.close();
  });

  it('starts offline from the remembered session when the server cannot be reached, online again after', async () => {
    const port = Number(new URL(server.url).port);
    await server.close();
    const offline = await open(server.url);
    expect(await offline.handlers.getSession()).toMatchObject({ user: { id: user.id }, offline: true });
    expect(offline.store()).not.toBeNull(); // the replica opens: reads and writes never wait for the network
    await offline.close();

    server = await startTestServer(sameDatabase, { port });
    const online = await open(server.url);
    expect(await online.handlers.getSession()).toMatchObject({ user: { id: user.id }, offline: false });
    await online.close();
  });

  it('ends the session at the next start when the device was revoked, keeping the local replica', async () => {
    const services = await open(server.url);
    const session = (await services.handlers.getSession())!;
    const replica = services.store()!.file;
    await services.close();
    await server.db.update(devices).set({ revokedAt: new Date().toISOString() }).where(eq(devices.id, session.deviceId));

    const after = await open(server.url);
    expect(await after.handlers.getSession()).toBeNull();
    expect(await secrets.get(`refresh-token:${session.deviceId}`)).toBeNull();
    expect(existsSync(replica)).toBe(true);
    await after.close();
  });
});

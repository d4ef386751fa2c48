// The console's API against a real server and database: who may sign in, the cookie and CSRF rules,
// session expiry, a manager's reach (another brokerage's ids are "not found" and change nothing), invite
// links that work once, model upload validation, API key rotation and revocation of devices — each
// action leaving an audit entry.
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { brokerages, contacts, devices, serverModels, users } from '../../db/schema/pg.ts';
import { rowsOf, type ServerDb } from '../database.ts';
import { currentTotpCode } from '../auth/totp.ts';
import { registerBundledModels } from '../models/model-registry.ts';
import { describeOnBothBackends } from '../testing/backends.ts';
import { createTestUser, useTestServer, type AnyJson, type TestServer, type TestUser } from '../testing/test-server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RATE_LIMITS = { loginPerIp: { max: 10_000, windowMs: 60_000 }, loginPerAccount: { max: 10_000, windowMs: 60_000 } };

type ConsoleClient = {
  csrf: string;
  cookie: string;
  user: AnyJson;
  call(method: string, path: string, options?: { body?: unknown; csrf?: string | null; headers?: Record<string, string>; raw?: Buffer | string; contentType?: string }): Promise<{ status: number; body: AnyJson; headers: Headers }>;
};

async function signIn(server: TestServer, user: { email: string; password: string }): Promise<{ status: number; body: AnyJson; headers: Headers; client: ConsoleClient | null }> {
  const response = await fetch(`${server.url}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  const body = (await response.json()) as AnyJson;
  if (response.status !== 200) return { status: response.status, body, headers: response.headers, client: null };
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  const client: ConsoleClient = {
    csrf: body.csrfToken,
    cookie,
    user: body.user,
    async call(method, url, options = {}) {
      const headers: Record<string, string> = { cookie, ...options.headers };
      const csrf = options.csrf === undefined ? body.csrfToken : options.csrf;
      if (csrf !== null) headers['x-csrf-token'] = csrf;
      let payload: string | Buffer | undefined;
      if (options.raw !== undefined) {
        payload = options.raw;
        headers['content-type'] = options.contentType ?? 'application/octet-stream';
      } else if (options.body !== undefined) {
        payload = JSON.stringify(options.body);
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(`${server.url}/console/api${url}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // CSV and other text bodies stay text.
      }
      return { status: res.status, body: parsed as AnyJson, headers: res.headers };
    },
  };
  return { status: 200, body, headers: response.headers, client };
}

async function signedIn(server: TestServer, user: TestUser): Promise<ConsoleClient> {
  const result = await signIn(server, user);
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.client!;
}

async function auditActions(db: ServerDb): Promise<string[]> {
  return rowsOf<{ action: string }>(await db.execute(sql`SELECT action FROM server_audit_log ORDER BY id`)).map((row) => row.action);
}

describeOnBothBackends('console API', (backend) => {
  const server = useTestServer(backend, { rateLimits: RATE_LIMITS });

  const setup = async () => {
    const s = server.current;
    const a = `ba-${randomUUID().slice(0, 8)}`;
    const b = `bb-${randomUUID().slice(0, 8)}`;
    await s.db.insert(brokerages).values([{ id: a, name: 'Alpha Realty' }, { id: b, name: 'Beta Homes' }]);
    await s.db.insert(contacts).values([{ id: `${a}-c1`, brokerageId: a }, { id: `${b}-c1`, brokerageId: b }]);
    const admin = await createTestUser(s.db, { role: 'admin', name: 'Ada Admin' });
    const managerA = await createTestUser(s.db, { role: 'manager', brokerageId: a, name: 'Max Manager' });
    const agentA = await createTestUser(s.db, { role: 'agent', brokerageId: a, name: 'Ann Agent' });
    const agentB = await createTestUser(s.db, { role: 'agent', brokerageId: b, name: 'Bob Agent' });
    return { a, b, admin, managerA, agentA, agentB };
  };

  it('lets admins and managers in with a strict HttpOnly cookie, refuses agents and wrong passwords, and audits each', async () => {
    const s = server.current;
    const { admin, managerA, agentA } = await setup();

    const agent = await signIn(s, agentA);
    expect(agent.status).toBe(403);
    expect(agent.body.error.message).toMatch(/managers and administrators/);
    expect(agent.headers.get('set-cookie')).toBeNull();
    expect((await signIn(s, { email: admin.email, password: 'wrong password' })).status).toBe(401);

    const signedAdmin = await signIn(s, admin);
    expect(signedAdmin.status).toBe(200);
    const cookie = signedAdmin.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^roi_console_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/console');
    expect(cookie).not.toContain('Secure'); // plain http here; added when served over https
    expect(signedAdmin.body.user).toMatchObject({ email: admin.email, role: 'admin', brokerageId: null });

    const client = signedAdmin.client!;
    expect((await client.call('GET', '/session')).body.csrfToken).toBe(client.csrf);
    expect((await fetch(`${s.url}/console/api/session`)).status).toBe(401);
    expect((await fetch(`${s.url}/console/api/users`, { headers: { cookie: 'roi_console_session=forged' } })).status).toBe(401);

    // The agent's token for the app does not open the console either.
    const { body: app } = await s.post('/v1/auth/login', { email: agentA.email, password: agentA.password, deviceName: 'Laptop' });
    expect((await s.request('GET', '/console/api/users', { token: app.accessToken })).status).toBe(401);

    // Signing in again from the same browser ends the session it had (no parallel leftovers).
    const again = await fetch(`${s.url}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: client.cookie },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });
    expect(again.status).toBe(200);
    expect((await client.call('GET', '/session')).status).toBe(401);

    const manager = await signedIn(s, managerA);
    expect(manager.user).toMatchObject({ role: 'manager', brokerageName: 'Alpha Realty' });
    expect((await manager.call('DELETE', '/session')).status).toBe(204);
    expect((await manager.call('GET', '/session')).status).toBe(401);

    const actions = await auditActions(s.db);
    expect(actions).toEqual(expect.arrayContaining(['console.sign_in_refused', 'console.sign_in_failed', 'console.signed_in', 'console.signed_out']));
  });

  it('asks for the second factor where it is required, enrolling on the spot, and returns the recovery codes once', async () => {
    const s = server.current;
    const b = `bt-${randomUUID().slice(0, 8)}`;
    await s.db.insert(brokerages).values({ id: b, name: 'Two-Factor Realty', settings: { requireTotp: true } });
    const manager = await createTestUser(s.db, { role: 'manager', brokerageId: b });
    const first = await signIn(s, manager);
    expect(first.status).toBe(401);
    expect(first.body.error.code).toBe('totp_enrollment_required');
    const secret = first.body.error.enrollment.secret as string;
    const post = (body: unknown) => s.post('/console/api/session', body);
    expect((await post({ email: manager.email, password: manager.password, totpCode: '000000' })).status).toBe(401);
    const enrolled = await post({ email: manager.email, password: manager.password, totpCode: currentTotpCode(secret, manager.email, new Date()) });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.recoveryCodes).toHaveLength(10);
    expect((await signIn(s, manager)).body.error.code).toBe('totp_required');
  });

  it('refuses state changes without the CSRF token or from another origin, and changes nothing', async () => {
    const s = server.current;
    const { a, admin } = await setup();
    const client = await signedIn(s, admin);
    const create = { email: `csrf-${randomUUID().slice(0, 6)}@example.test`, name: 'Cee Surf', role: 'agent', brokerageId: a };

    const missing = await client.call('POST', '/users', { body: create, csrf: null });
    expect(missing.status).toBe(403);
    expect(missing.body.error.message).toMatch(/security token/);
    expect((await client.call('POST', '/users', { body: create, csrf: 'x'.repeat(43) })).status).toBe(403);
    expect((await client.call('POST', '/users', { body: create, headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect(await s.db.select().from(users).where(eq(users.email, create.email))).toEqual([]);

    const created = await client.call('POST', '/users', { body: create });
    expect(created.status).toBe(201);
    expect(created.body.inviteUrl).toMatch(/\/console\/invite#[A-Za-z0-9_-]{40,}$/);
  });

  it('keeps a manager to their brokerage: another brokerage’s ids are not found and nothing changes', async () => {
    const s = server.current;
    const { a, b, managerA, agentB, agentA } = await setup();
    const manager = await signedIn(s, managerA);
    const { body: appB } = await s.post('/v1/auth/login', { email: agentB.email, password: agentB.password, deviceName: 'B laptop' });
    const { body: appA } = await s.post('/v1/auth/login', { email: agentA.email, password: agentA.password, deviceName: 'A laptop' });

    const listed = await manager.call('GET', `/users?brokerageId=${b}`);
    expect(listed.body.users.map((u: AnyJson) => u.brokerageId)).toEqual(expect.arrayContaining([a]));
    expect(listed.body.users.every((u: AnyJson) => u.brokerageId === a)).toBe(true);
    expect((await manager.call('GET', '/brokerages')).body.brokerages.map((x: AnyJson) => x.id)).toEqual([a]);
    const deviceIds = (await manager.call('GET', '/devices')).body.devices.map((d: AnyJson) => d.id);
    expect(deviceIds).toContain(appA.deviceId);
    expect(deviceIds).not.toContain(appB.deviceId);

    expect((await manager.call('PATCH', `/users/${agentB.id}`, { body: { name: 'Hijacked', territories: ['98101'] } })).status).toBe(404);
    expect((await manager.call('POST', `/users/${agentB.id}/reset-password`)).status).toBe(404);
    expect((await manager.call('POST', `/devices/${appB.deviceId}/revoke`)).status).toBe(404);
    expect((await manager.call('POST', '/users', { body: { email: `x-${randomUUID().slice(0, 6)}@example.test`, name: 'X', role: 'agent', brokerageId: b } })).status).toBe(404);
    expect((await manager.call('POST', '/ingest/keys', { body: { brokerageId: b, label: 'steal' } })).status).toBe(404);
    expect((await manager.call('POST', '/users', { body: { email: `adm-${randomUUID().slice(0, 6)}@example.test`, name: 'X', role: 'admin' } })).status).toBe(403);
    expect((await manager.call('GET', '/health')).status).toBe(403);
    expect((await manager.call('PATCH', `/brokerages/${a}`, { body: { name: 'Renamed' } })).status).toBe(403);

    const [unchanged] = await s.db.select().from(users).where(eq(users.id, agentB.id));
    expect(unchanged).toMatchObject({ name: 'Bob Agent', territories: [] });
    const [deviceB] = await s.db.select().from(devices).where(eq(devices.id, appB.deviceId));
    expect(deviceB!.revokedAt).toBeNull();
    expect((await s.get('/v1/me', appB.accessToken)).status).toBe(200);

    // Within reach it works: territories for routing, and the audit entry is the manager's brokerage's.
    const edited = await manager.call('PATCH', `/users/${agentA.id}`, { body: { territories: ['98103', '98101', '98103'] } });
    expect(edited.status).toBe(200);
    const [agent] = await s.db.select().from(users).where(eq(users.id, agentA.id));
    expect(agent!.territories).toEqual(['98101', '98103']);
    expect((await manager.call('PATCH', `/users/${agentA.id}`, { body: { territories: ['not-a-zip'] } })).status).toBe(400);
    const log = (await manager.call('GET', '/audit')).body.entries;
    expect(log.every((entry: AnyJson) => entry.brokerageId === a)).toBe(true);
    expect(log[0]).toMatchObject({ action: 'user.updated', targetId: agentA.id, actorEmail: managerA.email });
  });

  it('revokes a device: the app’s next request gets 401 device_revoked; deactivating a user signs them out', async () => {
    const s = server.current;
    const { admin, agentA } = await setup();
    const client = await signedIn(s, admin);
    const { body: app } = await s.post('/v1/auth/login', { email: agentA.email, password: agentA.password, deviceName: 'Field laptop', appVersion: '0.1.0' });
    const listed = (await client.call('GET', '/devices')).body.devices.find((d: AnyJson) => d.id === app.deviceId);
    expect(listed).toMatchObject({ userEmail: agentA.email, name: 'Field laptop', appVersion: '0.1.0', revokedAt: null });

    expect((await client.call('POST', `/devices/${app.deviceId}/revoke`)).status).toBe(200);
    const after = await s.get('/v1/me', app.accessToken);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('device_revoked');

    const { body: app2 } = await s.post('/v1/auth/login', { email: agentA.email, password: agentA.password, deviceName: 'Second' });
    expect((await client.call('PATCH', `/users/${agentA.id}`, { body: { deactivated: true } })).status).toBe(200);
    expect((await s.get('/v1/me', app2.accessToken)).status).toBe(401);
    expect((await s.post('/v1/auth/login', { email: agentA.email, password: agentA.password, deviceName: 'Third' })).body.error.code).toBe('account_deactivated');
    expect((await client.call('PATCH', `/users/${admin.id}`, { body: { deactivated: true } })).status).toBe(400);
    expect(await auditActions(s.db)).toEqual(expect.arrayContaining(['device.revoked', 'user.deactivated']));
  });

  it('invite links set a password once; a reset link signs the user out everywhere', async () => {
    const s = server.current;
    const { a, admin } = await setup();
    const client = await signedIn(s, admin);
    const email = `new-${randomUUID().slice(0, 6)}@example.test`;
    const created = await client.call('POST', '/users', { body: { email, name: 'Nia New', role: 'agent', brokerageId: a, territories: ['98052'] } });
    const token = String(created.body.inviteUrl).split('#')[1]!;
    expect(rowsOf<{ token_hash: string }>(await s.db.execute(sql`SELECT token_hash FROM server_invites`)).map((r) => r.token_hash)).not.toContain(token);

    const lookup = await s.post('/console/api/invites/lookup', { token });
    expect(lookup.body).toMatchObject({ email, name: 'Nia New', kind: 'invite', brokerageName: 'Alpha Realty' });
    const short = await s.post('/console/api/invites/accept', { token, password: 'short' });
    expect(short.status).toBe(400);
    expect((await s.post('/console/api/invites/accept', { token, password: 'a long enough password' })).status).toBe(200);
    const again = await s.post('/console/api/invites/accept', { token, password: 'another long password' });
    expect(again.status).toBe(404);
    expect(again.body.error.message).toMatch(/already used/);
    expect((await s.post('/console/api/invites/lookup', { token })).status).toBe(404);
    const { body: app } = await s.post('/v1/auth/login', { email, password: 'a long enough password', deviceName: 'Laptop' });
    expect(app.accessToken).toBeTruthy();

    // A newer link voids the older one; using the reset link revokes the user's devices.
    const userId = created.body.id;
    const first = String((await client.call('POST', `/users/${userId}/reset-password`)).body.url).split('#')[1]!;
    const second = String((await client.call('POST', `/users/${userId}/reset-password`)).body.url).split('#')[1]!;
    expect((await s.post('/console/api/invites/accept', { token: first, password: 'a long enough password 2' })).status).toBe(404);
    expect((await s.post('/console/api/invites/accept', { token: second, password: 'a long enough password 3' })).body.kind).toBe('reset');
    expect((await s.get('/v1/me', app.accessToken)).body.error.code).toBe('device_revoked');
    expect((await s.post('/v1/auth/login', { email, password: 'a long enough password 3', deviceName: 'L' })).status).toBe(200);
    expect(await auditActions(s.db)).toEqual(expect.arrayContaining(['user.created', 'user.invite_accepted', 'user.password_reset_link', 'user.password_reset']));
  });

  it('validates uploaded models against the active version, then activates and rolls back', async () => {
    const s = server.current;
    const { admin, managerA } = await setup();
    const dir = mkdtempSync(path.join(tmpdir(), 'roi-console-models-'));
    copyFileSync(path.join(ROOT, 'models/intent-sell.onnx'), path.join(dir, 'intent-sell.onnx'));
    await registerBundledModels(s.db, dir);
    const client = await signedIn(s, admin);
    const countVersions = async () => (await s.db.select().from(serverModels).where(eq(serverModels.name, 'intent-sell'))).length;

    const garbage = await client.call('POST', '/models/intent-sell/versions?version=bad', { raw: Buffer.from('definitely not an onnx model') });
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.message).toMatch(/not a model onnxruntime can load/);
    const wrongShape = await client.call('POST', '/models/intent-sell/versions?version=avm-in-disguise', { raw: readFileSync(path.join(ROOT, 'models/avm.onnx')) });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.error.message).toMatch(/inputs are features float32\[\?, 36\], expected features float32\[\?, 197\]/);
    expect(await countVersions()).toBe(1);
    const manager = await signedIn(s, managerA);
    expect((await manager.call('POST', '/models/intent-sell/versions?version=m', { raw: readFileSync(path.join(dir, 'intent-sell.onnx')) })).status).toBe(403);
    expect((await manager.call('POST', '/models/intent-sell/rollback')).status).toBe(403);

    const uploaded = await client.call('POST', '/models/intent-sell/versions?version=2026-11-v2&notes=retrained', { raw: readFileSync(path.join(dir, 'intent-sell.onnx')) });
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.version).toMatchObject({ name: 'intent-sell', version: '2026-11-v2', active: false, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await client.call('POST', '/models/intent-sell/versions?version=2026-11-v2', { raw: readFileSync(path.join(dir, 'intent-sell.onnx')) })).status).toBe(409);

    expect((await client.call('POST', '/models/intent-sell/versions/2026-11-v2/activate')).status).toBe(200);
    const { body: app } = await s.post('/v1/auth/login', { email: admin.email, password: admin.password, deviceName: 'Check' });
    expect((await s.get('/v1/models', app.accessToken)).body.models.find((m: AnyJson) => m.name === 'intent-sell').version).toBe('2026-11-v2');
    const rolled = await client.call('POST', '/models/intent-sell/rollback');
    expect(rolled.body.active).toMatch(/^bundled-/);
    expect((await s.get('/v1/models', app.accessToken)).body.models.find((m: AnyJson) => m.name === 'intent-sell').version).toMatch(/^bundled-/);
    expect(await auditActions(s.db)).toEqual(expect.arrayContaining(['model.uploaded', 'model.activated', 'model.rolled_back']));
  });

  it('creates, rotates and revokes API keys (the old key is refused by POST /v1/events) and tails ingestion', async () => {
    const s = server.current;
    const { a, admin } = await setup();
    const client = await signedIn(s, admin);
    const created = await client.call('POST', '/ingest/keys', { body: { brokerageId: a, label: 'website' } });
    expect(created.status).toBe(201);
    const send = (key: string) =>
      s.request('POST', '/v1/events', { headers: { 'x-api-key': key }, body: { events: [{ id: `ev-${randomUUID()}`, contactId: `${a}-c1`, type: 'login', occurredAt: '2026-11-20T10:00:00Z' }] } });
    expect((await send(created.body.key)).status).toBe(200);
    const listed = (await client.call('GET', `/ingest/keys?brokerageId=${a}`)).body.keys;
    expect(listed).toEqual([expect.objectContaining({ id: created.body.id, label: 'website', lastUsedAt: expect.any(String), revokedAt: null })]);
    expect(JSON.stringify(listed)).not.toContain(created.body.key);

    const rotated = await client.call('POST', `/ingest/keys/${created.body.id}/rotate`);
    expect(rotated.status).toBe(201);
    expect((await send(created.body.key)).status).toBe(401);
    expect((await send(rotated.body.key)).status).toBe(200);
    expect((await client.call('POST', `/ingest/keys/${created.body.id}/rotate`)).status).toBe(400);

    await expect.poll(async () => (await client.call('GET', `/ingest/tail?brokerageId=${a}`)).body.entries.map((e: AnyJson) => e.status)).toEqual([200, 401, 200]);

    const csv = 'event_id,contact_id,type,occurred_at,props\n' + `csv-${randomUUID()},${a}-c1,login,2026-11-20T10:00:00Z,{}\n` + `csv-${randomUUID()},nobody,login,2026-11-20T10:00:00Z,{}\n`;
    const report = await client.call('POST', `/ingest/csv?brokerageId=${a}`, { raw: csv, contentType: 'text/csv' });
    expect(report.body).toMatchObject({ accepted: 1, rejected: 1, errors: [{ row: 3, message: expect.stringMatching(/no contact nobody/) }] });

    const webhook = await client.call('POST', '/ingest/webhooks', { body: { brokerageId: a } });
    expect(webhook.body.secret).toMatch(/^whsec_/);
    expect((await client.call('POST', `/ingest/webhooks/${webhook.body.id}/revoke`)).status).toBe(200);
    expect(await auditActions(s.db)).toEqual(expect.arrayContaining(['ingest_key.created', 'ingest_key.rotated', 'events.csv_uploaded', 'webhook_secret.created', 'webhook_secret.revoked']));
  });

  it('lists conflicts and health, filters the audit log and exports it as CSV', async () => {
    const s = server.current;
    const { a, admin, agentA } = await setup();
    await s.db.execute(sql`INSERT INTO conflicts (id, brokerage_id, table_name, row_id, field, winning_value, losing_value, winning_hlc, losing_hlc, losing_user_id)
      VALUES (${randomUUID()}, ${a}, 'contacts', ${`${a}-c1`}, 'phone', '"555-0100"'::jsonb, '"555-0199"'::jsonb, 'h2', 'h1', ${agentA.id})`);
    const client = await signedIn(s, admin);
    const found = (await client.call('GET', `/conflicts?brokerageId=${a}&field=phone`)).body.conflicts;
    expect(found).toEqual([expect.objectContaining({ winningValue: '555-0100', losingValue: '555-0199', losingUserEmail: agentA.email })]);
    expect((await client.call('GET', `/conflicts?brokerageId=${a}&field=email`)).body.conflicts).toEqual([]);
    expect((await client.call('GET', '/conflicts?from=yesterday')).status).toBe(400);

    const health = (await client.call('GET', '/health')).body;
    expect(health.instance.minutes).toHaveLength(60);
    expect(health.changeLog.entries).toBeGreaterThan(0);
    expect(typeof health.liveSubscribers).toBe('number');

    const filtered = (await client.call('GET', '/audit?action=console.signed_in&limit=1')).body;
    expect(filtered.entries).toHaveLength(1);
    expect(filtered.nextBefore).toBe(filtered.entries[0].id);
    const exported = await client.call('GET', `/audit.csv?action=console.`);
    expect(exported.headers.get('content-disposition')).toMatch(/attachment; filename="roi-desk-audit-/);
    expect(String(exported.body).split('\n')[0]).toBe('id,at,actor_email,actor_id,action,brokerage_id,target_type,target_id,details,ip');
    expect(String(exported.body)).toContain('console.signed_in');
    expect(await auditActions(s.db)).toContain('audit.exported');
  });
});

describeOnBothBackends('console sessions expire', (backend) => {
  // A movable clock: the expiry rules are exact, and the test does not wait for real time to pass.
  let now = Date.parse('2026-11-22T09:00:00Z');
  const server = useTestServer(backend, { rateLimits: RATE_LIMITS, clock: () => new Date(now), console: { timeouts: { idleTimeoutMs: 60_000, absoluteTimeoutMs: 150_000 } } });

  it('after the idle timeout (background polling does not count as activity)', async () => {
    const s = server.current;
    const admin = await createTestUser(s.db, { role: 'admin' });
    const client = await signedIn(s, admin);
    now += 59_000;
    expect((await client.call('GET', '/session')).status).toBe(200); // activity: the idle clock restarts
    now += 59_000;
    expect((await client.call('GET', '/session', { headers: { 'x-console-background': '1' } })).status).toBe(200);
    now += 2_000; // 61 s since the last foreground request
    const expired = await client.call('GET', '/session', { headers: { 'x-console-background': '1' } });
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toMatch(/expired/);
    expect((await client.call('GET', '/session')).status).toBe(401); // the session is gone, not just stale
    expect((await client.call('POST', '/ingest/keys', { body: { label: 'x' } })).status).toBe(401);
  });

  it('after the absolute lifetime, however active', async () => {
    const s = server.current;
    const admin = await createTestUser(s.db, { role: 'admin' });
    const client = await signedIn(s, admin);
    for (let elapsed = 0; elapsed < 140_000; elapsed += 50_000) {
      expect((await client.call('GET', '/session')).status).toBe(200);
      now += 50_000;
    }
    // 150 s after sign-in, active every 50 s: the lifetime ends it.
    now += 1_000;
    expect((await client.call('GET', '/session')).status).toBe(401);
  });
});

describeOnBothBackends('console pages', (backend) => {
  const webDir = mkdtempSync(path.join(tmpdir(), 'roi-console-web-'));
  writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>console</title>');
  const server = useTestServer(backend, { rateLimits: RATE_LIMITS, trustProxy: true, console: { webDir } });

  it('serves the page under a strict policy, answers unknown API paths in JSON, and marks the cookie Secure over https', async () => {
    const s = server.current;
    const page = await fetch(`${s.url}/console/users`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>console</title>'); // client-side routes get the app
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'.*frame-ancestors 'none'/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const bare = await fetch(`${s.url}/console`, { redirect: 'manual' });
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('/console/');
    const unknown = await s.get('/console/api/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');

    const admin = await createTestUser(s.db, { role: 'admin' });
    const response = await fetch(`${s.url}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ email: admin.email, password: admin.password }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toMatch(/; Secure/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});


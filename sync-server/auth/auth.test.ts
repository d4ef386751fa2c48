import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { decodeJwt, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { brokerages, devices, refreshTokens, serverSettings, users } from '../../db/schema/pg.ts';
import { describeOnBothBackends } from '../testing/backends.ts';
import { createTestUser, startTestServer, TEST_JWT_SECRET, useTestServer, type TestServer } from '../testing/test-server.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { signAccessToken } from './tokens.ts';

const secretKey = new TextEncoder().encode(TEST_JWT_SECRET);

async function signIn(server: TestServer, email: string, password: string, deviceName = 'Test laptop') {
  return server.post('/v1/auth/login', { email, password, deviceName });
}

// One server per backend for most tests (each test makes its own users), plus one with tight rate
// limits: server start-up dominates the run time.
describeOnBothBackends('auth', (backend) => {
  const server = useTestServer(backend);

  describe('sign-in', () => {
    it('returns a token pair, the device id and the user, and records the device', async () => {
      const s = server.current;
      await s.db.insert(brokerages).values({ id: 'brk-1', name: 'Test Realty' });
      const user = await createTestUser(s.db, { role: 'manager', brokerageId: 'brk-1', name: 'Morgan Test' });
      const res = await s.post('/v1/auth/login', { email: user.email, password: user.password, deviceName: 'Front desk', platform: 'linux', appVersion: '0.1.0' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 900,
        deviceId: expect.any(String),
        user: { id: user.id, brokerageId: 'brk-1', role: 'manager', name: 'Morgan Test', email: user.email },
      });
      expect(res.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url

      const claims = decodeJwt(res.body.accessToken);
      expect(claims).toMatchObject({ sub: user.id, brk: 'brk-1', role: 'manager', dev: res.body.deviceId });
      expect(claims.exp! - claims.iat!).toBe(15 * 60);

      const [device] = await s.db.select().from(devices).where(eq(devices.id, res.body.deviceId));
      expect(device).toMatchObject({ userId: user.id, brokerageId: 'brk-1', name: 'Front desk', platform: 'linux', revokedAt: null });
      const stored = await s.db.select().from(refreshTokens).where(eq(refreshTokens.deviceId, res.body.deviceId));
      expect(stored).toHaveLength(1);
      // Only the hash is stored, never the token.
      expect(stored[0]!.tokenHash).toBe(createHash('sha256').update(res.body.refreshToken).digest('hex'));
      const lifetimeDays = (Date.parse(stored[0]!.expiresAt) - Date.parse(stored[0]!.createdAt)) / 86_400_000;
      expect(lifetimeDays).toBeCloseTo(30, 5);
    });

    it('matches the email case-insensitively and ignores surrounding spaces', async () => {
      const user = await createTestUser(server.current.db, { email: 'casey@example.test' });
      const res = await signIn(server.current, '  Casey@Example.TEST ', user.password);
      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe(user.id);
    });

    it('gives the same 401 for a wrong password and an unknown email', async () => {
      const user = await createTestUser(server.current.db);
      const wrong = await signIn(server.current, user.email, 'not the password');
      const unknown = await signIn(server.current, 'nobody@example.test', 'whatever');
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body.error.code).toBe('invalid_credentials');
      expect(wrong.body.error.message).toMatch(/email or password is incorrect/i);
    });

    it('rejects wrong types and missing fields with 400 naming each field', async () => {
      const res = await server.current.post('/v1/auth/login', { email: 'not-an-email', password: 12345 });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      const paths = res.body.error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['email', 'password', 'deviceName']));
      expect(res.body.error.message).toContain('password');

      const array = await server.current.post('/v1/auth/login', [1, 2, 3]);
      expect(array.status).toBe(400);
      const none = await server.current.request('POST', '/v1/auth/login');
      expect(none.status).toBe(400);
      expect(none.body.error.message).toMatch(/JSON body/);
    });

    it('refuses deactivated accounts, but only after a correct password', async () => {
      const user = await createTestUser(server.current.db);
      await server.current.db.update(users).set({ deactivatedAt: new Date().toISOString() }).where(eq(users.id, user.id));
      expect((await signIn(server.current, user.email, 'wrong')).body.error.code).toBe('invalid_credentials');
      const res = await signIn(server.current, user.email, user.password);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('account_deactivated');
    });
  });

  describe('rate limits', () => {
    const limitedServer = useTestServer(backend, {
      rateLimits: { loginPerAccount: { max: 3, windowMs: 60_000 }, loginPerIp: { max: 6, windowMs: 60_000 } },
    });

    it('limits attempts per account and per IP with 429 and Retry-After', async () => {
      const s = limitedServer.current;
      const a = await createTestUser(s.db);
      for (let i = 0; i < 3; i += 1) expect((await signIn(s, a.email, 'guess')).status).toBe(401);
      // Fourth attempt on the account: refused even with the right password.
      const limited = await signIn(s, a.email.toUpperCase(), a.password);
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('rate_limited');
      expect(limited.body.error.message).toMatch(/this account.*try again/i);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

      // Another account from the same IP: allowed until the per-IP budget (6) is spent.
      const b = await createTestUser(s.db);
      expect((await signIn(s, b.email, b.password)).status).toBe(200);
      expect((await signIn(s, b.email, b.password)).status).toBe(200);
      const ipLimited = await signIn(s, b.email, b.password);
      expect(ipLimited.status).toBe(429);
      expect(ipLimited.body.error.message).toMatch(/your network/);
      expect(Number(ipLimited.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });

  describe('tokens', () => {
    it('GET /v1/me needs a valid access token', async () => {
      const s = server.current;
      const user = await createTestUser(s.db, { name: 'Avery Test' });
      const { body: pair } = await signIn(s, user.email, user.password);
      const me = await s.get('/v1/me', pair.accessToken);
      expect(me.status).toBe(200);
      expect(me.body).toEqual({
        user: { id: user.id, brokerageId: null, role: 'agent', name: 'Avery Test', email: user.email, territories: [] },
        deviceId: pair.deviceId,
      });

      const missing = await s.get('/v1/me');
      expect(missing.status).toBe(401);
      expect(missing.body.error.code).toBe('unauthenticated');
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);

      const malformed = await s.request('GET', '/v1/me', { headers: { authorization: 'Basic abc' } });
      expect(malformed.status).toBe(401);
      expect(malformed.body.error.code).toBe('invalid_token');
    });

    it('rejects forged, tampered and unsigned tokens', async () => {
      const s = server.current;
      const user = await createTestUser(s.db);
      const { body: pair } = await signIn(s, user.email, user.password);
      const claims = { sub: user.id, brk: null, role: 'admin' as const, dev: pair.deviceId };

      const otherKey = new TextEncoder().encode('another-secret-another-secret-another-secret');
      const forged = (await signAccessToken(claims, otherKey)).token;
      const [header, payload, signature] = (pair.accessToken as string).split('.');
      const escalated = Buffer.from(JSON.stringify({ ...decodeJwt(pair.accessToken), role: 'admin' })).toString('base64url');
      const tampered = `${header}.${escalated}.${signature}`;
      const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
      const hs512 = await new SignJWT({ brk: null, role: 'admin', dev: pair.deviceId })
        .setProtectedHeader({ alg: 'HS512' })
        .setSubject(user.id)
        .setIssuer('roi-desk-sync-server')
        .setAudience('roi-desk')
        .setExpirationTime('5m')
        .sign(secretKey);

      for (const token of [forged, tampered, unsigned, hs512, 'not-a-jwt']) {
        const res = await s.get('/v1/me', token);
        expect(res.status, token).toBe(401);
        expect(res.body.error.code).toBe('invalid_token');
      }
    });

    it('rejects an expired token with token_expired, so the client knows to refresh', async () => {
      const s = server.current;
      const user = await createTestUser(s.db);
      const { body: pair } = await signIn(s, user.email, user.password);
      const stale = await signAccessToken(
        { sub: user.id, brk: null, role: 'agent', dev: pair.deviceId },
        secretKey,
        { now: new Date(Date.now() - 16 * 60 * 1000) },
      );
      const res = await s.get('/v1/me', stale.token);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('token_expired');
    });

    it('rejects a correctly signed token whose device belongs to someone else', async () => {
      const s = server.current;
      const alice = await createTestUser(s.db);
      const bob = await createTestUser(s.db);
      const { body: pair } = await signIn(s, alice.email, alice.password);
      const token = await signAccessToken({ sub: bob.id, brk: null, role: 'agent', dev: pair.deviceId }, secretKey);
      const res = await s.get('/v1/me', token.token);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_token');
    });
  });

  describe('refresh', () => {
    it('rotates: a new pair, the old refresh token spent, the new access token working', async () => {
      const s = server.current;
      const user = await createTestUser(s.db);
      const { body: first } = await signIn(s, user.email, user.password);
      const res = await s.post('/v1/auth/refresh', { refreshToken: first.refreshToken });
      expect(res.status).toBe(200);
      expect(res.body.refreshToken).not.toBe(first.refreshToken);
      expect(res.body.deviceId).toBe(first.deviceId);
      expect(res.body.user.id).toBe(user.id);
      expect((await s.get('/v1/me', res.body.accessToken)).status).toBe(200);

      const rows = await s.db.select().from(refreshTokens).where(eq(refreshTokens.deviceId, first.deviceId));
      expect(rows).toHaveLength(2);
      const old = rows.find((r) => r.tokenHash === createHash('sha256').update(first.refreshToken).digest('hex'));
      expect(old?.usedAt).not.toBeNull();
    });

    it('revokes the device when a spent refresh token comes back', async () => {
      const s = server.current;
      const user = await createTestUser(s.db);
      const { body: first } = await signIn(s, user.email, user.password);
      const { body: second } = await s.post('/v1/auth/refresh', { refreshToken: first.refreshToken });

      const replay = await s.post('/v1/auth/refresh', { refreshToken: first.refreshToken });
      expect(replay.status).toBe(401);
      expect(replay.body.error.code).toBe('device_revoked');

      const [device] = await s.db.select().from(devices).where(eq(devices.id, first.deviceId));
      expect(device?.revokedAt).not.toBeNull();
      // Everything that device holds is now dead: the newest refresh token and the access token.
      const next = await s.post('/v1/auth/refresh', { refreshToken: second.refreshToken });
      expect(next.status).toBe(401);
      expect(next.body.error.code).toBe('device_revoked');
      const me = await s.get('/v1/me', second.accessToken);
      expect(me.status).toBe(401);
      expect(me.body.error.code).toBe('device_revoked');

      // Other devices of the same user are not affected.
      const other = await signIn(s, user.email, user.password, 'Phone');
      expect((await s.get('/v1/me', other.body.accessToken)).status).toBe(200);
    });

    it('refuses unknown and expired refresh tokens and bad bodies', async () => {
      const s = server.current;
      const unknown = await s.post('/v1/auth/refresh', { refreshToken: 'A'.repeat(43) });
      expect(unknown.status).toBe(401);
      expect(unknown.body.error.code).toBe('invalid_refresh_token');

      const user = await createTestUser(s.db);
      const { body: pair } = await signIn(s, user.email, user.password);
      await s.db.update(refreshTokens).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(refreshTokens.deviceId, pair.deviceId));
      const expired = await s.post('/v1/auth/refresh', { refreshToken: pair.refreshToken });
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('refresh_token_expired');

      const bad = await s.post('/v1/auth/refresh', { refreshToken: 42 });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].path).toBe('refreshToken');
    });

    it('logout revokes the calling device', async () => {
      const s = server.current;
      const user = await createTestUser(s.db);
      const { body: pair } = await signIn(s, user.email, user.password);
      const res = await s.post('/v1/auth/logout', undefined, pair.accessToken);
      expect(res.status).toBe(204);
      expect((await s.get('/v1/me', pair.accessToken)).body.error.code).toBe('device_revoked');
      expect((await s.post('/v1/auth/refresh', { refreshToken: pair.refreshToken })).body.error.code).toBe('device_revoked');
    });
  });

  describe('signing key', () => {
    it('generates the key once and keeps it in the database, so another server process accepts the tokens', async () => {
      const saved = process.env.ROI_JWT_SECRET;
      delete process.env.ROI_JWT_SECRET;
      try {
        const database = await backend.createDatabase();
        const options = {
          dataDir: database.dataDir,
          ...(database.databaseUrl ? { databaseUrl: database.databaseUrl } : {}),
          jwtSecret: undefined,
        };
        const first = await startTestServer({ ...backend, createDatabase: async () => database }, options);
        const user = await createTestUser(first.db);
        const { body: pair } = await signIn(first, user.email, user.password);
        const stored = await first.db.select().from(serverSettings).where(eq(serverSettings.key, 'jwt_secret'));
        expect(stored[0]?.value.length).toBeGreaterThanOrEqual(32);
        await first.close();
        // PGlite allows one process per directory, so the second server starts after the first stops;
        // on Postgres this is the same as two instances side by side.
        const second = await startTestServer({ ...backend, createDatabase: async () => database }, options);
        try {
          expect((await second.get('/v1/me', pair.accessToken)).status).toBe(200);
        } finally {
          await second.close();
        }
      } finally {
        if (saved !== undefined) process.env.ROI_JWT_SECRET = saved;
      }
    });
  });
});

describe('passwords', () => {
  it('hashes with a random salt and its parameters, and verifies in both directions', async () => {
    const params = { logN: 10, r: 8, p: 1 };
    const a = await hashPassword('pässword', params);
    const b = await hashPassword('pässword', params);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('pässword', a)).toBe(true);
    expect(await verifyPassword('password', a)).toBe(false);
    expect(await verifyPassword('pässword', 'garbage')).toBe(false);
    expect(await verifyPassword('x', '$scrypt$ln=40,r=8,p=1$AAAA$AAAA')).toBe(false);
  });

  it('uses a memory-hard default cost', async () => {
    expect(await hashPassword('x')).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
  });
});

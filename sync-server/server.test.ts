import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { describeOnBothBackends } from './testing/backends.ts';
import { createTestUser, startTestServer, useTestServer } from './testing/test-server.ts';
import { SERVER_VERSION } from './version.ts';

const pkg = (await import('../package.json', { with: { type: 'json' } })).default as { version: string };

describeOnBothBackends('sync server HTTP basics', (backend) => {
  const server = useTestServer(backend, {
    routes: (app) => {
      app.get('/test/boom', async () => {
        throw new Error('boom: internal detail that must not leak');
      });
    },
  });

  it('GET /health reports status, version and database kind', async () => {
    const res = await server.current.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', version: pkg.version, database: backend.kind });
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('GET /version names the server, its version and API generation', async () => {
    const res = await server.current.get('/version');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'roi-desk-sync-server', version: SERVER_VERSION, api: 1 });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await server.current.get('/no/such/thing?x=1');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(res.body.error.message).toContain('GET /no/such/thing');
  });

  it('rejects malformed JSON with 400 saying what is wrong', async () => {
    const res = await server.current.request('POST', '/v1/auth/login', {
      rawBody: '{"email": "a@b.test", "password": }',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
    expect(res.body.error.message).toMatch(/not valid JSON: .*position|Unexpected token/);
  });

  it('accepts JSON with a charset parameter', async () => {
    const res = await server.current.request('POST', '/v1/auth/login', {
      rawBody: JSON.stringify({ email: 'nobody@example.test', password: 'x', deviceName: 'd' }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_credentials');
  });

  it('rejects an empty JSON body, a non-JSON media type and a __proto__ key', async () => {
    const empty = await server.current.request('POST', '/v1/auth/login', { rawBody: '', headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('invalid_json');

    const text = await server.current.request('POST', '/v1/auth/login', { rawBody: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported_media_type');

    const proto = await server.current.request('POST', '/v1/auth/login', {
      rawBody: '{"email":"a@b.test","__proto__":{"admin":true}}',
      headers: { 'content-type': 'application/json' },
    });
    expect(proto.status).toBe(400);
    expect(proto.body.error.message).toContain('__proto__');
  });

  it('answers unexpected failures with a generic 500 that leaks no internals', async () => {
    const res = await server.current.get('/test/boom');
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('internal');
    expect(res.body.error.message).toMatch(/request id req-/);
    expect(JSON.stringify(res.body)).not.toContain('boom');
  });

  it('rejects bodies over the limit with 413', async () => {
    const res = await server.current.post('/v1/auth/login', { email: 'a@b.test', password: 'x'.repeat(1024 * 1024 + 10), deviceName: 'd' });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(res.body.error.message).toContain('1 MiB');
  });
});

describeOnBothBackends('sync server lifecycle and logs', (backend) => {
  it('close() lets in-flight requests finish, then refuses connections and closes the database', async () => {
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await startTestServer(backend, {
      routes: (app) => {
        app.get('/slow', async () => {
          release();
          await new Promise((resolve) => setTimeout(resolve, 300));
          return { done: true };
        });
      },
    });
    const inFlight = server.get('/slow');
    await started;
    const closing = server.close();
    // A request that still gets in while draining (e.g. pipelined on a kept-alive connection): a retryable 503.
    const late = await server.app.inject({ method: 'GET', url: '/health' });
    expect(late.statusCode).toBe(503);
    expect(late.json()).toEqual({ error: { code: 'service_unavailable', message: expect.stringMatching(/shutting down/) } });
    expect(late.headers['retry-after']).toBe('1');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ done: true });
    await closing;
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    await expect(server.db.execute(sql`select 1`)).rejects.toThrow();
    await server.close(); // idempotent
  });

  it('writes JSON logs that never contain passwords, tokens or Authorization headers', async () => {
    let output = '';
    const stream = new Writable({
      write(chunk, _encoding, done) {
        output += String(chunk);
        done();
      },
    });
    const server = await startTestServer(backend, { logger: { level: 'trace', stream } });
    try {
      const user = await createTestUser(server.db, { password: 'hunter2-very-secret' });
      const login = await server.post('/v1/auth/login', { email: user.email, password: user.password, deviceName: 'laptop' });
      expect(login.status).toBe(200);
      const refreshed = await server.post('/v1/auth/refresh', { refreshToken: login.body.refreshToken });
      expect(refreshed.status).toBe(200);
      expect((await server.get('/v1/me', refreshed.body.accessToken)).status).toBe(200);
      await server.post('/v1/auth/login', { email: user.email, password: 'wrong-password-also-secret', deviceName: 'x' });
      await server.request('GET', '/v1/me', { headers: { authorization: 'Bearer forged.token.value' } });
    } finally {
      await server.close();
    }
    const lines = output.trim().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(output).toContain('request completed');
    for (const secret of ['hunter2-very-secret', 'wrong-password-also-secret', 'forged.token.value', 'Bearer ']) {
      expect(output).not.toContain(secret);
    }
    // Tokens are long random strings; none may appear.
    expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });
});

describe('createSyncServer startup errors', () => {
  it('explains an unreachable DATABASE_URL without printing its password', async () => {
    const { createSyncServer } = await import('./server.ts');
    const error = await createSyncServer({
      databaseUrl: 'postgres://someone:s3cret-pw@127.0.0.1:1/nowhere',
      dataDir: '/tmp/unused-roi-test',
      port: 0,
      logger: false,
    }).then(
      () => new Error('expected createSyncServer to fail'),
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('Could not connect to Postgres at postgres://someone:***@127.0.0.1:1/nowhere');
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).not.toContain('s3cret-pw');
  });

  it('refuses a JWT secret that is too short', async () => {
    const { createSyncServer } = await import('./server.ts');
    const { createTestDatabase } = await import('./testing/test-databases.ts');
    const database = await createTestDatabase('pglite');
    try {
      await expect(createSyncServer({ dataDir: database.dataDir, port: 0, logger: false, jwtSecret: 'short' })).rejects.toThrow(
        /too short \(5 characters\)/,
      );
    } finally {
      await database.drop();
    }
  });
});

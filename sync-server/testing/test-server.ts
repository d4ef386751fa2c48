// A real sync server on a throw-away database and a free port, plus a small JSON client for it.
import { randomUUID } from 'node:crypto';
import { userCredentials, users } from '../../db/schema/pg.ts';
import type { Role } from '../../db/schema/vocabulary.ts';
import { hashPassword, type ScryptParams } from '../auth/passwords.ts';
import type { ServerDb } from '../database.ts';
import { createSyncServer, type SyncServer, type SyncServerOptions } from '../server.ts';
import { lazyInBeforeAll, type Lazy, type TestBackend } from './backends.ts';

/** Cheap scrypt for test accounts (hashes carry their parameters, so login verifies them as usual). */
export const TEST_SCRYPT_PARAMS: ScryptParams = { logN: 10, r: 8, p: 1 };
export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

// Test assertions read response bodies freely (res.body.error.code); they are checked by expect(),
// not trusted, so a loose type is the honest one here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJson = any;

export type JsonResponse<T = unknown> = { status: number; headers: Headers; body: T };

export type RequestOptions = {
  /** Sent as JSON (with Content-Type: application/json unless headers say otherwise). */
  body?: unknown;
  /** Sent verbatim: for malformed bodies. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Access token for Authorization: Bearer. */
  token?: string;
};

export type TestServer = SyncServer & {
  db: ServerDb;
  request<T = AnyJson>(method: string, path: string, options?: RequestOptions): Promise<JsonResponse<T>>;
  get<T = AnyJson>(path: string, token?: string): Promise<JsonResponse<T>>;
  post<T = AnyJson>(path: string, body?: unknown, token?: string): Promise<JsonResponse<T>>;
};

export async function startTestServer(
  backend: TestBackend,
  options: Partial<SyncServerOptions> = {},
): Promise<TestServer> {
  const database = await backend.createDatabase();
  const server = await createSyncServer({
    dataDir: database.dataDir,
    ...(database.databaseUrl ? { databaseUrl: database.databaseUrl } : {}),
    port: 0,
    logger: false,
    jwtSecret: TEST_JWT_SECRET,
    // Registering the committed models copies megabytes into every test database: only where asked.
    modelsDir: null,
    ...options,
  });
  const request: TestServer['request'] = async (method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | undefined = init.rawBody;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    const response = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: hand back the text so the assertion shows what came.
    }
    return { status: response.status, headers: response.headers, body: parsed as never };
  };
  return {
    ...server,
    db: server.database.db,
    request,
    get: (path, token) => request('GET', path, token ? { token } : {}),
    post: (path, body, token) => request('POST', path, { ...(body !== undefined ? { body } : {}), ...(token ? { token } : {}) }),
  };
}

/** startTestServer in beforeAll, closed in afterAll (the database is dropped by describeOnBothBackends). */
export function useTestServer(backend: TestBackend, options: Partial<SyncServerOptions> = {}): Lazy<TestServer> {
  return lazyInBeforeAll(
    () => startTestServer(backend, options),
    (server) => server.close(),
  );
}

export type TestUser = { id: string; email: string; password: string; brokerageId: string | null; role: Role };

/** Inserts a user with a password (cheap hash). The brokerage must exist when given. */
export async function createTestUser(
  db: ServerDb,
  input: { email?: string; password?: string; role?: Role; brokerageId?: string | null; name?: string } = {},
): Promise<TestUser> {
  const user: TestUser = {
    id: randomUUID(),
    email: input.email ?? `user-${randomUUID().slice(0, 8)}@example.test`,
    password: input.password ?? 'correct horse battery staple',
    brokerageId: input.brokerageId ?? null,
    role: input.role ?? 'agent',
  };
  await db.insert(users).values({ id: user.id, email: user.email, name: input.name ?? 'Test User', role: user.role, brokerageId: user.brokerageId });
  await db.insert(userCredentials).values({ userId: user.id, passwordHash: await hashPassword(user.password, TEST_SCRYPT_PARAMS) });
  return user;
}

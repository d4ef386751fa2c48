// Runs a test suite once per database backend: always on PGlite, and on the real Postgres when it is
// reachable (skipped with a printed reason otherwise; under CI=true the Postgres suite runs anyway and
// fails on its first database, so a missing service can never pass silently).
//
//   describeOnBothBackends('login', (backend) => {
//     const server = useTestServer(backend);
//     it('…', async () => { await server.current.post('/v1/auth/login', {...}); });
//   });
import { afterAll, beforeAll, describe } from 'vitest';
import type { DatabaseKind } from '../database.ts';
import { createTestDatabase, probePostgres, RUNNING_IN_CI, type TestDatabase } from './test-databases.ts';

export type TestBackend = {
  kind: DatabaseKind;
  /** A fresh, migrated, empty database; dropped automatically after the suite (or call drop()). */
  createDatabase(options?: { dataDir?: string }): Promise<TestDatabase>;
};

// Top-level await: vitest collects suites synchronously, so whether to skip must be known before.
const postgres = await probePostgres();
let reasonPrinted = false;

export function describeOnBothBackends(title: string, body: (backend: TestBackend) => void): void {
  for (const kind of ['pglite', 'postgres'] as const) {
    const skip = kind === 'postgres' && !postgres.reachable && !RUNNING_IN_CI;
    if (skip && !reasonPrinted && !postgres.reachable) {
      reasonPrinted = true;
      console.warn(`[sync-server tests] Skipping the Postgres runs: ${postgres.reason}. Start Postgres (or set ROI_TEST_PG_URL) to run them.`);
    }
    (skip ? describe.skip : describe)(`${title} [${kind}]`, () => {
      const created: TestDatabase[] = [];
      afterAll(async () => {
        await Promise.all(created.map((database) => database.drop()));
      });
      body({
        kind,
        async createDatabase(options) {
          const database = await createTestDatabase(kind, options);
          created.push(database);
          return database;
        },
      });
    });
  }
}

/** A value set up in beforeAll; reading `.current` before that is a test bug and says so. */
export type Lazy<T> = { readonly current: T };

export function lazyInBeforeAll<T>(setup: () => Promise<T>, teardown?: (value: T) => Promise<void>): Lazy<T> {
  let value: T | undefined;
  let ready = false;
  beforeAll(async () => {
    value = await setup();
    ready = true;
  });
  afterAll(async () => {
    if (ready && teardown) await teardown(value as T);
  });
  return {
    get current(): T {
      if (!ready) throw new Error('Read in a test body only: this value is created in beforeAll.');
      return value as T;
    },
  };
}

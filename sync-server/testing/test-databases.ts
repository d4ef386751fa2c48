// Throw-away databases for tests, on either backend:
// - PGlite: a fresh directory holding a copy of a migrated template cluster. initdb + migrations in
//   WASM take seconds; copying the closed template takes ~0.1 s. The template lives in the OS temp
//   folder, keyed by the migrations' content and the PGlite version, and is shared by test processes.
// - Postgres: a uniquely named database on the server at ROI_TEST_PG_URL (default
//   postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards.
// Policy (architecture.md): without a reachable Postgres, Postgres runs are skipped with a printed
// reason — except under CI=true, where they must fail.
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PG_MIGRATIONS_FOLDER } from '../../db/migrate/pg.ts';
import { openDatabase, redactDatabaseUrl, type DatabaseKind } from '../database.ts';

export const TEST_POSTGRES_URL = process.env.ROI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const RUNNING_IN_CI = process.env.CI === 'true';

export type TestDatabase = {
  kind: DatabaseKind;
  /** For createSyncServer / openDatabase: set for Postgres, undefined for PGlite. */
  databaseUrl: string | undefined;
  /** The server data directory (PGlite lives in `<dataDir>/pglite`). Removed by drop(). */
  dataDir: string;
  /** Postgres database name, or the PGlite directory. */
  name: string;
  drop(): Promise<void>;
};

export type PostgresProbe = { reachable: true } | { reachable: false; reason: string };

let probe: Promise<PostgresProbe> | undefined;

/** Whether the test Postgres answers (checked once per process). */
export function probePostgres(): Promise<PostgresProbe> {
  probe ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return { reachable: true } as const;
    } catch (error) {
      const message = error instanceof AggregateError ? error.errors.map(String).join('; ') : String(error);
      return { reachable: false, reason: `Postgres at ${redactDatabaseUrl(TEST_POSTGRES_URL)} is not reachable (${message})` } as const;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return probe;
}

export async function createTestDatabase(kind: DatabaseKind, options: { dataDir?: string } = {}): Promise<TestDatabase> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), `roi-test-${kind}-`)));
  await mkdir(dataDir, { recursive: true });
  if (kind === 'pglite') {
    await cp(await pgliteTemplate(), path.join(dataDir, 'pglite'), { recursive: true });
    return { kind, databaseUrl: undefined, dataDir, name: path.join(dataDir, 'pglite'), drop: () => rm(dataDir, { recursive: true, force: true }) };
  }

  const state = await probePostgres();
  if (!state.reachable) {
    throw new Error(`${state.reason}.${RUNNING_IN_CI ? ' CI=true requires Postgres for these tests: start it (see architecture.md).' : ''}`);
  }
  const name = `roi_test_${process.pid}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await withAdminClient((client) => client.query(`create database "${name}"`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    kind,
    databaseUrl: url.toString(),
    dataDir,
    name,
    drop: async () => {
      // WITH (FORCE) ends connections a failed test left open (Postgres 13+).
      await withAdminClient((client) => client.query(`drop database if exists "${name}" with (force)`));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function withAdminClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

let template: Promise<string> | undefined;

async function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const key = await templateKey();
    const target = path.join(tmpdir(), `roi-desk-pglite-template-${key}`);
    if (await exists(path.join(target, 'PG_VERSION'))) return target;
    // Build beside the target, then rename: concurrent test processes either win the rename or find
    // the winner's complete template; nobody ever copies a half-built one.
    const building = await mkdtemp(path.join(tmpdir(), 'roi-desk-pglite-building-'));
    try {
      const database = await openDatabase({ dataDir: building });
      await database.close();
      await rename(path.join(building, 'pglite'), target).catch(async (error: NodeJS.ErrnoException) => {
        if (!(await exists(path.join(target, 'PG_VERSION')))) throw error;
      });
    } finally {
      await rm(building, { recursive: true, force: true });
    }
    return target;
  })();
  return template;
}

async function templateKey(): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(PG_MIGRATIONS_FOLDER, { recursive: true })).map(String).sort();
  for (const file of files) {
    const full = path.join(PG_MIGRATIONS_FOLDER, file);
    if ((await stat(full)).isFile()) hash.update(file).update(await readFile(full));
  }
  // The package's exports hide package.json: resolve its entry (dist/index.js) and step up.
  const pglitePackage = path.resolve(path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite'))), '..', 'package.json');
  hash.update(JSON.parse(await readFile(pglitePackage, 'utf8')).version as string);
  return hash.digest('hex').slice(0, 16);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

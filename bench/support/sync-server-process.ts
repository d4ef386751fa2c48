// Throw-away server side of the sync benchmarks: a database (real Postgres when reachable, else PGlite),
// seeded from this process, then the sync server in a child process (./sync-server-child.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { openDatabase, type ServerDatabase } from '../../sync-server/database.ts';
import { createTestDatabase, probePostgres, type TestDatabase } from '../../sync-server/testing/test-databases.ts';
import type { ChildMessage, ChildServerConfig, ChildStats } from './sync-server-child.ts';

/** Things to undo, in reverse order, whatever happened before (errors are logged, not thrown). */
export class Cleanup {
  private readonly steps: { label: string; run: () => unknown }[] = [];
  private readonly log: (line: string) => void;
  constructor(log: (line: string) => void) {
    this.log = log;
  }
  defer(label: string, run: () => unknown): void {
    this.steps.push({ label, run });
  }
  private running: Promise<void> | null = null;
  /** Runs the steps; a second call while they run (a signal during cleanup) waits for the same run. */
  run(): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length > 0) {
        const step = this.steps.pop()!;
        try {
          await step.run();
        } catch (error) {
          this.log(`  cleanup (${step.label}) failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}

/**
 * Runs `body` with a Cleanup that is always run afterwards, also when the run is interrupted (Ctrl-C):
 * throw-away databases are not left behind on the shared Postgres.
 */
export async function withCleanup<T>(log: (line: string) => void, body: (cleanup: Cleanup) => Promise<T>): Promise<T> {
  const cleanup = new Cleanup(log);
  const onSignal = (signal: NodeJS.Signals) => {
    log(`  ${signal}: cleaning up before exiting …`);
    void cleanup.run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await body(cleanup);
  } finally {
    await cleanup.run();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export type BenchDatabase = {
  database: TestDatabase;
  /** Set when Postgres was unreachable and PGlite stands in for it. */
  fallbackNote: string | null;
};

/** A fresh, empty database on the test Postgres (dropped by cleanup), or PGlite when Postgres is unreachable. */
export async function createBenchDatabase(cleanup: Cleanup, log: (line: string) => void): Promise<BenchDatabase> {
  const probe = await probePostgres();
  const kind = probe.reachable ? 'postgres' : 'pglite';
  const fallbackNote = probe.reachable ? null : `PGlite stands in for Postgres: ${probe.reason}`;
  if (fallbackNote) log(`  ${fallbackNote}`);
  const database = await createTestDatabase(kind);
  cleanup.defer(`drop database ${database.name}`, () => database.drop());
  return { database, fallbackNote };
}

/**
 * Opens (and migrates) the database in this process to seed it; close it before starting the server
 * on PGlite (one process at a time may open a PGlite directory).
 */
export function openForSeeding(database: TestDatabase): Promise<ServerDatabase> {
  return openDatabase({ dataDir: database.dataDir, ...(database.databaseUrl ? { databaseUrl: database.databaseUrl } : {}) });
}

export type ServerProcess = {
  url: string;
  kind: string;
  pid: number;
  stats(): Promise<ChildStats>;
  close(): Promise<void>;
};

const CHILD = fileURLToPath(new URL('./sync-server-child.ts', import.meta.url));

export async function startServerProcess(
  cleanup: Cleanup,
  database: TestDatabase,
  options: { liveTimeoutMs?: number; shapePageSize?: number } = {},
): Promise<ServerProcess> {
  const config: ChildServerConfig = {
    ...(database.databaseUrl ? { databaseUrl: database.databaseUrl } : {}),
    dataDir: database.dataDir,
    jwtSecret: randomBytes(32).toString('hex'),
    ...options,
  };
  // ROI_BENCH_SERVER_NODE_ARGS: extra node flags for the server process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extraArgs = (process.env.ROI_BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...extraArgs, '--import', import.meta.resolve('tsx'), CHILD], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, ROI_BENCH_SERVER_CONFIG: JSON.stringify(config) },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A parent dying abruptly closes the IPC channel and the child shuts down by itself; this covers exits.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const close = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send({ type: 'close' });
    else child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  cleanup.defer('stop the server process', close);

  const first = await new Promise<ChildMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server process did not start within 60 s. ${stderr}`)), 60_000);
    child.once('message', (message: ChildMessage) => {
      clearTimeout(timer);
      resolve(message);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The server process exited (${code}) before listening. ${stderr}`));
    });
  });
  if (first.type !== 'listening') throw new Error(`The server process could not start: ${first.type === 'failed' ? first.message : JSON.stringify(first)}`);

  return {
    url: first.url,
    kind: first.kind,
    pid: child.pid!,
    stats: () =>
      new Promise<ChildStats>((resolve, reject) => {
        const onMessage = (message: ChildMessage) => {
          if (message.type !== 'stats') return;
          child.off('message', onMessage);
          resolve(message);
        };
        child.on('message', onMessage);
        child.send({ type: 'stats' }, (error) => {
          if (error) {
            child.off('message', onMessage);
            reject(error);
          }
        });
      }),
    close,
  };
}

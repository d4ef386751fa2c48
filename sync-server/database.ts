// Opens the server's store: a real Postgres when DATABASE_URL is given, otherwise the embedded PGlite
// (Postgres compiled to WASM) persisted under the data directory, so `roi server` needs nothing
// installed. Both run the same migrations and the same drizzle code.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { migratePostgres } from '../db/migrate/pg.ts';
import * as schema from '../db/schema/pg.ts';

export type DatabaseKind = 'postgres' | 'pglite';
export type ServerSchema = typeof schema;
/** The drizzle handle every server module takes: the common base of the node-postgres and PGlite drivers. */
export type ServerDb = PgDatabase<PgQueryResultHKT, ServerSchema>;

export type ServerDatabase = {
  db: ServerDb;
  kind: DatabaseKind;
  /** Where the data lives, safe to print: the PGlite directory, or the Postgres URL without its password. */
  location: string;
  /**
   * LISTEN on a channel: `onNotify` runs for every NOTIFY from any process on this database, and
   * also after a lost listening connection is re-established (notifications may have been missed).
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
};

export type OpenDatabaseOptions = {
  /** postgres://… of a real server. When absent, the embedded PGlite in `<dataDir>/pglite` is used. */
  databaseUrl?: string;
  dataDir: string;
  /** Pool size for a real Postgres. */
  maxConnections?: number;
  /** Called when an idle pooled connection fails (e.g. Postgres restarted); the pool replaces it. */
  onPoolError?: (error: Error) => void;
};

export async function openDatabase(options: OpenDatabaseOptions): Promise<ServerDatabase> {
  const opened = options.databaseUrl ? await openPostgres(options) : await openPglite(options.dataDir);
  try {
    await migratePostgres(opened.migratable);
  } catch (error) {
    await opened.database.close().catch(() => {});
    throw new Error(
      `Could not apply the database migrations to ${opened.database.location}: ${errorMessage(error)}. ` +
        'The database may have been changed by hand or by a newer ROI Desk; restore a backup or use a fresh database.',
      { cause: error },
    );
  }
  return opened.database;
}

type Opened = { database: ServerDatabase; migratable: Parameters<typeof migratePostgres>[0] };

async function openPostgres(options: OpenDatabaseOptions): Promise<Opened> {
  const url = options.databaseUrl ?? '';
  const location = redactDatabaseUrl(url);
  // No JIT: its compile time (≈ 100 ms) went to an agent's snapshot page, whose estimated cost (a contact
  // lookup per scanned row) crosses jit_above_cost while the page itself takes a few milliseconds.
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, options: '-c jit=off' });
  // Without a listener an idle client's error (server restart, network cut) crashes the process.
  pool.on('error', (error) => options.onPoolError?.(error));
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw new Error(
      `Could not connect to Postgres at ${location}: ${errorMessage(error)}. ` +
        'Check that the server is running and that DATABASE_URL (host, port, database, user, password) is right.',
      { cause: error },
    );
  }
  const db = drizzleNodePg({ client: pool, schema });
  const listeners = new Set<() => Promise<void>>();
  let closed: Promise<void> | undefined;
  return {
    migratable: db,
    database: {
      db,
      kind: 'postgres',
      location,
      async listen(channel, onNotify) {
        const stop = await listenOnPostgres(url, channel, onNotify, (error) => options.onPoolError?.(error));
        listeners.add(stop);
        return async () => {
          listeners.delete(stop);
          await stop();
        };
      },
      close: () => (closed ??= Promise.all([...listeners].map((stop) => stop())).then(() => pool.end())),
    },
  };
}

async function openPglite(dataDir: string): Promise<Opened> {
  const directory = path.resolve(dataDir, 'pglite');
  await mkdir(directory, { recursive: true });
  const releaseLock = await lockDirectory(path.resolve(dataDir, 'pglite.lock'), directory);
  let client: PGlite;
  try {
    client = await PGlite.create(directory);
  } catch (error) {
    await releaseLock();
    throw new Error(
      `Could not open the embedded database in ${directory}: ${errorMessage(error)}. ` +
        'If the folder was copied or damaged, move it away to start with an empty database.',
      { cause: error },
    );
  }
  const db = drizzlePglite({ client, schema });
  let closed: Promise<void> | undefined;
  return {
    migratable: db,
    database: {
      db,
      kind: 'pglite',
      location: directory,
      async listen(channel, onNotify) {
        const unlisten = await client.listen(channel, onNotify);
        return async () => {
          if (!client.closed) await unlisten();
        };
      },
      close: () => (closed ??= client.close().finally(releaseLock)),
    },
  };
}

/**
 * A dedicated connection (LISTEN needs one session) that reconnects with backoff when it drops, and
 * then calls onNotify once: changes made while it was away must not wait for the next notification.
 */
async function listenOnPostgres(
  url: string,
  channel: string,
  onNotify: (payload: string) => void,
  onError: (error: Error) => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let delay = 250;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify(message.payload ?? '');
    });
    next.on('error', (error) => {
      onError(error);
      onDead(next);
    });
    next.on('end', () => onDead(next));
    await next.connect();
    await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    client = next;
    delay = 250;
  };

  const reconnectLater = () => {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect()
        .then(() => onNotify(''))
        .catch((error: Error) => {
          onError(error);
          delay = Math.min(delay * 2, 10_000);
          reconnectLater();
        });
    }, delay);
    retryTimer.unref();
  };

  // Only the connection in use counts: a failed attempt's events are ignored (its retry is scheduled).
  const onDead = (dead: pg.Client) => {
    if (stopped || client !== dead) return;
    client = null;
    dead.end().catch(() => {});
    reconnectLater();
  };

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retryTimer);
    const current = client;
    client = null;
    await current?.end().catch(() => {});
  };
}

/**
 * PGlite has no lock of its own: two processes opening one directory would corrupt it (e.g. `npm start`
 * run twice). A lock file holding our pid refuses the second one; a lock left by a crashed process
 * (its pid is gone) is taken over.
 */
async function lockDirectory(lockFile: string, directory: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(lockFile, String(process.pid), { flag: 'wx' });
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await rm(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new Error(
          `The embedded database in ${directory} is in use by another ROI Desk server (process ${holder}${holder === process.pid ? ', this one' : ''}). ` +
            'Stop that server, or give this one another data directory (--data-dir or ROI_DATA_DIR).',
          { cause: error },
        );
      }
      await rm(lockFile, { force: true }); // stale: its process has exited
    }
  }
  throw new Error(`Could not lock ${lockFile}; another server may be starting at the same moment. Try again.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Rows of a raw `db.execute(sql…)`. Typed `unknown` on the shared PgDatabase base; both drivers
 * (node-postgres QueryResult, PGlite Results) return an object with `rows`.
 */
export function rowsOf<T extends Record<string, unknown>>(result: unknown): T[] {
  const rows = (result as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) throw new TypeError('Expected a query result with rows.');
  return rows as T[];
}

/** postgres://user:secret@host/db → postgres://user:***@host/db, for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorMessage(error.errors[0]);
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}

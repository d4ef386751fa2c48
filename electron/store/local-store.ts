// The local SQLite replica of one user's scope: opened with WAL (readers never wait for the writer) and
// migrated on open. Reads and writes here never wait for the network.
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { migrateSqlite, type SqliteMigrationResult } from '../../db/migrate/sqlite.ts';
import * as schema from '../../db/schema/sqlite.ts';
import { MAIN_CONNECTION_AUTOCHECKPOINT_PAGES, startWalCheckpointer, WAL_SIZE_LIMIT_BYTES } from './wal-checkpointer.ts';

export type LocalDatabase = BetterSQLite3Database<typeof schema>;

export type LocalStore = {
  file: string;
  /** Whose replica this is (null for a store opened by path). */
  userId: string | null;
  sqlite: Database.Database;
  db: LocalDatabase;
  migration: SqliteMigrationResult;
  /**
   * Lets the WAL checkpoint worker copy everything written so far, so that the next write rewinds the WAL:
   * long bursts of writes call it every so often (see wal-checkpointer.ts). Immediate for in-memory stores.
   */
  checkpointNow(): Promise<void>;
  close(): void;
};

/** Where a user's replica lives: one directory per user, so two accounts on a laptop never mix data. */
export function userDataDir(dataDir: string, userId: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(userId)) throw new Error(`Refusing unsafe user id for a directory name: ${userId}`);
  return path.join(dataDir, 'users', userId);
}

/**
 * How long close() keeps retrying the final checkpoint. It runs on the calling (main) thread, and a reader
 * in the middle of a long read transaction (the alert worker's scan) makes it wait too; past this the WAL
 * simply stays beside the file, where the next open replays it: nothing is lost, the file alone is not whole.
 */
const FINAL_CHECKPOINT_WAIT_MS = 5_000;

/**
 * Copies the whole WAL into the database file and empties it. The checkpoint worker's connection may
 * outlive the main one, and then the main close is not the last close that would do this: without it the
 * file is not whole on its own once close() returns (and something may copy or move it next). A checkpoint
 * the worker is running holds the lock, and TRUNCATE then answers busy at once: tried again until done.
 */
function foldWalIntoDatabase(sqlite: Database.Database): void {
  const deadline = Date.now() + FINAL_CHECKPOINT_WAIT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  sqlite.pragma('busy_timeout = 100'); // each try waits briefly for readers; the deadline bounds the whole
  for (;;) {
    try {
      const [result] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (result?.busy === 0 || Date.now() > deadline) return;
    } catch {
      return; // the WAL stays beside the file and is replayed on the next open
    }
    Atomics.wait(pause, 0, 0, 20);
  }
}

export function openLocalStore(file: string, userId: string | null = null): LocalStore {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commit.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = OFF'); // replicas receive rows in table order, not dependency order
    sqlite.pragma('busy_timeout = 5000');
    const migration = migrateSqlite(sqlite, file);
    const db = drizzle(sqlite, { schema });
    // Checkpoints run on a worker thread; this connection's own only if the WAL grows far (see wal-checkpointer.ts).
    const checkpointer = file === ':memory:' ? null : startWalCheckpointer(file);
    if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${MAIN_CONNECTION_AUTOCHECKPOINT_PAGES}`);
    sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    return {
      file,
      userId,
      sqlite,
      db,
      migration,
      checkpointNow: () => checkpointer?.checkpointNow() ?? Promise.resolve(),
      close: () => {
        checkpointer?.stop();
        if (checkpointer) foldWalIntoDatabase(sqlite);
        sqlite.close();
      },
    };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

export function openUserStore(dataDir: string, userId: string): LocalStore {
  return openLocalStore(path.join(userDataDir(dataDir, userId), 'replica.sqlite'), userId);
}

// A sync client in a process of its own, for the crash-safety test: it opens a replica file, runs the
// sync engine against `serverUrl` (its shape streams in the engine's worker thread; every SQLite write,
// and so every kill point below, on the main thread) and, when asked, makes a burst of numbered local
// edits — and it can be
// told to kill itself (SIGKILL, no cleanup) at an exact point: inside the SQLite transaction that applies
// a shape batch (after writing rows, after writing the offset), while recording the server's answer to
// a push, after the server answered a push but before the answer is recorded, or in a local edit.
//
//   node --import tsx tests/support/crash-device.ts '<json config>'
//
// Each local edit k (note insert, task title, contact phone) is made in one SQLite transaction together
// with a row of the test's journal (crash_journal: k and the outbox entries with their HLCs), so after
// any kill the journal says exactly which edits exist, and a restart continues with k + 1.
import { writeSync } from 'node:fs';
import type { ShapeTable } from '../../db/sync/shape-tables.ts';
import type { LocalEdit } from '../../electron/sync/replica.ts';
import { ledgerEntries, openTestDevice, type DeviceSession } from './sync-device.ts';

export type CrashPoint =
  /** After writing the nth synced row inside a shape batch's transaction (or a local edit's). */
  | 'rows'
  /** After writing the nth stream offset, still inside the batch's transaction. */
  | 'offset'
  /** After marking the nth pushed edit acknowledged, inside the transaction recording the answer. */
  | 'ack'
  /** When the nth push answer arrived (the server applied it), before anything is recorded. */
  | 'posted'
  /** After dropping the nth settled edit from the outbox, inside the batch's transaction. */
  | 'settle'
  /** After queueing the nth local edit in the outbox, inside the edit's transaction. */
  | 'edit';

export type CrashDeviceConfig = {
  file: string;
  serverUrl: string;
  session: DeviceSession;
  tables: ShapeTable[];
  /** Local edits 1..total, one every intervalMs (continuing after the last one the journal has). */
  edits?: { total: number; intervalMs: number; contactId: string; taskId: string; notePrefix: string };
  crash?: { point: CrashPoint; nth: number };
  /** The shape worker's entry (a bundle beside the child's bundle); default: the TypeScript source. */
  shapeWorkerEntry?: string;
};

const config = JSON.parse(process.argv[2]!) as CrashDeviceConfig;
const say = (line: string) => writeSync(1, `${line}\n`);

const die = (why: string): never => {
  say(`crash ${why}`);
  process.kill(process.pid, 'SIGKILL');
  for (;;) {
    // SIGKILL is on its way: never run another line of the engine.
  }
};

const STATEMENTS: Partial<Record<CrashPoint, RegExp>> = {
  rows: new RegExp(`^(INSERT OR REPLACE INTO|UPDATE|DELETE FROM) "(${config.tables.join('|')})"`),
  offset: /^INSERT INTO local_shapes/,
  ack: /^UPDATE local_outbox SET status = 'acknowledged'/,
  settle: /^DELETE FROM local_outbox WHERE id = \?/,
  edit: /^INSERT INTO local_outbox/,
};

// Count fetches of POST /v1/mutations whose answer arrived, and die on the nth before returning it.
if (config.crash?.point === 'posted') {
  const crash = config.crash;
  const realFetch = globalThis.fetch;
  let answered = 0;
  globalThis.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    if (String(input).endsWith('/v1/mutations') && init?.method === 'POST') {
      await response.clone().text(); // the whole answer is here: the server has committed the batch
      answered += 1;
      if (answered === crash.nth) die(`posted ${answered}`);
    }
    return response;
  };
}

const device = openTestDevice({
  name: 'crash-device',
  file: config.file,
  serverUrl: config.serverUrl,
  session: config.session,
  tables: config.tables,
  timings: { restartDelayMs: 100, pushMinDelayMs: 30, pushMaxDelayMs: 200 },
  ...(config.shapeWorkerEntry ? { shapeWorkerEntry: config.shapeWorkerEntry } : {}),
  onTablesChanged: (tables) => say(`applied ${tables.join(',')}`),
  prepare: (sqlite) => {
    const pattern = config.crash ? STATEMENTS[config.crash.point] : undefined;
    if (!config.crash || !pattern) return;
    const { point, nth } = config.crash;
    const prepare = sqlite.prepare.bind(sqlite);
    let runs = 0;
    sqlite.prepare = ((text: string) => {
      const statement = prepare(text);
      if (pattern.test(text.trim())) {
        const run = statement.run.bind(statement);
        statement.run = ((...params: unknown[]) => {
          const result = run(...(params as never[]));
          runs += 1;
          if (runs === nth) die(`${point} ${runs}`);
          return result;
        }) as typeof statement.run;
      }
      return statement;
    }) as typeof sqlite.prepare;
  },
});

device.sqlite.exec('CREATE TABLE IF NOT EXISTS crash_journal (k INTEGER PRIMARY KEY, entries TEXT NOT NULL)');
say('ready');
// The streams run in the engine's shape worker thread (started once the session's access token is in
// hand); the test checks each life had one.
while (device.engine.shapeWorkerThreadId() <= 0) await new Promise((resolve) => setTimeout(resolve, 5));
say(`shape worker thread ${device.engine.shapeWorkerThreadId()}`);

if (config.edits) {
  const { total, intervalMs, contactId, taskId, notePrefix } = config.edits;
  const journal = device.sqlite.prepare('INSERT INTO crash_journal (k, entries) VALUES (?, ?)');
  // One SQLite transaction: the edits (better-sqlite3 nests mutate's transaction as a savepoint) and their journal row.
  const editOnce = device.sqlite.transaction((k: number) => {
    const edits: LocalEdit[] = [
      { table: 'notes', op: 'insert', id: `${notePrefix}${k}`, changes: { contact_id: contactId, body: `Burst note ${k}` } },
      { table: 'tasks', op: 'update', id: taskId, changes: { title: `Title ${k}` } },
      { table: 'contacts', op: 'update', id: contactId, changes: { phone: `555-${k}` } },
    ];
    const ids = device.engine.mutate(edits);
    journal.run(k, JSON.stringify(ledgerEntries(device.sqlite, 'crash-device', config.session.deviceId, ids)));
  });
  const lastDone = () => (device.sqlite.prepare('SELECT max(k) AS k FROM crash_journal').get() as { k: number | null }).k ?? 0;
  const tick = () => {
    const k = lastDone() + 1;
    if (k > total) return;
    // The rows the edits touch arrive with the first sync: wait for them.
    if (!device.sqlite.prepare('SELECT 1 FROM contacts WHERE id = ?').get(contactId) || !device.sqlite.prepare('SELECT 1 FROM tasks WHERE id = ?').get(taskId)) {
      setTimeout(tick, intervalMs);
      return;
    }
    editOnce(k);
    say(`edit ${k}`);
    setTimeout(tick, intervalMs);
  };
  tick();
}

// Runs until the parent kills it.
setInterval(() => {}, 60_000);

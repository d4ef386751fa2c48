// Crash safety: a sync client runs in a child process (tests/support/crash-device.ts) on a replica file
// and is killed with SIGKILL — at random moments, and at exact points inside its SQLite transactions
// (after writing rows but before the offset, after the offset but before commit, while recording a
// push's answer, after the server answered a push but before anything was recorded, inside a local
// edit) — and restarted each time. After every kill the replica on disk must be consistent: each table
// equals the server's change log folded up to the offset stored with it (rows with local edits in
// flight: their kept server copy does), a snapshot in progress holds exactly its pages. At the end:
//   (a) an initial sync of thousands of rows in pages of 50, with the server changing meanwhile, ends
//       with the replica equal to the server, no row missing or extra, offsets at the log head;
//   (b) a burst of local edits pushed through a faulty proxy ends with every edit applied exactly once
//       (each note once, the task title at its last value, every lost phone edit logged once in
//       `conflicts` against a competing device), the outbox empty and the replica equal to the server.
// Seeded (ROI_CRASH_SEED=<n> to rerun one); the seed is in every failure message.
import Database from 'better-sqlite3';
import { build, type Plugin } from 'esbuild';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerages, contacts, tasks } from '../../db/schema/pg.ts';
import { createHlcClock } from '../../db/sync/hlc.ts';
import type { ShapeTable } from '../../db/sync/shape-tables.ts';
import { rowsOf } from '../../sync-server/database.ts';
import { createTestDatabase, type TestDatabase } from '../../sync-server/testing/test-databases.ts';
import { createTestUser, startTestServer, type TestServer } from '../../sync-server/testing/test-server.ts';
import type { CrashDeviceConfig, CrashPoint } from '../support/crash-device.ts';
import { createRandom, pick, randomInt, startFaultProxy, type FaultProxy, type Random } from '../support/fault-proxy.ts';
import {
  deliveredPosition,
  diffTables,
  foldChangeLog,
  ledgerProblems,
  normalRow,
  pendingEditProblems,
  replicaTable,
  serverConflicts,
  serverLogHead,
  serverTable,
  signInDevice,
  storedShapes,
  type DeviceSession,
  type LedgerEdit,
  type NormalTable,
} from '../support/sync-device.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD_SOURCE = path.join(ROOT, 'tests/support/crash-device.ts');
const SEED = Number(process.env.ROI_CRASH_SEED ?? 20261122);
const PAGE_SIZE = 50;
const TABLES: ShapeTable[] = ['contacts', 'notes', 'tasks', 'conflicts'];
const BULK = { contacts: 1000, notes: 600, tasks: 400 };
const BURST_EDITS = 120;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tag = (message: string) => `[crash-safety seed=${SEED}; rerun with ROI_CRASH_SEED=${SEED}] ${message}`;

type Life = { ended: string; output: string };

describe('crash safety of a sync client killed with SIGKILL', () => {
  let database: TestDatabase;
  let server: TestServer;
  let competitor: DeviceSession;
  let dir: string;
  let childBuild: ChildBuild;
  /** One client: its replica file, its signed-in session, the brokerage it replicates, its proxy to the server. */
  type Client = { file: string; session: DeviceSession; brokerageId: string; proxy: FaultProxy };
  let bulk: Client;
  let burstClient: Client;
  // (a) syncs the bulk brokerage; (b) is another brokerage (a replica of its own), so each runs alone too.
  const bulkBrokerage = 'brk-crash-bulk';
  const burstBrokerage = 'brk-crash-burst';
  const burst = { contactId: 'crash-burst-contact', taskId: 'crash-burst-task', notePrefix: 'crash-burst-note-' };

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await startTestServer({ kind: 'pglite', createDatabase: async () => database }, { shapePageSize: PAGE_SIZE, liveTimeoutMs: 500 });
    await server.db.insert(brokerages).values([
      { id: bulkBrokerage, name: 'Bulk Realty' },
      { id: burstBrokerage, name: 'Burst Realty' },
    ]);
    const bulkManager = await createTestUser(server.db, { role: 'manager', brokerageId: bulkBrokerage });
    const burstManager = await createTestUser(server.db, { role: 'manager', brokerageId: burstBrokerage });
    const other = await createTestUser(server.db, { role: 'manager', brokerageId: burstBrokerage });
    const brokerageId = bulkBrokerage;
    // Thousands of rows, written like any other change (the triggers log them).
    await server.db.execute(sql`
      INSERT INTO contacts (id, brokerage_id, first_name, last_name, phone, tags, household_size)
      SELECT 'crash-c' || lpad(g::text, 5, '0'), ${brokerageId}, 'First ' || g, 'Last', '555-' || g, '["bulk"]'::jsonb, g % 7
      FROM generate_series(1, ${BULK.contacts}) g`);
    await server.db.execute(sql`
      INSERT INTO notes (id, brokerage_id, contact_id, body)
      SELECT 'crash-n' || lpad(g::text, 5, '0'), ${brokerageId}, 'crash-c' || lpad((g % ${BULK.contacts} + 1)::text, 5, '0'), 'Bulk note ' || g
      FROM generate_series(1, ${BULK.notes}) g`);
    await server.db.execute(sql`
      INSERT INTO tasks (id, brokerage_id, contact_id, title, priority)
      SELECT 'crash-t' || lpad(g::text, 5, '0'), ${brokerageId}, 'crash-c' || lpad(g::text, 5, '0'), 'Bulk task ' || g, 'normal'
      FROM generate_series(1, ${BULK.tasks}) g`);
    await server.db.insert(contacts).values({ id: burst.contactId, brokerageId: burstBrokerage, firstName: 'Burst', lastName: 'Target', phone: '555-0000' });
    await server.db.insert(tasks).values({ id: burst.taskId, brokerageId: burstBrokerage, contactId: burst.contactId, title: 'Title 0' });
    // Each client reaches the server through its own seeded faulty proxy (delays make kills land mid-request).
    const proxyFor = (seed: number) =>
      startFaultProxy({ target: server.url, seed, faults: { delay: 0.5, cut: 0.06, duplicate: 0.06, drop: 0.03 }, maxDelayMs: 80 });
    dir = mkdtempSync(path.join(tmpdir(), 'roi-crash-'));
    childBuild = await buildChild(dir);
    bulk = {
      file: path.join(dir, 'bulk.sqlite'),
      session: await signInDevice(server.url, bulkManager, 'crash-test laptop'),
      brokerageId: bulkBrokerage,
      proxy: await proxyFor(SEED),
    };
    burstClient = {
      file: path.join(dir, 'burst.sqlite'),
      session: await signInDevice(server.url, burstManager, 'burst laptop'),
      brokerageId: burstBrokerage,
      proxy: await proxyFor(SEED + 4),
    };
    competitor = await signInDevice(server.url, other, 'competing laptop');
  });

  afterAll(async () => {
    await bulk?.proxy.close();
    await burstClient?.proxy.close();
    await server?.close();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const config = (client: Client, extra: Partial<CrashDeviceConfig> = {}): CrashDeviceConfig => ({
    file: client.file,
    serverUrl: client.proxy.url,
    session: client.session,
    tables: TABLES,
    ...(childBuild.shapeWorkerEntry ? { shapeWorkerEntry: childBuild.shapeWorkerEntry } : {}),
    ...extra,
  });

  /** Runs the client until it kills itself at its crash point, we kill it after `killAfterMs`, or `done()` holds. */
  const live = async (cfg: CrashDeviceConfig, end: { killAfterMs?: number; done?: () => Promise<boolean>; timeoutMs?: number }): Promise<Life> => {
    const child = spawn(process.execPath, [...childBuild.command, JSON.stringify(cfg)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`exit ${code ?? signal}`)));
    const ready = async () => {
      while (!output.includes('ready\n')) {
        if (child.exitCode !== null || child.signalCode !== null) return;
        await sleep(10);
      }
    };
    const killer = (async () => {
      await ready();
      if (end.killAfterMs !== undefined) {
        await Promise.race([sleep(end.killAfterMs), exited]);
        return 'killed after a random time';
      }
      const deadline = Date.now() + (end.timeoutMs ?? 20_000);
      while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
        if (end.done && (await end.done())) return 'done';
        await sleep(50);
      }
      return end.done ? 'timed out' : 'crash point not reached';
    })();
    const why = await Promise.race([exited.then(() => null), killer]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    const crash = /^crash (.+)$/m.exec(output);
    if (!crash && why === null) throw new Error(tag(`the client exited by itself:\n${output}`));
    if (why === 'timed out') throw new Error(tag(`the client did not finish in time:\n${output.slice(-3000)}`));
    return { ended: crash ? `crashed at ${crash[1]}` : why!, output };
  };

  const openReplica = (client: Client) => {
    const sqlite = new Database(client.file);
    sqlite.pragma('busy_timeout = 5000');
    return sqlite;
  };

  const outboxRowIds = (sqlite: Database.Database, table: ShapeTable) =>
    new Set(
      (sqlite.prepare(`SELECT DISTINCT row_id FROM local_outbox WHERE table_name = ? AND status IN ('pending', 'acknowledged')`).all(table) as { row_id: string }[]).map(
        (r) => r.row_id,
      ),
    );

  /** Every stream past the server's newest change and nothing left in the outbox. */
  const caughtUp = async (client: Client): Promise<boolean> => {
    const head = await serverLogHead(server.db);
    const sqlite = openReplica(client);
    try {
      const shapes = storedShapes(sqlite);
      const outbox = (sqlite.prepare(`SELECT count(*) AS n FROM local_outbox`).get() as { n: number }).n;
      return outbox === 0 && TABLES.every((t) => deliveredPosition(shapes.get(t)?.offset ?? '-1') >= head);
    } finally {
      sqlite.close();
    }
  };

  const inLogMode = (client: Client): boolean => {
    const sqlite = openReplica(client);
    try {
      const shapes = storedShapes(sqlite);
      return TABLES.every((t) => deliveredPosition(shapes.get(t)?.offset ?? '-1') >= 0);
    } finally {
      sqlite.close();
    }
  };

  /**
   * The replica on disk after a kill: every table matches the change log folded up to the offset stored
   * with it (rows with local edits in flight: their kept server copy does), a snapshot in progress holds
   * exactly the pages its offset says (`snapshotRows`: the server's rows, unchanged since), and every
   * edit in flight is visible.
   */
  const consistencyProblems = async (client: Client, when: string, snapshotRows?: Map<ShapeTable, NormalTable>): Promise<string[]> => {
    const sqlite = openReplica(client);
    try {
      const problems = pendingEditProblems(sqlite, when);
      const shapes = storedShapes(sqlite);
      for (const table of TABLES) {
        const offset = shapes.get(table)?.offset ?? '-1';
        const inFlight = outboxRowIds(sqlite, table);
        const settledRows = new Map([...replicaTable(sqlite, table)].filter(([id]) => !inFlight.has(id)));
        const snapshot = /^0_(\d+)$/.exec(offset);
        if (offset === '-1') {
          if (settledRows.size > 0) problems.push(`${when}: ${table} has ${settledRows.size} rows but no stored offset`);
          continue;
        }
        if (snapshot) {
          if (!snapshotRows) {
            problems.push(`${when}: ${table} is back in a snapshot (${offset})`);
            continue;
          }
          // Pages 1..k-1 applied: exactly the first (k-1)·page rows in id order.
          const expected = new Map([...snapshotRows.get(table)!].slice(0, (Number(snapshot[1]) - 1) * PAGE_SIZE));
          problems.push(...diffTables(`${when}: ${table} at ${offset}`, settledRows, expected));
          continue;
        }
        const position = deliveredPosition(offset);
        if (position < 0) {
          problems.push(`${when}: ${table} has an offset this server never issues: ${offset}`);
          continue;
        }
        const folded = await foldChangeLog(server.db, table, client.brokerageId, position);
        problems.push(...diffTables(`${when}: ${table} at ${offset}`, settledRows, new Map([...folded].filter(([id]) => !inFlight.has(id)))));
        for (const id of inFlight) {
          const copy = sqlite.prepare('SELECT row FROM local_server_rows WHERE table_name = ? AND row_id = ?').get(table, id) as { row: string | null } | undefined;
          if (!copy) {
            problems.push(`${when}: ${table} ${id} has edits in flight but no server copy`);
            continue;
          }
          const kept = new Map(copy.row === null ? [] : [[id, normalRow(table, JSON.parse(copy.row) as Record<string, unknown>, true)]]);
          const truth = new Map(folded.has(id) ? [[id, folded.get(id)!]] : []);
          problems.push(...diffTables(`${when}: server copy of ${table} ${id} at ${offset}`, kept, truth));
        }
      }
      return problems;
    } finally {
      sqlite.close();
    }
  };

  /** The replica equals the server now; every offset is a log offset of a live handle, at most the head; the outbox is empty. */
  const finalProblems = async (client: Client, when: string): Promise<string[]> => {
    const head = await serverLogHead(server.db);
    const sqlite = openReplica(client);
    try {
      const problems: string[] = [];
      const shapes = storedShapes(sqlite);
      const handles = new Set(rowsOf<{ handle: string }>(await server.db.execute(sql`SELECT handle FROM sync_shapes`)).map((r) => r.handle));
      for (const table of TABLES) {
        problems.push(...diffTables(`${when}: ${table}`, replicaTable(sqlite, table), await serverTable(server.db, table, client.brokerageId), 12));
        const stored = shapes.get(table);
        if (!stored?.handle || !handles.has(stored.handle)) problems.push(`${when}: ${table} has no live shape handle (${stored?.handle})`);
        const position = deliveredPosition(stored?.offset ?? '-1');
        if (position < 0 || position > head) problems.push(`${when}: ${table} offset ${stored?.offset} is not a log position up to ${head}`);
      }
      const outbox = sqlite.prepare(`SELECT id, status, last_error FROM local_outbox`).all();
      if (outbox.length > 0) problems.push(`${when}: the outbox still holds ${JSON.stringify(outbox.slice(0, 5))}`);
      return problems;
    } finally {
      sqlite.close();
    }
  };

  const storedPositions = (client: Client): ReturnType<typeof storedShapes> => {
    if (!existsSync(client.file)) return new Map(); // before the first life
    const sqlite = openReplica(client);
    try {
      return storedShapes(sqlite);
    } finally {
      sqlite.close();
    }
  };

  /**
   * A life after a kill: its shape streams ran in the engine's worker thread, and each table's first
   * request asked for exactly the handle and offset the replica had stored (nothing re-fetched, nothing
   * skipped). `resumed` counts the tables that continued from a stored offset.
   */
  const resumeProblems = (
    label: string,
    stored: ReturnType<typeof storedShapes>,
    requests: readonly { method: string; path: string }[],
    output: string,
  ): { problems: string[]; resumed: number } => {
    const problems: string[] = [];
    let resumed = 0;
    const worker = /^shape worker thread (-?\d+)$/m.exec(output);
    if (output.includes('ready\n') && !(worker && Number(worker[1]) > 0)) problems.push(`${label}: the engine ran no shape worker thread`);
    const first = new Map<string, URLSearchParams>();
    for (const request of requests) {
      const url = new URL(request.path, 'http://proxy');
      const table = url.searchParams.get('table');
      if (request.method === 'GET' && url.pathname === '/v1/shape' && table && !first.has(table)) first.set(table, url.searchParams);
    }
    for (const table of TABLES) {
      const position = stored.get(table);
      const params = first.get(table);
      if (!position || position.offset === '-1' || !params) continue;
      if (params.get('offset') !== position.offset || params.get('handle') !== position.handle) {
        problems.push(`${label}: ${table} resumed at offset ${params.get('offset')} handle ${params.get('handle')}, but ${position.offset} / ${position.handle} was stored`);
      } else resumed++;
    }
    return { problems, resumed };
  };

  /** A crash at the nth time of `point`, n drawn from 1..max; 'kill' = SIGKILL at a random moment instead. */
  const crashPlan = (r: Random, point: CrashPoint | 'kill', max: number): CrashDeviceConfig['crash'] | undefined =>
    point === 'kill' ? undefined : { point, nth: randomInt(r, 1, max) };

  it('(a) an initial sync of thousands of rows, killed again and again, ends exactly equal to the server', async () => {
    const started = Date.now();
    const random = createRandom(SEED);
    const snapshotRows = new Map<ShapeTable, NormalTable>();
    for (const table of TABLES) snapshotRows.set(table, await serverTable(server.db, table, bulk.brokerageId));
    expect(snapshotRows.get('contacts')!.size).toBe(BULK.contacts);
    const lives: string[] = [];
    const problems: string[] = [];
    let resumed = 0;
    const run = async (label: string, crash: CrashDeviceConfig['crash'], killAfterMs: number) => {
      const stored = storedPositions(bulk);
      const mark = bulk.proxy.requests().length;
      const born = Date.now();
      const life = await live(config(bulk, crash ? { crash } : {}), crash ? { timeoutMs: 5_000 } : { killAfterMs });
      lives.push(`${label} (${crash ? `${crash.point} #${crash.nth}` : `kill after ${killAfterMs} ms`}): ${life.ended}`);
      // Only this life's requests: one the previous life sent as it was killed can still be logged after `mark`.
      const ofThisLife = bulk.proxy.requests().slice(mark).filter((request) => request.connectedAt >= born);
      const resume = resumeProblems(label, stored, ofThisLife, life.output);
      resumed += resume.resumed;
      problems.push(...resume.problems);
    };

    // While the snapshot pages come in: kills at random moments and inside the batch transactions.
    for (let n = 1; n <= 16 && (n === 1 || !inLogMode(bulk)); n += 1) {
      const plan = n % 2 === 1 ? crashPlan(random, 'kill', 0) : n % 4 === 2 ? crashPlan(random, 'rows', 300) : crashPlan(random, 'offset', 12);
      await run(`snapshot life ${n}`, plan, randomInt(random, 200, 1_200));
      problems.push(...(await consistencyProblems(bulk, `after snapshot life ${n}`, snapshotRows)));
    }
    expect(inLogMode(bulk), tag(`the snapshot never completed:\n${lives.join('\n')}`)).toBe(true);

    // Now the server changes (updates, inserts, hard deletes) while the client is killed and restarted.
    let changing = true;
    const changes = (async () => {
      const r = createRandom(SEED + 1);
      const id = (prefix: string, n: number) => `${prefix}${String(n).padStart(5, '0')}`;
      for (let round = 0; changing; round += 1) {
        await server.db.transaction(async (tx) => {
          for (let i = 0; i < 6; i += 1) {
            await tx.execute(sql`UPDATE contacts SET phone = ${`556-${round}-${i}`}, stage = ${pick(r, ['lead', 'active'])} WHERE id = ${id('crash-c', randomInt(r, 1, BULK.contacts))}`);
          }
          await tx.execute(
            sql`INSERT INTO notes (id, brokerage_id, contact_id, body) VALUES (${`crash-live-${round}`}, ${bulk.brokerageId}, ${id('crash-c', randomInt(r, 1, BULK.contacts))}, ${`Live note ${round}`})`,
          );
          await tx.execute(sql`DELETE FROM notes WHERE id = ${id('crash-n', randomInt(r, 1, BULK.notes))}`);
          await tx.execute(sql`UPDATE tasks SET title = ${`Live title ${round}`} WHERE id = ${id('crash-t', randomInt(r, 1, BULK.tasks))}`);
        });
        await sleep(25);
      }
    })();
    try {
      for (let n = 1; n <= 4; n += 1) {
        const plan = n % 2 === 1 ? crashPlan(random, 'kill', 0) : n === 2 ? crashPlan(random, 'rows', 40) : crashPlan(random, 'offset', 10);
        await run(`live-changes life ${n}`, plan, randomInt(random, 200, 1_000));
        problems.push(...(await consistencyProblems(bulk, `after live-changes life ${n}`)));
      }
    } finally {
      changing = false;
      await changes;
    }

    const last = await live(config(bulk), { done: () => caughtUp(bulk), timeoutMs: 30_000 });
    lives.push(`final life: ${last.ended}`);
    problems.push(...(await finalProblems(bulk, 'after the final life')));
    console.info(`[crash-safety] (a) seed ${SEED} in ${Date.now() - started} ms:\n  ${lives.join('\n  ')}`);
    expect(problems, tag(lives.join('\n'))).toEqual([]);
    // The kills did land inside batch transactions, not only between them.
    expect(lives.some((l) => /crashed at (rows|offset)/.test(l)), tag(lives.join('\n'))).toBe(true);
    // And the next lives did resume streams from what the killed ones had stored.
    expect(resumed, tag('no life resumed a stream from a stored offset')).toBeGreaterThan(0);
  }, 120_000);

  it('(b) a burst of local edits pushed through a faulty network, killed mid-push, applied exactly once', async () => {
    const started = Date.now();
    const random = createRandom(SEED + 2);
    const lives: string[] = [];
    const problems: string[] = [];
    const edits = { total: BURST_EDITS, intervalMs: 30, ...burst };
    const journalled = () => {
      const sqlite = openReplica(burstClient);
      try {
        sqlite.exec('CREATE TABLE IF NOT EXISTS crash_journal (k INTEGER PRIMARY KEY, entries TEXT NOT NULL)');
        return (sqlite.prepare('SELECT k, entries FROM crash_journal ORDER BY k').all() as { k: number; entries: string }[]).map((row) => ({
          k: row.k,
          entries: JSON.parse(row.entries) as LedgerEdit[],
        }));
      } finally {
        sqlite.close();
      }
    };

    // Another device keeps editing the same phone field, unaware of the burst: edits lose both ways and
    // each loss must be logged exactly once, however often a push is replayed.
    const competing: LedgerEdit[] = [];
    let competingOn = true;
    const competitorLoop = (async () => {
      const pace = createRandom(SEED + 3);
      const clock = createHlcClock(competitor.deviceId);
      for (let id = 1; competingOn; id += 1) {
        const mutation = { id, table: 'contacts' as const, op: 'update' as const, pk: burst.contactId, changes: { phone: `999-${id}` }, hlc: clock.tick() };
        const response = await server.post('/v1/mutations', { clientId: competitor.deviceId, mutations: [mutation] }, competitor.accessToken);
        if (response.status !== 200 || response.body.results[0].status !== 'applied') throw new Error(tag(`competing edit failed: ${JSON.stringify(response.body)}`));
        competing.push({ device: 'competitor', node: competitor.deviceId, outboxId: id, rowId: mutation.pk, baseHlcs: {}, ...mutation });
        await sleep(randomInt(pace, 20, 80));
      }
    })();

    try {
      // Early lives (edits still coming) crash right after the server applied a push; later ones anywhere.
      const anywhere = () => pick(random, [['settle', 6], ['edit', 30], ['rows', 30], ['offset', 20]] as const);
      const plans = [['kill', 0], ['posted', 2], ['ack', 6], ['kill', 0], anywhere(), ['posted', 3], anywhere(), ['kill', 0]] as const;
      for (const [i, [point, max]] of plans.entries()) {
        const n = i + 1;
        const crash = crashPlan(random, point, max);
        const killAfterMs = randomInt(random, 300, 1_200);
        const life = await live(config(burstClient, { edits, ...(crash ? { crash } : {}) }), crash ? { timeoutMs: 5_000 } : { killAfterMs });
        lives.push(`burst life ${n} (${crash ? `${crash.point} #${crash.nth}` : `kill after ${killAfterMs} ms`}): ${life.ended}; edits up to ${lastEdit(life.output)}`);
        problems.push(...(await consistencyProblems(burstClient, `after burst life ${n}`)));
      }
      // The last life makes the remaining edits and pushes them; the competitor stops once they are made.
      const last = await live(config(burstClient, { edits }), {
        done: async () => {
          if (journalled().length < BURST_EDITS) return false;
          competingOn = false;
          await competitorLoop;
          return caughtUp(burstClient);
        },
        timeoutMs: 40_000,
      });
      lives.push(`final life: ${last.ended}`);
    } finally {
      competingOn = false;
      await competitorLoop;
    }

    problems.push(...(await finalProblems(burstClient, 'after the burst')));
    const journal = journalled();
    expect(journal.map((j) => j.k), tag('every edit was made once, in order')).toEqual(Array.from({ length: BURST_EDITS }, (_, i) => i + 1));
    const ledger = [...journal.flatMap((j) => j.entries), ...competing];
    const serverRows = new Map<ShapeTable, NormalTable>();
    for (const table of TABLES) serverRows.set(table, await serverTable(server.db, table, burstClient.brokerageId));
    const conflicts = await serverConflicts(server.db, burstClient.brokerageId);
    problems.push(...ledgerProblems(ledger, serverRows, conflicts));
    // Each burst note exactly once, the task title at its last value, and the server saw every mutation id.
    const burstNotes = [...serverRows.get('notes')!.values()].filter((n) => n.id!.startsWith(burst.notePrefix));
    if (burstNotes.length !== BURST_EDITS) problems.push(`${burstNotes.length} burst notes on the server, expected ${BURST_EDITS}`);
    const title = serverRows.get('tasks')!.get(burst.taskId)?.title;
    if (title !== `Title ${BURST_EDITS}`) problems.push(`the burst task's title is ${title}, expected Title ${BURST_EDITS}`);
    const lastId = Math.max(...journal.flatMap((j) => j.entries.map((e) => e.outboxId)));
    const [client] = rowsOf<{ last: string | number }>(
      await server.db.execute(sql`SELECT last_mutation_id AS last FROM sync_client_mutations WHERE client_id = ${burstClient.session.deviceId}`),
    );
    if (Number(client?.last) !== lastId) problems.push(`the server's last mutation id for the device is ${client?.last}, the last edit's is ${lastId}`);
    const lost = conflicts.filter((c) => c.row_id === burst.contactId && c.field === 'phone').length;

    console.info(
      `[crash-safety] (b) seed ${SEED} in ${Date.now() - started} ms; ${competing.length} competing edits, ${lost} lost phone edits logged; proxy ${JSON.stringify(burstClient.proxy.stats())}:\n  ${lives.join('\n  ')}`,
    );
    expect(problems, tag(lives.join('\n'))).toEqual([]);
    // Kills did land after the server applied a push but before the client recorded the answer.
    expect(lives.some((l) => /crashed at (posted|ack)/.test(l)), tag(lives.join('\n'))).toBe(true);
    expect(lost, tag('the competing device never overwrote a burst edit: nothing tested replays against conflicts')).toBeGreaterThan(0);
  }, 120_000);
});

type ChildBuild = { command: string[]; shapeWorkerEntry?: string };

/**
 * The child's command line, and the sync engine's shape worker for it. Under tsx every start transforms
 * and loads hundreds of modules (~2 s on a busy 2-core machine, most of each life); the same code bundled
 * by esbuild starts in ~0.4 s. The bundle keeps better-sqlite3 (native) outside, and import.meta.url
 * pointing at db/migrate/sqlite.ts so the replica finds its migrations — which also hides where the
 * engine's worker lives, so the worker is bundled too and its path handed to the engine.
 * ROI_CRASH_CHILD=tsx runs the TypeScript sources as they are.
 */
async function buildChild(dir: string): Promise<ChildBuild> {
  if (process.env.ROI_CRASH_CHILD === 'tsx') return { command: ['--import', 'tsx', CHILD_SOURCE] };
  const requireFromRoot = createRequire(path.join(ROOT, 'package.json'));
  const outfile = path.join(dir, 'crash-device.bundle.mjs');
  const workerOutfile = path.join(dir, 'shape-worker.bundle.mjs');
  const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' } as const;
  const banner = { js: `import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(${JSON.stringify(path.join(ROOT, 'package.json'))});` };
  const nativeOutside: Plugin = {
    name: 'native-modules-stay-outside',
    setup(builder) {
      builder.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: requireFromRoot.resolve('better-sqlite3'), external: true }));
    },
  };
  await build({
    ...common,
    entryPoints: [CHILD_SOURCE],
    outfile,
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(path.join(ROOT, 'db/migrate/sqlite.ts')).href) },
    banner,
    plugins: [nativeOutside],
  });
  await build({ ...common, entryPoints: [path.join(ROOT, 'electron/sync/shape-worker.ts')], outfile: workerOutfile, banner, plugins: [nativeOutside] });
  return { command: [outfile], shapeWorkerEntry: workerOutfile };
}

function lastEdit(output: string): number {
  const edits = [...output.matchAll(/^edit (\d+)$/gm)];
  return edits.length ? Number(edits[edits.length - 1]![1]) : 0;
}

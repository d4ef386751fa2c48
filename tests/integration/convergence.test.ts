// Convergence, property-based and seeded: three devices of one brokerage (a manager and two agents,
// each its own SQLite replica and sync engine) edit the same few rows while offline — contact fields,
// tasks, tombstones and their undo, notes — then come back online in a random order through fault
// proxies that drop, delay, duplicate and cut requests (some after the server applied them). Once the
// network heals and every outbox is empty and every stream has caught up:
//   - every replica equals the others and Postgres, for every synced column;
//   - every acknowledged edit is in the final state, or a newer edit (by HLC) overwrote it knowingly
//     or a `conflicts` row records its loss — once, however often the push was replayed;
//   - notes are inserted once with their values, tombstoned iff someone deleted them;
//   - at every moment, a replica shows its own edits in flight (a pull never clobbers a pending edit).
// Reproduce a failure with ROI_SYNC_SEEDS=<seed> (the failing seed is in the test name and the error).
import { sql } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { brokerages, contacts, notes, tasks } from '../../db/schema/pg.ts';
import { CONTACT_STAGES } from '../../db/schema/vocabulary.ts';
import { formatHlc } from '../../db/sync/hlc.ts';
import type { ShapeTable } from '../../db/sync/shape-tables.ts';
import type { LocalEdit } from '../../electron/sync/replica.ts';
import { describeOnBothBackends, lazyInBeforeAll } from '../../sync-server/testing/backends.ts';
import { createTestUser, startTestServer } from '../../sync-server/testing/test-server.ts';
import { rowsOf, type ServerDb } from '../../sync-server/database.ts';
import { createRandom, pick, randomInt, startFaultProxy, type FaultProxy, type Random } from '../support/fault-proxy.ts';
import {
  deliveredPosition,
  diffTables,
  ledgerEntries,
  ledgerProblems,
  openTestDevice,
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
  type TestDevice,
} from '../support/sync-device.ts';

const TABLES: readonly ShapeTable[] = ['contacts', 'tasks', 'notes', 'conflicts'];
const DEFAULT_SEEDS = { pglite: [1, 2, 3, 4, 5], postgres: [6, 7] } as const;
const ROUNDS = 2;
const FAULTS = { drop: 0.08, cut: 0.12, duplicate: 0.1, delay: 0.2 };

const seedsFor = (kind: 'pglite' | 'postgres'): number[] =>
  process.env.ROI_SYNC_SEEDS ? process.env.ROI_SYNC_SEEDS.split(',').map((s) => Number(s.trim())) : [...DEFAULT_SEEDS[kind]];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(what: string, read: () => T | Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await sleep(25);
  }
}

describeOnBothBackends('convergence of offline edits through a faulty network', (backend) => {
  const server = lazyInBeforeAll(
    () =>
      startTestServer(backend, {
        liveTimeoutMs: 400,
        rateLimits: { loginPerIp: { max: 10_000, windowMs: 60_000 }, refreshPerIp: { max: 10_000, windowMs: 60_000 } },
      }),
    (s) => s.close(),
  );

  for (const seed of seedsFor(backend.kind)) {
    it(`seed ${seed}: replicas and Postgres converge, no acknowledged edit is lost`, async () => {
      const started = Date.now();
      try {
        await runScenario(server.current.db, server.current.url, backend.kind, seed);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`[convergence ${backend.kind} seed=${seed}; rerun with ROI_SYNC_SEEDS=${seed}] ${message}`, { cause: error });
      }
      console.info(`[convergence ${backend.kind}] seed ${seed} passed in ${Date.now() - started} ms`);
    }, 60_000);
  }

  // The smallest case the property found: a delete of an already deleted row must still take the
  // field's clock, or an older undo arriving after it revives the row in one push order and not in another.
  it('delete, undo and a newer delete end the same whatever order they arrive in', async () => {
    const { db } = server.current;
    const brokerageId = `brk-cv-order-${backend.kind}-${Date.now().toString(36)}`;
    await db.insert(brokerages).values({ id: brokerageId, name: 'Order Realty' });
    const manager = await createTestUser(db, { role: 'manager', brokerageId });
    const [a, b, c] = (await Promise.all(['a', 'b', 'c'].map((n) => signInDevice(server.current.url, manager, `order ${n}`)))) as [DeviceSession, DeviceSession, DeviceSession];
    const ids = [`${brokerageId}-x`, `${brokerageId}-y`];
    await db.insert(contacts).values(ids.map((id) => ({ id, brokerageId, firstName: 'Order' })));
    const t = Date.now();
    const at = (ms: number, device: DeviceSession) => formatHlc({ millis: t + ms, counter: 0, node: device.deviceId });
    const push = async (device: DeviceSession, id: number, pk: string, op: 'delete' | 'update', hlc: string) => {
      const mutation = { id, table: 'contacts', op, pk, hlc, changes: op === 'update' ? { deleted_at: null } : {} };
      const response = await server.current.post('/v1/mutations', { clientId: device.deviceId, mutations: [mutation] }, device.accessToken);
      expect(response.body.results[0].status).toBe('applied');
    };
    // A deletes (t+10), C undoes (t+20), B deletes again (t+30): B is the newest edit, the row ends deleted.
    await push(a, 1, ids[0]!, 'delete', at(10, a));
    await push(b, 1, ids[0]!, 'delete', at(30, b));
    await push(c, 1, ids[0]!, 'update', at(20, c));
    await push(a, 2, ids[1]!, 'delete', at(10, a));
    await push(c, 2, ids[1]!, 'update', at(20, c));
    await push(b, 2, ids[1]!, 'delete', at(30, b));
    const rows = await serverTable(db, 'contacts', brokerageId);
    for (const id of ids) {
      expect({ id, deleted: rows.get(id)!.deleted_at !== null, clock: JSON.parse(rows.get(id)!.field_hlcs!).deleted_at }).toEqual({ id, deleted: true, clock: at(30, b) });
    }
  });
});

async function runScenario(db: ServerDb, serverUrl: string, kind: string, seed: number): Promise<void> {
  const random = createRandom(seed);
  const key = `cv-${kind}-${seed}-${Date.now().toString(36)}`;
  const brokerageId = `brk-${key}`;
  await db.insert(brokerages).values({ id: brokerageId, name: `Convergence ${seed}` });
  const people = [
    await createTestUser(db, { role: 'manager', brokerageId }),
    await createTestUser(db, { role: 'agent', brokerageId }),
    await createTestUser(db, { role: 'agent', brokerageId }),
  ];
  // Unassigned contacts: every agent of the brokerage sees them, so all three devices share every row.
  const contactIds = [1, 2, 3].map((n) => `${key}-c${n}`);
  const taskIds = [1, 2].map((n) => `${key}-t${n}`);
  await db.insert(contacts).values(contactIds.map((id, i) => ({ id, brokerageId, firstName: `First ${i}`, lastName: 'Shared', phone: `555-000${i}`, tags: ['seed'] })));
  await db.insert(tasks).values(taskIds.map((id, i) => ({ id, brokerageId, contactId: contactIds[i]!, title: `Task ${i}` })));
  await db.insert(notes).values({ id: `${key}-n0`, brokerageId, contactId: contactIds[0]!, body: 'seeded note' });

  const dir = mkdtempSync(path.join(tmpdir(), 'roi-convergence-'));
  const proxies: FaultProxy[] = [];
  const devices: TestDevice[] = [];
  const invariantProblems: string[] = [];
  const ledger: LedgerEdit[] = [];
  try {
    const names = people.map((person, i) => `${person.role}-${i}`);
    const sessions = await Promise.all(people.map((person, i) => signInDevice(serverUrl, person, `convergence ${names[i]}`)));
    for (const [i, session] of sessions.entries()) {
      const name = names[i]!;
      const proxy = await startFaultProxy({ target: serverUrl, seed: seed * 1000 + i, faults: FAULTS, maxDelayMs: 200, initialMode: 'clean' });
      proxies.push(proxy);
      const device: TestDevice = openTestDevice({
        name,
        file: path.join(dir, `${name}.sqlite`),
        serverUrl: proxy.url,
        session,
        tables: TABLES,
        // After every batch the replica applies (and every local edit): edits in flight stay visible.
        onTablesChanged: () => invariantProblems.push(...pendingEditProblems(device.sqlite, name)),
      });
      devices.push(device);
    }
    await settle(db, devices, 'the first sync');
    expect(replicaTable(devices[0]!.sqlite, 'contacts').size).toBe(3);

    // Edits depend only on the seed, not on what a replica happens to hold: notes are deleted only
    // once every device has them (from an earlier round) or by their author.
    let counter = 0;
    const sharedNotes = [`${key}-n0`];
    const ownNotes = new Map<TestDevice, string[]>(devices.map((d) => [d, []]));
    const edit = (device: TestDevice) => {
      const edits = randomEdits(random, { key, contactIds, taskIds, notes: [...sharedNotes, ...ownNotes.get(device)!], author: device.name }, (counter += 1));
      for (const e of edits) if (e.table === 'notes' && e.op === 'insert') ownNotes.get(device)!.push(e.id);
      const ids = device.engine.mutate(edits);
      ledger.push(...ledgerEntries(device.sqlite, device.name, device.session.deviceId, ids));
    };

    for (let round = 1; round <= ROUNDS; round += 1) {
      // Offline: every device edits the same rows, unaware of the others.
      for (const proxy of proxies) proxy.setMode('down');
      const offlineEdits = randomInt(random, 12, 24);
      for (let n = 0; n < offlineEdits; n += 1) edit(pick(random, devices));
      await sleep(randomInt(random, 50, 300));

      // Back online one by one, in a random order, through the faulty network; some edit while it heals.
      const order = shuffle(random, devices.map((_, i) => i));
      for (const i of order) {
        await sleep(randomInt(random, 0, 250));
        proxies[i]!.setMode('faulty');
        for (let n = randomInt(random, 0, 3); n > 0; n -= 1) {
          await sleep(randomInt(random, 0, 100));
          edit(pick(random, devices));
        }
      }
      await sleep(randomInt(random, 200, 700));
      // Heal the network and let everything settle.
      for (const proxy of proxies) proxy.setMode('clean');
      await settle(db, devices, `round ${round}`);
      await checkConverged(db, brokerageId, devices, ledger, invariantProblems, `round ${round}`);
      for (const own of ownNotes.values()) sharedNotes.push(...own.splice(0));
    }
    const stats = proxies.map((p) => p.stats());
    const total = (k: keyof (typeof stats)[number]) => stats.reduce((sum, s) => sum + s[k], 0);
    // The faults did happen (else the property says little).
    expect(total('cut') + total('drop') + total('duplicate')).toBeGreaterThan(0);
    console.info(
      `[convergence ${kind}] seed ${seed}: ${ledger.length} edits; requests ${total('requests')}, dropped ${total('drop')}, cut ${total('cut')}, duplicated ${total('duplicate')}, delayed ${total('delay')}, refused ${total('refused')}, held ${total('held')}`,
    );
  } finally {
    for (const device of devices) device.close();
    for (const proxy of proxies) await proxy.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every outbox empty and every stream past the server's newest change, on every device. */
async function settle(db: ServerDb, devices: TestDevice[], when: string): Promise<void> {
  for (;;) {
    await eventually(
      `every outbox to empty after ${when}`,
      () => devices.map((d) => ({ device: d.name, ...d.engine.counts() })),
      (counts) => counts.every((c) => c.pending === 0),
    );
    const head = await serverLogHead(db);
    await eventually(
      `every stream to reach log position ${head} after ${when}`,
      () => devices.map((d) => ({ device: d.name, offsets: Object.fromEntries([...storedShapes(d.sqlite)].map(([t, s]) => [t, s.offset])) })),
      (states) => states.every((s) => TABLES.every((t) => deliveredPosition(s.offsets[t] ?? '-1') >= head)),
    );
    // Nothing moved meanwhile (a late retry of a push can still land): then it is settled.
    if ((await serverLogHead(db)) === head && devices.every((d) => d.engine.counts().pending === 0)) return;
  }
}

async function checkConverged(db: ServerDb, brokerageId: string, devices: TestDevice[], ledger: LedgerEdit[], invariantProblems: string[], when: string) {
  const problems: string[] = [...invariantProblems.map((p) => `while syncing: ${p}`)];
  const serverRows = new Map<ShapeTable, NormalTable>();
  for (const table of TABLES) {
    const expected = await serverTable(db, table, brokerageId);
    serverRows.set(table, expected);
    for (const device of devices) problems.push(...diffTables(`${when}, ${device.name} vs Postgres, ${table}`, replicaTable(device.sqlite, table), expected));
  }
  for (const device of devices) {
    const { failed } = device.engine.counts();
    if (failed > 0) problems.push(`${device.name}: ${failed} edits were rejected: ${JSON.stringify(device.engine.replica.rejected())}`);
  }
  problems.push(...ledgerProblems(ledger, serverRows, await serverConflicts(db, brokerageId)));
  // No note twice, none extra: the seeded one plus one per insert.
  const inserted = ledger.filter((e) => e.table === 'notes' && e.op === 'insert').length;
  if (serverRows.get('notes')!.size !== inserted + 1) problems.push(`${serverRows.get('notes')!.size} notes on the server, expected ${inserted + 1}`);
  // No edit is applied twice and none is skipped: the server saw each device's last mutation id.
  const lastIds = rowsOf<{ client_id: string; last_mutation_id: string | number }>(await db.execute(sql`SELECT client_id, last_mutation_id FROM sync_client_mutations`));
  for (const device of devices) {
    const mine = ledger.filter((e) => e.node === device.session.deviceId).map((e) => e.outboxId);
    if (mine.length === 0) continue;
    const seen = Number(lastIds.find((r) => r.client_id === device.session.deviceId)?.last_mutation_id ?? 0);
    if (seen !== Math.max(...mine)) problems.push(`${device.name}: the server's last mutation id is ${seen}, the device's last edit is ${Math.max(...mine)}`);
  }
  expect(problems).toEqual([]);
}

type EditContext = { key: string; contactIds: string[]; taskIds: string[]; notes: string[]; author: string };

/** One or two edits a user could make: field updates, tombstones and their undo, notes. Number `n` makes values unique. */
function randomEdits(random: Random, context: EditContext, n: number): LocalEdit[] {
  const { key, contactIds, taskIds, notes: knownNotes, author } = context;
  const contactChange = (): Record<string, unknown> => {
    switch (pick(random, ['phone', 'stage', 'tags', 'first_name', 'phone+stage'] as const)) {
      case 'phone':
        return { phone: random() < 0.15 ? null : `555-${n}` };
      case 'stage':
        return { stage: pick(random, CONTACT_STAGES) };
      case 'tags':
        return { tags: ['hot', 'vip', 'cold', 'seller'].filter(() => random() < 0.5) };
      case 'first_name':
        return { first_name: `Name ${n}` };
      default:
        return { phone: `555-${n}`, stage: pick(random, CONTACT_STAGES) };
    }
  };
  const taskChange = (): Record<string, unknown> => {
    switch (pick(random, ['title', 'priority', 'completed_at'] as const)) {
      case 'title':
        return { title: `Title ${n}` };
      case 'priority':
        return { priority: pick(random, ['low', 'normal', 'high'] as const) };
      default:
        return { completed_at: random() < 0.3 ? null : new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString() };
    }
  };
  const contactUpdate = (): LocalEdit => ({ table: 'contacts', op: 'update', id: pick(random, contactIds), changes: contactChange() });
  const roll = random();
  if (roll < 0.4) return [contactUpdate()];
  // A delete (tombstone), or its undo (the tombstone field back to null).
  if (roll < 0.52) {
    const id = pick(random, contactIds);
    return [random() < 0.55 ? { table: 'contacts', op: 'delete', id } : { table: 'contacts', op: 'update', id, changes: { deleted_at: null } }];
  }
  if (roll < 0.7) return [{ table: 'tasks', op: 'update', id: pick(random, taskIds), changes: taskChange() }];
  if (roll < 0.78) {
    const id = pick(random, taskIds);
    return [random() < 0.55 ? { table: 'tasks', op: 'delete', id } : { table: 'tasks', op: 'update', id, changes: { deleted_at: null } }];
  }
  if (roll < 0.93) {
    const insert: LocalEdit = { table: 'notes', op: 'insert', id: `${key}-n-${author}-${n}`, changes: { contact_id: pick(random, contactIds), body: `Note ${n} by ${author}` } };
    // Sometimes a note and a contact edit in one local transaction.
    return random() < 0.3 ? [insert, contactUpdate()] : [insert];
  }
  return [{ table: 'notes', op: 'delete', id: pick(random, knownNotes) }];
}

function shuffle<T>(random: Random, items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

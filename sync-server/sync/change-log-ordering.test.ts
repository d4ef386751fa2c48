// The change log's hard part (sync-protocol.md, "ordering"): a sequence number is assigned when a row is
// written, but transactions commit in any order, so a reader that advanced past seq N+1 while N was in
// flight would skip N forever. These tests run overlapping transactions on two real Postgres
// connections and prove that readers (the real client and the raw protocol) never skip, never go
// back, and never see an offset past a change that is still in flight.
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { expect, it } from 'vitest';
import { contacts, notes } from '../../db/schema/pg.ts';
import { deliveredLogPosition } from '../../db/sync/offsets.ts';
import { rowsOf } from '../database.ts';
import { describeOnBothBackends, lazyInBeforeAll } from '../testing/backends.ts';
import {
  applyRaw,
  getShape,
  offsetRank,
  seedTenant,
  signIn,
  startServerOn,
  streamShape,
  syncShape,
  waitUntil,
  type RawSync,
  type Session,
  type StreamReplica,
  type SyncTestServer,
  type Tenant,
} from '../testing/sync-fixtures.ts';
import type { AnyJson } from '../testing/test-server.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 'pending' if the promise has not settled after `ms` (it keeps running). */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  return Promise.race([promise.then(() => 'settled' as const, () => 'settled' as const), sleep(ms).then(() => 'pending' as const)]);
}

type Poller = { state: RawSync & { offsets: string[]; seen: AnyJson[]; failures: string[] }; stop(): Promise<void> };

/** A raw protocol reader polling non-live requests back to back from where `from` left off. */
function startPoller(baseUrl: string, token: string, table: string, from: RawSync): Poller {
  const state = { ...from, rows: new Map(from.rows), offsets: [from.offset], seen: [] as AnyJson[], failures: [] as string[] };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const res = await getShape(baseUrl, token, { table, offset: state.offset, handle: state.handle });
      if (res.status !== 200) {
        state.failures.push(`${res.status} ${JSON.stringify(res.body)}`);
        return;
      }
      state.seen.push(...applyRaw(state.rows, res.body));
      state.offset = res.offset!;
      state.offsets.push(res.offset!);
      await sleep(5);
    }
  })();
  return {
    state,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** The changes a stream received from the log (snapshot rows carry no lsn). */
const fromLog = (replica: StreamReplica) => replica.changes.filter((m) => m.headers.lsn !== undefined);

const expectNonDecreasing = (offsets: string[]) => {
  for (let i = 1; i < offsets.length; i += 1) expect(offsetRank(offsets[i]!), `offset #${i} ${offsets[i]} after ${offsets[i - 1]}`).toBeGreaterThanOrEqual(offsetRank(offsets[i - 1]!));
};

/** Every logged change of `table` after `after`, in seq order (what an all-seeing reader must get, once each). */
async function loggedSeqs(server: SyncTestServer, table: string, after: number): Promise<number[]> {
  const rows = rowsOf<{ seq: string | number }>(await server.db.execute(sql`SELECT seq FROM sync_changes WHERE table_name = ${table} AND seq > ${after} ORDER BY seq`));
  return rows.map((r) => Number(r.seq));
}

describeOnBothBackends('change log ordering', (backend) => {
  const env = lazyInBeforeAll(
    async () => {
      const database = await backend.createDatabase();
      const server = await startServerOn(database, { liveTimeoutMs: 10_000 });
      const tenant = await seedTenant(server.db, 'a');
      const manager = await signIn(server.url, tenant.manager);
      return { database, server, tenant, manager };
    },
    ({ server }) => server.closeNow(),
  );

  it('delivers every logged change exactly once, in seq order, to the real client and to a raw poller', async () => {
    const { server, tenant, manager } = env.current;
    const replica = streamShape(server.url, 'contacts', { token: manager.accessToken });
    const base = await syncShape(server.url, manager.accessToken, 'contacts');
    const after = deliveredLogPosition(base.offset);
    const poller = startPoller(server.url, manager.accessToken, 'contacts', base);
    try {
      await waitUntil(() => replica.upToDates > 0, 'stream up-to-date');
      const streamAfter = deliveredLogPosition(replica.stream.lastOffset);
      // Many small transactions, some touching two tables at once, while both readers run.
      for (let i = 0; i < 12; i += 1) {
        await server.db.transaction(async (tx) => {
          await tx.insert(contacts).values({ id: `a-contact-burst${i}`, brokerageId: tenant.brokerageId, firstName: `Burst ${i}` });
          if (i % 3 === 0) await tx.insert(notes).values({ id: `a-note-burst${i}`, brokerageId: tenant.brokerageId, contactId: `a-contact-burst${i}`, body: 'hi' });
          if (i % 2 === 0) await tx.update(contacts).set({ lastName: `Touched ${i}` }).where(sql`id = ${`a-contact-burst${i}`}`);
        });
      }
      const expectedStream = await loggedSeqs(server, 'contacts', streamAfter);
      const expectedPoll = await loggedSeqs(server, 'contacts', after);
      await waitUntil(() => fromLog(replica).length >= expectedStream.length && poller.state.seen.length >= expectedPoll.length, 'every change at both readers', 10_000);
      await sleep(100);
      expect(fromLog(replica).map((m) => Number(m.headers.lsn))).toEqual(expectedStream);
      expect(poller.state.seen.map((m) => Number(m.headers.lsn))).toEqual(expectedPoll);
      expectNonDecreasing(replica.offsets);
      expectNonDecreasing(poller.state.offsets);
      expect(poller.state.failures).toEqual([]);
      expect(replica.errors).toEqual([]);
      const dbRows = await server.db.select({ id: contacts.id, lastName: contacts.lastName }).from(contacts);
      expect(new Map([...replica.rows].map(([id, row]) => [id, row.last_name]))).toEqual(new Map(dbRows.map((r) => [r.id, r.lastName])));
    } finally {
      replica.stop();
      await poller.stop();
    }
  });

  it.runIf(backend.kind === 'pglite')('a transaction reaches a live reader whole: nothing of it is visible before commit', async () => {
    const { server, tenant, manager } = env.current;
    const base = await syncShape(server.url, manager.accessToken, 'contacts');
    const live = getShape(server.url, manager.accessToken, { table: 'contacts', offset: base.offset, handle: base.handle, live: 'true' });
    await sleep(100);
    await server.db.transaction(async (tx) => {
      await tx.insert(contacts).values({ id: 'a-contact-whole1', brokerageId: tenant.brokerageId });
      // The held request cannot answer with half a transaction (PGlite runs one transaction at a time).
      expect(await settlesWithin(live, 300)).toBe('pending');
      await tx.insert(contacts).values({ id: 'a-contact-whole2', brokerageId: tenant.brokerageId });
    });
    const res = await live;
    expect(res.status).toBe(200);
    expect(res.body.filter((m: AnyJson) => m.key).map((m: AnyJson) => m.value.id)).toEqual(['a-contact-whole1', 'a-contact-whole2']);
  });

  // ---- Real Postgres: two connections, overlapping transactions ----

  const pgOnly = it.runIf(backend.kind === 'postgres');
  const connections: pg.Client[] = [];
  const connect = async () => {
    const client = new pg.Client({ connectionString: env.current.database.databaseUrl });
    await client.connect();
    connections.push(client);
    return client;
  };
  const closeConnections = async () => {
    await Promise.all(connections.splice(0).map((c) => c.end().catch(() => {})));
  };
  const insertContact = (client: pg.Client, id: string) => client.query(`INSERT INTO contacts (id, brokerage_id, first_name) VALUES ($1, 'brk-a', $1)`, [id]);
  const seqOf = async (client: pg.Client, id: string) => Number((await client.query(`SELECT max(seq) AS seq FROM sync_changes WHERE row_id = $1`, [id])).rows[0].seq);
  const waitingForWriterLock = async (observer: pg.Client) =>
    Number((await observer.query(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 7300 AND objid = 2 AND NOT granted`)).rows[0].n);

  /** The readers every overlapping-transaction test runs: the real client live, a raw poller, and probes. */
  async function startReaders(manager: Session) {
    const { server } = env.current;
    const replica = streamShape(server.url, 'contacts', { token: manager.accessToken });
    const base = await syncShape(server.url, manager.accessToken, 'contacts');
    const poller = startPoller(server.url, manager.accessToken, 'contacts', base);
    await waitUntil(() => replica.upToDates > 0, 'stream up-to-date');
    return { replica, poller, base };
  }

  pgOnly('T2 takes its txid first and waits for T1 (which wrote first); no reader ever passes T1 while it is in flight', async () => {
    const { server, manager } = env.current;
    const [t1, t2, observer] = [await connect(), await connect(), await connect()];
    const { replica, poller, base } = await startReaders(manager);
    try {
      await t2.query('BEGIN');
      const t2xid = BigInt((await t2.query('SELECT pg_current_xact_id()::text AS x')).rows[0].x);
      await t1.query('BEGIN');
      const t1xid = BigInt((await t1.query('SELECT pg_current_xact_id()::text AS x')).rows[0].x);
      expect(t2xid).toBeLessThan(t1xid);
      await insertContact(t1, 'a-contact-t1');
      const t1Seq = await seqOf(t1, 'a-contact-t1');

      // A live request held during T1, and T2's write: both wait for T1.
      const live = getShape(server.url, manager.accessToken, { table: 'contacts', offset: base.offset, handle: base.handle, live: 'true' });
      const t2Write = insertContact(t2, 'a-contact-t2');
      expect(await settlesWithin(t2Write, 400)).toBe('pending');
      expect(await waitingForWriterLock(observer)).toBe(1);
      expect(await settlesWithin(live, 10)).toBe('pending');

      // While T1 is in flight no log read hands out an offset at or past T1's change.
      for (let i = 0; i < 5; i += 1) {
        const probe = await getShape(server.url, manager.accessToken, { table: 'contacts', offset: base.offset, handle: base.handle });
        expect(probe.status).toBe(200);
        expect(deliveredLogPosition(probe.offset!)).toBeLessThan(t1Seq);
        expect(probe.body.filter((m: AnyJson) => m.key)).toEqual([]);
        await sleep(20);
      }
      for (const offset of poller.state.offsets) expect(deliveredLogPosition(offset)).toBeLessThan(t1Seq);
      expect(deliveredLogPosition(replica.stream.lastOffset)).toBeLessThan(t1Seq);

      await t1.query('COMMIT');
      await t2Write;
      const t2Seq = await seqOf(t2, 'a-contact-t2');
      // The later committer got the later seq, although its txid is older.
      expect(t2Seq).toBeGreaterThan(t1Seq);
      const woken = await live;
      expect(woken.body.filter((m: AnyJson) => m.key).map((m: AnyJson) => m.value.id)).toEqual(['a-contact-t1']);
      expect(deliveredLogPosition(woken.offset!)).toBeLessThan(t2Seq);

      // T2 still in flight: readers may pass T1 but not T2.
      await waitUntil(() => poller.state.rows.has('a-contact-t1') && replica.rows.has('a-contact-t1'), 'T1 at both readers');
      await sleep(50);
      for (const offset of poller.state.offsets) expect(deliveredLogPosition(offset)).toBeLessThan(t2Seq);
      await t2.query('COMMIT');

      await waitUntil(() => poller.state.rows.has('a-contact-t2') && replica.rows.has('a-contact-t2'), 'T2 at both readers');
      for (const reader of [poller.state.seen, fromLog(replica)]) {
        expect(reader.map((m) => m.value.id)).toEqual(['a-contact-t1', 'a-contact-t2']);
      }
      expectNonDecreasing(poller.state.offsets);
      expectNonDecreasing(replica.offsets);
      expect(poller.state.failures).toEqual([]);
      expect(replica.errors).toEqual([]);
    } finally {
      replica.stop();
      await poller.stop();
      await closeConnections();
    }
  });

  pgOnly('T1 begins first but T2 writes and commits first; then T1 writes: readers see T2 then T1', async () => {
    const { manager } = env.current;
    const [t1, t2, observer] = [await connect(), await connect(), await connect()];
    const { replica, poller } = await startReaders(manager);
    try {
      await t1.query('BEGIN');
      await t1.query('SELECT pg_current_xact_id()');
      await t1.query(`SELECT count(*) FROM contacts`); // T1 reads (snapshot taken) but has not written
      await t2.query('BEGIN');
      await insertContact(t2, 'a-contact-second-begun');
      const t1Write = insertContact(t1, 'a-contact-first-begun');
      expect(await settlesWithin(t1Write, 300)).toBe('pending');
      expect(await waitingForWriterLock(observer)).toBe(1);
      await t2.query('COMMIT');
      await t1Write;
      await sleep(50);
      await t1.query('COMMIT');
      await waitUntil(() => poller.state.rows.has('a-contact-first-begun') && replica.rows.has('a-contact-first-begun'), 'both at both readers');
      for (const reader of [poller.state.seen, fromLog(replica)]) {
        expect(reader.map((m) => m.value.id)).toEqual(['a-contact-second-begun', 'a-contact-first-begun']);
      }
      expectNonDecreasing(poller.state.offsets);
      expectNonDecreasing(replica.offsets);
    } finally {
      replica.stop();
      await poller.stop();
      await closeConnections();
    }
  });

  pgOnly('a rolled-back T1 releases T2; readers get T2 only, and never an offset past the rolled-back change early', async () => {
    const { manager } = env.current;
    const [t1, t2] = [await connect(), await connect()];
    const { replica, poller } = await startReaders(manager);
    try {
      await t1.query('BEGIN');
      await insertContact(t1, 'a-contact-rolled-back');
      const t1Seq = await seqOf(t1, 'a-contact-rolled-back');
      await t2.query('BEGIN');
      const t2Write = insertContact(t2, 'a-contact-kept');
      expect(await settlesWithin(t2Write, 300)).toBe('pending');
      for (const offset of poller.state.offsets) expect(deliveredLogPosition(offset)).toBeLessThan(t1Seq);
      await t1.query('ROLLBACK');
      await t2Write;
      await t2.query('COMMIT');
      await waitUntil(() => poller.state.rows.has('a-contact-kept') && replica.rows.has('a-contact-kept'), 'T2 at both readers');
      await sleep(50);
      expect(poller.state.rows.has('a-contact-rolled-back')).toBe(false);
      expect(replica.rows.has('a-contact-rolled-back')).toBe(false);
      expect(poller.state.seen.map((m) => m.value.id)).toEqual(['a-contact-kept']);
      expectNonDecreasing(poller.state.offsets);
    } finally {
      replica.stop();
      await poller.stop();
      await closeConnections();
    }
  });

  pgOnly('POST /v1/mutations waits for an in-flight SQL writer and acknowledges a txid at or after both changes', async () => {
    const { server, tenant } = env.current;
    const agent = await signIn(server.url, tenant.agentA, 'Mutations laptop');
    const [t1] = [await connect()];
    const { replica, poller } = await startReaders(env.current.manager);
    try {
      await t1.query('BEGIN');
      await insertContact(t1, 'a-contact-sql-writer');
      const t1Seq = await seqOf(t1, 'a-contact-sql-writer');
      const push = fetch(`${server.url}/v1/mutations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.accessToken}` },
        body: JSON.stringify({
          clientId: agent.deviceId,
          mutations: [{ id: 1, table: 'contacts', op: 'insert', pk: 'a-contact-from-device', changes: { first_name: 'Device' }, hlc: `${String(Date.now()).padStart(15, '0')}:00000:dev1` }],
        }),
      });
      expect(await settlesWithin(push, 400)).toBe('pending');
      await t1.query('COMMIT');
      const response = await push;
      expect(response.status).toBe(200);
      const { results } = (await response.json()) as AnyJson;
      expect(results).toEqual([{ id: 1, status: 'applied', txid: expect.any(String) }]);
      const deviceSeq = Number(rowsOf<{ seq: string }>(await server.db.execute(sql`SELECT max(seq) AS seq FROM sync_changes WHERE row_id = 'a-contact-from-device'`))[0]!.seq);
      expect(deviceSeq).toBeGreaterThan(t1Seq);
      expect(Number(results[0].txid)).toBeGreaterThanOrEqual(deviceSeq);
      await waitUntil(() => replica.rows.has('a-contact-from-device') && poller.state.rows.has('a-contact-from-device'), 'both changes at both readers');
      expect(fromLog(replica).map((m) => m.value.id)).toEqual(['a-contact-sql-writer', 'a-contact-from-device']);
      expectNonDecreasing(poller.state.offsets);
    } finally {
      replica.stop();
      await poller.stop();
      await closeConnections();
    }
  });

  // Control: the same reader against a log whose writers are NOT serialised skips a change forever. If
  // this stops failing the way it should, the tests above no longer prove anything.
  pgOnly('control: without the writer lock, a change committed out of order is skipped', async () => {
    const database = await backend.createDatabase();
    const server = await startServerOn(database, { liveTimeoutMs: 10_000 });
    const [t1, t2] = [new pg.Client({ connectionString: database.databaseUrl }), new pg.Client({ connectionString: database.databaseUrl })];
    try {
      const tenant: Tenant = await seedTenant(server.db, 'a');
      const manager = await signIn(server.url, tenant.manager);
      await server.db.execute(sql`DROP TRIGGER sync_serialize ON contacts`);
      await t1.connect();
      await t2.connect();
      const base = await syncShape(server.url, manager.accessToken, 'contacts');
      await t1.query('BEGIN');
      await insertContact(t1, 'a-contact-slow');
      await t2.query('BEGIN');
      await insertContact(t2, 'a-contact-fast'); // not blocked any more
      await t2.query('COMMIT');
      const passed = await syncShape(server.url, manager.accessToken, 'contacts', { from: base });
      await t1.query('COMMIT');
      const later = await syncShape(server.url, manager.accessToken, 'contacts', { from: passed });
      expect(passed.rows.has('a-contact-fast')).toBe(true);
      expect(later.rows.has('a-contact-slow')).toBe(false); // skipped for good
      expect((await server.db.select({ id: contacts.id }).from(contacts)).map((r) => r.id)).toContain('a-contact-slow');
    } finally {
      await Promise.all([t1.end().catch(() => {}), t2.end().catch(() => {})]);
      await server.closeNow();
    }
  });
});

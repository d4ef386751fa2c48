// Several server instances on one Postgres (docs/sync.md, "A large deployment"): they keep no state that
// correctness depends on, live wake-ups travel by LISTEN/NOTIFY, so a write through one instance wakes
// live requests held by another, and a client can move between instances mid-stream.
// Real Postgres only: PGlite is an embedded single-process database.
import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { contacts } from '../../db/schema/pg.ts';
import { formatHlc } from '../../db/sync/hlc.ts';
import { deliveredLogPosition } from '../../db/sync/offsets.ts';
import { rowsOf } from '../database.ts';
import { describeOnBothBackends, lazyInBeforeAll } from '../testing/backends.ts';
import { getShape, offsetRank, seedTenant, signIn, startServerOn, streamShape, syncShape, waitUntil, type Session, type SyncTestServer } from '../testing/sync-fixtures.ts';
import type { AnyJson } from '../testing/test-server.ts';

const LIVE_TIMEOUT_MS = 10_000;

async function push(server: SyncTestServer, session: Session, mutations: AnyJson[]): Promise<AnyJson> {
  const response = await fetch(`${server.url}/v1/mutations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.accessToken}` },
    body: JSON.stringify({ clientId: session.deviceId, mutations }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

const hlcNow = (node: string) => formatHlc({ millis: Date.now(), counter: 0, node });

describeOnBothBackends('scale-out: two instances, one database', (backend) => {
  if (backend.kind === 'pglite') {
    it.skip('needs a shared Postgres (PGlite is embedded in one process)', () => {});
    return;
  }

  const env = lazyInBeforeAll(
    async () => {
      const database = await backend.createDatabase();
      // Started together, without a configured JWT secret: both must settle on the one stored in the database.
      const options = { liveTimeoutMs: LIVE_TIMEOUT_MS, shapePageSize: 3, jwtSecret: undefined };
      const [one, two] = await Promise.all([startServerOn(database, options), startServerOn(database, options)]);
      const tenant = await seedTenant(one.db, 'a');
      const manager = await signIn(one.url, tenant.manager, 'Signed in on instance 1');
      const agent = await signIn(two.url, tenant.agentA, 'Signed in on instance 2');
      return { one, two, tenant, manager, agent };
    },
    async ({ one, two }) => {
      await Promise.all([one.closeNow(), two.closeNow()]);
    },
  );

  it('a write through instance 2 wakes a live request held by instance 1 at once', async () => {
    const { one, two, manager, agent } = env.current;
    const synced = await syncShape(one.url, manager.accessToken, 'contacts');
    const started = Date.now();
    const live = getShape(one.url, manager.accessToken, { table: 'contacts', offset: synced.offset, handle: synced.handle, live: 'true' });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the request is held by instance 1 now
    const written = Date.now();
    const result = await push(two, agent, [{ id: 1, table: 'contacts', op: 'update', pk: 'a-contact-a', changes: { first_name: 'Via two' }, hlc: hlcNow('dev2') }]);
    expect(result.results[0].status).toBe('applied');
    const res = await live;
    const latency = Date.now() - written;
    expect(res.status).toBe(200);
    expect(res.body[0]).toMatchObject({ key: '"public"."contacts"/"a-contact-a"', value: { id: 'a-contact-a', first_name: 'Via two' }, headers: { operation: 'update' } });
    expect(latency).toBeLessThan(3_000);
    expect(Date.now() - started).toBeLessThan(LIVE_TIMEOUT_MS);
    // The acknowledged txid is covered by what instance 1 delivered.
    expect(deliveredLogPosition(res.offset!)).toBeGreaterThanOrEqual(Number(result.results[0].txid));

    // Plain SQL (another process entirely) wakes it too, and so does a change re-emitted for a dependant.
    const notes = await syncShape(one.url, manager.accessToken, 'notes');
    const held = getShape(one.url, manager.accessToken, { table: 'notes', offset: notes.offset, handle: notes.handle, live: 'true' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reassigned = Date.now();
    await two.db.execute(sql`UPDATE contacts SET assigned_agent_id = NULL WHERE id = 'a-contact-b'`);
    const woken = await held;
    expect(Date.now() - reassigned).toBeLessThan(3_000);
    expect(woken.body.filter((m: AnyJson) => m.key).map((m: AnyJson) => [m.headers.operation, m.value.id])).toEqual([
      ['delete', 'a-note-b'],
      ['insert', 'a-note-b'],
    ]);
  });

  it('the real client on instance 1 receives writes made through instance 2 promptly', async () => {
    const { one, two, manager, agent } = env.current;
    const replica = streamShape(one.url, 'contacts', { token: manager.accessToken });
    try {
      await waitUntil(() => replica.upToDates > 0, 'up-to-date on instance 1');
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (let i = 0; i < 3; i += 1) {
        const written = Date.now();
        await push(two, agent, [{ id: 10 + i, table: 'contacts', op: 'insert', pk: `a-contact-two${i}`, changes: { first_name: `Two ${i}` }, hlc: hlcNow('dev2') }]);
        const took = await waitUntil(() => replica.rows.has(`a-contact-two${i}`), `insert ${i} via instance 2`, 5_000);
        expect(took).toBeLessThan(3_000);
        expect(Date.now() - written).toBeLessThan(3_000);
      }
      expect(replica.errors).toEqual([]);
    } finally {
      replica.stop();
    }
  });

  it('a client moves between instances mid-stream (same handle and offset) without loss or 409', async () => {
    const { one, two, manager, agent, tenant } = env.current;
    // Raw: snapshot pages and log reads alternate between the instances.
    const servers = [one, two];
    let offset = '-1';
    let handle = '';
    const rows = new Map<string, AnyJson>();
    const seen: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const params: Record<string, string> = { table: 'contacts', offset };
      if (offset !== '-1') params.handle = handle;
      const res = await getShape(servers[i % 2]!.url, manager.accessToken, params);
      expect(res.status, `request ${i} to instance ${(i % 2) + 1}`).toBe(200);
      if (handle) expect(res.handle).toBe(handle);
      for (const m of res.body) if (m.key) rows.set(m.value.id, m.value);
      seen.push(res.offset!);
      handle = res.handle!;
      offset = res.offset!;
      if (res.upToDate) break;
    }
    const dbIds = async () => (await one.db.select({ id: contacts.id }).from(contacts)).map((r) => r.id).sort();
    expect([...rows.keys()].sort()).toEqual(await dbIds());
    expect(seen.length).toBeGreaterThanOrEqual(4); // several snapshot pages, served by both instances

    // The real client: a stream on instance 1, then the same handle and offset resumed on instance 2.
    const first = streamShape(one.url, 'contacts', { token: manager.accessToken });
    await waitUntil(() => first.upToDates > 0, 'up-to-date on instance 1');
    await push(two, agent, [{ id: 20, table: 'contacts', op: 'update', pk: 'a-contact-u', changes: { last_name: 'Before the move' }, hlc: hlcNow('dev2') }]);
    await waitUntil(() => first.rows.get('a-contact-u')?.last_name === 'Before the move', 'change before the move');
    const handleAtMove = first.stream.shapeHandle!;
    const offsetAtMove = first.stream.lastOffset;
    const carried = new Map(first.rows);
    first.stop();

    // Changes while the client is between instances, through both of them.
    await push(two, agent, [{ id: 21, table: 'contacts', op: 'insert', pk: 'a-contact-moving', changes: { first_name: 'In between' }, hlc: hlcNow('dev2') }]);
    await one.db.update(contacts).set({ lastName: 'SQL in between' }).where(eq(contacts.id, 'a-contact-a'));

    const second = streamShape(two.url, 'contacts', { token: manager.accessToken, handle: handleAtMove, offset: offsetAtMove });
    try {
      await waitUntil(() => second.upToDates > 0, 'up-to-date on instance 2');
      await push(one, agent, [{ id: 22, table: 'contacts', op: 'update', pk: 'a-contact-moving', changes: { last_name: 'After the move' }, hlc: hlcNow('dev2') }]);
      await waitUntil(() => second.rows.get('a-contact-moving')?.last_name === 'After the move', 'change after the move');
      expect(second.mustRefetches).toBe(0);
      expect(second.responses.map((r) => r.status)).not.toContain(409);
      expect(second.responses.some((r) => r.url.searchParams.get('offset') === '-1')).toBe(false);
      expect(second.stream.shapeHandle).toBe(handleAtMove);
      expect(second.errors).toEqual([]);
      const offsets = [offsetAtMove, ...second.offsets];
      for (let i = 1; i < offsets.length; i += 1) expect(offsetRank(offsets[i]!)).toBeGreaterThanOrEqual(offsetRank(offsets[i - 1]!));
      // Rows carried over from instance 1 plus what instance 2 delivered equal the database.
      for (const change of second.changes) {
        const id = String(change.value.id);
        if (change.headers.operation === 'delete') carried.delete(id);
        else carried.set(id, { ...carried.get(id), ...change.value });
      }
      expect([...carried.keys()].sort()).toEqual(await dbIds());
      const [dbRow] = rowsOf<AnyJson>(await one.db.execute(sql`SELECT last_name FROM contacts WHERE id = 'a-contact-a'`));
      expect(carried.get('a-contact-a')!.last_name).toBe(dbRow!.last_name);
      expect(carried.get('a-contact-moving')).toMatchObject({ first_name: 'In between', last_name: 'After the move', brokerage_id: tenant.brokerageId });
    } finally {
      second.stop();
    }
  });
});

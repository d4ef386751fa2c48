// GET /v1/shape against the REAL @electric-sql/client (ShapeStream) and, where the client would hide
// what the server did, the raw HTTP protocol. Contract: ../shared/design/sync-protocol.md.
import { FetchError } from '@electric-sql/client';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { contacts, notes, properties } from '../../db/schema/pg.ts';
import { rowsOf } from '../database.ts';
import { describeOnBothBackends, lazyInBeforeAll } from '../testing/backends.ts';
import {
  closableServer,
  fixtureId,
  getShape,
  offsetRank,
  seedTenant,
  signIn,
  streamShape,
  syncShape,
  waitUntil,
  type Session,
  type StreamReplica,
} from '../testing/sync-fixtures.ts';
import { startTestServer } from '../testing/test-server.ts';

const PAGE_SIZE = 3;
const LIVE_TIMEOUT_MS = 10_000;

describeOnBothBackends('shape protocol', (backend) => {
  // The server's clock (tokens, expiry) runs `skewMs` ahead of the wall clock; the 401 test moves it.
  let skewMs = 0;
  const env = lazyInBeforeAll(
    async () => {
      const server = closableServer(
        await startTestServer(backend, { shapePageSize: PAGE_SIZE, liveTimeoutMs: LIVE_TIMEOUT_MS, clock: () => new Date(Date.now() + skewMs) }),
      );
      const tenant = await seedTenant(server.db, 'a');
      // Four more of agent A's contacts: the manager's contacts shape is 7 rows = 3 snapshot pages.
      await server.db.insert(contacts).values(
        [1, 2, 3, 4].map((n) => ({ id: `a-contact-extra${n}`, brokerageId: tenant.brokerageId, assignedAgentId: tenant.agentA.id, firstName: `Extra ${n}` })),
      );
      const manager = await signIn(server.url, tenant.manager);
      return { server, tenant, manager };
    },
    ({ server }) => server.closeNow(),
  );

  const streams: StreamReplica[] = [];
  const open = (...args: Parameters<typeof streamShape>) => {
    const replica = streamShape(...args);
    streams.push(replica);
    return replica;
  };
  const stopAll = () => streams.splice(0).forEach((s) => s.stop());

  describe('initial sync', () => {
    it('pages the snapshot with the real client: several responses, every header, increasing offsets, never up-to-date first', async () => {
      const { server, manager } = env.current;
      const replica = open(server.url, 'contacts', { token: manager.accessToken });
      await waitUntil(() => replica.upToDates > 0, 'contacts up-to-date');

      const dbIds = (await server.db.select({ id: contacts.id }).from(contacts)).map((r) => r.id).sort();
      expect(dbIds).toHaveLength(7);
      expect([...replica.rows.keys()].sort()).toEqual(dbIds);
      // Seven rows in pages of three: at least three snapshot responses before the up-to-date one.
      const ok = replica.responses.filter((r) => r.status === 200);
      expect(ok.length).toBeGreaterThanOrEqual(4);
      expect(ok[0]!.url.searchParams.get('offset')).toBe('-1');
      expect(ok[0]!.headers.has('electric-up-to-date')).toBe(false);
      for (const response of ok) {
        expect(response.headers.get('electric-handle')).toMatch(/^contacts-/);
        expect(response.headers.get('electric-offset')).toMatch(/^\d+_\d+$/);
        expect(JSON.parse(response.headers.get('electric-schema')!)).toMatchObject({ id: { type: 'text', pk_index: 0, not_null: true } });
      }
      // One handle for the whole sync; offsets strictly increase from request to request.
      expect(new Set(ok.map((r) => r.headers.get('electric-handle'))).size).toBe(1);
      const requested = ok.map((r) => r.url.searchParams.get('offset')!);
      for (let i = 1; i < requested.length; i += 1) expect(offsetRank(requested[i]!)).toBeGreaterThan(offsetRank(requested[i - 1]!));
      expect(replica.batches.flat().filter((m) => 'key' in m)).toHaveLength(7);
      expect(replica.errors).toEqual([]);
      stopAll();
    });

    it('sends the Electric message format: quoted keys, operation headers, lsn strings, up-to-date control', async () => {
      const { server, manager } = env.current;
      const first = await getShape(server.url, manager.accessToken, { table: 'contacts', offset: '-1' });
      expect(first.status).toBe(200);
      expect(first.upToDate).toBe(false);
      expect(first.headers.get('cache-control')).toBe('no-store');
      expect(first.body).toHaveLength(PAGE_SIZE);
      expect(first.body[0]).toEqual({
        key: `"public"."contacts"/"${first.body[0].value.id}"`,
        value: expect.objectContaining({ id: expect.any(String), brokerage_id: 'brk-a', household_size: expect.toBeOneOf([null, expect.stringMatching(/^\d+$/)]) }),
        headers: { operation: 'insert' },
      });
      // Every value is a Postgres text form: a string or null.
      for (const message of first.body) for (const value of Object.values(message.value)) expect(value === null || typeof value === 'string').toBe(true);

      const synced = await syncShape(server.url, manager.accessToken, 'contacts');
      await server.db.update(contacts).set({ firstName: 'Renamed' }).where(eq(contacts.id, 'a-contact-u'));
      const next = await getShape(server.url, manager.accessToken, { table: 'contacts', offset: synced.offset, handle: synced.handle });
      expect(next.status).toBe(200);
      const [change, control] = next.body;
      expect(change).toEqual({
        key: '"public"."contacts"/"a-contact-u"',
        value: { id: 'a-contact-u', first_name: 'Renamed' },
        headers: { operation: 'update', txids: [expect.any(Number)], lsn: expect.stringMatching(/^\d+$/), op_position: 0 },
      });
      expect(control).toEqual({ headers: { control: 'up-to-date', global_last_seen_lsn: expect.stringMatching(/^\d+$/) } });
      expect(next.upToDate).toBe(true);
      expect(Number(control.headers.global_last_seen_lsn)).toBeGreaterThanOrEqual(Number(change.headers.lsn));
      expect(offsetRank(next.offset!)).toBeGreaterThan(offsetRank(synced.offset));
    });

    it('never answers offset=-1 up-to-date, even when the caller has no rows', async () => {
      const { server, manager } = env.current;
      const first = await getShape(server.url, manager.accessToken, { table: 'market_sales', offset: '-1' });
      expect(first.status).toBe(200);
      expect(first.body).toEqual([]);
      expect(first.upToDate).toBe(false);
      const second = await getShape(server.url, manager.accessToken, { table: 'market_sales', offset: first.offset!, handle: first.handle! });
      expect(second.status).toBe(200);
      expect(second.upToDate).toBe(true);
      expect(second.body).toEqual([{ headers: { control: 'up-to-date', global_last_seen_lsn: expect.any(String) } }]);
    });

    it('values reach the client as the right JS types', async () => {
      const { server, manager } = env.current;
      const props = open(server.url, 'properties', { token: manager.accessToken });
      const people = open(server.url, 'contacts', { token: manager.accessToken });
      const firms = open(server.url, 'brokerages', { token: manager.accessToken });
      await waitUntil(() => props.upToDates > 0 && people.upToDates > 0 && firms.upToDates > 0, 'three shapes up-to-date');

      const property = props.rows.get(fixtureId('a', 'properties', 'a'))!;
      expect(property).toMatchObject({ bedrooms: 3, bathrooms: 2.5, waterfront: true, estimate: 750_000.5, purchase_date: '2015-06-01', lat: null, field_hlcs: {} });
      expect(typeof property.created_at).toBe('string');
      expect(new Date(property.created_at as string).toISOString()).toBe(property.created_at);
      expect(property.estimated_at).toBe('2026-01-05T10:00:00.000Z');
      expect(props.rows.get(fixtureId('a', 'properties', 'b'))!.waterfront).toBe(false);

      const contact = people.rows.get(fixtureId('a', 'contacts', 'b'))!;
      expect(contact).toMatchObject({ household_size: 3, tags: ['fixture', 'b'], deleted_at: null, hlc: '' });
      expect(firms.rows.get('brk-a')).toMatchObject({ settings: { tier: 'a' }, deactivated_at: null });

      // And they agree with Postgres' own values.
      const [fromDb] = rowsOf<{ created_at: string }>(await server.db.execute(sql`SELECT to_jsonb(c.created_at) #>> '{}' AS created_at FROM contacts c WHERE id = ${fixtureId('a', 'contacts', 'b')}`));
      expect(Date.parse(contact.created_at as string)).toBe(Math.floor(Date.parse(fromDb!.created_at)));
      stopAll();
    });
  });

  describe('live', () => {
    it('holds a live request until its table changes, then answers with the change and a cursor', async () => {
      const { server, manager, tenant } = env.current;
      const synced = await syncShape(server.url, manager.accessToken, 'notes');
      const started = Date.now();
      const live = getShape(server.url, manager.accessToken, { table: 'notes', offset: synced.offset, handle: synced.handle, live: 'true' });
      const held = await Promise.race([live.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 800))]);
      expect(held).toBe(true);
      // A change to another table does not answer it with that table's rows.
      await server.db.update(contacts).set({ phone: '555-0199' }).where(eq(contacts.id, 'a-contact-u'));
      await server.db.insert(notes).values({ id: 'a-note-live', brokerageId: tenant.brokerageId, contactId: 'a-contact-u', body: 'held' });
      const res = await live;
      expect(Date.now() - started).toBeLessThan(LIVE_TIMEOUT_MS);
      expect(res.status).toBe(200);
      expect(res.headers.get('electric-cursor')).toMatch(/^\d+$/);
      expect(res.headers.get('electric-schema')).toBeNull();
      expect(res.body.filter((m: { key?: string }) => m.key).map((m: { value: { id: string } }) => m.value.id)).toEqual(['a-note-live']);
    });

    it('delivers inserts, partial updates, tombstones and hard deletes while a live request is held', async () => {
      const { server, manager, tenant } = env.current;
      const replica = open(server.url, 'contacts', { token: manager.accessToken });
      await waitUntil(() => replica.upToDates > 0, 'contacts up-to-date');
      // Wait until the client holds a live request, so the change must wake it (timeout is 10 s).
      await waitUntil(() => replica.responses.some((r) => r.headers.has('electric-up-to-date')), 'first up-to-date response');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const seen = () => replica.changes.length;

      let before = seen();
      let started = Date.now();
      await server.db.insert(contacts).values({ id: 'a-contact-live', brokerageId: tenant.brokerageId, firstName: 'Live', tags: ['x'] });
      await waitUntil(() => replica.rows.has('a-contact-live'), 'live insert', 5_000);
      expect(Date.now() - started).toBeLessThan(3_000); // woken by NOTIFY, not the 10 s timeout
      const insert = replica.changes[before]!;
      expect(insert.headers.operation).toBe('insert');
      expect(insert.value).toMatchObject({ id: 'a-contact-live', first_name: 'Live', tags: ['x'], brokerage_id: 'brk-a', assigned_agent_id: null });

      before = seen();
      started = Date.now();
      await server.db.update(contacts).set({ lastName: 'Patched', householdSize: 4 }).where(eq(contacts.id, 'a-contact-live'));
      await waitUntil(() => replica.rows.get('a-contact-live')?.last_name === 'Patched', 'live update', 5_000);
      expect(Date.now() - started).toBeLessThan(3_000); // woken by NOTIFY, not the 10 s timeout
      const update = replica.changes[before]!;
      expect(update.headers.operation).toBe('update');
      // Only the primary key and the changed columns; the replica keeps the rest.
      expect(update.value).toEqual({ id: 'a-contact-live', last_name: 'Patched', household_size: 4 });
      expect(replica.rows.get('a-contact-live')).toMatchObject({ first_name: 'Live', last_name: 'Patched', household_size: 4, tags: ['x'] });

      before = seen();
      await server.db.update(contacts).set({ deletedAt: '2026-02-01T00:00:00Z' }).where(eq(contacts.id, 'a-contact-live'));
      await waitUntil(() => replica.rows.get('a-contact-live')?.deleted_at != null, 'tombstone', 3_000);
      expect(replica.changes[before]!.value).toEqual({ id: 'a-contact-live', deleted_at: '2026-02-01T00:00:00.000Z' });

      before = seen();
      await server.db.delete(contacts).where(eq(contacts.id, 'a-contact-live'));
      await waitUntil(() => !replica.rows.has('a-contact-live'), 'hard delete', 3_000);
      expect(replica.changes[before]).toMatchObject({ headers: { operation: 'delete' }, value: { id: 'a-contact-live' } });
      expect(Object.keys(replica.changes[before]!.value)).toEqual(['id']);

      // The live responses carry a cursor and no schema; every offset the client held only grew.
      const live = replica.responses.filter((r) => r.url.searchParams.get('live') === 'true' && r.status === 200);
      expect(live.length).toBeGreaterThanOrEqual(4);
      for (const r of live) expect(r.headers.get('electric-cursor')).toMatch(/^\d+$/);
      for (let i = 1; i < replica.offsets.length; i += 1) expect(offsetRank(replica.offsets[i]!)).toBeGreaterThanOrEqual(offsetRank(replica.offsets[i - 1]!));
      expect(replica.errors).toEqual([]);

      // The client's state equals Postgres'.
      const dbIds = (await server.db.select({ id: contacts.id }).from(contacts)).map((r) => r.id).sort();
      expect([...replica.rows.keys()].sort()).toEqual(dbIds);
      stopAll();
    });
  });

  describe('must-refetch', () => {
    it('answers an unknown handle with 409, a new handle and only must-refetch', async () => {
      const { server, manager } = env.current;
      const synced = await syncShape(server.url, manager.accessToken, 'contacts');
      for (const handle of ['contacts-00000000-0000-0000-0000-000000000000', 'nope', synced.handle.replace(/.$/, (c) => (c === '0' ? '1' : '0'))]) {
        const res = await getShape(server.url, manager.accessToken, { table: 'contacts', offset: synced.offset, handle });
        expect(res.status).toBe(409);
        expect(res.body).toEqual([{ headers: { control: 'must-refetch' } }]);
        expect(res.handle).toBeTruthy();
        expect(res.handle).not.toBe(handle);
        expect(res.handle).not.toBe(synced.handle);
      }
      // The handle of another table, and a snapshot page that was never issued, are refused the same way.
      const otherTable = await getShape(server.url, manager.accessToken, { table: 'properties', offset: synced.offset, handle: synced.handle });
      expect(otherTable.status).toBe(409);
      const noPage = await getShape(server.url, manager.accessToken, { table: 'contacts', offset: '0_99', handle: synced.handle });
      expect(noPage.status).toBe(409);
      expect(noPage.body).toEqual([{ headers: { control: 'must-refetch' } }]);
    });

    it('the real client restarts from -1 on 409 and converges to the database', async () => {
      const { server, manager } = env.current;
      const replica = open(server.url, 'properties', { token: manager.accessToken, handle: 'properties-forgotten', offset: '5_0' });
      await waitUntil(() => replica.upToDates > 0, 'properties up-to-date after must-refetch');
      expect(replica.mustRefetches).toBe(1);
      expect(replica.responses[0]!.status).toBe(409);
      expect(replica.responses[1]!.url.searchParams.get('offset')).toBe('-1');
      const dbIds = (await server.db.select({ id: properties.id }).from(properties)).map((r) => r.id).sort();
      expect([...replica.rows.keys()].sort()).toEqual(dbIds);
      expect(replica.errors).toEqual([]);
      stopAll();
    });

    it("another user's handle gets 409, never that user's data", async () => {
      const { server, tenant } = env.current;
      const agentA = await signIn(server.url, tenant.agentA);
      const agentB = await signIn(server.url, tenant.agentB);
      const mine = await syncShape(server.url, agentA.accessToken, 'contacts');
      // Agent A's own next request works…
      const own = await getShape(server.url, agentA.accessToken, { table: 'contacts', offset: mine.responses[0]!.offset!, handle: mine.handle });
      expect(own.status).toBe(200);
      // …but every offset of that handle is refused to agent B and to the manager.
      for (const session of [agentB, env.current.manager]) {
        for (const offset of [...new Set(mine.responses.map((r) => r.offset!)), '0_1', '1_0']) {
          const res = await getShape(server.url, session.accessToken, { table: 'contacts', offset, handle: mine.handle });
          expect(res.status, `offset ${offset}`).toBe(409);
          expect(res.body).toEqual([{ headers: { control: 'must-refetch' } }]);
        }
      }
    });
  });

  describe('refused requests', () => {
    it('refuses where, columns and params with 400, whatever their spelling', async () => {
      const { server, manager } = env.current;
      const attempts: Record<string, string>[] = [
        { where: '1=1' },
        { where: `brokerage_id = 'brk-b'` },
        { columns: 'id,first_name' },
        { 'params[1]': 'brk-b' },
        { params: 'x' },
      ];
      for (const extra of attempts) {
        for (const offset of ['-1', '1_0']) {
          const res = await getShape(server.url, manager.accessToken, { table: 'contacts', offset, handle: 'contacts-x', ...extra });
          expect(res.status, JSON.stringify(extra)).toBe(400);
          expect(res.body.error.code).toBe('invalid_request');
          expect(res.headers.get('electric-handle')).toBeNull();
        }
      }
      // The real client reports it to onError and stops (not retryable).
      const replica = open(server.url, 'contacts', { token: manager.accessToken, params: { where: '1=1' } });
      await waitUntil(() => replica.errors.length > 0, 'onError');
      expect(replica.errors[0]).toBeInstanceOf(FetchError);
      expect((replica.errors[0] as FetchError).status).toBe(400);
      expect(replica.rows.size).toBe(0);
      stopAll();
    });

    it('refuses unknown tables, bad offsets, a missing handle and live=true at -1', async () => {
      const { server, manager } = env.current;
      const token = manager.accessToken;
      for (const table of ['nope', 'user_credentials', 'sync_changes', 'public.contacts', '"contacts"', 'refresh_tokens', '']) {
        const res = await getShape(server.url, token, { table, offset: '-1' });
        expect(res.status, table).toBe(400);
      }
      expect((await getShape(server.url, token, 'offset=-1')).status).toBe(400);
      expect((await getShape(server.url, token, 'table=contacts&table=users&offset=-1')).status).toBe(400);
      for (const offset of ['', 'abc', '0_0', '1_1', '-2', '99999999999999999_0', '1_0_0']) {
        expect((await getShape(server.url, token, { table: 'contacts', offset, handle: 'contacts-x' })).status, offset).toBe(400);
      }
      expect((await getShape(server.url, token, { table: 'contacts', offset: '1_0' })).status).toBe(400);
      expect((await getShape(server.url, token, { table: 'contacts', offset: '-1', live: 'true' })).status).toBe(400);
      expect((await getShape(server.url, null, { table: 'contacts', offset: '-1' })).status).toBe(401);
      expect((await getShape(server.url, 'not-a-token', { table: 'contacts', offset: '-1' })).status).toBe(401);
    });

    it('ignores the extra params the client sends (cache-buster, expired_handle, log, replica)', async () => {
      const { server, manager } = env.current;
      const res = await getShape(server.url, manager.accessToken, { table: 'contacts', offset: '-1', 'cache-buster': 'x', expired_handle: 'contacts-old', log: 'full', replica: 'default', other: '1' });
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(PAGE_SIZE);
    });
  });

  describe('expired access token', () => {
    it('401 goes to onError; new headers after /v1/auth/refresh resume the same stream without loss', async () => {
      const { server, tenant } = env.current;
      let session: Session = await signIn(server.url, tenant.manager, 'Expiring laptop');
      let refreshes = 0;
      const replica = open(server.url, 'contacts', {
        token: session.accessToken,
        onError: async (error) => {
          if (!(error instanceof FetchError) || error.status !== 401) return undefined;
          const response = await fetch(`${server.url}/v1/auth/refresh`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ refreshToken: session.refreshToken }),
          });
          expect(response.status).toBe(200);
          session = (await response.json()) as Session;
          refreshes += 1;
          return { headers: { authorization: `Bearer ${session.accessToken}` } };
        },
      });
      try {
        await waitUntil(() => replica.upToDates > 0, 'contacts up-to-date');
        const handle = replica.stream.shapeHandle;

        // 16 minutes later the access token (15 min) has expired.
        skewMs = 16 * 60_000;
        await server.db.update(contacts).set({ firstName: 'After expiry 1' }).where(eq(contacts.id, 'a-contact-a'));
        await waitUntil(() => refreshes === 1, 'a refresh after 401', 5_000);
        await server.db.update(contacts).set({ firstName: 'After refresh' }).where(eq(contacts.id, 'a-contact-b'));
        await waitUntil(() => replica.rows.get('a-contact-b')?.first_name === 'After refresh', 'the change after the refresh', 5_000);

        expect(replica.rows.get('a-contact-a')?.first_name).toBe('After expiry 1');
        const unauthorised = replica.errors.filter((e) => e instanceof FetchError && e.status === 401);
        expect(unauthorised).toHaveLength(1);
        expect((unauthorised[0] as FetchError).json).toMatchObject({ error: { code: 'token_expired' } });
        expect(replica.errors).toHaveLength(1);
        // The same shape continued: no must-refetch, no new handle, no second snapshot.
        expect(replica.mustRefetches).toBe(0);
        expect(replica.stream.shapeHandle).toBe(handle);
        expect(replica.responses.filter((r) => r.url.searchParams.get('offset') === '-1')).toHaveLength(1);
        const after401 = replica.responses.slice(replica.responses.findIndex((r) => r.status === 401) + 1);
        expect(after401[0]!.url.searchParams.get('handle')).toBe(handle);
        const dbIds = (await server.db.select({ id: contacts.id }).from(contacts)).map((r) => r.id).sort();
        expect([...replica.rows.keys()].sort()).toEqual(dbIds);
      } finally {
        skewMs = 0;
        stopAll();
      }
    });
  });
});

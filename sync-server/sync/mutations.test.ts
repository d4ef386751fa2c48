// POST /v1/mutations — the write path: idempotent per client, validated whole before anything is written,
// authorised per row, merged per field with HLC last-writer-wins, every lost concurrent edit logged.
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { conflicts, contacts, notes, syncClientMutations } from '../../db/schema/pg.ts';
import { formatHlc } from '../../db/sync/hlc.ts';
import { rowsOf } from '../database.ts';
import { describeOnBothBackends, lazyInBeforeAll } from '../testing/backends.ts';
import { fixtureId, seedTenant, signIn, startServerOn, type Session, type SyncTestServer } from '../testing/sync-fixtures.ts';
import type { AnyJson } from '../testing/test-server.ts';

type Wire = { id: number; table: string; op: string; pk: string; changes?: Record<string, unknown>; hlc: string; baseHlcs?: Record<string, string> };

// One clock for the whole file: HLCs are "<ms>:<counter>:<node>", the node being the device id.
const T = Date.now() - 60_000;
const hlc = (offsetMs: number, node: string, counter = 0) => formatHlc({ millis: T + offsetMs, counter, node });

async function push(server: SyncTestServer, session: Session, mutations: Wire[], clientId = session.deviceId): Promise<{ status: number; body: AnyJson }> {
  const response = await fetch(`${server.url}/v1/mutations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.accessToken}` },
    body: JSON.stringify({ clientId, mutations }),
  });
  return { status: response.status, body: await response.json() };
}

async function pushRaw(server: SyncTestServer, session: Session, body: string): Promise<{ status: number; body: AnyJson }> {
  const response = await fetch(`${server.url}/v1/mutations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.accessToken}` },
    body,
  });
  return { status: response.status, body: await response.json() };
}

/** Everything a mutation could have written: the change log head and the row counts of every written table. */
async function fingerprint(server: SyncTestServer): Promise<Record<string, number>> {
  const [row] = rowsOf<Record<string, string | number>>(
    await server.db.execute(sql`
      SELECT (SELECT coalesce(max(seq), 0) FROM sync_changes) AS head,
             (SELECT count(*) FROM sync_changes) AS changes,
             (SELECT count(*) FROM sync_client_mutations) AS clients,
             (SELECT coalesce(sum(last_mutation_id), 0) FROM sync_client_mutations) AS last_ids,
             (SELECT count(*) FROM conflicts) AS conflicts,
             (SELECT count(*) FROM contacts) AS contacts,
             (SELECT count(*) FROM notes) AS notes,
             (SELECT count(*) FROM properties) AS properties`),
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

const contactRow = async (server: SyncTestServer, id: string) => (await server.db.select().from(contacts).where(eq(contacts.id, id)))[0];
/** Conflicts logged by mutations (the fixture seeds one per contact, ids "<key>-conflict-<owner>"). */
const conflictsOf = async (server: SyncTestServer, rowId: string) =>
  (await server.db.select().from(conflicts).where(eq(conflicts.rowId, rowId)).orderBy(conflicts.createdAt)).filter((c) => !/^[a-z]+-conflict-[abu]$/.test(c.id));

describeOnBothBackends('POST /v1/mutations', (backend) => {
  const env = lazyInBeforeAll(
    async () => {
      const database = await backend.createDatabase();
      const server = await startServerOn(database);
      const a = await seedTenant(server.db, 'a');
      const b = await seedTenant(server.db, 'b');
      const [agentA, agentA2, agentB, manager] = await Promise.all([
        signIn(server.url, a.agentA, 'A laptop'),
        signIn(server.url, a.agentA, 'A phone'),
        signIn(server.url, a.agentB, 'B laptop'),
        signIn(server.url, a.manager, 'Manager desk'),
      ]);
      return { server, a, b, agentA, agentA2, agentB, manager };
    },
    ({ server }) => server.closeNow(),
  );

  describe('results', () => {
    it('applies, rejects with a reason, and acknowledges a replay as duplicate with the txid; nothing applies twice', async () => {
      const { server, agentA } = env.current;
      const batch: Wire[] = [
        { id: 1, table: 'contacts', op: 'insert', pk: 'a-contact-new1', changes: { first_name: 'New', tags: ['x'] }, hlc: hlc(1, agentA.deviceId) },
        { id: 2, table: 'contacts', op: 'update', pk: 'a-contact-missing', changes: { first_name: 'Ghost' }, hlc: hlc(2, agentA.deviceId) },
        { id: 3, table: 'notes', op: 'insert', pk: 'a-note-new1', changes: { contact_id: 'a-contact-new1', body: 'first call' }, hlc: hlc(3, agentA.deviceId) },
      ];
      const first = await push(server, agentA, batch);
      expect(first.status).toBe(200);
      expect(first.body.results).toEqual([
        { id: 1, status: 'applied', txid: expect.stringMatching(/^\d+$/) },
        { id: 2, status: 'rejected', reason: 'contacts a-contact-missing does not exist or is not yours to change', txid: expect.any(String) },
        { id: 3, status: 'applied', txid: expect.any(String) },
      ]);
      // The txid is a log position at or after every effect of the batch.
      const [logged] = rowsOf<{ seq: string }>(await server.db.execute(sql`SELECT max(seq) AS seq FROM sync_changes WHERE row_id IN ('a-contact-new1', 'a-note-new1')`));
      expect(Number(first.body.results[0].txid)).toBeGreaterThanOrEqual(Number(logged!.seq));
      const contact = await contactRow(server, 'a-contact-new1');
      expect(contact).toMatchObject({ brokerageId: 'brk-a', firstName: 'New', tags: ['x'], hlc: hlc(1, agentA.deviceId), fieldHlcs: { first_name: hlc(1, agentA.deviceId), tags: hlc(1, agentA.deviceId) } });
      // The server stamps who wrote the note, whatever the client says.
      expect((await server.db.select().from(notes).where(eq(notes.id, 'a-note-new1')))[0]).toMatchObject({ authorId: env.current.a.agentA.id, brokerageId: 'brk-a' });

      const before = await fingerprint(server);
      const replay = await push(server, agentA, batch);
      expect(replay.status).toBe(200);
      expect(replay.body.results.map((r: AnyJson) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
      for (const r of replay.body.results) expect(r.txid).toMatch(/^\d+$/);
      expect(await fingerprint(server)).toEqual(before);

      // Overlapping replay: the known ids are duplicates, the new one applies.
      const overlap = await push(server, agentA, [
        batch[2]!,
        { id: 4, table: 'contacts', op: 'update', pk: 'a-contact-new1', changes: { last_name: 'Later' }, hlc: hlc(4, agentA.deviceId) },
      ]);
      expect(overlap.body.results.map((r: AnyJson) => r.status)).toEqual(['duplicate', 'applied']);
      const [client] = await server.db.select().from(syncClientMutations).where(eq(syncClientMutations.clientId, agentA.deviceId));
      expect(client).toMatchObject({ userId: env.current.a.agentA.id, lastMutationId: 4 });
      expect((await server.db.select().from(notes).where(eq(notes.id, 'a-note-new1')))).toHaveLength(1);
    });

    it('the same batch pushed twice at once applies once', async () => {
      const { server, agentA2 } = env.current;
      const batch: Wire[] = [1, 2, 3].map((n) => ({ id: n, table: 'notes', op: 'insert', pk: `a-note-race${n}`, changes: { contact_id: 'a-contact-a', body: `race ${n}` }, hlc: hlc(10 + n, agentA2.deviceId) }));
      const [x, y] = await Promise.all([push(server, agentA2, batch), push(server, agentA2, batch)]);
      const statuses = [x.body.results.map((r: AnyJson) => r.status), y.body.results.map((r: AnyJson) => r.status)].sort();
      expect(statuses).toEqual([
        ['applied', 'applied', 'applied'],
        ['duplicate', 'duplicate', 'duplicate'],
      ]);
      const [count] = rowsOf<{ n: string }>(await server.db.execute(sql`SELECT count(*) AS n FROM sync_changes WHERE row_id LIKE 'a-note-race%'`));
      expect(Number(count!.n)).toBe(3);
    });

    it('a rejected mutation leaves no trace while the rest of its batch applies', async () => {
      const { server, agentB } = env.current;
      const before = await fingerprint(server);
      const res = await push(server, agentB, [
        // Agent B may not hang a property off agent A's contact.
        { id: 1, table: 'properties', op: 'insert', pk: 'a-property-sneaky', changes: { contact_id: fixtureId('a', 'contacts', 'a'), address: 'x' }, hlc: hlc(20, agentB.deviceId) },
        { id: 2, table: 'properties', op: 'insert', pk: 'a-property-ok', changes: { contact_id: fixtureId('a', 'contacts', 'b'), address: 'y' }, hlc: hlc(21, agentB.deviceId) },
      ]);
      expect(res.body.results).toMatchObject([
        { id: 1, status: 'rejected', reason: 'this change would move properties a-property-sneaky out of your reach' },
        { id: 2, status: 'applied' },
      ]);
      const [sneaky] = rowsOf<{ n: string }>(await server.db.execute(sql`SELECT (SELECT count(*) FROM properties WHERE id = 'a-property-sneaky') + (SELECT count(*) FROM sync_changes WHERE row_id = 'a-property-sneaky') AS n`));
      expect(Number(sneaky!.n)).toBe(0);
      const after = await fingerprint(server);
      expect(after.properties).toBe((before.properties ?? 0) + 1);
    });
  });

  describe('malformed requests', () => {
    it('answers 400 (or 413) and writes nothing', async () => {
      const { server, agentA } = env.current;
      const ok = (id: number, pk = `a-contact-never${id}`): Wire => ({ id, table: 'contacts', op: 'insert', pk, changes: { first_name: 'Never' }, hlc: hlc(30, agentA.deviceId) });
      const before = await fingerprint(server);
      const cases: { name: string; body: string; status?: number; code?: string; mentions?: RegExp }[] = [
        { name: 'bad JSON', body: '{"clientId": "x", "mutations": [', code: 'invalid_json' },
        { name: 'not an object', body: '[1, 2]' },
        { name: 'no mutations', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [] }) },
        { name: 'missing clientId', body: JSON.stringify({ mutations: [ok(100)] }), mentions: /clientId/ },
        { name: 'unknown top-level key', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [ok(100)], extra: 1 }) },
        { name: 'string id', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [{ ...ok(100), id: '100' }] }), mentions: /mutations\.0\.id/ },
        { name: 'negative id', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [{ ...ok(100), id: -1 }] }) },
        { name: 'bad hlc', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [{ ...ok(100), hlc: '2026-01-01' }] }), mentions: /hlc/ },
        { name: 'wrong field type', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [{ ...ok(100), changes: { first_name: 42 } }] }), mentions: /first_name/ },
        { name: 'bad enum', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [{ ...ok(100), changes: { stage: 'hot' } }] }), mentions: /stage/ },
        { name: 'unknown table', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [{ ...ok(100), table: 'users' }] }), mentions: /table/ },
        { name: 'server-only table', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [{ ...ok(100), table: 'sync_changes' }] }) },
        { name: 'unknown field', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [{ ...ok(100), changes: { first_name: 'x', brokerage_id: 'brk-b' } }] }), mentions: /brokerage_id|Unrecognized/ },
        { name: 'hlc field set directly', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [{ ...ok(100), changes: { field_hlcs: {} } }] }) },
        { name: 'op the table does not take', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [{ id: 100, table: 'notes', op: 'update', pk: fixtureId('a', 'notes', 'a'), changes: { body: 'edited' }, hlc: hlc(30, agentA.deviceId) }] }), mentions: /notes takes insert, delete only/ },
        { name: 'append-only activity delete', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [{ id: 100, table: 'activities', op: 'delete', pk: fixtureId('a', 'activities', 'a'), hlc: hlc(30, agentA.deviceId) }] }) },
        { name: 'changes on a delete', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [{ ...ok(100, fixtureId('a', 'contacts', 'a')), op: 'delete' }] }) },
        { name: 'insert missing a required field', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [{ id: 100, table: 'notes', op: 'insert', pk: 'a-note-never', changes: { body: 'x' }, hlc: hlc(30, agentA.deviceId) }] }), mentions: /contact_id/ },
        { name: 'bad pk', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [ok(100, "x'; drop table contacts; --")] }) },
        { name: 'repeated ids', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [ok(100), ok(100, 'a-contact-never101')] }), mentions: /increase/ },
        { name: 'decreasing ids', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [ok(101), ok(100)] }), mentions: /increase/ },
        { name: 'valid then invalid', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [ok(100), { ...ok(101), changes: { household_size: 'many' } }] }) },
        { name: 'more than 1000', body: JSON.stringify({ clientId: agentA.deviceId, mutations: Array.from({ length: 1001 }, (_, i) => ok(100 + i)) }), mentions: /mutations: .*1000/ },
        { name: 'oversized body', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [{ id: 100, table: 'notes', op: 'insert', pk: 'a-note-huge', changes: { contact_id: 'a-contact-a', body: 'x'.repeat(5 * 1024 * 1024) }, hlc: hlc(30, agentA.deviceId) }] }), status: 413, code: 'payload_too_large' },
        { name: 'a note over 100k characters', body: JSON.stringify({ clientId: agentA.deviceId, mutations: [{ id: 100, table: 'notes', op: 'insert', pk: 'a-note-big', changes: { contact_id: 'a-contact-a', body: 'x'.repeat(100_001) }, hlc: hlc(30, agentA.deviceId) }] }) },
      ];
      for (const c of cases) {
        const res = await pushRaw(server, agentA, c.body);
        expect(res.status, c.name).toBe(c.status ?? 400);
        expect(res.body.error.code, c.name).toBe(c.code ?? (res.body.error.code === 'invalid_json' ? 'invalid_json' : 'invalid_request'));
        if (c.mentions) expect(res.body.error.message, c.name).toMatch(c.mentions);
        expect(res.body.results, c.name).toBeUndefined();
      }
      expect(await fingerprint(server)).toEqual(before);
    });

    it('refuses a clientId that is not the token’s device with 403 and writes nothing', async () => {
      const { server, agentA, agentA2, agentB } = env.current;
      const before = await fingerprint(server);
      const mutation: Wire = { id: 500, table: 'contacts', op: 'update', pk: 'a-contact-a', changes: { first_name: 'Hijack' }, hlc: hlc(40, agentA.deviceId) };
      for (const clientId of [agentA2.deviceId, agentB.deviceId, 'some-other-device']) {
        const res = await push(server, agentA, [mutation], clientId);
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
      expect(await fingerprint(server)).toEqual(before);
      expect((await contactRow(server, 'a-contact-a'))!.firstName).not.toBe('Hijack');
      // And without a token: 401.
      const anonymous = await fetch(`${server.url}/v1/mutations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientId: 'x', mutations: [mutation] }) });
      expect(anonymous.status).toBe(401);
    });
  });

  describe('per-field last-writer-wins', () => {
    it('an older edit loses and the conflict records both values', async () => {
      const { server, agentA, manager } = env.current;
      const id = fixtureId('a', 'contacts', 'a');
      const newer = hlc(1000, agentA.deviceId);
      const older = hlc(900, manager.deviceId);
      expect((await push(server, agentA, [{ id: 10, table: 'contacts', op: 'update', pk: id, changes: { phone: '555-NEW' }, hlc: newer }])).body.results[0].status).toBe('applied');
      const res = await push(server, manager, [{ id: 1, table: 'contacts', op: 'update', pk: id, changes: { phone: '555-OLD', stage: 'active' }, hlc: older }]);
      expect(res.body.results[0].status).toBe('applied');
      const row = (await contactRow(server, id))!;
      // phone keeps the newer value; stage (never edited before) takes the older edit.
      expect(row).toMatchObject({ phone: '555-NEW', stage: 'active', hlc: newer });
      expect(row.fieldHlcs).toMatchObject({ phone: newer, stage: older });
      const logged = await conflictsOf(server, id);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({
        brokerageId: 'brk-a',
        tableName: 'contacts',
        contactId: id,
        field: 'phone',
        winningValue: '555-NEW',
        losingValue: '555-OLD',
        winningHlc: newer,
        losingHlc: older,
        losingDeviceId: manager.deviceId,
        losingUserId: env.current.a.manager.id,
      });
    });

    it('a newer edit from another device that never saw the current value overwrites it and logs what it overwrote', async () => {
      const { server, agentA, agentA2 } = env.current;
      const id = fixtureId('a', 'contacts', 'u');
      const first = hlc(2000, agentA.deviceId);
      const second = hlc(2100, agentA2.deviceId);
      await push(server, agentA, [{ id: 20, table: 'contacts', op: 'update', pk: id, changes: { email: 'first@home.test' }, hlc: first }]);
      // The second device edited offline on top of the value before `first` (its base differs).
      const res = await push(server, agentA2, [{ id: 20, table: 'contacts', op: 'update', pk: id, changes: { email: 'second@home.test' }, hlc: second, baseHlcs: { email: hlc(5, 'someone') } }]);
      expect(res.body.results[0].status).toBe('applied');
      expect((await contactRow(server, id))!.email).toBe('second@home.test');
      const logged = await conflictsOf(server, id);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ field: 'email', winningValue: 'second@home.test', losingValue: 'first@home.test', winningHlc: second, losingHlc: first, losingDeviceId: agentA.deviceId, losingUserId: null });

      // A newer edit made on top of the current value (matching baseHlcs) is not a conflict.
      const third = hlc(2200, agentA.deviceId);
      await push(server, agentA, [{ id: 21, table: 'contacts', op: 'update', pk: id, changes: { email: 'third@home.test' }, hlc: third, baseHlcs: { email: second } }]);
      expect((await contactRow(server, id))!.email).toBe('third@home.test');
      expect(await conflictsOf(server, id)).toHaveLength(1);
    });

    it('sequential edits from one device never log conflicts', async () => {
      const { server, agentA } = env.current;
      const id = 'a-contact-seq';
      await push(server, agentA, [{ id: 29, table: 'contacts', op: 'insert', pk: id, changes: { first_name: 'Seq' }, hlc: hlc(2900, agentA.deviceId) }]);
      const results = [];
      for (let i = 0; i < 4; i += 1) {
        const res = await push(server, agentA, [{ id: 30 + i, table: 'contacts', op: 'update', pk: id, changes: { first_name: `Edit ${i}`, household_size: i }, hlc: hlc(3000 + i, agentA.deviceId) }]);
        results.push(res.body.results[0].status);
      }
      expect(results).toEqual(['applied', 'applied', 'applied', 'applied']);
      expect((await contactRow(server, id))).toMatchObject({ firstName: 'Edit 3', householdSize: 3 });
      expect(await conflictsOf(server, id)).toHaveLength(0);
    });

    it('converges whatever order concurrent edits arrive in', async () => {
      const { server, agentA, manager } = env.current;
      const edits = (pk: string) => ({
        agent: { table: 'contacts', op: 'update', pk, changes: { first_name: 'Agent', zipcode: '98001' }, hlc: hlc(4000, agentA.deviceId) },
        manager: { table: 'contacts', op: 'update', pk, changes: { first_name: 'Manager', stage: 'sphere' }, hlc: hlc(4000, manager.deviceId) },
      });
      // Same millisecond, same counter: the node id breaks the tie, identically in both orders. Both rows
      // start with no clock on these fields.
      const x = edits(fixtureId('a', 'contacts', 'u'));
      const y = 'a-contact-conv';
      await push(server, manager, [{ id: 39, table: 'contacts', op: 'insert', pk: y, changes: { last_name: 'Conv' }, hlc: hlc(3900, manager.deviceId) }]);
      await push(server, agentA, [{ id: 40, ...x.agent }]);
      await push(server, manager, [{ id: 40, ...x.manager }]);
      await push(server, manager, [{ id: 41, ...edits(y).manager }]);
      await push(server, agentA, [{ id: 41, ...edits(y).agent }]);
      const pick = (row: AnyJson) => ({ firstName: row.firstName, zipcode: row.zipcode, stage: row.stage, fieldHlcs: { first_name: row.fieldHlcs.first_name, zipcode: row.fieldHlcs.zipcode, stage: row.fieldHlcs.stage } });
      const [rowX, rowY] = [await contactRow(server, fixtureId('a', 'contacts', 'u')), await contactRow(server, y)];
      expect(pick(rowX)).toEqual(pick(rowY));
      const winner = [agentA.deviceId, manager.deviceId].sort()[1] === manager.deviceId ? 'Manager' : 'Agent';
      expect(rowX!.firstName).toBe(winner);
      // The loser of first_name is logged once per row, whichever side it arrived from.
      expect((await conflictsOf(server, y)).filter((c) => c.field === 'first_name')).toHaveLength(1);
      expect((await conflictsOf(server, fixtureId('a', 'contacts', 'u'))).filter((c) => c.field === 'first_name')).toHaveLength(1);
    });
  });

  describe('deletes and append-only records', () => {
    it('a delete is a tombstone: deleted_at is set, the row stays, the log carries an update', async () => {
      const { server, manager } = env.current;
      const id = 'a-contact-doomed';
      await push(server, manager, [{ id: 49, table: 'contacts', op: 'insert', pk: id, changes: { first_name: 'Doomed' }, hlc: hlc(4900, manager.deviceId) }]);
      const before = Number(rowsOf<{ seq: string }>(await server.db.execute(sql`SELECT coalesce(max(seq), 0) AS seq FROM sync_changes`))[0]!.seq);
      const res = await push(server, manager, [{ id: 50, table: 'contacts', op: 'delete', pk: id, hlc: hlc(5000, manager.deviceId) }]);
      expect(res.body.results[0].status).toBe('applied');
      const row = (await contactRow(server, id))!;
      expect(row.deletedAt).not.toBeNull();
      expect(row.fieldHlcs.deleted_at).toBe(hlc(5000, manager.deviceId));
      const logged = rowsOf<{ op: string; row: AnyJson }>(await server.db.execute(sql`SELECT op, row FROM sync_changes WHERE row_id = ${id} AND seq > ${before}`));
      expect(logged.map((l) => l.op)).toEqual(['update']);
      // Deleting something that does not exist is rejected, not silently accepted.
      const missing = await push(server, manager, [{ id: 51, table: 'contacts', op: 'delete', pk: 'a-contact-nobody', hlc: hlc(5001, manager.deviceId) }]);
      expect(missing.body.results[0]).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/does not exist/) });
    });

    it('notes and activities are only ever inserted: a replayed insert from elsewhere changes nothing; a note delete is a tombstone', async () => {
      const { server, agentA, manager } = env.current;
      const noteId = fixtureId('a', 'notes', 'a');
      const original = (await server.db.select().from(notes).where(eq(notes.id, noteId)))[0]!;
      const res = await push(server, agentA, [
        { id: 60, table: 'notes', op: 'insert', pk: noteId, changes: { contact_id: fixtureId('a', 'contacts', 'a'), body: 'rewritten' }, hlc: hlc(6000, agentA.deviceId) },
        { id: 61, table: 'activities', op: 'insert', pk: 'a-activity-new', changes: { contact_id: fixtureId('a', 'contacts', 'a'), kind: 'call', occurred_at: '2026-01-06T09:00:00Z', summary: 'left a message' }, hlc: hlc(6001, agentA.deviceId) },
        { id: 62, table: 'activities', op: 'insert', pk: fixtureId('a', 'activities', 'a'), changes: { contact_id: fixtureId('a', 'contacts', 'a'), kind: 'email', occurred_at: '2026-01-06T09:00:00Z' }, hlc: hlc(6002, agentA.deviceId) },
      ]);
      expect(res.body.results.map((r: AnyJson) => r.status)).toEqual(['applied', 'applied', 'applied']);
      const after = (await server.db.select().from(notes).where(eq(notes.id, noteId)))[0]!;
      expect(after).toEqual(original);
      const [activity] = rowsOf<AnyJson>(await server.db.execute(sql`SELECT kind, user_id FROM activities WHERE id = ${fixtureId('a', 'activities', 'a')}`));
      expect(activity).toEqual({ kind: 'call', user_id: env.current.a.manager.id });
      const [created] = rowsOf<AnyJson>(await server.db.execute(sql`SELECT user_id, summary FROM activities WHERE id = 'a-activity-new'`));
      expect(created).toEqual({ user_id: env.current.a.agentA.id, summary: 'left a message' });
      expect(await conflictsOf(server, noteId)).toHaveLength(0);

      const del = await push(server, manager, [{ id: 60, table: 'notes', op: 'delete', pk: noteId, hlc: hlc(6100, manager.deviceId) }]);
      expect(del.body.results[0].status).toBe('applied');
      const tombstoned = (await server.db.select().from(notes).where(eq(notes.id, noteId)))[0]!;
      expect(tombstoned.deletedAt).not.toBeNull();
      expect(tombstoned.body).toBe(original.body);
    });
  });

  describe('authorisation', () => {
    it('an agent cannot hand a contact to another agent; a manager can; an agent may take an unassigned one', async () => {
      const { server, agentA, manager, a } = env.current;
      const own = fixtureId('a', 'contacts', 'a');
      const handOff = await push(server, agentA, [{ id: 70, table: 'contacts', op: 'update', pk: own, changes: { assigned_agent_id: a.agentB.id }, hlc: hlc(7000, agentA.deviceId) }]);
      expect(handOff.body.results[0]).toMatchObject({ status: 'rejected', reason: 'only a manager can assign work to someone else' });
      expect((await contactRow(server, own))!.assignedAgentId).toBe(a.agentA.id);

      const alertHandOff = await push(server, agentA, [{ id: 71, table: 'alerts', op: 'update', pk: fixtureId('a', 'alerts', 'a'), changes: { assigned_agent_id: a.agentB.id }, hlc: hlc(7001, agentA.deviceId) }]);
      expect(alertHandOff.body.results[0].status).toBe('rejected');

      const take = await push(server, agentA, [{ id: 72, table: 'contacts', op: 'insert', pk: 'a-contact-pool', changes: { first_name: 'Pool' }, hlc: hlc(7002, agentA.deviceId) }, { id: 73, table: 'contacts', op: 'update', pk: 'a-contact-pool', changes: { assigned_agent_id: a.agentA.id }, hlc: hlc(7003, agentA.deviceId) }]);
      expect(take.body.results.map((r: AnyJson) => r.status)).toEqual(['applied', 'applied']);

      // Agent B cannot touch agent A's contact at all: it is reported as not existing.
      const foreign = await push(server, env.current.agentB, [{ id: 74, table: 'contacts', op: 'update', pk: own, changes: { first_name: 'B was here' }, hlc: hlc(7004, env.current.agentB.deviceId) }]);
      expect(foreign.body.results[0]).toMatchObject({ status: 'rejected', reason: `contacts ${own} does not exist or is not yours to change` });

      const reassign = await push(server, manager, [{ id: 75, table: 'contacts', op: 'update', pk: 'a-contact-pool', changes: { assigned_agent_id: a.agentB.id }, hlc: hlc(7005, manager.deviceId) }]);
      expect(reassign.body.results[0].status).toBe('applied');
      expect((await contactRow(server, 'a-contact-pool'))!.assignedAgentId).toBe(a.agentB.id);
      expect((await contactRow(server, own))!.firstName).not.toBe('B was here');
    });

    it("references to another brokerage's ids are rejected as not existing", async () => {
      const { server, agentA, manager, b } = env.current;
      const before = await fingerprint(server);
      const res = await push(server, manager, [
        { id: 80, table: 'notes', op: 'insert', pk: 'a-note-cross', changes: { contact_id: fixtureId('b', 'contacts', 'u'), body: 'x' }, hlc: hlc(8000, manager.deviceId) },
        { id: 81, table: 'contacts', op: 'update', pk: fixtureId('a', 'contacts', 'u'), changes: { assigned_agent_id: b.agentA.id }, hlc: hlc(8001, manager.deviceId) },
        { id: 82, table: 'alerts', op: 'update', pk: fixtureId('a', 'alerts', 'u'), changes: { property_id: fixtureId('b', 'properties', 'u') }, hlc: hlc(8002, manager.deviceId) },
        { id: 83, table: 'contacts', op: 'update', pk: fixtureId('b', 'contacts', 'u'), changes: { first_name: 'Cross' }, hlc: hlc(8003, manager.deviceId) },
        { id: 84, table: 'contacts', op: 'insert', pk: fixtureId('b', 'contacts', 'a'), changes: { first_name: 'Takeover' }, hlc: hlc(8004, manager.deviceId) },
      ]);
      expect(res.body.results.map((r: AnyJson) => [r.status, r.reason])).toEqual([
        ['rejected', `contact_id ${fixtureId('b', 'contacts', 'u')} does not exist`],
        ['rejected', `assigned_agent_id ${b.agentA.id} does not exist`],
        ['rejected', `property_id ${fixtureId('b', 'properties', 'u')} does not exist`],
        ['rejected', `contacts ${fixtureId('b', 'contacts', 'u')} does not exist or is not yours to change`],
        ['rejected', `contacts ${fixtureId('b', 'contacts', 'a')} does not exist or is not yours to change`],
      ]);
      // Rejected mutations still advance the client's last id (and may create its row): nothing else changed.
      const after = await fingerprint(server);
      expect({ ...after, last_ids: 0, clients: 0 }).toEqual({ ...before, last_ids: 0, clients: 0 });
      // Agents get the same answer.
      const agent = await push(server, agentA, [{ id: 85, table: 'notes', op: 'insert', pk: 'a-note-cross2', changes: { contact_id: fixtureId('b', 'contacts', 'a'), body: 'x' }, hlc: hlc(8005, agentA.deviceId) }]);
      expect(agent.body.results[0]).toMatchObject({ status: 'rejected', reason: `contact_id ${fixtureId('b', 'contacts', 'a')} does not exist` });
    });

    it('refuses an edit stamped more than an hour ahead of the server clock', async () => {
      const { server, agentA } = env.current;
      const id = fixtureId('a', 'contacts', 'a');
      const ahead = formatHlc({ millis: Date.now() + 61 * 60_000, counter: 0, node: agentA.deviceId });
      const res = await push(server, agentA, [{ id: 90, table: 'contacts', op: 'update', pk: id, changes: { last_name: 'Future' }, hlc: ahead }]);
      expect(res.body.results[0]).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/more than an hour ahead/) });
      expect((await contactRow(server, id))!.lastName).not.toBe('Future');
      const nearFuture = formatHlc({ millis: Date.now() + 50 * 60_000, counter: 0, node: agentA.deviceId });
      const ok = await push(server, agentA, [{ id: 91, table: 'contacts', op: 'update', pk: id, changes: { last_name: 'Soon' }, hlc: nearFuture }]);
      expect(ok.body.results[0].status).toBe('applied');
    });
  });

  describe('settled values', () => {
    it('a send status learnt from the mail server beats a guess whatever the clocks say; equal ranks go by the clocks', async () => {
      const { server, agentA, agentA2 } = env.current;
      const id = fixtureId('a', 'campaign_sends', 'a');
      const sendRow = async () => rowsOf<{ status: string; error: string | null; sent_at: string | null; field_hlcs: Record<string, string> }>(await server.db.execute(sql`SELECT status, error, sent_at, field_hlcs FROM campaign_sends WHERE id = ${id}`))[0]!;
      // The phone took the run over and marked the message in doubt.
      const guess = hlc(9300, agentA2.deviceId);
      await push(server, agentA2, [{ id: 200, table: 'campaign_sends', op: 'update', pk: id, changes: { status: 'unknown', error: 'Laptop took this message and stopped' }, hlc: guess }]);
      // The laptop, back online, reports what the mail server said before it died: an older clock, yet it wins, with its time.
      const sentAt = new Date(T + 9_200).toISOString();
      const late = await push(server, agentA, [{ id: 200, table: 'campaign_sends', op: 'update', pk: id, changes: { status: 'sent', error: null, sent_at: sentAt }, hlc: hlc(9200, agentA.deviceId) }]);
      expect(late.body.results[0].status).toBe('applied');
      expect(await sendRow()).toMatchObject({ status: 'sent', error: null, sent_at: expect.any(String) });
      expect(new Date((await sendRow()).sent_at!).toISOString()).toBe(sentAt);
      // The field carries the clock of the value it holds (the order is (rank, clock) of the values alone).
      expect((await sendRow()).field_hlcs.status).toBe(hlc(9200, agentA.deviceId));
      expect(guess > hlc(9200, agentA.deviceId)).toBe(true);
      // The overwritten guess is on record.
      expect((await conflictsOf(server, id)).map((c) => [c.field, c.losingValue])).toContainEqual(['status', 'unknown']);
      // A late 'sending' (a newer clock) never reopens a settled message.
      await push(server, agentA, [{ id: 201, table: 'campaign_sends', op: 'update', pk: id, changes: { status: 'sending', error: null }, hlc: hlc(9400, agentA.deviceId) }]);
      expect((await sendRow()).status).toBe('sent');
      // Same rank (a bounce reported later): the newer clock wins as usual.
      await push(server, agentA2, [{ id: 201, table: 'campaign_sends', op: 'update', pk: id, changes: { status: 'bounced', error: '550 No such user' }, hlc: hlc(9500, agentA2.deviceId) }]);
      expect(await sendRow()).toMatchObject({ status: 'bounced', error: '550 No such user' });
    });
  });
});

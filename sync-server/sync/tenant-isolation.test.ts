// Tenant isolation through the read and write paths: two brokerages with a manager and two agents each.
// A user never receives a row of the other brokerage (any table, snapshot or live, whatever the request),
// an agent never receives another agent's contacts or what hangs off them, and writes aimed at another
// tenant's ids are rejected without effect.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { formatHlc } from '../../db/sync/hlc.ts';
import { WRITABLE_TABLES } from '../../db/sync/mutations.ts';
import { GLOBAL_TABLES, SHAPE_TABLES, shapeTableInfo, toTextForm, type ShapeTable } from '../../db/sync/shape-tables.ts';
import { rowsOf } from '../database.ts';
import { describeOnBothBackends, lazyInBeforeAll } from '../testing/backends.ts';
import {
  applyRaw,
  CONTACT_DEPENDENTS,
  fixtureId,
  getShape,
  seedMarketSales,
  seedTenant,
  signIn,
  startServerOn,
  streamShape,
  syncShape,
  waitUntil,
  type RawSync,
  type Session,
  type StreamReplica,
  type Tenant,
} from '../testing/sync-fixtures.ts';
import type { AnyJson } from '../testing/test-server.ts';

type Who = 'manager' | 'agentA' | 'agentB';
/** Tables whose rows an agent sees only through a contact of theirs (or an unassigned one). */
const CONTACT_SCOPED: readonly string[] = ['contacts', ...CONTACT_DEPENDENTS];
const WHO: Who[] = ['manager', 'agentA', 'agentB'];

// A statement per table that changes every row of one brokerage (market_sales: every public row).
const TOUCH: Record<ShapeTable, (brokerageId: string) => ReturnType<typeof sql>> = {
  brokerages: (b) => sql`UPDATE brokerages SET settings = settings || '{"touched": true}' WHERE id = ${b}`,
  users: (b) => sql`UPDATE users SET name = name || '!' WHERE brokerage_id = ${b}`,
  contacts: (b) => sql`UPDATE contacts SET first_name = first_name || '!' WHERE brokerage_id = ${b}`,
  properties: (b) => sql`UPDATE properties SET address = address || '!' WHERE brokerage_id = ${b}`,
  market_sales: () => sql`UPDATE market_sales SET price = price + 1`,
  events: (b) => sql`UPDATE events SET props = props || '{"touched": true}' WHERE brokerage_id = ${b}`,
  alerts: (b) => sql`UPDATE alerts SET probability = probability / 2 WHERE brokerage_id = ${b}`,
  alert_outcomes: (b) => sql`UPDATE alert_outcomes SET note = note || '!' WHERE brokerage_id = ${b}`,
  notes: (b) => sql`UPDATE notes SET body = body || '!' WHERE brokerage_id = ${b}`,
  tasks: (b) => sql`UPDATE tasks SET title = title || '!' WHERE brokerage_id = ${b}`,
  activities: (b) => sql`UPDATE activities SET summary = summary || '!' WHERE brokerage_id = ${b}`,
  campaigns: (b) => sql`UPDATE campaigns SET subject = subject || '!' WHERE brokerage_id = ${b}`,
  campaign_sends: (b) => sql`UPDATE campaign_sends SET status = 'sent' WHERE brokerage_id = ${b}`,
  suppressions: (b) => sql`UPDATE suppressions SET reason = 'manual' WHERE brokerage_id = ${b}`,
  conflicts: (b) => sql`UPDATE conflicts SET field = field || '!' WHERE brokerage_id = ${b}`,
};

/** Text-form values as the Electric client parses them (JSON text may differ in spacing, numbers in notation). */
function asParsed(table: ShapeTable, row: Record<string, string | null>): Record<string, unknown> {
  const parsed: Record<string, unknown> = {};
  for (const column of shapeTableInfo(table).columns) {
    const text = row[column.name];
    if (text === null || text === undefined) parsed[column.name] = text;
    else if (column.type === 'jsonb') parsed[column.name] = JSON.parse(text);
    else if (column.type === 'int4' || column.type === 'float8') parsed[column.name] = Number(text);
    else if (column.type === 'bool') parsed[column.name] = text === 'true' || text === 't';
    else parsed[column.name] = text;
  }
  return parsed;
}

describeOnBothBackends('tenant isolation', (backend) => {
  const env = lazyInBeforeAll(
    async () => {
      const database = await backend.createDatabase();
      const server = await startServerOn(database, { liveTimeoutMs: 10_000 });
      const a = await seedTenant(server.db, 'a');
      const b = await seedTenant(server.db, 'b');
      const sales = await seedMarketSales(server.db);
      const sessions = new Map<string, Session>();
      await Promise.all([a, b].flatMap((tenant) => WHO.map(async (who) => sessions.set(`${tenant.key}.${who}`, await signIn(server.url, tenant[who], `${who} device`)))));
      const session = (tenant: Tenant, who: Who) => sessions.get(`${tenant.key}.${who}`)!;
      return { server, a, b, sales, session };
    },
    ({ server }) => server.closeNow(),
  );

  /** Ids of `table` that `who` of `tenant` may see, from the database itself (the fixture's rule, re-evaluated after changes). */
  const expectedIds = async (tenant: Tenant, who: Who, table: ShapeTable): Promise<string[]> => {
    if (GLOBAL_TABLES.has(table)) return env.current.sales;
    const all = rowsOf<{ id: string }>(
      await env.current.server.db.execute(
        table === 'brokerages' ? sql`SELECT id FROM brokerages WHERE id = ${tenant.brokerageId}` : sql`SELECT id FROM ${sql.identifier(table)} WHERE brokerage_id = ${tenant.brokerageId}`,
      ),
    ).map((r) => r.id);
    const hidden = who === 'agentA' ? '-b' : who === 'agentB' ? '-a' : null;
    return all.filter((id) => !(hidden && CONTACT_SCOPED.includes(table) && id.endsWith(hidden))).sort();
  };

  /** The brokerage a row id belongs to: fixture ids start with the tenant key; users are looked up. */
  const brokerageOfId = (table: ShapeTable, id: string): string | null => {
    const { a, b } = env.current;
    if (GLOBAL_TABLES.has(table)) return null;
    if (table === 'brokerages') return id;
    if (table === 'users') return a.ids.users.includes(id) ? a.brokerageId : b.ids.users.includes(id) ? b.brokerageId : 'unknown user';
    return `brk-${id.split('-')[0]}`;
  };

  /** Rows, or change-message values (partial: the id and changed columns), received by `who` of `tenant`. */
  const assertOwnRows = (tenant: Tenant, who: Who, table: ShapeTable, rows: Iterable<Record<string, unknown>>, context: string) => {
    for (const row of rows) {
      const id = String(row.id);
      if (!GLOBAL_TABLES.has(table)) {
        expect(brokerageOfId(table, id), `${context}: ${table} ${id} of another brokerage`).toBe(tenant.brokerageId);
        if ('brokerage_id' in row && table !== 'brokerages') expect(row.brokerage_id, `${context}: ${table} ${id}`).toBe(tenant.brokerageId);
      }
      if (who !== 'manager' && CONTACT_SCOPED.includes(table)) {
        const hidden = who === 'agentA' ? '-b' : '-a';
        expect(id.endsWith(hidden), `${context}: ${who} got ${table} ${id}`).toBe(false);
      }
    }
  };

  describe('every table, every user', () => {
    // Shared between the snapshot and live tests (in order): the position each user reached per table.
    const synced = new Map<string, RawSync>();

    it('snapshots hold exactly the rows each user may see', async () => {
      const { server, a, b, session } = env.current;
      for (const tenant of [a, b]) {
        for (const who of WHO) {
          // The tables of one user in parallel, like the app's streams.
          await Promise.all(
            SHAPE_TABLES.map(async (table) => {
              const state = await syncShape(server.url, session(tenant, who).accessToken, table);
              synced.set(`${tenant.key}.${who}.${table}`, state);
              const context = `${tenant.key}.${who} snapshot`;
              assertOwnRows(tenant, who, table, state.rows.values(), context);
              expect([...state.rows.keys()].sort(), `${context} ${table}`).toEqual(await expectedIds(tenant, who, table));
            }),
          );
        }
      }
      // Sanity: the fixture gives agents something to be denied.
      expect(await expectedIds(a, 'agentA', 'notes')).toEqual([fixtureId('a', 'notes', 'a'), fixtureId('a', 'notes', 'u')]);
    });

    it('live changes to every table of both brokerages reach only the users who may see them', async () => {
      const { server, a, b, session } = env.current;
      // The real client too, for one agent and a manager, running across the changes.
      const replicas: [Tenant, Who, ShapeTable, StreamReplica][] = [];
      for (const [tenant, who] of [[a, 'agentA'], [b, 'manager']] as const) {
        for (const table of ['contacts', 'notes', 'alerts', 'users'] as const) {
          replicas.push([tenant, who, table, streamShape(server.url, table, { token: session(tenant, who).accessToken })]);
        }
      }
      try {
        await waitUntil(() => replicas.every(([, , , r]) => r.upToDates > 0), 'streams up-to-date');

        for (const tenant of [a, b]) {
          await server.db.transaction(async (tx) => {
            for (const table of SHAPE_TABLES) await tx.execute(TOUCH[table](tenant.brokerageId));
            // New rows hanging off each agent's contact and an unassigned one, and a brand-new contact per agent.
            for (const owner of ['a', 'b', 'u'] as const) {
              const agentId = owner === 'a' ? tenant.agentA.id : owner === 'b' ? tenant.agentB.id : null;
              await tx.execute(sql`INSERT INTO contacts (id, brokerage_id, assigned_agent_id, first_name) VALUES (${`${tenant.key}-contact2-${owner}`}, ${tenant.brokerageId}, ${agentId}, 'Second')`);
              await tx.execute(sql`INSERT INTO notes (id, brokerage_id, contact_id, body) VALUES (${`${tenant.key}-note2-${owner}`}, ${tenant.brokerageId}, ${`${tenant.key}-contact2-${owner}`}, 'new')`);
              await tx.execute(sql`INSERT INTO events (id, brokerage_id, contact_id, type, occurred_at) VALUES (${`${tenant.key}-event2-${owner}`}, ${tenant.brokerageId}, ${fixtureId(tenant.key, 'contacts', owner)}, 'login', now())`);
            }
            // A hard delete and a tombstone.
            await tx.execute(sql`DELETE FROM events WHERE id = ${`${tenant.key}-event2-u`}`);
            await tx.execute(sql`UPDATE tasks SET deleted_at = now() WHERE id = ${fixtureId(tenant.key, 'tasks', 'b')}`);
          });
        }

        // Every row as the protocol's text form, to compare the replicas with.
        const databaseRows = new Map<string, Record<string, string | null>>();
        for (const table of SHAPE_TABLES) {
          const info = shapeTableInfo(table);
          for (const { row } of rowsOf<{ row: AnyJson }>(await server.db.execute(sql`SELECT to_jsonb(t) AS row FROM ${sql.identifier(table)} t`))) {
            const value = typeof row === 'string' ? JSON.parse(row) : row;
            databaseRows.set(`${table}/${value.id}`, Object.fromEntries(info.columns.map((c) => [c.name, toTextForm(c, value[c.name])])));
          }
        }

        for (const tenant of [a, b]) {
          for (const who of WHO) {
            await Promise.all(
              SHAPE_TABLES.map(async (table) => {
                const key = `${tenant.key}.${who}.${table}`;
                const before = synced.get(key)!;
                // One live request: changes are waiting, so it answers at once.
                const res = await getShape(server.url, session(tenant, who).accessToken, { table, offset: before.offset, handle: before.handle, live: 'true' });
                expect(res.status, key).toBe(200);
                const rows = new Map(before.rows);
                let changes = applyRaw(rows, res.body);
                let next = { ...before, rows, offset: res.offset!, handle: res.handle! };
                if (!res.upToDate) {
                  const rest = await syncShape(server.url, session(tenant, who).accessToken, table, { from: next });
                  changes = [...changes, ...rest.messages.filter((m: AnyJson) => m.key)];
                  next = rest;
                }
                const context = `${tenant.key}.${who} live`;
                assertOwnRows(tenant, who, table, changes.map((m: AnyJson) => m.value), context);
                // Every change the user may see arrived: the live replica holds exactly their rows, as in Postgres.
                const ids = await expectedIds(tenant, who, table);
                expect([...next.rows.keys()].sort(), `${context} ${table}`).toEqual(ids);
                for (const id of ids) expect(asParsed(table, next.rows.get(id)!), `${context} ${table} ${id}`).toEqual(asParsed(table, databaseRows.get(`${table}/${id}`)!));
              }),
            );
          }
        }

        for (const [tenant, who, table, replica] of replicas) {
          const expected = await expectedIds(tenant, who, table);
          await waitUntil(() => replica.rows.size === expected.length, `${tenant.key}.${who} ${table} stream caught up`);
          expect([...replica.rows.keys()].sort()).toEqual(expected);
          assertOwnRows(tenant, who, table, replica.changes.map((m) => m.value), `${tenant.key}.${who} stream`);
          expect(replica.errors).toEqual([]);
        }
      } finally {
        for (const [, , , replica] of replicas) replica.stop();
      }
    });
  });

  describe('whatever the request', () => {
    it("other users' handles, forged offsets and extra params never yield another's rows", async () => {
      const { server, a, b, session } = env.current;
      const me = session(a, 'agentA');
      const mine = await syncShape(server.url, me.accessToken, 'contacts');
      const theirs = await Promise.all([syncShape(server.url, session(b, 'manager').accessToken, 'contacts'), syncShape(server.url, session(a, 'agentB').accessToken, 'contacts'), syncShape(server.url, session(a, 'manager').accessToken, 'contacts')]);
      for (const other of theirs) {
        for (const offset of ['0_1', '1_0', other.offset, mine.offset]) {
          const res = await getShape(server.url, me.accessToken, { table: 'contacts', handle: other.handle, offset });
          expect(res.status, `${other.handle} ${offset}`).toBe(409);
          expect(res.body).toEqual([{ headers: { control: 'must-refetch' } }]);
        }
      }
      // My own handle with any offset, plus parameters that try to widen the filter.
      const extras: Record<string, string>[] = [
        {},
        { brokerage_id: 'brk-b' },
        { brokerage: 'brk-b', agent: b.agentA.id, user_id: a.agentB.id, role: 'manager' },
        { replica: 'full' },
        { log: 'changes_only' },
        { 'subset__where': `brokerage_id = 'brk-b'`, 'subset__limit': '10' },
      ];
      for (const extra of extras) {
        for (const offset of ['-1', '0_1', '1_0', mine.offset]) {
          const params: Record<string, string> = { ...extra, table: 'contacts', offset };
          if (offset !== '-1') params.handle = mine.handle;
          const res = await getShape(server.url, me.accessToken, params);
          expect(res.status, JSON.stringify(params)).toBe(200);
          for (const message of res.body) if (message.key) assertOwnRows(a, 'agentA', 'contacts', [message.value], JSON.stringify(params));
        }
      }
      // The whole log from its first position, through my handle, holds only what I may see.
      const everything = await syncShape(server.url, me.accessToken, 'notes', { from: { ...(await syncShape(server.url, me.accessToken, 'notes')), offset: '1_0' } });
      expect(everything.messages.filter((m: AnyJson) => m.key).length).toBeGreaterThan(0);
      assertOwnRows(a, 'agentA', 'notes', everything.messages.filter((m: AnyJson) => m.key).map((m: AnyJson) => m.value), 'whole log');
    });
  });

  describe('reassignment', () => {
    it('moving a contact from agent A to agent B moves it and its records between their live streams', async () => {
      const { server, a, session } = env.current;
      const contactId = fixtureId('a', 'contacts', 'a');
      const dependents = ['notes', 'events', 'alerts', 'tasks', 'properties'] as const;
      const tables = ['contacts', ...dependents] as const;
      const streams = (who: Who) => new Map(tables.map((t) => [t, streamShape(server.url, t, { token: session(a, who).accessToken })]));
      const [ofA, ofB] = [streams('agentA'), streams('agentB')];
      const dependentIds = async () =>
        new Map(
          await Promise.all(
            dependents.map(async (t) => [t, rowsOf<{ id: string }>(await server.db.execute(sql`SELECT id FROM ${sql.identifier(t)} WHERE contact_id = ${contactId}`)).map((r) => r.id)] as const),
          ),
        );
      try {
        await waitUntil(() => [...ofA.values(), ...ofB.values()].every((r) => r.upToDates > 0), 'agents up-to-date');
        const ids = await dependentIds();
        for (const t of dependents) expect(ids.get(t)!.length, t).toBeGreaterThan(0);
        expect(ofA.get('contacts')!.rows.has(contactId)).toBe(true);
        expect(ofB.get('contacts')!.rows.has(contactId)).toBe(false);

        const manager = session(a, 'manager');
        const push = await fetch(`${server.url}/v1/mutations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${manager.accessToken}` },
          body: JSON.stringify({ clientId: manager.deviceId, mutations: [{ id: 1, table: 'contacts', op: 'update', pk: contactId, changes: { assigned_agent_id: a.agentB.id }, hlc: formatHlc({ millis: Date.now(), counter: 0, node: 'mgr' }) }] }),
        });
        expect(((await push.json()) as AnyJson).results[0].status).toBe('applied');

        const gone = (r: StreamReplica, id: string) => !r.rows.has(id);
        await waitUntil(() => gone(ofA.get('contacts')!, contactId) && dependents.every((t) => ids.get(t)!.every((id) => gone(ofA.get(t)!, id))), 'gone from agent A', 3_000);
        await waitUntil(() => ofB.get('contacts')!.rows.has(contactId) && dependents.every((t) => ids.get(t)!.every((id) => ofB.get(t)!.rows.has(id))), 'arrived at agent B', 3_000);
        // A got delete messages; B got whole rows equal to the database's.
        for (const t of dependents) {
          for (const id of ids.get(t)!) {
            expect(ofA.get(t)!.changes.some((m) => m.headers.operation === 'delete' && m.value.id === id), `${t} ${id} delete at A`).toBe(true);
            const [row] = rowsOf<{ n: string }>(await server.db.execute(sql`SELECT count(*) AS n FROM ${sql.identifier(t)} WHERE id = ${id}`));
            expect(Number(row!.n)).toBe(1);
          }
        }
        const [dbContact] = rowsOf<AnyJson>(await server.db.execute(sql`SELECT first_name, last_name, assigned_agent_id, tags FROM contacts WHERE id = ${contactId}`));
        expect(ofB.get('contacts')!.rows.get(contactId)).toMatchObject(dbContact!);

        // Back to the pool (unassigned): both agents see it.
        await server.db.execute(sql`UPDATE contacts SET assigned_agent_id = NULL WHERE id = ${contactId}`);
        await waitUntil(() => ofA.get('contacts')!.rows.has(contactId) && ids.get('notes')!.every((id) => ofA.get('notes')!.rows.has(id)), 'back at agent A');
        expect(ofB.get('contacts')!.rows.has(contactId)).toBe(true);
        expect(ids.get('notes')!.every((id) => ofB.get('notes')!.rows.has(id))).toBe(true);
        for (const r of [...ofA.values(), ...ofB.values()]) expect(r.errors).toEqual([]);
      } finally {
        for (const r of [...ofA.values(), ...ofB.values()]) r.stop();
      }
    });

    it('moving a row to another brokerage removes it from the old brokerage and gives the new one the whole row', async () => {
      const { server, a, b, session } = env.current;
      const [oldManager, newManager] = [session(a, 'manager'), session(b, 'manager')];
      const [oldUsers, newUsers] = [streamShape(server.url, 'users', { token: oldManager.accessToken }), streamShape(server.url, 'users', { token: newManager.accessToken })];
      try {
        await waitUntil(() => oldUsers.upToDates > 0 && newUsers.upToDates > 0, 'users up-to-date');
        const mover = a.agentB.id;
        expect(oldUsers.rows.has(mover)).toBe(true);
        // An administrator moves agent B of brokerage a to brokerage b.
        await server.db.execute(sql`UPDATE users SET brokerage_id = ${b.brokerageId} WHERE id = ${mover}`);
        await waitUntil(() => newUsers.rows.has(mover) && !oldUsers.rows.has(mover), 'the user moved between brokerages', 3_000);
        const [dbRow] = rowsOf<AnyJson>(await server.db.execute(sql`SELECT id, email, name, role, brokerage_id FROM users WHERE id = ${mover}`));
        expect(newUsers.rows.get(mover)).toMatchObject(dbRow!);
        expect(oldUsers.errors).toEqual([]);
        expect(newUsers.errors).toEqual([]);
      } finally {
        oldUsers.stop();
        newUsers.stop();
        await server.db.execute(sql`UPDATE users SET brokerage_id = ${a.brokerageId} WHERE id = ${a.agentB.id}`);
      }
    });
  });

  describe('writes', () => {
    it("mutations aimed at another brokerage's rows are rejected and change nothing", async () => {
      const { server, a, b, session } = env.current;
      const intruder = session(b, 'manager');
      const snapshot = async () =>
        rowsOf<{ digest: string }>(
          await server.db.execute(sql`
            SELECT md5(string_agg(t, '|' ORDER BY t)) AS digest FROM (
              SELECT to_jsonb(x)::text AS t FROM contacts x UNION ALL SELECT to_jsonb(x)::text FROM properties x UNION ALL
              SELECT to_jsonb(x)::text FROM alerts x UNION ALL SELECT to_jsonb(x)::text FROM notes x UNION ALL
              SELECT to_jsonb(x)::text FROM tasks x UNION ALL SELECT to_jsonb(x)::text FROM campaigns x UNION ALL
              SELECT to_jsonb(x)::text FROM campaign_sends x UNION ALL SELECT to_jsonb(x)::text FROM suppressions x UNION ALL
              SELECT to_jsonb(x)::text FROM activities x UNION ALL SELECT to_jsonb(x)::text FROM alert_outcomes x UNION ALL
              SELECT (SELECT max(seq) FROM sync_changes)::text) s`),
        )[0]!.digest;
      const targets: Record<string, string> = {
        contacts: fixtureId('a', 'contacts', 'u'),
        properties: fixtureId('a', 'properties', 'u'),
        alerts: fixtureId('a', 'alerts', 'u'),
        alert_outcomes: fixtureId('a', 'alert_outcomes', 'u'),
        notes: fixtureId('a', 'notes', 'u'),
        tasks: fixtureId('a', 'tasks', 'u'),
        activities: fixtureId('a', 'activities', 'u'),
        campaigns: a.ids.campaigns[0]!,
        campaign_sends: fixtureId('a', 'campaign_sends', 'u'),
        suppressions: a.ids.suppressions[0]!,
      };
      expect(Object.keys(targets).sort()).toEqual([...WRITABLE_TABLES].sort());
      const changesFor: Record<string, Record<string, unknown>> = {
        contacts: { first_name: 'Intruder' },
        properties: { address: 'Intruder' },
        alerts: { status: 'dismissed' },
        alert_outcomes: { alert_id: fixtureId('b', 'alerts', 'u'), contact_id: fixtureId('b', 'contacts', 'u'), outcome: 'x', occurred_at: '2026-01-01T00:00:00Z' },
        notes: { contact_id: fixtureId('b', 'contacts', 'u'), body: 'Intruder' },
        tasks: { title: 'Intruder' },
        activities: { contact_id: fixtureId('b', 'contacts', 'u'), kind: 'call', occurred_at: '2026-01-01T00:00:00Z' },
        campaigns: { name: 'Intruder' },
        campaign_sends: { status: 'bounced' },
        suppressions: { email: 'intruder@example.test', reason: 'manual' },
      };
      const before = await snapshot();
      let id = 100;
      const mutations = [];
      for (const table of WRITABLE_TABLES) {
        for (const op of ['insert', 'update', 'delete'] as const) {
          const mutation = { id: (id += 1), table, op, pk: targets[table]!, ...(op === 'delete' ? {} : { changes: changesFor[table] }), hlc: formatHlc({ millis: Date.now(), counter: id, node: 'intruder' }) };
          // Only what the catalogue accepts (the rest is a 400, tested in mutations.test.ts).
          const accepted = await fetch(`${server.url}/v1/mutations`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${intruder.accessToken}` },
            body: JSON.stringify({ clientId: intruder.deviceId, mutations: [mutation] }),
          });
          const body = (await accepted.json()) as AnyJson;
          if (accepted.status === 400) continue;
          expect(accepted.status).toBe(200);
          mutations.push(mutation);
          expect(body.results[0], `${table} ${op}`).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/does not exist/) });
        }
      }
      expect(mutations.length).toBeGreaterThanOrEqual(WRITABLE_TABLES.length);
      expect(await snapshot()).toBe(before);
    });
  });
});

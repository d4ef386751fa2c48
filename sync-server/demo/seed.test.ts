import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf, type ServerDb } from '../database.ts';
import { describeOnBothBackends } from '../testing/backends.ts';
import { useTestServer } from '../testing/test-server.ts';
import { cityOfZip, synthesizeAddress } from './addresses.ts';
import { DEMO_BROKERAGES, DEMO_USERS } from './demo-org.ts';
import { demoId, uuidV5 } from './deterministic-id.ts';
import { normalizeParcelId, seedDemo } from './seed.ts';

const TABLES = ['brokerages', 'users', 'user_credentials', 'contacts', 'properties', 'market_sales', 'events', 'server_settings'] as const;

/** Row count and a digest of every row's full text per table: any change shows. */
async function snapshot(db: ServerDb): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of TABLES) {
    const key = table === 'user_credentials' ? 'user_id' : table === 'server_settings' ? 'key' : 'id';
    const [row] = rowsOf<{ n: number; digest: string | null }>(
      await db.execute(sql.raw(`select count(*)::int as n, md5(string_agg(t::text, '|' order by t.${key})) as digest from ${table} t`)),
    );
    result[table] = `${row?.n}:${row?.digest}`;
  }
  return result;
}

async function count(db: ServerDb, query: string): Promise<number> {
  return Number(rowsOf<{ n: number }>(await db.execute(sql.raw(query)))[0]?.n);
}

// The full demo (≈ 33,000 rows) once per backend, through the real server option demo: true.
describeOnBothBackends('demo seed', (backend) => {
  const server = useTestServer(backend, { demo: true });

  it('loads the brokerages, people, contacts, houses, events and market data', async () => {
    const db = server.current.db;
    expect(await count(db, 'select count(*)::int as n from brokerages')).toBe(2);
    expect(await count(db, "select count(*)::int as n from brokerages where postal_address like '%, WA 98%'")).toBe(2);
    expect(await count(db, 'select count(*)::int as n from users')).toBe(7);
    expect(await count(db, 'select count(*)::int as n from user_credentials')).toBe(7);
    expect(await count(db, 'select count(*)::int as n from market_sales')).toBe(16_861);
    expect(await count(db, "select count(*)::int as n from market_sales where parcel_id !~ '^[0-9]{10}$'")).toBe(0);
    for (const brokerage of DEMO_BROKERAGES) {
      expect(await count(db, `select count(*)::int as n from contacts where brokerage_id = '${brokerage.id}'`)).toBe(400);
    }
    const properties = await count(db, 'select count(*)::int as n from properties');
    expect(properties).toBeGreaterThan(500);
    expect(await count(db, "select count(*)::int as n from properties where address = '' or sqft_lot is null")).toBe(0);
    // Houses are in the same brokerage as their owner.
    expect(await count(db, 'select count(*)::int as n from properties p join contacts c on c.id = p.contact_id where c.brokerage_id <> p.brokerage_id')).toBe(0);
    const eventCount = await count(db, 'select count(*)::int as n from events');
    expect(eventCount).toBeGreaterThan(10_000);
    expect(await count(db, "select count(*)::int as n from events where occurred_at < '2014-12-01'")).toBe(0);

    // Every agent has contacts and a territory; some contacts wait unassigned; agents only get their own brokerage's.
    const unassigned = await count(db, 'select count(*)::int as n from contacts where assigned_agent_id is null');
    expect(unassigned).toBeGreaterThan(40);
    expect(unassigned).toBeLessThan(160);
    for (const agent of DEMO_USERS.filter((u) => u.role === 'agent')) {
      expect(await count(db, `select count(*)::int as n from contacts where assigned_agent_id = '${agent.id}'`)).toBeGreaterThan(100);
      expect(await count(db, `select jsonb_array_length(territories) as n from users where id = '${agent.id}'`)).toBeGreaterThan(3);
    }
    expect(await count(db, 'select count(*)::int as n from contacts c join users u on u.id = c.assigned_agent_id where u.brokerage_id <> c.brokerage_id')).toBe(0);
    expect(await count(db, `select count(*)::int as n from users where brokerage_id is null and role = 'admin'`)).toBe(1);
  });

  it('uses stable ids derived from the data set', async () => {
    const db = server.current.db;
    const [row] = rowsOf<{ external_id: string }>(await db.execute(sql`select external_id from contacts where id = ${demoId('contact', 'c_000001')}`));
    expect(row?.external_id).toBe('c_000001');
  });

  it('is idempotent: a second run, even ignoring its marker, changes nothing', async () => {
    const db = server.current.db;
    const before = await snapshot(db);
    const again = await seedDemo(db);
    expect(again.skipped).toBe(true);
    const forced = await seedDemo(db, { ignoreMarker: true });
    expect(forced.skipped).toBe(false);
    expect(Object.values(forced.inserted).every((n) => n === 0)).toBe(true);
    expect(await snapshot(db)).toEqual(before);
  });

  it('lets every demo account sign in with its documented password', async () => {
    for (const user of DEMO_USERS) {
      const res = await server.current.post('/v1/auth/login', { email: user.email, password: user.password, deviceName: 'Demo laptop' });
      expect(res.status, user.email).toBe(200);
      const brokerage = DEMO_BROKERAGES.find((b) => b.key === user.brokerage);
      expect(res.body.user).toEqual({ id: user.id, brokerageId: brokerage?.id ?? null, role: user.role, name: user.name, email: user.email });
    }
    expect(DEMO_USERS.find((u) => u.email === 'admin@roidesk.test')?.password).toBe('demo-admin-1');
  });
});

describe('demo helpers', () => {
  it('makes RFC 9562 version-5 UUIDs', () => {
    // Reference vector: uuid5(NAMESPACE_DNS, "www.example.com") from Python's uuid module.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(demoId('contact', 'c_000001')).toBe(demoId('contact', 'c_000001'));
    expect(demoId('contact', 'c_000001')).not.toBe(demoId('property', 'c_000001'));
  });

  it('synthesises stable, plausible addresses', () => {
    const address = synthesizeAddress({ key: '8645530060', zipcode: '98058', lat: 47.4654, lng: -122.174 });
    expect(address).toBe(synthesizeAddress({ key: '8645530060', zipcode: '98058', lat: 47.4654, lng: -122.174 }));
    expect(address).toMatch(/^\d{3,5} .+, Renton, WA 98058$/);
    expect(cityOfZip('98103')).toBe('Seattle');
    expect(cityOfZip('98052')).toBe('Redmond');
  });

  it('restores the leading zeros the county file lost', () => {
    expect(normalizeParcelId('1000102')).toBe('0001000102');
    expect(normalizeParcelId('1024069009')).toBe('1024069009');
  });
});

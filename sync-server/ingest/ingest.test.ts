// Event ingestion: API key, signed webhook and CSV, each validated whole (or per row for CSV), idempotent
// by event id, confined to the key's brokerage, and flowing into the change log like any other write.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { brokerages, contacts, serverWebhookSecrets } from '../../db/schema/pg.ts';
import { rowsOf } from '../database.ts';
import { describeOnBothBackends } from '../testing/backends.ts';
import { useTestServer } from '../testing/test-server.ts';
import { createIngestKey } from './ingest-keys.ts';
import { signWebhook } from './ingest-routes.ts';

describeOnBothBackends('event ingestion', (backend) => {
  const server = useTestServer(backend);
  const event = (contactId: string, overrides: Record<string, unknown> = {}) => ({
    id: `ev-${randomUUID()}`,
    contactId,
    type: 'home_value_checked',
    occurredAt: '2026-11-20T10:00:00Z',
    props: {},
    ...overrides,
  });
  const post = (path: string, body: unknown, headers: Record<string, string>) => server.current.request('POST', path, { body, headers });
  const countEvents = async (brokerageId: string) =>
    rowsOf<{ n: number }>(await server.current.db.execute(sql`SELECT count(*)::int AS n FROM events WHERE brokerage_id = ${brokerageId}`))[0]!.n;

  const setup = async () => {
    const s = server.current;
    const b = `b-${randomUUID().slice(0, 8)}`;
    const other = `${b}-other`;
    await s.db.insert(brokerages).values([{ id: b, name: 'Ingest Realty' }, { id: other, name: 'Other Realty' }]);
    await s.db.insert(contacts).values([
      { id: `${b}-c1`, brokerageId: b, externalId: 'crm-1' },
      { id: `${other}-c9`, brokerageId: other },
    ]);
    const { key } = await createIngestKey(s.db, b, 'test');
    return { b, other, key, contact: `${b}-c1`, foreignContact: `${other}-c9` };
  };

  it('accepts a valid batch once (by event id), also by the brokerage\u2019s own contact id, and logs it for sync', async () => {
    const { b, key, contact } = await setup();
    const batch = [event(contact), event('crm-1', { type: 'calculator_used', props: { calculator: 'refinance' } })];
    const first = await post('/v1/events', { events: batch }, { 'x-api-key': key });
    expect(first).toMatchObject({ status: 200, body: { accepted: 2, duplicates: 0 } });
    const again = await post('/v1/events', { events: batch }, { 'x-api-key': key });
    expect(again.body).toEqual({ accepted: 0, duplicates: 2 });
    expect(await countEvents(b)).toBe(2);
    const logged = rowsOf<{ n: number }>(await server.current.db.execute(sql`SELECT count(*)::int AS n FROM sync_changes WHERE table_name = 'events' AND brokerage_id = ${b}`));
    expect(logged[0]!.n).toBe(2);
  });

  it('refuses bad keys, bad events, foreign contacts and oversized batches, writing nothing', async () => {
    const { b, key, contact, foreignContact } = await setup();
    expect((await post('/v1/events', { events: [event(contact)] }, {})).status).toBe(401);
    expect((await post('/v1/events', { events: [event(contact)] }, { 'x-api-key': 'roi_forged' })).status).toBe(401);
    const badType = await post('/v1/events', { events: [event(contact), event(contact, { type: 'teleported' })] }, { 'x-api-key': key });
    expect(badType.status).toBe(400);
    expect(badType.body.error.message).toMatch(/events\.1\.type/);
    const foreign = await post('/v1/events', { events: [event(contact), event(foreignContact)] }, { 'x-api-key': key });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details).toEqual([{ path: 'events.1.contactId', message: `no contact ${foreignContact} in this brokerage` }]);
    const tooMany = await post('/v1/events', { events: Array.from({ length: 5001 }, () => event(contact)) }, { 'x-api-key': key });
    expect(tooMany.status).toBe(400);
    const hostile = await server.current.request('POST', '/v1/events', { rawBody: '{"events":[{"__proto__":{}}]}', headers: { 'content-type': 'application/json', 'x-api-key': key } });
    expect(hostile.status).toBe(400);
    const huge = await server.current.request('POST', '/v1/events', { rawBody: `{"events":[${'"x",'.repeat(3_000_000)}"x"]}`, headers: { 'content-type': 'application/json', 'x-api-key': key } });
    expect(huge.status).toBe(413);
    expect(await countEvents(b)).toBe(0);
  });

  it('takes signed webhooks and refuses tampered, unsigned or stale ones', async () => {
    const { b, contact } = await setup();
    const id = `wh-${randomUUID()}`;
    await server.current.db.insert(serverWebhookSecrets).values({ id, brokerageId: b, secret: 'whsec-test-secret' });
    const body = JSON.stringify({ events: [event(contact)] });
    const now = Math.floor(Date.now() / 1000);
    const send = (rawBody: string, timestamp: number, signature: string) =>
      server.current.request('POST', '/v1/webhooks/events', {
        rawBody,
        headers: { 'content-type': 'application/json', 'x-roi-webhook-id': id, 'x-roi-timestamp': String(timestamp), 'x-roi-signature': signature },
      });
    expect((await send(body, now, signWebhook('whsec-test-secret', now, body))).body).toEqual({ accepted: 1, duplicates: 0 });
    expect((await send(body.replace('home_value_checked', 'login'), now, signWebhook('whsec-test-secret', now, body))).status).toBe(401);
    expect((await send(body, now - 3600, signWebhook('whsec-test-secret', now - 3600, body))).status).toBe(401);
    expect((await send(body, now, signWebhook('wrong-secret', now, body))).status).toBe(401);
    expect(await countEvents(b)).toBe(1);
  });

  it('imports the valid rows of a CSV and reports every other row with its line number', async () => {
    const { b, key, contact, foreignContact } = await setup();
    const csv = [
      '\uFEFFevent_id,contact_id,type,occurred_at,props',
      `csv-1,${contact},email_clicked,2026-11-01T16:05:00Z,"{""campaign_id"": ""nl_2026_11""}"`,
      `csv-2,${contact},not_a_type,2026-11-01T16:05:00Z,{}`,
      `csv-3,${foreignContact},login,2026-11-01T16:05:00Z,{}`,
      `csv-4,${contact},login,yesterday,{}`,
      `csv-5,${contact},login,2026-11-02T08:00:00Z,{broken json`,
      `csv-6,${contact},login`,
      `csv-1,${contact},email_clicked,2026-11-01T16:05:00Z,{}`,
    ].join('\n');
    const response = await server.current.request('POST', '/v1/events/csv', { rawBody: csv, headers: { 'content-type': 'text/csv', 'x-api-key': key } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ accepted: 1, duplicates: 1, rejected: 5 });
    expect(response.body.errors.map((e: { row: number }) => e.row)).toEqual([3, 4, 5, 6, 7]);
    expect(await countEvents(b)).toBe(1);
    const noColumns = await server.current.request('POST', '/v1/events/csv', { rawBody: 'a,b\n1,2', headers: { 'content-type': 'text/csv', 'x-api-key': key } });
    expect(noColumns.status).toBe(400);
    expect(noColumns.body.error.message).toMatch(/event_id/);
  });
});

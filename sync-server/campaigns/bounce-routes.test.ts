// Asynchronous bounce reports: the key's brokerage gets a 'bounced' suppression (once, logged for sync);
// missing or wrong keys, bad bodies and oversized bodies are refused with nothing written; another
// brokerage's data is never touched, even when its address or Message-ID is named.
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { brokerages, campaigns, campaignSends, contacts } from '../../db/schema/pg.ts';
import { rowsOf } from '../database.ts';
import { createIngestKey } from '../ingest/ingest-keys.ts';
import { describeOnBothBackends } from '../testing/backends.ts';
import { useTestServer } from '../testing/test-server.ts';

describeOnBothBackends('campaign bounce reports', (backend) => {
  const server = useTestServer(backend, { clock: () => new Date('2026-04-03T12:00:00Z') });

  it('suppresses the bounced address in the key’s brokerage only; bad keys and bad input change nothing', async () => {
    const s = server.current;
    await s.db.insert(brokerages).values([
      { id: 'b-bnc', name: 'Bounce Realty' },
      { id: 'b-oth', name: 'Other Realty' },
    ]);
    await s.db.insert(contacts).values([
      { id: 'c-ann', brokerageId: 'b-bnc', firstName: 'Ann', email: 'Ann@Example.com' },
      { id: 'c-bo', brokerageId: 'b-bnc', firstName: 'Bo', email: 'bo@example.com' },
      { id: 'c-oth', brokerageId: 'b-oth', firstName: 'Oz', email: 'shared@example.com' },
    ]);
    await s.db.insert(campaigns).values([
      { id: 'cmp-b', brokerageId: 'b-bnc', name: 'Spring' },
      { id: 'cmp-o', brokerageId: 'b-oth', name: 'Other' },
    ]);
    await s.db.insert(campaignSends).values([
      { id: 'cs-bo', brokerageId: 'b-bnc', campaignId: 'cmp-b', runId: 'r1', contactId: 'c-bo', email: 'bo@example.com', status: 'sent', messageId: '<bo.roi@cascade.test>' },
      { id: 'cs-oth', brokerageId: 'b-oth', campaignId: 'cmp-o', runId: 'r9', contactId: 'c-oth', email: 'shared@example.com', status: 'sent', messageId: '<oz.roi@other.test>' },
    ]);
    const { key } = await createIngestKey(s.db, 'b-bnc', 'bounces');
    const { key: otherKey } = await createIngestKey(s.db, 'b-oth', 'other');
    const post = (body: unknown, headers: Record<string, string> = { 'x-api-key': key }) => s.request('POST', '/v1/campaign-bounces', { body, headers });
    const suppressionRows = async () =>
      rowsOf<{ brokerage_id: string; email: string; contact_id: string | null; reason: string }>(
        await s.db.execute(sql`SELECT brokerage_id, email, contact_id, reason FROM suppressions ORDER BY brokerage_id, email`),
      );

    // ---- Refused, nothing written ----
    const report = { email: 'ann@example.com', reason: '550 5.1.1 The email account that you tried to reach does not exist' };
    expect(await post(report, {})).toMatchObject({ status: 401, body: { error: { code: 'unauthenticated' } } });
    expect(await post(report, { 'x-api-key': 'roi_forged' })).toMatchObject({ status: 401, body: { error: { code: 'invalid_token' } } });
    const badEmail = await post({ ...report, email: 'not an address' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.message).toMatch(/email/);
    const noReason = await post({ email: 'ann@example.com' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toMatch(/reason/);
    expect((await post({ ...report, contactId: 'c-oth' })).status).toBe(400); // unknown fields: refused, not ignored
    expect((await post([report])).status).toBe(400);
    const huge = await post({ ...report, reason: 'x'.repeat(20_000) });
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    expect(await suppressionRows()).toEqual([]);

    // ---- A report suppresses the address (case-insensitively), finds the contact, and is logged for sync ----
    const first = await post({ ...report, email: ' ANN@example.com ' });
    expect(first).toMatchObject({ status: 200, body: { suppressed: true, created: true, contactId: 'c-ann', matchedSend: false } });
    expect((await post(report)).body).toMatchObject({ suppressed: true, created: false }); // again: nothing changes
    // By Message-ID: the send names the contact.
    expect((await post({ email: 'bo@example.com', reason: '552 mailbox full', messageId: '<bo.roi@cascade.test>' })).body).toMatchObject({ created: true, contactId: 'c-bo', matchedSend: true });
    // Another brokerage's address and Message-ID: never matched, never touched.
    const foreign = await post({ email: 'shared@example.com', reason: '550 gone', messageId: '<oz.roi@other.test>' });
    expect(foreign.body).toMatchObject({ created: true, contactId: null, matchedSend: false });
    expect(await suppressionRows()).toEqual([
      { brokerage_id: 'b-bnc', email: 'ann@example.com', contact_id: 'c-ann', reason: 'bounced' },
      { brokerage_id: 'b-bnc', email: 'bo@example.com', contact_id: 'c-bo', reason: 'bounced' },
      { brokerage_id: 'b-bnc', email: 'shared@example.com', contact_id: null, reason: 'bounced' },
    ]);
    // The other brokerage's own report is its own row.
    expect((await post({ email: 'shared@example.com', reason: '550 gone' }, { 'x-api-key': otherKey })).body).toMatchObject({ created: true, contactId: 'c-oth' });
    expect((await suppressionRows()).filter((r) => r.brokerage_id === 'b-oth')).toEqual([{ brokerage_id: 'b-oth', email: 'shared@example.com', contact_id: 'c-oth', reason: 'bounced' }]);
    const logged = rowsOf<{ n: string }>(await s.db.execute(sql`SELECT count(*) AS n FROM sync_changes WHERE table_name = 'suppressions' AND brokerage_id = 'b-bnc'`));
    expect(Number(logged[0]!.n)).toBe(3);
  });
});

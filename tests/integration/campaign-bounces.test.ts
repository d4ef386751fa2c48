// Bounces, retries, statistics and catch-up with real parts: a real sync server (Postgres when reachable,
// else PGlite), a device with a real SQLite replica and sync engine, and a real SMTP server on loopback.
// Proves: a 550 at RCPT makes the send 'bounced' with the reason and suppresses the address (synced), so
// the next run leaves it out; a 451 is retried (and gives up as 'failed' when it never clears); a bounce
// reported later to POST /v1/campaign-bounces reaches the device and the statistics; and a recurring
// campaign whose time passed while the app was closed sends once — the latest occurrence only — when the
// app starts again, after pulling the newest suppressions.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerages, campaigns, contacts } from '../../db/schema/pg.ts';
import type { ShapeTable } from '../../db/sync/shape-tables.ts';
import { createCampaignFeature, occurrenceRunId } from '../../electron/campaigns/campaign-service.ts';
import { createRunClient } from '../../electron/campaigns/sending/run-client.ts';
import { sendRun, type CampaignRow } from '../../electron/campaigns/sending/run-sender.ts';
import { startLoopbackSmtp, type LoopbackSmtp } from '../../electron/campaigns/sending/testing/loopback-smtp.ts';
import { campaignStatistics } from '../../electron/campaigns/statistics/campaign-statistics.ts';
import { createMemorySecretStore } from '../../electron/secrets/secret-store.ts';
import { rowsOf } from '../../sync-server/database.ts';
import { createIngestKey } from '../../sync-server/ingest/ingest-keys.ts';
import { createTestDatabase, probePostgres, type TestDatabase } from '../../sync-server/testing/test-databases.ts';
import { createTestUser, startTestServer, type TestServer, type TestUser } from '../../sync-server/testing/test-server.ts';
import { openTestDevice, signInDevice, tokensOf, type TestDevice } from '../support/sync-device.ts';
import { eventually } from '../support/eventually.ts';

const BROKERAGE = 'b-bounce';
const TABLES: ShapeTable[] = ['brokerages', 'users', 'contacts', 'properties', 'alerts', 'events', 'campaigns', 'campaign_sends', 'suppressions'];

const postgres = await probePostgres();

describe('campaign bounces, retries, statistics and catch-up', () => {
  let database: TestDatabase;
  let server: TestServer;
  let smtp: LoopbackSmtp;
  let agent: TestUser;
  let device: TestDevice;
  let session: Awaited<ReturnType<typeof signInDevice>>;
  const dir = mkdtempSync(path.join(tmpdir(), 'roi-campaign-bounces-'));
  const campaign: CampaignRow = { id: 'cmp-bounce', name: 'Rates dropped', subject: 'Hi {{first_name|there}}', body: 'Rates dropped, {{first_name|there}}.', segment: {}, ownerId: null };

  const run = (runId: string) =>
    sendRun({
      store: device.store,
      mutate: (edits) => void device.engine.mutate(edits),
      campaign: { ...campaign, ownerId: agent.id },
      runId,
      sender: { id: agent.id, name: 'Avery Agent', email: agent.email, brokerageId: BROKERAGE },
      smtp: { fromEmail: agent.email, fromName: 'Avery Agent' },
      transport: nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 2 }),
      runs: createRunClient({ serverUrl: server.url, ...tokensOf(session, server.url) }),
      retry: { attempts: 3, baseDelayMs: 20 },
    });
  const rows = (runId: string) =>
    Object.fromEntries(
      (device.sqlite.prepare('SELECT email, status, error, message_id FROM campaign_sends WHERE run_id = ?').all(runId) as { email: string; status: string; error: string | null; message_id: string }[]).map((r) => [r.email, r]),
    );
  const receivedBy = (runId: string) => smtp.ofRun(runId).flatMap((m) => m.to).sort();
  const localSuppressions = () => device.sqlite.prepare('SELECT email, reason, contact_id FROM suppressions ORDER BY email').all() as { email: string; reason: string; contact_id: string }[];

  beforeAll(async () => {
    database = await createTestDatabase(postgres.reachable ? 'postgres' : 'pglite');
    server = await startTestServer({ kind: database.kind, createDatabase: async () => database }, { liveTimeoutMs: 2_000 });
    smtp = await startLoopbackSmtp();
    await server.db.insert(brokerages).values({ id: BROKERAGE, name: 'Cascade Realty', postalAddress: '100 Pine St, Seattle, WA 98101' });
    agent = await createTestUser(server.db, { role: 'agent', brokerageId: BROKERAGE, name: 'Avery Agent', email: 'avery@bounce.test' });
    const contact = (id: string, firstName: string, email: string) => ({ id, brokerageId: BROKERAGE, assignedAgentId: agent.id, firstName, lastName: 'Test', email });
    await server.db.insert(contacts).values([
      contact('c-ok', 'Ann', 'ann@example.com'),
      contact('c-gone', 'Bo', 'gone@example.com'), // 550 at RCPT: bounced
      contact('c-grey', 'Cy', 'grey@example.com'), // 451 twice, then accepted
      contact('c-down', 'Di', 'down@example.com'), // 451 every time: failed after the retries
    ]);
    await server.db.insert(campaigns).values({ id: campaign.id, brokerageId: BROKERAGE, ownerId: agent.id, name: campaign.name, subject: campaign.subject, body: campaign.body });
    session = await signInDevice(server.url, agent, 'Laptop');
    device = openTestDevice({ name: 'laptop', file: path.join(dir, 'laptop.sqlite'), serverUrl: server.url, session, tables: TABLES });
    await eventually(() => (device.sqlite.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n, (n) => n === 4);
    await eventually(() => device.engine.upToDate(), Boolean);
  }, 60_000);

  afterAll(async () => {
    device?.close();
    await smtp?.close();
    await server?.close();
    await database?.drop();
  });

  it('a 550 bounces and suppresses the address for later runs; a 451 is retried, and fails only when it never clears', async () => {
    smtp.rule('gone@example.com', { code: 550, message: '5.1.1 <gone@example.com>: Recipient address rejected: User unknown' });
    smtp.rule('grey@example.com', { code: 451, message: '4.7.1 Greylisted, try again later', times: 2 });
    smtp.rule('down@example.com', { code: 451, message: '4.3.0 Mailbox temporarily unavailable' });

    const first = await run('run-1');
    expect(first).toMatchObject({ state: 'done', total: 4, sent: 2, failed: 2 }); // failed counts the bounce too
    expect(receivedBy('run-1')).toEqual(['ann@example.com', 'grey@example.com']);
    const r1 = rows('run-1');
    expect(r1['gone@example.com']).toMatchObject({ status: 'bounced', error: expect.stringMatching(/^550 5\.1\.1 .*User unknown/) });
    expect(r1['grey@example.com']).toMatchObject({ status: 'sent', error: null });
    expect(r1['down@example.com']).toMatchObject({ status: 'failed', error: expect.stringMatching(/^451 4\.3\.0 .*gave up after 3 attempts/) });
    // The bounce, not the temporary failure, suppresses the address — on this device at once, then on the server.
    expect(localSuppressions()).toEqual([{ email: 'gone@example.com', reason: 'bounced', contact_id: 'c-gone' }]);
    await eventually(
      async () => rowsOf<{ email: string; reason: string }>(await server.db.execute(sql`SELECT email, reason FROM suppressions WHERE brokerage_id = ${BROKERAGE}`)),
      (r) => r.length === 1 && r[0]!.email === 'gone@example.com' && r[0]!.reason === 'bounced',
    );

    // The next run leaves the bounced address out (not even tried); the failed one is tried again.
    const attemptsBefore = smtp.messages.length;
    const second = await run('run-2');
    expect(second).toMatchObject({ state: 'done', total: 3, sent: 2, failed: 1 });
    expect(rows('run-2')['gone@example.com']).toBeUndefined();
    expect(rows('run-2')['down@example.com']).toMatchObject({ status: 'failed' });
    expect(receivedBy('run-2')).toEqual(['ann@example.com', 'grey@example.com']);
    expect(smtp.messages.length - attemptsBefore).toBe(2);

    const stats = campaignStatistics(device.store, campaign.id, { runId: 'run-1' });
    expect(stats.runs.find((r) => r.runId === 'run-1')).toMatchObject({ recipients: 4, sent: 2, delivered: 2, failed: 1, bounced: 1 });
    expect(stats.recipients.find((r) => r.email === 'gone@example.com')).toMatchObject({ outcome: 'bounced', error: expect.stringContaining('User unknown') });
  }, 60_000);

  it('a bounce reported later through POST /v1/campaign-bounces suppresses the address on every device and shows in the statistics', async () => {
    const { key } = await createIngestKey(server.db, BROKERAGE, 'bounce processor');
    const messageId = rows('run-2')['grey@example.com']!.message_id;
    const refused = await server.request('POST', '/v1/campaign-bounces', { body: { email: 'grey@example.com', reason: '550 mailbox closed', messageId }, headers: { 'x-api-key': 'roi_wrong' } });
    expect(refused.status).toBe(401);
    const reported = await server.request('POST', '/v1/campaign-bounces', { body: { email: 'grey@example.com', reason: '550 5.2.1 Mailbox closed', messageId }, headers: { 'x-api-key': key } });
    expect(reported).toMatchObject({ status: 200, body: { suppressed: true, created: true, contactId: 'c-grey', matchedSend: true } });

    await eventually(() => localSuppressions().map((s) => `${s.email}:${s.reason}`), (s) => s.includes('grey@example.com:bounced'));
    const run2 = campaignStatistics(device.store, campaign.id, { runId: 'run-2' });
    expect(run2.runs.find((r) => r.runId === 'run-2')).toMatchObject({ sent: 2, delivered: 1, bounced: 1 });
    expect(run2.recipients.find((r) => r.email === 'grey@example.com')).toMatchObject({ status: 'sent', outcome: 'bounced' });
    const third = await run('run-3');
    expect(receivedBy('run-3')).toEqual(['ann@example.com']);
    expect(third).toMatchObject({ total: 2, sent: 1, failed: 1 });
  }, 60_000);

  it('a recurring campaign whose time passed while the app was closed sends once at start — the latest occurrence only — after pulling suppressions', async () => {
    const makeFeature = (now: () => Date) =>
      createCampaignFeature({
        store: () => device.store,
        sync: () => device.engine,
        session: () => ({ user: { id: agent.id, brokerageId: BROKERAGE, role: 'agent', name: 'Avery Agent', email: agent.email }, deviceId: session.deviceId, serverUrl: server.url, offline: false }),
        secrets,
        ...tokensOf(session, server.url),
        onProgress: () => {},
        tickMs: 200,
        syncWaitMs: 5_000,
        retry: { attempts: 2, baseDelayMs: 20 },
        now,
      });
    const secrets = createMemorySecretStore();
    const scheduledAt = new Date();
    const first = makeFeature(() => new Date());
    let campaignId: string;
    try {
      await first.handlers.saveSmtpSettings({ settings: { host: '127.0.0.1', port: smtp.port, security: 'none', user: '', fromName: 'Avery Agent', fromEmail: agent.email, ratePerSecond: 50 } });
      const saved = await first.handlers.saveCampaign({ name: 'Weekly', subject: 'Hi {{first_name|there}}', body: 'This week, {{first_name|there}}.', segment: { match: 'all', rules: [{ kind: 'mine' }] } });
      campaignId = saved.id;
      // Every day at 09:00 UTC; scheduled now, then the app is closed before any occurrence.
      await first.handlers.scheduleCampaign({ id: campaignId, schedule: { kind: 'recurring', cron: '0 9 * * *', timezone: 'UTC' } });
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      first.close();
    }
    expect(device.sqlite.prepare('SELECT count(*) AS n FROM campaign_sends WHERE campaign_id = ?').get(campaignId) as { n: number }).toEqual({ n: 0 });

    // down@'s mailbox works again; gone@ and grey@ are suppressed (bounced).
    smtp.rule('down@example.com', { code: 451, message: '4.3.0 Mailbox temporarily unavailable', times: 0 });
    // While the app is closed Ann unsubscribes (the server knows; this device does not yet).
    await server.db.execute(sql`INSERT INTO suppressions (id, brokerage_id, email, contact_id, reason) VALUES ('s-ann', ${BROKERAGE}, 'ann@example.com', 'c-ok', 'unsubscribed')`);

    // Three days later the app starts again: three daily occurrences passed; only the latest is sent.
    const later = new Date(scheduledAt.getTime() + 3 * 86_400_000);
    const latest = new Date(Date.UTC(later.getUTCFullYear(), later.getUTCMonth(), later.getUTCDate(), 9, 0, 0));
    if (latest > later) latest.setUTCDate(latest.getUTCDate() - 1);
    const runId = occurrenceRunId(campaignId, latest);
    const restarted = makeFeature(() => later);
    try {
      await restarted.tick();
      await eventually(() => (device.sqlite.prepare('SELECT status FROM campaigns WHERE id = ?').get(campaignId) as { status: string }).status, (s) => s === 'scheduled' && receivedBy(runId).length > 0, 30_000);
      const sent = device.sqlite.prepare('SELECT DISTINCT run_id FROM campaign_sends WHERE campaign_id = ?').all(campaignId) as { run_id: string }[];
      expect(sent).toEqual([{ run_id: runId }]);
      // Ann's unsubscribe, made while the app was closed, won over the queued send; bounced addresses stay out.
      expect(receivedBy(runId)).toEqual(['down@example.com']);
      // More ticks (and another restart) send nothing more.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await restarted.tick();
    } finally {
      restarted.close();
    }
    const again = makeFeature(() => new Date(later.getTime() + 60_000));
    try {
      await again.tick();
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      again.close();
    }
    expect(device.sqlite.prepare('SELECT DISTINCT run_id FROM campaign_sends WHERE campaign_id = ?').all(campaignId)).toEqual([{ run_id: runId }]);
    expect(new Set(receivedBy(runId)).size).toBe(receivedBy(runId).length);
  }, 90_000);
});

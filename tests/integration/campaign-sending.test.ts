// Campaign sending end to end, with real parts: a real sync server (Postgres when reachable, else PGlite),
// devices with real SQLite replicas and the real sync engine, and a real SMTP server on loopback.
// Proves: every recipient gets exactly one correctly personalised message with both MIME parts and the
// RFC 8058 headers; hostile names arrive escaped; 4xx is retried and 5xx recorded with the reason; a
// process killed mid-run resumes without a duplicate; another device taking over a dead sender's run
// resends nobody (and the dead sender's own log, once back, settles what it knew); two devices racing one run send it once; and an unsubscribe that reaches the server
// mid-run wins over the queued send.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerages, campaigns, contacts, properties, suppressions } from '../../db/schema/pg.ts';
import type { ShapeTable } from '../../db/sync/shape-tables.ts';
import { createCampaignFeature } from '../../electron/campaigns/campaign-service.ts';
import { createRunClient } from '../../electron/campaigns/sending/run-client.ts';
import { createMemorySecretStore } from '../../electron/secrets/secret-store.ts';
import { sendRun, type CampaignRow, type RunProgress } from '../../electron/campaigns/sending/run-sender.ts';
import { startLoopbackSmtp, type LoopbackSmtp } from '../../electron/campaigns/sending/testing/loopback-smtp.ts';
import { rowsOf } from '../../sync-server/database.ts';
import { createTestDatabase, probePostgres, type TestDatabase } from '../../sync-server/testing/test-databases.ts';
import { createTestUser, startTestServer, type TestServer, type TestUser } from '../../sync-server/testing/test-server.ts';
import { startFaultProxy } from '../support/fault-proxy.ts';
import { openTestDevice, signInDevice, tokensOf, type DeviceSession, type TestDevice } from '../support/sync-device.ts';
import { eventually } from '../support/eventually.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BROKERAGE = 'b-mail';
const TABLES: ShapeTable[] = ['brokerages', 'users', 'contacts', 'properties', 'alerts', 'events', 'campaigns', 'campaign_sends', 'suppressions'];
const BODY = [
  '# Hello {{first_name|there}}',
  '',
  'Your home at **{{property.address|your address}}** is worth about {{property.estimate|more than you think}}.',
  '',
  '<script>alert("typed")</script>',
  '',
  '[See the market report](https://example.com/report?zip=98103)',
  '',
  '{{agent.name}}',
].join('\n');

const postgres = await probePostgres();

describe('campaign sending', () => {
  let database: TestDatabase;
  let server: TestServer;
  let smtp: LoopbackSmtp;
  let agent: TestUser;
  const devices: TestDevice[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'roi-campaign-sending-'));
  const campaign: CampaignRow = { id: 'cmp-spring', name: 'Spring values', subject: 'Hi {{first_name|there}}, your home this {{season}}', body: BODY, segment: {}, ownerId: null };
  const transport = () => nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 2 });

  // One replica per device session: mutation ids are counted per device, so a second replica file under
  // the same device id would have its first edits taken for replays. Each test signs in its own device.
  const openDevice = async (name: string, session: DeviceSession, file = path.join(dir, `${name}.sqlite`), serverUrl = server.url) => {
    const device = openTestDevice({ name, file, serverUrl, session, tables: TABLES });
    devices.push(device);
    await eventually(
      () => device.sqlite.prepare(`SELECT (SELECT count(*) FROM contacts) AS contacts, (SELECT count(*) FROM campaigns) AS campaigns`).get() as { contacts: number; campaigns: number },
      (n) => n.contacts === 8 && n.campaigns === 1,
    );
    await eventually(() => device.engine.upToDate(), Boolean);
    return device;
  };

  const run = (device: TestDevice, runId: string, extra: Partial<Parameters<typeof sendRun>[0]> = {}) =>
    sendRun({
      store: device.store,
      mutate: (edits) => void device.engine.mutate(edits),
      campaign: { ...campaign, ownerId: agent.id },
      runId,
      sender: { id: agent.id, name: 'Avery Agent', email: agent.email, brokerageId: BROKERAGE },
      smtp: { fromEmail: agent.email, fromName: 'Avery Agent' },
      transport: transport(),
      runs: createRunClient({ serverUrl: server.url, ...tokensOf(device.session, server.url) }),
      retry: { attempts: 3, baseDelayMs: 20 },
      ...extra,
    });

  /** A signed-in device's replica, synced and closed, for a sender process to open. */
  const syncedReplicaFile = async (name: string, deviceName: string) => {
    const file = path.join(dir, `${name}.sqlite`);
    const session = await signInDevice(server.url, agent, deviceName);
    const synced = await openDevice(`${name}-first`, session, file);
    await synced.engine.idle();
    synced.close();
    devices.splice(devices.indexOf(synced), 1);
    return { file, session };
  };

  /** Sends a run from a process of its own that kills itself at `crash` (electron/campaigns/sending/testing/crash-sender.ts). */
  const crashSender = (options: { file: string; session: DeviceSession; runId: string; crash: { point: 'afterAccepted' | 'afterRecorded'; nth: number } }) => {
    const config = {
      file: options.file,
      serverUrl: server.url,
      accessToken: options.session.accessToken,
      deviceId: options.session.deviceId,
      user: { id: agent.id, brokerageId: BROKERAGE, name: 'Avery Agent', email: agent.email },
      smtpPort: smtp.port,
      campaign: { ...campaign, ownerId: agent.id },
      runId: options.runId,
      crash: options.crash,
    };
    return new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'electron/campaigns/sending/testing/crash-sender.ts', JSON.stringify(config)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('exit', (code, signal) => resolve(`${out}\nexit ${signal ?? code}`));
    });
  };

  const sendRows = (device: TestDevice, runId: string) =>
    device.sqlite.prepare('SELECT contact_id, status, error, message_id FROM campaign_sends WHERE run_id = ? ORDER BY contact_id').all(runId) as {
      contact_id: string;
      status: string;
      error: string | null;
      message_id: string;
    }[];
  const receivedBy = (runId: string) => smtp.ofRun(runId).flatMap((m) => m.to).sort();

  beforeAll(async () => {
    database = await createTestDatabase(postgres.reachable ? 'postgres' : 'pglite');
    server = await startTestServer({ kind: database.kind, createDatabase: async () => database }, { liveTimeoutMs: 2_000 });
    smtp = await startLoopbackSmtp();
    await server.db.insert(brokerages).values({ id: BROKERAGE, name: 'Cascade Realty', postalAddress: '100 Pine St, Seattle, WA 98101' });
    agent = await createTestUser(server.db, { role: 'agent', brokerageId: BROKERAGE, name: 'Avery Agent', email: 'avery@cascade.test' });
    const contact = (id: string, firstName: string, email: string | null) => ({ id, brokerageId: BROKERAGE, assignedAgentId: agent.id, firstName, lastName: 'Test', email });
    await server.db.insert(contacts).values([
      contact('c-01', '<script>alert(1)</script>', 'ann@example.com'),
      contact('c-02', 'Bo', 'bo@example.com'),
      contact('c-03', 'Cy', 'cy@example.com'), // unsubscribed before any run
      contact('c-04', 'Di', 'tempfail@example.com'), // 451 twice, then accepted
      contact('c-05', 'Ed', 'nobody@example.com'), // 550: no such mailbox
      contact('c-06', '', 'fay@example.com'), // no first name: the fallback
      contact('c-07', 'Gus', null), // no email: excluded
      contact('c-08', 'Hal\r\nBcc: victim@example.com', 'hal@example.com'), // header injection attempt
    ]);
    await server.db.insert(properties).values({ id: 'p-01', brokerageId: BROKERAGE, contactId: 'c-01', address: '412 N 40th St', estimate: 812_000 });
    await server.db.insert(suppressions).values({ id: 's-03', brokerageId: BROKERAGE, email: 'cy@example.com', contactId: 'c-03', reason: 'unsubscribed' });
    await server.db.insert(campaigns).values({ id: campaign.id, brokerageId: BROKERAGE, ownerId: agent.id, name: campaign.name, subject: campaign.subject, body: campaign.body });
  }, 60_000);

  afterAll(async () => {
    for (const device of devices) device.close();
    await smtp?.close();
    await server?.close();
    await database?.drop();
  });

  it('sends once to every recipient: personalised, escaped, both parts, RFC 8058 headers; 4xx retried, 5xx bounced with the reason', async () => {
    const device = await openDevice('laptop-main', await signInDevice(server.url, agent, 'Main laptop'));
    smtp.rule('tempfail@example.com', { code: 451, message: '4.7.1 Greylisted, try again later', times: 2 });
    smtp.rule('nobody@example.com', { code: 550, message: '5.1.1 No such user here' });
    const progress: RunProgress[] = [];
    const result = await run(device, 'run-main', { onProgress: (p) => progress.push(p) });

    expect(result).toMatchObject({ state: 'done', total: 6, sent: 5, failed: 1, skipped: 0, unknown: 0 });
    expect(progress.at(-1)?.state).toBe('done');
    expect(progress.some((p) => p.state === 'sending' && p.sent > 0 && p.sent < 5)).toBe(true);
    // Exactly the eligible recipients, once each (c-03 unsubscribed, c-07 has no email, c-05 refused).
    expect(receivedBy('run-main')).toEqual(['ann@example.com', 'bo@example.com', 'fay@example.com', 'hal@example.com', 'tempfail@example.com']);

    const ann = smtp.ofRun('run-main').find((m) => m.to[0] === 'ann@example.com')!;
    expect(ann.headers.get('subject')).toMatch(/^Hi/);
    expect(ann.headers.get('list-unsubscribe')).toMatch(new RegExp(`^<${server.url}/u/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{22}>$`));
    expect(ann.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(ann.headers.get('content-type')).toMatch(/^multipart\/alternative/);
    expect(ann.headers.get('message-id')).toMatch(/^<[0-9a-f]{32}\.roi@cascade\.test>$/);
    // HTML: the hostile name and the typed <script> arrive escaped; the link is click-tracked; footer with address.
    expect(ann.html).toContain('<h1>Hello &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(ann.html).toContain('&lt;script&gt;alert(&quot;typed&quot;)&lt;/script&gt;');
    expect(ann.html).not.toMatch(/<script/i);
    expect(ann.html).toContain('<strong>412 N 40th St</strong> is worth about $812,000.');
    expect(ann.html).toMatch(new RegExp(`href="${server.url}/t/c/[^"]+\\?u=https%3A%2F%2Fexample.com%2Freport%3Fzip%3D98103"`));
    expect(ann.html).toMatch(new RegExp(`<img src="${server.url}/t/o/[^"]+\\.gif"`));
    expect(ann.html).toContain('100 Pine St, Seattle, WA 98101');
    expect(ann.html).toMatch(/<a href="[^"]+\/u\/[^"]+">Unsubscribe<\/a>/);
    // Text part: the raw name (plain text is not HTML), the address, the unsubscribe link.
    expect(ann.text).toContain('Hello <script>alert(1)</script>');
    expect(ann.text).toContain('100 Pine St, Seattle, WA 98101');
    expect(ann.text).toMatch(/Unsubscribe: http:\/\/127\.0\.0\.1:\d+\/u\//);

    const fay = smtp.ofRun('run-main').find((m) => m.to[0] === 'fay@example.com')!;
    expect(fay.text).toContain('Hello there');
    expect(fay.text).toContain('Your home at your address is worth about more than you think.');
    // No header injection: the name with CR LF stays inside the To header, and nobody else got it.
    const hal = smtp.ofRun('run-main').find((m) => m.to[0] === 'hal@example.com')!;
    expect(hal.headers.has('bcc')).toBe(false);
    expect(hal.to).toEqual(['hal@example.com']);

    const rows = sendRows(device, 'run-main');
    expect(rows.map((r) => [r.contact_id, r.status])).toEqual([
      ['c-01', 'sent'],
      ['c-02', 'sent'],
      ['c-04', 'sent'],
      ['c-05', 'bounced'], // 550 at RCPT: bounced, and the address suppressed (tests/integration/campaign-bounces.test.ts)
      ['c-06', 'sent'],
      ['c-08', 'sent'],
    ]);
    expect(rows.find((r) => r.contact_id === 'c-05')!.error).toContain('5.1.1 No such user here');
    // The log reaches the server (and so every other device).
    await eventually(
      async () => rowsOf<{ status: string }>(await server.db.execute(sql`SELECT status FROM campaign_sends WHERE run_id = 'run-main'`)).map((r) => r.status).sort(),
      (s) => s.join() === 'bounced,sent,sent,sent,sent,sent',
    );
    // Running the finished run again sends nothing.
    const again = await run(device, 'run-main');
    expect(again.state).toBe('refused');
    expect(receivedBy('run-main')).toHaveLength(5);
  }, 60_000);

  it('a sender killed after the mail server took a message resumes without sending anyone twice', async () => {
    const { file, session: laptop } = await syncedReplicaFile('crashing', 'Crashing laptop');
    const output = await crashSender({ file, session: laptop, runId: 'run-crash', crash: { point: 'afterAccepted', nth: 3 } });
    expect(output).toContain('crash c-04');
    expect(output).toContain('exit SIGKILL');
    // Three messages reached the mail server; the third's outcome was never recorded.
    expect(receivedBy('run-crash')).toEqual(['ann@example.com', 'bo@example.com', 'tempfail@example.com']);

    const device = await openDevice('crashing-again', laptop, file);
    expect(sendRows(device, 'run-crash').find((r) => r.contact_id === 'c-04')!.status).toBe('sending');
    const resumed = await run(device, 'run-crash');
    // nobody@ bounced in the first run, so it is suppressed and not part of this one.
    expect(resumed).toMatchObject({ state: 'done', alreadyDone: 3, unknown: 1, sent: 2, failed: 0 });
    // Everyone exactly once: the ambiguous one was not resent but flagged for review.
    expect(receivedBy('run-crash')).toEqual(['ann@example.com', 'bo@example.com', 'fay@example.com', 'hal@example.com', 'tempfail@example.com']);
    const unknown = sendRows(device, 'run-crash').find((r) => r.contact_id === 'c-04')!;
    expect(unknown.status).toBe('unknown');
    expect(unknown.error).toContain(unknown.message_id);
  }, 90_000);

  it('another device taking over a run whose sender died before its send log reached the server resends nobody', async () => {
    // The crashing sender pushes nothing: its whole send log is stuck on its disk, the worst case for a takeover.
    const { file, session: laptop } = await syncedReplicaFile('dead-laptop', 'Dead laptop');
    const output = await crashSender({ file, session: laptop, runId: 'run-takeover', crash: { point: 'afterAccepted', nth: 3 } });
    expect(output).toContain('exit SIGKILL');
    expect(receivedBy('run-takeover')).toEqual(['ann@example.com', 'bo@example.com', 'tempfail@example.com']);

    // The lease lapses (as it would two minutes later) and the desktop takes the run over.
    await server.db.execute(sql`UPDATE server_campaign_claims SET lease_expires_at = now() - interval '1 second' WHERE run_id = 'run-takeover'`);
    const desktop = await openDevice('takeover-desktop', await signInDevice(server.url, agent, 'Desktop'));
    expect(sendRows(desktop, 'run-takeover')).toEqual([]);
    const result = await run(desktop, 'run-takeover');
    expect(result.state).toBe('done');

    // Nobody got two. What the laptop reserved and never reported is in doubt: flagged, not resent.
    const received = receivedBy('run-takeover');
    expect(new Set(received).size).toBe(received.length);
    const rows = sendRows(desktop, 'run-takeover');
    for (const contactId of ['c-01', 'c-02', 'c-04']) {
      expect(rows.find((r) => r.contact_id === contactId)).toMatchObject({ status: 'unknown', error: expect.stringContaining('Dead laptop took this message') });
    }
    // Every recipient has a row (none silently dropped); the desktop sent to the ones the laptop never took.
    expect(rows).toHaveLength(result.total);
    expect(result.unknown).toBe(rows.filter((r) => r.status === 'unknown').length);
    const sentByDesktop = rows.filter((r) => r.status === 'sent').map((r) => r.contact_id);
    expect(sentByDesktop.length).toBeGreaterThan(0);
    expect(received).toHaveLength(3 + sentByDesktop.length);

    // The laptop comes back online and pushes its send log: what its mail server confirmed (Ann, Bo)
    // replaces the desktop's guess everywhere; the one it never heard back about (Di) stays in doubt.
    const back = await openDevice('dead-laptop-back', laptop, file);
    const statusOf = (device: TestDevice) => Object.fromEntries(sendRows(device, 'run-takeover').map((r) => [r.contact_id, r.status]));
    const settled = { 'c-01': 'sent', 'c-02': 'sent', 'c-04': 'unknown' };
    await eventually(
      async () => Object.fromEntries(rowsOf<{ contact_id: string; status: string }>(await server.db.execute(sql`SELECT contact_id, status FROM campaign_sends WHERE run_id = 'run-takeover'`)).map((r) => [r.contact_id, r.status])),
      (onServer) => Object.entries(settled).every(([contactId, status]) => onServer[contactId] === status),
    );
    await eventually(() => statusOf(desktop), (rows) => Object.entries(settled).every(([contactId, status]) => rows[contactId] === status));
    await eventually(() => statusOf(back), (rows) => JSON.stringify(rows) === JSON.stringify(statusOf(desktop)));
  }, 90_000);

  it('two devices of the same user racing one run: one sends, the other is refused, nobody gets two', async () => {
    const a = await openDevice('race-laptop', await signInDevice(server.url, agent, 'Laptop'));
    const b = await openDevice('race-desktop', await signInDevice(server.url, agent, 'Desktop'));
    const [first, second] = await Promise.all([run(a, 'run-race'), run(b, 'run-race')]);
    expect([first.state, second.state].sort()).toEqual(['done', 'refused']);
    const refused = first.state === 'refused' ? first : second;
    expect(refused.message).toMatch(/being sent from (Laptop|Desktop)|already been sent/);
    expect(receivedBy('run-race')).toEqual(['ann@example.com', 'bo@example.com', 'fay@example.com', 'hal@example.com', 'tempfail@example.com']);
  }, 60_000);

  it('an unsubscribe that reaches the server while a run is under way wins over the queued send', async () => {
    const device = await openDevice('unsubscribe', await signInDevice(server.url, agent, 'Another laptop'));
    // Bo unsubscribes (one-click, RFC 8058) from the link in the email he got earlier, while this run
    // is on its first recipient; his turn is next.
    const boEarlier = smtp.ofRun('run-main').find((m) => m.to[0] === 'bo@example.com')!;
    const unsubscribeUrl = /^<(.+)>$/.exec(boEarlier.headers.get('list-unsubscribe')!)![1]!;
    const result = await run(device, 'run-unsub', {
      pageSize: 1,
      hooks: {
        afterRecorded: async (contactId) => {
          if (contactId !== 'c-01') return;
          const response = await fetch(unsubscribeUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
          expect(response.status).toBe(200);
        },
      },
    });
    expect(result).toMatchObject({ state: 'done', skipped: 1 });
    expect(receivedBy('run-unsub')).not.toContain('bo@example.com');
    expect(receivedBy('run-unsub')).toContain('ann@example.com');
    expect(sendRows(device, 'run-unsub').find((r) => r.contact_id === 'c-02')).toMatchObject({ status: 'skipped', error: 'Not sent: unsubscribed.' });
    // The suppression syncs down, so the next run's segment excludes Bo before anything is asked.
    await eventually(() => device.sqlite.prepare(`SELECT count(*) AS n FROM suppressions WHERE email = 'bo@example.com'`).get() as { n: number }, (r) => r.n === 1);
  }, 60_000);
  it('the app scheduler: templates checked on save, preview and test send, and a run due while offline goes out once back online', async () => {
    // Down means refused at once (a laptop with no network), not held.
    const proxy = await startFaultProxy({ target: server.url, seed: 7, refuseWhenDown: 1 });
    // Bo has unsubscribed (in the previous test, or here when this test runs alone).
    await server.db.execute(sql`INSERT INTO suppressions (id, brokerage_id, email, contact_id, reason) VALUES ('s-02', ${BROKERAGE}, 'bo@example.com', 'c-02', 'unsubscribed') ON CONFLICT (brokerage_id, email) DO NOTHING`);
    const session = await signInDevice(server.url, agent, 'Offline laptop');
    const device = await openDevice('offline', session, path.join(dir, 'offline.sqlite'), proxy.url);
    const progress: RunProgress[] = [];
    const feature = createCampaignFeature({
      store: () => device.store,
      sync: () => device.engine,
      session: () => ({ user: { id: agent.id, brokerageId: BROKERAGE, role: 'agent', name: 'Avery Agent', email: agent.email }, deviceId: session.deviceId, serverUrl: proxy.url, offline: false }),
      secrets: createMemorySecretStore(),
      ...tokensOf(session, proxy.url),
      onProgress: (p) => progress.push(p),
      tickMs: 300,
      syncWaitMs: 500,
      retry: { attempts: 3, baseDelayMs: 20 },
    });
    try {
      const h = feature.handlers;
      smtp.rule('tempfail@example.com', { code: 451, message: '4.7.1 Greylisted, try again later', times: 2 });
      smtp.rule('nobody@example.com', { code: 550, message: '5.1.1 No such user here' });
      // Cy and Bo unsubscribed; nobody@ bounced in the first test (suppressed since).
      await eventually(() => device.sqlite.prepare(`SELECT count(*) AS n FROM suppressions`).get() as { n: number }, (r) => r.n === 3);
      await expect(h.scheduleCampaign({ id: campaign.id, schedule: { kind: 'once', at: new Date().toISOString() } })).rejects.toThrow(/owner|mail account/);
      await h.saveSmtpSettings({ settings: { host: '127.0.0.1', port: smtp.port, security: 'none', user: '', fromName: 'Avery Agent', fromEmail: 'avery@cascade.test', ratePerSecond: 50 } });

      // Unknown tags are refused at save time, by name, and nothing is saved.
      const before = (await h.listCampaigns()).length;
      await expect(h.saveCampaign({ name: 'Typo', subject: 'Hi {{frist_name}}', body: 'x', segment: { match: 'all', rules: [] } })).rejects.toThrow('Unknown merge tag {{frist_name}} in the subject');
      expect((await h.listCampaigns()).length).toBe(before);

      const saved = await h.saveCampaign({ name: 'Autumn', subject: 'Hi {{first_name|there}}', body: 'Hello {{first_name|there}}, {{agent.name}} here.', segment: { match: 'all', rules: [{ kind: 'zipcode', zipcodes: ['98103'] }] } });
      expect((await h.countSegment({ segment: saved.segment })).recipients).toBe(0);
      const everyone = { match: 'all' as const, rules: [{ kind: 'mine' as const }] };
      const campaignRow = await h.saveCampaign({ id: saved.id, name: 'Autumn', subject: saved.subject, body: saved.body, segment: everyone });
      const count = await h.countSegment({ segment: everyone });
      // Cy and Bo unsubscribed, nobody@ bounced, Gus has no email: 8 match, 4 get it (suppression counts from the replica).
      expect(count).toMatchObject({ matching: 8, recipients: 4 });
      expect(count.excluded.map((e) => e.label).sort()).toEqual(['bounced before', 'no email address', 'unsubscribed']);

      const preview = await h.previewCampaign({ subject: campaignRow.subject, body: campaignRow.body, contactId: 'c-02' });
      expect(preview).toMatchObject({ contactId: 'c-02', subject: 'Hi Bo' });
      expect(preview.text).toContain('Hello Bo, Avery Agent here.');
      await h.sendTestEmail({ subject: campaignRow.subject, body: campaignRow.body, contactId: 'c-02' });
      expect(smtp.messages.at(-1)).toMatchObject({ to: ['avery@cascade.test'] });
      expect(smtp.messages.at(-1)!.headers.get('subject')).toBe('[Test] Hi Bo');

      // Offline when it falls due: it waits, says why, and sends nothing.
      proxy.setMode('down');
      await h.scheduleCampaign({ id: campaignRow.id, schedule: { kind: 'once', at: new Date().toISOString() } });
      await eventually(() => progress.find((p) => p.campaignId === campaignRow.id && /Waiting to send/.test(p.message ?? '')), Boolean);
      const runId = `${campaignRow.id}.r1`;
      expect(receivedBy(runId)).toEqual([]);

      // Back online: the run goes out, once, by itself.
      proxy.setMode('clean');
      await eventually(() => (device.sqlite.prepare('SELECT status FROM campaigns WHERE id = ?').get(campaignRow.id) as { status: string }).status, (status) => status === 'sent', 30_000);
      const addresses = receivedBy(runId);
      expect(new Set(addresses).size).toBe(addresses.length);
      expect(addresses).toEqual(['ann@example.com', 'fay@example.com', 'hal@example.com', 'tempfail@example.com']); // nobody@ bounced earlier: suppressed
      const stats = await h.getCampaignStats({ id: campaignRow.id, limit: 100 });
      expect(stats.runs[0]).toMatchObject({ runId, sent: addresses.length });
      expect(stats.recipients.filter((r) => r.status === 'sent').map((r) => r.email).sort()).toEqual(addresses);
    } finally {
      feature.close();
      await proxy.close();
    }
  }, 90_000);
});

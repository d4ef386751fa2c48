// Triggered campaigns and A/B subject tests end to end, with real parts: a real sync server (Postgres
// when reachable, else PGlite), devices with real SQLite replicas and the real sync engine, the app's
// campaign scheduler (createCampaignFeature) and a real SMTP server on loopback. The scheduler's clock is
// moved forward by hours (the server keeps real time, so leases, tokens and bot detection are real).
// Proves: a trigger sends after its delay only to segment contacts with a qualifying alert raised after
// activation — not to one an agent contacted meanwhile, not to the suppressed, never twice across ticks,
// restarts or a second device; an A/B test splits its sample in halves, picks the subject with the higher
// click rate after the wait and sends it to everyone else, nobody getting two messages.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activities, alerts, brokerages, contacts, suppressions } from '../../db/schema/pg.ts';
import type { ShapeTable } from '../../db/sync/shape-tables.ts';
import { createCampaignFeature } from '../../electron/campaigns/campaign-service.ts';
import { campaignsContract } from '../../electron/campaigns/campaigns-contract.ts';
import { startLoopbackSmtp, type LoopbackSmtp } from '../../electron/campaigns/sending/testing/loopback-smtp.ts';
import { triggerRunId } from '../../electron/campaigns/triggers/alert-trigger.ts';
import { createMemorySecretStore } from '../../electron/secrets/secret-store.ts';
import { BOT_OPEN_SECONDS } from '../../sync-server/campaigns/campaign-routes.ts';
import { createTestDatabase, probePostgres, type TestDatabase } from '../../sync-server/testing/test-databases.ts';
import { createTestUser, startTestServer, type TestServer, type TestUser } from '../../sync-server/testing/test-server.ts';
import { openTestDevice, signInDevice, tokensOf, type TestDevice } from '../support/sync-device.ts';
import { eventually as eventuallyWithin } from '../support/eventually.ts';

const BROKERAGE = 'b-trig';
const TABLES: ShapeTable[] = ['brokerages', 'users', 'contacts', 'properties', 'alerts', 'activities', 'events', 'campaigns', 'campaign_sends', 'suppressions'];
const HOUR = 3_600_000;
const CONTACT_COUNT = 29;

const eventually = <T>(read: () => T | Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000) => eventuallyWithin(read, check, timeoutMs);

const postgres = await probePostgres();

describe('triggered campaigns and A/B subject tests', () => {
  let database: TestDatabase;
  let server: TestServer;
  let smtp: LoopbackSmtp;
  let agent: TestUser;
  const devices: TestDevice[] = [];
  const features: ReturnType<typeof createCampaignFeature>[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'roi-campaign-triggers-'));
  // The scheduler's clock: real time moved forward by `offset`.
  let offset = 0;
  const now = () => new Date(Date.now() + offset);

  const openDevice = async (name: string) => {
    const session = await signInDevice(server.url, agent, name);
    const device = openTestDevice({ name, file: path.join(dir, `${name}.sqlite`), serverUrl: server.url, session, tables: TABLES });
    devices.push(device);
    await eventually(() => (device.sqlite.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n, (n) => n === CONTACT_COUNT);
    await eventually(() => device.engine.upToDate(), Boolean);
    return { device, session };
  };

  /** The app's campaign feature on a device (a "process"): its own scheduler, driven by hand (long tick). */
  const startFeature = async ({ device, session }: Awaited<ReturnType<typeof openDevice>>) => {
    const feature = createCampaignFeature({
      store: () => device.store,
      sync: () => device.engine,
      session: () => ({ user: { id: agent.id, brokerageId: BROKERAGE, role: 'agent', name: 'Avery Agent', email: agent.email }, deviceId: session.deviceId, serverUrl: server.url, offline: false }),
      secrets: createMemorySecretStore(),
      ...tokensOf(session, server.url),
      onProgress: () => {},
      tickMs: 3_600_000,
      syncWaitMs: 2_000,
      now,
      retry: { attempts: 2, baseDelayMs: 20 },
    });
    features.push(feature);
    await feature.handlers.saveSmtpSettings({ settings: { host: '127.0.0.1', port: smtp.port, security: 'none', user: '', fromName: 'Avery Agent', fromEmail: 'avery@trig.test', ratePerSecond: 50 } });
    return feature;
  };

  /** A tick that is not skipped because another is under way (scheduling starts one by itself). */
  const tickUntilIdle = async (feature: ReturnType<typeof createCampaignFeature>) => {
    for (let i = 0; i < 3; i += 1) {
      await feature.tick();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const received = (runIdPrefix: string) => smtp.messages.filter((m) => (m.headers.get('x-roi-campaign-run') ?? '').startsWith(runIdPrefix));

  beforeAll(async () => {
    database = await createTestDatabase(postgres.reachable ? 'postgres' : 'pglite');
    server = await startTestServer({ kind: database.kind, createDatabase: async () => database }, { liveTimeoutMs: 2_000 });
    smtp = await startLoopbackSmtp();
    await server.db.insert(brokerages).values({ id: BROKERAGE, name: 'Trigger Realty', postalAddress: '1 Main St, Tacoma, WA 98402' });
    agent = await createTestUser(server.db, { role: 'agent', brokerageId: BROKERAGE, name: 'Avery Agent', email: 'avery@trig.test' });
    const contact = (id: string, tags: string[]) => ({ id, brokerageId: BROKERAGE, assignedAgentId: agent.id, firstName: id, lastName: 'Test', email: `${id}@example.com`, tags });
    await server.db.insert(contacts).values([
      // Trigger audience: tag "sphere".
      ...['t-due', 't-low', 't-called', 't-status', 't-unsub', 't-backlog', 't-buy', 't-later'].map((id) => contact(id, ['sphere'])),
      contact('t-outside', []),
      // A/B audience: tag "ab", 20 people.
      ...Array.from({ length: 20 }, (_, i) => contact(`ab-${String(i + 1).padStart(2, '0')}`, ['ab'])),
    ]);
    await server.db.insert(suppressions).values({ id: 's-t-unsub', brokerageId: BROKERAGE, email: 't-unsub@example.com', contactId: 't-unsub', reason: 'unsubscribed' });
  }, 60_000);

  afterAll(async () => {
    for (const feature of features) feature.close();
    for (const device of devices) device.close();
    await smtp?.close();
    await server?.close();
    await database?.drop();
  });

  it('a triggered campaign sends after the delay, only for qualifying alerts of segment contacts nobody contacted, once across ticks, restarts and devices', async () => {
    offset = 0;
    const laptop = await openDevice('trigger-laptop');
    const feature = await startFeature(laptop);
    const h = feature.handlers;
    const campaign = await h.saveCampaign({
      name: 'Thinking of selling?',
      subject: 'Thinking of selling, {{first_name|there}}?',
      body: 'Hi {{first_name|there}}, your home may be worth more than you think.',
      segment: { match: 'all', rules: [{ kind: 'tag', tag: 'sphere', negate: false }] },
    });

    // Bad settings are refused at the IPC boundary with the reason.
    const refused = campaignsContract.scheduleCampaign.input.safeParse({ id: campaign.id, schedule: { kind: 'triggered', alertType: 'sell', minPriority: 'HIGH', delayHours: -1 } });
    expect(refused.success ? null : refused.error.issues.map((i) => i.message)).toEqual(['The delay cannot be negative']);
    expect((await h.getCampaign({ id: campaign.id })).status).toBe('draft');

    const scheduled = await h.scheduleCampaign({ id: campaign.id, schedule: { kind: 'triggered', alertType: 'sell', minPriority: 'HIGH', delayHours: 24 } });
    expect(scheduled).toMatchObject({ status: 'scheduled', schedule: { kind: 'triggered', alertType: 'sell', minPriority: 'HIGH', delayHours: 24 } });
    const activatedAt = Date.parse((scheduled.schedule as { activatedAt: string }).activatedAt);
    expect(Math.abs(activatedAt - now().getTime())).toBeLessThan(60_000);

    // Alerts raised on the server (scoring), relative to the scheduler's clock.
    const at = (hours: number) => new Date(activatedAt + hours * HOUR).toISOString();
    const alert = (id: string, contactId: string, hours: number, extra: Partial<typeof alerts.$inferInsert> = {}) => ({
      id,
      brokerageId: BROKERAGE,
      contactId,
      type: 'sell',
      probability: 0.8,
      priority: 'HIGH',
      assignedAgentId: agent.id,
      createdAt: at(hours),
      updatedAt: at(hours),
      ...extra,
    });
    await server.db.insert(alerts).values([
      alert('al-due', 't-due', 1), // qualifies: sent after 24 h
      alert('al-low', 't-low', 1, { priority: 'LOW' }), // below the minimum priority
      alert('al-called', 't-called', 1), // the agent calls (activity) before the delay is over
      alert('al-status', 't-status', 1, { status: 'contacted' }), // marked contacted in the inbox
      alert('al-unsub', 't-unsub', 1), // unsubscribed: excluded as always
      alert('al-backlog', 't-backlog', -2), // raised before the trigger was switched on
      alert('al-buy', 't-buy', 1, { type: 'buy' }), // another kind of alert
      alert('al-outside', 't-outside', 1), // not in the campaign's segment
      alert('al-later', 't-later', 30), // raised later: due at 54 h
    ]);
    await server.db.insert(activities).values({ id: 'act-called', brokerageId: BROKERAGE, contactId: 't-called', userId: agent.id, alertId: 'al-called', kind: 'call', summary: 'Talked about listing', occurredAt: at(5) });
    const { device } = laptop;
    await eventually(
      () => device.sqlite.prepare(`SELECT (SELECT count(*) FROM alerts) AS alerts, (SELECT count(*) FROM activities) AS activities`).get() as { alerts: number; activities: number },
      (n) => n.alerts === 9 && n.activities === 1,
    );

    // Before the delay: nothing goes out; the two qualifying alerts wait.
    offset = 2 * HOUR;
    await tickUntilIdle(feature);
    expect(received(campaign.id)).toEqual([]);
    expect((await h.getCampaign({ id: campaign.id })).trigger).toMatchObject({ sent: 0, waiting: 2, nextDueAt: at(25) });

    // 26 h: only t-due's alert is due and qualifies.
    offset = 26 * HOUR;
    await tickUntilIdle(feature);
    await eventually(() => received(campaign.id).length, (n) => n >= 1);
    await tickUntilIdle(feature);
    expect(received(campaign.id).map((m) => m.to[0])).toEqual(['t-due@example.com']);
    const dueMessage = received(campaign.id)[0]!;
    expect(dueMessage.headers.get('x-roi-campaign-run')).toBe(triggerRunId(campaign.id, 'al-due'));
    expect(dueMessage.headers.get('subject')).toBe('Thinking of selling, t-due?');
    expect(dueMessage.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const detail = await h.getCampaign({ id: campaign.id });
    expect(detail).toMatchObject({ status: 'scheduled', trigger: { sent: 1, waiting: 1 } });

    // A restart (a new process on the same replica) and a second device find nothing more to send.
    feature.close();
    const restarted = await startFeature(laptop);
    await tickUntilIdle(restarted);
    const desktop = await openDevice('trigger-desktop');
    await eventually(() => (desktop.device.sqlite.prepare('SELECT count(*) AS n FROM campaign_sends WHERE campaign_id = ?').get(campaign.id) as { n: number }).n, (n) => n === 1);
    const second = await startFeature(desktop);
    await tickUntilIdle(second);
    expect(received(campaign.id).map((m) => m.to[0])).toEqual(['t-due@example.com']);

    // 55 h: the later alert is due; both devices tick at once, one message goes out.
    offset = 55 * HOUR;
    await Promise.all([tickUntilIdle(restarted), tickUntilIdle(second)]);
    await eventually(() => received(campaign.id).length, (n) => n >= 2);
    await Promise.all([tickUntilIdle(restarted), tickUntilIdle(second)]);
    expect(received(campaign.id).map((m) => m.to[0]).sort()).toEqual(['t-due@example.com', 't-later@example.com']);
    await eventually(
      () => device.sqlite.prepare('SELECT contact_id, status FROM campaign_sends WHERE campaign_id = ? ORDER BY contact_id').all(campaign.id),
      (rows) => JSON.stringify(rows) === JSON.stringify([{ contact_id: 't-due', status: 'sent' }, { contact_id: 't-later', status: 'sent' }]),
    );
    restarted.close();
    second.close();
  }, 120_000);

  it('an A/B subject test: the sample split in halves, the winner by click rate after the wait goes to the rest, nobody gets two', async () => {
    offset = 0;
    const laptop = await openDevice('ab-laptop');
    const feature = await startFeature(laptop);
    const h = feature.handlers;
    const campaign = await h.saveCampaign({
      name: 'Spring report',
      subject: 'A: your spring market report, {{first_name|there}}',
      body: 'Hi {{first_name|there}}, [read the report](https://example.com/spring-report).',
      segment: { match: 'all', rules: [{ kind: 'tag', tag: 'ab', negate: false }] },
    });
    const abTest = { subjectB: 'B: what your home is worth now', samplePercent: 40, waitHours: 4 };
    // Refused with the reason, nothing scheduled: a sample leaving no rest, a subject B with an unknown tag.
    const tooBig = campaignsContract.scheduleCampaign.input.safeParse({ id: campaign.id, schedule: { kind: 'once', at: now().toISOString(), abTest: { ...abTest, samplePercent: 60 } } });
    expect(tooBig.success ? null : tooBig.error.issues[0]!.message).toMatch(/at most 50%/);
    await expect(h.scheduleCampaign({ id: campaign.id, schedule: { kind: 'once', at: now().toISOString(), abTest: { ...abTest, subjectB: 'Hi {{frist_name}}' } } })).rejects.toThrow('Unknown merge tag {{frist_name}}');
    expect((await h.getCampaign({ id: campaign.id })).status).toBe('draft');

    await h.scheduleCampaign({ id: campaign.id, schedule: { kind: 'once', at: now().toISOString(), abTest } });
    const sampleRun = `${campaign.id}.ab`;
    const restRun = `${campaign.id}.r1`;
    await eventually(() => smtp.ofRun(sampleRun).length, (n) => n === 8);
    await eventually(async () => (await h.getCampaign({ id: campaign.id })).abTest?.phase, (phase) => phase === 'waiting');

    // 40 % of 20: 8 people, 4 per subject; the send log records who got which.
    const sample = smtp.ofRun(sampleRun);
    const subjectA = sample.filter((m) => m.headers.get('subject')!.startsWith('A: your spring market report'));
    const subjectB = sample.filter((m) => m.headers.get('subject') === 'B: what your home is worth now');
    expect([subjectA.length, subjectB.length]).toEqual([4, 4]);
    const variants = new Map(
      (laptop.device.sqlite.prepare('SELECT email, variant FROM campaign_sends WHERE run_id = ?').all(sampleRun) as { email: string; variant: string }[]).map((r) => [r.email, r.variant]),
    );
    expect(subjectA.every((m) => variants.get(m.to[0]!) === 'a')).toBe(true);
    expect(subjectB.every((m) => variants.get(m.to[0]!) === 'b')).toBe(true);

    // People click: one of the A half, three of the B half (after the scanner window, with a browser).
    await new Promise((resolve) => setTimeout(resolve, (BOT_OPEN_SECONDS + 1) * 1000));
    const click = async (message: (typeof sample)[number]) => {
      const href = /href="([^"]+\/t\/c\/[^"]+)"/.exec(message.html)![1]!.replace(/&amp;/g, '&');
      const response = await fetch(href, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15' } });
      expect(response.status).toBe(302);
    };
    await click(subjectA[0]!);
    for (const message of subjectB.slice(0, 3)) await click(message);
    await eventually(() => (laptop.device.sqlite.prepare(`SELECT count(*) AS n FROM events WHERE type = 'email_clicked'`).get() as { n: number }).n, (n) => n === 4);

    // Before the wait is over: B leads, nothing more is sent.
    offset = 2 * HOUR;
    await tickUntilIdle(feature);
    expect(smtp.ofRun(restRun)).toEqual([]);
    expect((await h.getCampaign({ id: campaign.id })).abTest).toMatchObject({ phase: 'waiting', leader: 'b', winner: null, a: { sent: 4, clicks: 1 }, b: { sent: 4, clicks: 3 } });

    // A second device of the same agent, caught up on the sample's log and the clicks.
    const desktop = await openDevice('ab-desktop');
    await eventually(
      () => desktop.device.sqlite.prepare(`SELECT (SELECT count(*) FROM campaign_sends WHERE run_id = ?) AS sends, (SELECT count(*) FROM events WHERE type = 'email_clicked') AS clicks`).get(sampleRun) as { sends: number; clicks: number },
      (n) => n.sends === 8 && n.clicks === 4,
    );
    const other = await startFeature(desktop);

    // After the wait: subject B (75 % vs 25 %) goes to the other 12 — both devices ticking at once.
    offset = 5 * HOUR;
    await Promise.all([tickUntilIdle(feature), tickUntilIdle(other)]);
    await eventually(async () => (await h.getCampaign({ id: campaign.id })).status, (status) => status === 'sent', 30_000);
    await Promise.all([tickUntilIdle(feature), tickUntilIdle(other)]);
    await eventually(async () => (await other.handlers.getCampaign({ id: campaign.id })).status, (status) => status === 'sent', 30_000);
    other.close();
    const rest = smtp.ofRun(restRun);
    expect(rest).toHaveLength(12);
    expect(rest.every((m) => m.headers.get('subject') === 'B: what your home is worth now')).toBe(true);
    const everyone = [...sample, ...rest].map((m) => m.to[0]!);
    expect(new Set(everyone).size).toBe(20);
    expect(everyone).toHaveLength(20);
    expect((await h.getCampaign({ id: campaign.id })).abTest).toMatchObject({ phase: 'done', winner: 'b' });
    expect(new Set((laptop.device.sqlite.prepare('SELECT variant FROM campaign_sends WHERE run_id = ?').all(restRun) as { variant: string }[]).map((r) => r.variant))).toEqual(new Set(['b']));

    // A restart and more ticks send nothing more.
    feature.close();
    const restarted = await startFeature(laptop);
    await tickUntilIdle(restarted);
    expect(smtp.ofRun(sampleRun).length + smtp.ofRun(restRun).length).toBe(20);
    restarted.close();
  }, 120_000);
});

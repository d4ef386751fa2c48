// Run claims (one device sends), signed tracking (opens, clicks, unsubscribes recorded; forged, tampered,
// expired or misused tokens refused with nothing recorded; no open redirect).
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { brokerages, campaigns, contacts } from '../../db/schema/pg.ts';
import { rowsOf } from '../database.ts';
import { describeOnBothBackends } from '../testing/backends.ts';
import { createTestUser, useTestServer } from '../testing/test-server.ts';

describeOnBothBackends('campaign claims and tracking', (backend) => {
  let nowMs = Date.parse('2026-04-03T12:00:00Z');
  const server = useTestServer(backend, { clock: () => new Date(nowMs) });

  it('one device holds a run; tokens track opens, clicks and unsubscribes; bad tokens record nothing', async () => {
    const s = server.current;
    await s.db.insert(brokerages).values({ id: 'b-camp', name: 'Camp Realty', postalAddress: '1 Main St' });
    const agent = await createTestUser(s.db, { role: 'agent', brokerageId: 'b-camp' });
    const colleague = await createTestUser(s.db, { role: 'agent', brokerageId: 'b-camp' });
    await s.db.insert(contacts).values([
      { id: 'c-1', brokerageId: 'b-camp', assignedAgentId: agent.id, firstName: 'Ann', email: 'Ann@Example.com' },
      { id: 'c-2', brokerageId: 'b-camp', assignedAgentId: agent.id, firstName: 'Bo', email: 'bo@example.com' },
    ]);
    await s.db.insert(campaigns).values({ id: 'cmp-1', brokerageId: 'b-camp', ownerId: agent.id, name: 'Spring' });
    const login = async (user: typeof agent, deviceName: string) =>
      (await s.post('/v1/auth/login', { email: user.email, password: user.password, deviceName })).body as { accessToken: string; deviceId: string };
    const laptop = await login(agent, 'Laptop');
    const desktop = await login(agent, 'Desktop');
    const other = await login(colleague, 'Colleague');

    // ---- Claims ----
    const claim = await s.post('/v1/campaign-runs/run-1/claim', { campaignId: 'cmp-1', leaseSeconds: 60 }, laptop.accessToken);
    expect(claim.status).toBe(200);
    expect(claim.body).toMatchObject({ runId: 'run-1', campaignId: 'cmp-1', deviceId: laptop.deviceId, generation: 1 });
    const raced = await s.post('/v1/campaign-runs/run-1/claim', { campaignId: 'cmp-1' }, desktop.accessToken);
    expect(raced).toMatchObject({ status: 409, body: { error: { code: 'run_claimed', message: expect.stringContaining('Laptop') } } });
    expect((await s.post('/v1/campaign-runs/run-1/claim', { campaignId: 'cmp-1' }, other.accessToken)).status).toBe(403);
    expect((await s.post('/v1/campaign-runs/run-1/claim', { campaignId: 'nope' }, laptop.accessToken)).status).toBe(404);
    expect((await s.post('/v1/campaign-runs/run-1/claim', { campaignId: 'cmp-1', leaseSeconds: 'x' }, laptop.accessToken)).status).toBe(400);
    expect((await s.post('/v1/campaign-runs/run-1/renew', { generation: 1 }, laptop.accessToken)).status).toBe(200);
    expect((await s.post('/v1/campaign-runs/run-1/renew', { generation: 1 }, desktop.accessToken)).body.error.code).toBe('lease_lost');
    expect((await s.post('/v1/campaign-runs/run-1/reserve', { generation: 1, contactIds: ['c-1'] }, desktop.accessToken)).status).toBe(409);
    expect((await s.post('/v1/campaign-runs/run-1/reserve', { generation: 1, contactIds: ['c-404'] }, laptop.accessToken)).status).toBe(400);

    const link = 'https://example.com/report?a=1&b=2';
    const tokens = await s.post('/v1/campaign-runs/run-1/reserve', { generation: 1, contactIds: ['c-1', 'c-2'], links: [link] }, laptop.accessToken);
    expect(tokens.status).toBe(200);
    const mine = tokens.body.tokens['c-1'] as { open: string; unsubscribe: string; clicks: Record<string, string> };
    expect(mine.open).toMatch(new RegExp(`^${s.url}/t/o/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{22}\\.gif$`));

    const path = (url: string) => url.slice(s.url.length);
    const eventCount = async () => Number(rowsOf<{ n: string }>(await s.db.execute(sql`SELECT count(*) AS n FROM events`))[0]!.n);
    const browser = { 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko)' };

    // ---- Opens: a prefetch seconds after sending and a scanner are flagged as bots; a later open is a person ----
    const quick = await s.request('GET', path(mine.open), { headers: browser });
    expect(quick.status).toBe(200);
    expect(quick.headers.get('content-type')).toBe('image/gif');
    nowMs += 60_000;
    await s.request('GET', path(mine.open), { headers: { 'user-agent': 'Barracuda Sentinel (EE)' } });
    await s.request('GET', path(mine.open), { headers: browser });
    const opens = rowsOf<{ contact_id: string; props: { bot: boolean; botReason?: string; runId: string; campaignId: string } }>(
      await s.db.execute(sql`SELECT contact_id, props FROM events WHERE type = 'email_opened' ORDER BY occurred_at, id`),
    );
    expect(opens.map((o) => o.props.botReason ?? 'person')).toEqual(['too_soon_after_sending', expect.any(String), expect.any(String)]);
    expect(opens.filter((o) => !o.props.bot)).toHaveLength(1);
    expect(opens.every((o) => o.contact_id === 'c-1' && o.props.runId === 'run-1' && o.props.campaignId === 'cmp-1')).toBe(true);

    // ---- Tampered, forged, misused tokens: refused, nothing recorded ----
    const before = await eventCount();
    const [payload, signature] = path(mine.open).slice('/t/o/'.length).replace('.gif', '').split('.') as [string, string];
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), c: 'c-2' })).toString('base64url');
    expect((await s.request('GET', `/t/o/${forgedPayload}.${signature}.gif`)).status).toBe(404);
    expect((await s.request('GET', `/t/o/${payload}.${signature.slice(0, -2)}AA.gif`)).status).toBe(404);
    expect((await s.request('GET', '/t/o/not-a-token.gif')).status).toBe(400);
    // An open token is not a click token, and a click token is not an unsubscribe token.
    expect((await s.request('GET', `/t/c/${payload}.${signature}?u=${encodeURIComponent(link)}`)).status).toBe(404);
    const clickToken = /\/t\/c\/([^?]+)/.exec(mine.clicks[link]!)![1]!;
    expect((await s.request('POST', `/u/${clickToken}`, { rawBody: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(404);
    // No open redirect: the signed token only ever redirects to its own URL.
    const evil = await fetch(`${s.url}/t/c/${clickToken}?u=${encodeURIComponent('https://evil.example/phish')}`, { redirect: 'manual', headers: browser });
    expect(evil.status).toBe(400);
    expect(evil.headers.get('location')).toBeNull();
    expect((await fetch(`${s.url}/t/c/${clickToken}`, { redirect: 'manual' })).status).toBe(400);
    expect(await eventCount()).toBe(before);

    // ---- A real click redirects to the signed URL and is recorded ----
    const click = await fetch(mine.clicks[link]!, { redirect: 'manual', headers: browser });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe(link);
    const clicks = rowsOf<{ props: { url: string; bot: boolean } }>(await s.db.execute(sql`SELECT props FROM events WHERE type = 'email_clicked'`));
    expect(clicks).toEqual([{ props: expect.objectContaining({ url: link, bot: false }) }]);

    // ---- Unsubscribe: the page asks (GET changes nothing), one-click POST suppresses, twice is harmless ----
    const pageView = await s.request('GET', path(mine.unsubscribe));
    expect(pageView.status).toBe(200);
    expect(pageView.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(String(pageView.body)).toContain('ann@example.com');
    const suppressionsOf = async () => rowsOf<{ email: string; reason: string; contact_id: string }>(await s.db.execute(sql`SELECT email, reason, contact_id FROM suppressions`));
    expect(await suppressionsOf()).toEqual([]);
    const oneClick = { rawBody: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    expect((await s.request('POST', path(mine.unsubscribe), oneClick)).status).toBe(200);
    expect((await s.request('POST', path(mine.unsubscribe), oneClick)).status).toBe(200);
    expect(await suppressionsOf()).toEqual([{ email: 'ann@example.com', reason: 'unsubscribed', contact_id: 'c-1' }]);
    // The suppression reaches devices through the change log like any other row.
    const logged = rowsOf<{ n: string }>(await s.db.execute(sql`SELECT count(*) AS n FROM sync_changes WHERE table_name = 'suppressions'`));
    expect(Number(logged[0]!.n)).toBe(1);

    // ---- Finishing the run: never claimed again ----
    expect((await s.post('/v1/campaign-runs/run-1/release', { generation: 1, completed: true }, laptop.accessToken)).body).toEqual({ completed: true });
    expect((await s.post('/v1/campaign-runs/run-1/claim', { campaignId: 'cmp-1' }, laptop.accessToken)).body.error.code).toBe('run_completed');

    // ---- A lapsed lease passes to the other device; the first learns it at its next renewal ----
    const first = await s.post('/v1/campaign-runs/run-2/claim', { campaignId: 'cmp-1', leaseSeconds: 10 }, laptop.accessToken);
    expect(first.status).toBe(200);
    nowMs += 11_000;
    const takeover = await s.post('/v1/campaign-runs/run-2/claim', { campaignId: 'cmp-1' }, desktop.accessToken);
    expect(takeover.body).toMatchObject({ deviceId: desktop.deviceId, generation: 2 });
    expect((await s.post('/v1/campaign-runs/run-2/renew', { generation: 1 }, laptop.accessToken)).body.error.code).toBe('lease_lost');

    // ---- Reservations: what the crashed holder took is not handed out again ----
    nowMs += 1_000;
    const third = await s.post('/v1/campaign-runs/run-3/claim', { campaignId: 'cmp-1', leaseSeconds: 10 }, laptop.accessToken);
    expect((await s.post('/v1/campaign-runs/run-3/reserve', { generation: 1, contactIds: ['c-1', 'c-2'] }, laptop.accessToken)).status).toBe(200);
    // Asking again from the same device (naming a recipient twice, even) re-issues the links: its own send
    // log says what became of them.
    const again = await s.post('/v1/campaign-runs/run-3/reserve', { generation: 1, contactIds: ['c-2', 'c-2'] }, laptop.accessToken);
    expect(Object.keys(again.body.tokens)).toEqual(['c-2']);
    expect(again.body.elsewhere).toEqual({});
    // The laptop's send log reached the server for Bo only (Ann was handed over, then the laptop died).
    await s.db.execute(sql`
      INSERT INTO campaign_sends (id, brokerage_id, campaign_id, run_id, contact_id, email, status)
      VALUES ('cs-bo-3', 'b-camp', 'cmp-1', 'run-3', 'c-2', 'bo@example.com', 'sent')`);
    nowMs += 11_000;
    const desktopLease = await s.post('/v1/campaign-runs/run-3/claim', { campaignId: 'cmp-1' }, desktop.accessToken);
    expect(desktopLease.body).toMatchObject({ deviceId: desktop.deviceId, generation: 2 });
    const taken = await s.post('/v1/campaign-runs/run-3/reserve', { generation: 2, contactIds: ['c-1', 'c-2'] }, desktop.accessToken);
    expect(taken.status).toBe(200);
    expect(taken.body.tokens).toEqual({});
    expect(taken.body.elsewhere).toEqual({
      'c-1': { state: 'in_doubt', deviceName: 'Laptop', reservedAt: expect.any(String) },
      'c-2': { state: 'done', deviceName: 'Laptop', reservedAt: expect.any(String) },
    });
    // The lapsed holder can reserve nothing more.
    expect((await s.post('/v1/campaign-runs/run-3/reserve', { generation: third.body.generation, contactIds: ['c-1'] }, laptop.accessToken)).body.error.code).toBe('lease_lost');

    // ---- Expired tokens are refused ----
    nowMs += 401 * 86_400_000;
    expect((await s.request('GET', path(mine.open))).status).toBe(404);
    expect((await s.request('GET', path(mine.unsubscribe))).status).toBe(404);
  });
});

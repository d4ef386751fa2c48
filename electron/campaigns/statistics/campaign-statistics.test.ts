// Campaign statistics over a real SQLite replica seeded with sends, tracking events and suppressions:
// sent / delivered / failed / bounced, person vs machine opens (all three rules), unique clicks, rates,
// unsubscribes credited to the right run, per-recipient outcomes, filters and the timeline.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalStore, type LocalStore } from '../../store/local-store.ts';
import { AUTO_OPEN_WINDOW_MS, campaignStatistics, timelineOf } from './campaign-statistics.ts';

const T0 = Date.parse('2026-04-03T09:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('campaign statistics over the replica', () => {
  let store: LocalStore;
  beforeAll(() => {
    store = openLocalStore(path.join(mkdtempSync(path.join(tmpdir(), 'roi-campaign-stats-')), 'replica.sqlite'));
    const s = store.sqlite;
    const emails = new Map<string, string>();
    s.prepare(`INSERT INTO brokerages (id, name) VALUES ('b1', 'B')`).run();
    const contact = s.prepare(`INSERT INTO contacts (id, brokerage_id, first_name, last_name, email) VALUES (?, 'b1', ?, 'Test', ?)`);
    for (const [id, name] of [['c1', 'Ann'], ['c2', 'Bo'], ['c3', 'Cy'], ['c4', 'Di'], ['c5', 'Ed'], ['c6', 'Fay'], ['c7', 'Gus'], ['c8', 'Hal']] as const) {
      contact.run(id, name, `${name.toLowerCase()}@example.com`);
      emails.set(id, `${name.toLowerCase()}@example.com`);
    }
    s.prepare(`INSERT INTO campaigns (id, brokerage_id, name) VALUES ('cmp', 'b1', 'Spring'), ('other', 'b1', 'Other')`).run();
    const send = s.prepare(
      `INSERT INTO campaign_sends (id, brokerage_id, campaign_id, run_id, contact_id, email, status, error, sent_at, created_at) VALUES (?, 'b1', ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const sendOf = (campaign: string, run: string, contactId: string, status: string, startMs: number, error: string | null = null) =>
      send.run(`${run}-${contactId}`, campaign, run, contactId, emails.get(contactId), status, error, status === 'sent' ? at(startMs) : null, at(startMs));

    // Two earlier messages to Fay (another campaign), each opened by her mail app within a minute.
    sendOf('other', 'o-1', 'c6', 'sent', -20 * 24 * HOUR);
    sendOf('other', 'o-2', 'c6', 'sent', -10 * 24 * HOUR);
    // Run 1 of the campaign: an old run to Ann and Bo.
    sendOf('cmp', 'r1', 'c1', 'sent', -7 * 24 * HOUR);
    sendOf('cmp', 'r1', 'c2', 'sent', -7 * 24 * HOUR);
    // Run 2 (newest).
    sendOf('cmp', 'r2', 'c1', 'sent', 0);
    sendOf('cmp', 'r2', 'c2', 'sent', 0);
    sendOf('cmp', 'r2', 'c3', 'failed', 0, '451 4.7.1 Greylisted (gave up after 3 attempts)');
    sendOf('cmp', 'r2', 'c4', 'bounced', 0, '550 5.1.1 No such user here');
    sendOf('cmp', 'r2', 'c5', 'sent', 0);
    sendOf('cmp', 'r2', 'c6', 'sent', 0);
    sendOf('cmp', 'r2', 'c7', 'skipped', 0, 'Not sent: unsubscribed.');
    sendOf('cmp', 'r2', 'c8', 'sent', 0);

    const event = s.prepare(`INSERT INTO events (id, brokerage_id, contact_id, type, occurred_at, props) VALUES (?, 'b1', ?, ?, ?, ?)`);
    let n = 0;
    const track = (contactId: string, type: 'email_opened' | 'email_clicked', ms: number, run: string, bot = false, campaign = 'cmp') =>
      event.run(`e${++n}`, contactId, type, at(ms), JSON.stringify({ campaignId: campaign, runId: run, bot, ...(bot ? { botReason: 'scanner_user_agent' } : {}) }));
    track('c6', 'email_opened', -20 * 24 * HOUR + 30_000, 'o-1', false, 'other');
    track('c6', 'email_opened', -10 * 24 * HOUR + 30_000, 'o-2', false, 'other');
    // r1: Ann opened (a person, a day later).
    track('c1', 'email_opened', -6 * 24 * HOUR, 'r1');
    // r2: Ann: a scanner at once, an automatic open 2 min in, then two person opens and a click (3 h and 5 h).
    track('c1', 'email_opened', 5_000, 'r2', true);
    track('c1', 'email_opened', 2 * MIN, 'r2');
    track('c1', 'email_opened', 3 * HOUR, 'r2');
    track('c1', 'email_opened', 5 * HOUR, 'r2');
    track('c1', 'email_clicked', 5 * HOUR + MIN, 'r2');
    // Bo: only a link scanner's click; then unsubscribes. Ed: opens a day later and clicks twice.
    track('c2', 'email_clicked', 20_000, 'r2', true);
    track('c5', 'email_opened', 26 * HOUR, 'r2');
    track('c5', 'email_clicked', 26 * HOUR + MIN, 'r2');
    track('c5', 'email_clicked', 27 * HOUR, 'r2');
    // Fay: her mail app opens at once (her 3rd message opened that way) and again hours later: still a machine.
    track('c6', 'email_opened', 40_000, 'r2');
    track('c6', 'email_opened', 4 * HOUR, 'r2');
    // An open of another campaign's run never counts here.
    track('c5', 'email_opened', 2 * HOUR, 'r2', false, 'other');

    const suppression = s.prepare(`INSERT INTO suppressions (id, brokerage_id, email, contact_id, reason, created_at) VALUES (?, 'b1', ?, ?, ?, ?)`);
    suppression.run('s-bo', 'bo@example.com', 'c2', 'unsubscribed', at(2 * HOUR)); // after r2: credited to r2
    suppression.run('s-di', 'di@example.com', 'c4', 'bounced', at(1_000)); // the 550 at RCPT
    suppression.run('s-hal', 'hal@example.com', 'c8', 'bounced', at(30 * HOUR)); // Hal's mailbox bounced it later (async report)
    suppression.run('s-gus', 'gus@example.com', 'c7', 'unsubscribed', at(-30 * 24 * HOUR)); // long before: not this campaign's
  });
  afterAll(() => store.close());

  it('counts the newest run: sent, delivered, failed, bounced (at once and later), person and machine opens, clicks, rates, unsubscribes', () => {
    const stats = campaignStatistics(store, 'cmp');
    expect(stats.runs.map((r) => r.runId)).toEqual(['r2', 'r1']);
    const r2 = stats.runs[0]!;
    expect(r2).toMatchObject({
      recipients: 8,
      sent: 5, // Ann, Bo, Ed, Fay, Hal
      delivered: 4, // Hal's bounced later
      failed: 1,
      bounced: 2, // Di (550 at RCPT) + Hal (reported later)
      skipped: 1,
      uniqueOpens: 2, // Ann and Ed; Fay's opens are her mail app's
      botOpens: 4, // Ann: scanner + 2-minute open; Fay: both (opens everything)
      uniqueClicks: 2, // Ann, Ed (twice); Bo's was a link scanner
      botClicks: 1,
      unsubscribes: 1,
      replies: null,
    });
    expect(r2.totalOpens).toBe(3); // Ann ×2 + Ed ×1
    expect(r2.openRate).toBeCloseTo(2 / 4);
    expect(r2.clickRate).toBeCloseTo(2 / 4);
    expect(stats.runs[1]).toMatchObject({ runId: 'r1', sent: 2, delivered: 2, uniqueOpens: 1, totalOpens: 1, botOpens: 0 });
    expect(stats.totals).toMatchObject({ runId: 'all', recipients: 10, sent: 7, delivered: 6, uniqueOpens: 3, unsubscribes: 1 });
    expect(stats.botOpenRule).toContain(`${AUTO_OPEN_WINDOW_MS / 60_000} minutes`);
  });

  it('gives each recipient their status, furthest outcome and reason, filterable by status', () => {
    const { recipients, recipientTotal } = campaignStatistics(store, 'cmp');
    expect(recipientTotal).toBe(8);
    const byName = Object.fromEntries(recipients.map((r) => [r.name, r]));
    expect(byName['Ann Test']).toMatchObject({ status: 'sent', outcome: 'clicked', opened: true, clicked: true, opens: 2, botOpens: 2 });
    expect(byName['Bo Test']).toMatchObject({ status: 'sent', outcome: 'unsubscribed', opened: false, clicked: false, unsubscribed: true });
    expect(byName['Cy Test']).toMatchObject({ status: 'failed', outcome: 'failed', error: '451 4.7.1 Greylisted (gave up after 3 attempts)' });
    expect(byName['Di Test']).toMatchObject({ status: 'bounced', outcome: 'bounced', error: '550 5.1.1 No such user here' });
    expect(byName['Ed Test']).toMatchObject({ status: 'sent', outcome: 'clicked', opened: true, clicked: true, opens: 1 });
    expect(byName['Hal Test']).toMatchObject({ status: 'sent', outcome: 'bounced', opened: false });
    expect(byName['Fay Test']).toMatchObject({ status: 'sent', outcome: 'sent', opened: false, botOpens: 2 });
    expect(byName['Gus Test']).toMatchObject({ status: 'skipped', outcome: 'skipped', unsubscribed: false });
    // Problems first.
    expect(recipients.slice(0, 2).map((r) => r.status)).toEqual(['failed', 'bounced']);

    const names = (status: string) => campaignStatistics(store, 'cmp', { status }).recipients.map((r) => r.name).sort();
    expect(names('bounced')).toEqual(['Di Test', 'Hal Test']);
    expect(names('opened')).toEqual(['Ann Test', 'Ed Test']);
    expect(names('clicked')).toEqual(['Ann Test', 'Ed Test']);
    expect(names('unsubscribed')).toEqual(['Bo Test']);
    expect(names('failed')).toEqual(['Cy Test']);
    expect(campaignStatistics(store, 'cmp', { runId: 'r1' }).recipients.map((r) => [r.name, r.outcome])).toEqual([
      ['Ann Test', 'opened'],
      ['Bo Test', 'sent'],
    ]);
    expect(campaignStatistics(store, 'cmp', { limit: 2 })).toMatchObject({ recipientTotal: 8, recipients: [expect.anything(), expect.anything()] });
  });

  it('puts opens and clicks on a timeline since each send (hours, or days past 72 hours)', () => {
    const { timeline } = campaignStatistics(store, 'cmp');
    expect(timeline.unit).toBe('hour');
    const bucket = (h: number) => timeline.buckets[h]!;
    expect(timeline.buckets).toHaveLength(28);
    expect(bucket(0)).toEqual({ offset: 0, opens: 0, botOpens: 3, clicks: 0 }); // Ann's scanner and 2-minute opens, Fay's app; Bo's scanner click left out
    expect(bucket(3)).toMatchObject({ opens: 1 });
    expect(bucket(4)).toMatchObject({ botOpens: 1 }); // Fay's app again
    expect(bucket(5)).toMatchObject({ opens: 1, clicks: 1 });
    expect(bucket(26)).toMatchObject({ opens: 1, clicks: 1 });
    expect(bucket(27)).toMatchObject({ clicks: 1 });
    // Ann's scanner open is flagged by the server and not on the chart as a person.
    expect(timeline.buckets.reduce((n, b) => n + b.opens, 0)).toBe(3);

    const days = timelineOf([{ sentAt: at(0), events: [{ at: T0 + 5 * 24 * HOUR, kind: 'open' }, { at: T0 + HOUR, kind: 'click' }] }]);
    expect(days.unit).toBe('day');
    expect(days.buckets.map((b) => [b.offset, b.opens, b.clicks])).toEqual([[0, 0, 1], [1, 0, 0], [2, 0, 0], [3, 0, 0], [4, 0, 0], [5, 1, 0]]);
    expect(campaignStatistics(store, 'nothing-sent')).toMatchObject({ runs: [], totals: null, recipients: [], timeline: { unit: 'hour', buckets: [] } });
  });
});

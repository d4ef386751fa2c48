import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalStore, type LocalStore } from '../../store/local-store.ts';
import { abSampleRunId } from '../ab-test/subject-test.ts';
import { afterSampleRun, subjectTestRun } from './automated-runs.ts';

const everyone = Array.from({ length: 10 }, (_, i) => ({ contactId: `c-${i}`, email: `c-${i}@example.com` }));
const test = { subjectB: 'Subject B', samplePercent: 40, waitHours: 4 };
const campaign = { id: 'cmp-1', subject: 'Subject A', segment: {}, ownerId: 'u-1' };

describe('planned runs of an A/B subject test', () => {
  let store: LocalStore;
  const send = (runId: string, contactId: string, variant: string | null, sentAt: string) =>
    store.sqlite
      .prepare(`INSERT INTO campaign_sends (id, brokerage_id, campaign_id, run_id, contact_id, email, status, variant, sent_at) VALUES (?, 'b1', 'cmp-1', ?, ?, ?, 'sent', ?, ?)`)
      .run(`${runId}-${contactId}`, runId, contactId, `${contactId}@example.com`, variant, sentAt);

  beforeAll(() => {
    store = openLocalStore(path.join(mkdtempSync(path.join(tmpdir(), 'roi-planned-')), 'replica.sqlite'));
    store.sqlite.prepare(`INSERT INTO brokerages (id, name) VALUES ('b1', 'B')`).run();
    store.sqlite.prepare(`INSERT INTO campaigns (id, brokerage_id, name) VALUES ('cmp-1', 'b1', 'C')`).run();
    const contact = store.sqlite.prepare(`INSERT INTO contacts (id, brokerage_id, email) VALUES (?, 'b1', ?)`);
    for (const r of everyone) contact.run(r.contactId, r.email);
  });
  afterAll(() => store.close());

  it('the sample run takes 40 %, half A and half B, with the subjects to match', () => {
    const run = subjectTestRun(store, campaign, test, 'cmp-1.r1', { now: () => new Date('2026-05-01T08:00:00Z'), sampleDone: false })!;
    expect(run).toMatchObject({ runId: abSampleRunId('cmp-1'), after: 'scheduled' });
    const sample = run.plan.recipients!(everyone);
    expect(sample).toHaveLength(4);
    const subjects = sample.map((r) => run.plan.subjectFor!(r.contactId));
    expect(subjects.filter((s) => s?.variant === 'a' && s.subject === 'Subject A')).toHaveLength(2);
    expect(subjects.filter((s) => s?.variant === 'b' && s.subject === 'Subject B')).toHaveLength(2);
    // Logged as sent (B got a click from nobody, A neither: a tie).
    sample.forEach((r, i) => send(abSampleRunId('cmp-1'), r.contactId, subjects[i]!.variant, '2026-05-01T08:05:00.000Z'));
  });

  it('the rest waits for the wait, then leaves out the sample and keeps the subject it started with', () => {
    const at = (iso: string) => ({ now: () => new Date(iso), sampleDone: true });
    expect(subjectTestRun(store, campaign, test, 'cmp-1.r1', at('2026-05-01T12:00:00Z'))).toBeNull();
    const rest = subjectTestRun(store, campaign, test, 'cmp-1.r1', at('2026-05-01T12:05:00Z'))!;
    expect(rest).toMatchObject({ runId: 'cmp-1.r1', after: 'sent' });
    const recipients = rest.plan.recipients!(everyone);
    expect(recipients).toHaveLength(6);
    expect(rest.plan.subjectFor!(recipients[0]!.contactId)).toEqual({ subject: 'Subject A', variant: 'a' }); // a tie goes to A
    // Once the rest started with B (e.g. another device decided), a resume keeps B whatever the clicks say.
    send('cmp-1.r1', recipients[0]!.contactId, 'b', '2026-05-01T12:06:00.000Z');
    const resumed = subjectTestRun(store, campaign, test, 'cmp-1.r1', at('2026-05-01T12:10:00Z'))!;
    resumed.plan.recipients!(everyone);
    expect(resumed.plan.subjectFor!(recipients[1]!.contactId)).toEqual({ subject: 'Subject B', variant: 'b' });
  });

  it('rescheduled without the test, the plain run still leaves out the sample', () => {
    const plain = afterSampleRun(store, 'cmp-1', 'cmp-1.r1')!;
    expect(plain.plan.recipients!(everyone)).toHaveLength(6);
    expect(afterSampleRun(store, 'cmp-2', 'cmp-2.r1')).toBeNull();
  });
});

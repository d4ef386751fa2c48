import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalStore, type LocalStore } from '../../store/local-store.ts';
import { abSampleRunId, pickWinner, recordedWinner, sampleResults, sampleSize, splitSample, subjectTestSchema } from './subject-test.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c-${String(i).padStart(3, '0')}`);

describe('A/B subject test, pure parts', () => {
  it('sample size: the share rounded, at least two, and only when someone is left for the winner', () => {
    expect(sampleSize(100, 20)).toBe(20);
    expect(sampleSize(20, 40)).toBe(8);
    expect(sampleSize(10, 2)).toBe(2);
    expect(sampleSize(2, 50)).toBe(0);
    expect(sampleSize(3, 50)).toBe(2);
    expect(sampleSize(0, 20)).toBe(0);
  });

  it('splits the sample in halves, deterministically and whatever the order of the list', () => {
    const everyone = ids(101);
    const split = splitSample('cmp-1', everyone, 20);
    expect(split.size).toBe(20);
    expect([...split.values()].filter((v) => v === 'a')).toHaveLength(10);
    expect([...split.values()].filter((v) => v === 'b')).toHaveLength(10);
    expect([...splitSample('cmp-1', [...everyone].reverse(), 20)]).toEqual([...split]);
    // Another campaign samples other people.
    expect([...splitSample('cmp-2', everyone, 20).keys()].sort()).not.toEqual([...split.keys()].sort());
    // Not simply the first ids.
    expect([...split.keys()].sort()).not.toEqual(everyone.slice(0, 20));
  });

  it('the higher click rate wins; ties, including no clicks, go to A', () => {
    expect(pickWinner({ sent: 10, clicks: 1, rate: 0.1 }, { sent: 10, clicks: 3, rate: 0.3 })).toBe('b');
    expect(pickWinner({ sent: 10, clicks: 3, rate: 0.3 }, { sent: 9, clicks: 2, rate: 2 / 9 })).toBe('a');
    expect(pickWinner({ sent: 10, clicks: 2, rate: 0.2 }, { sent: 10, clicks: 2, rate: 0.2 })).toBe('a');
    expect(pickWinner({ sent: 10, clicks: 0, rate: 0 }, { sent: 10, clicks: 0, rate: 0 })).toBe('a');
  });

  it('refuses bad settings with the reason', () => {
    const messages = (input: unknown) => {
      const result = subjectTestSchema.safeParse(input);
      return result.success ? [] : result.error.issues.map((i) => i.message);
    };
    expect(messages({ subjectB: 'B', samplePercent: 20, waitHours: 4 })).toEqual([]);
    expect(messages({ subjectB: '  ', samplePercent: 20, waitHours: 4 })).toEqual(['Give the second subject to test']);
    expect(messages({ subjectB: 'B', samplePercent: 60, waitHours: 4 })).toEqual(['The sample can be at most 50% of the audience, so that a rest remains for the winner']);
    expect(messages({ subjectB: 'B', samplePercent: 12.5, waitHours: 4 })).toEqual(['The sample size is a whole percentage']);
    expect(messages({ subjectB: 'B', samplePercent: 20, waitHours: 0.5 })).toEqual(['Wait at least one hour for clicks before picking the winner']);
  });
});

describe('A/B results over the replica', () => {
  let store: LocalStore;
  beforeAll(() => {
    store = openLocalStore(path.join(mkdtempSync(path.join(tmpdir(), 'roi-abtest-')), 'replica.sqlite'));
    const s = store.sqlite;
    s.prepare(`INSERT INTO brokerages (id, name) VALUES ('b1', 'B')`).run();
    s.prepare(`INSERT INTO campaigns (id, brokerage_id, name) VALUES ('cmp-1', 'b1', 'C')`).run();
    const sample = abSampleRunId('cmp-1');
    const contact = s.prepare(`INSERT INTO contacts (id, brokerage_id, email) VALUES (?, 'b1', ?)`);
    const send = s.prepare(`INSERT INTO campaign_sends (id, brokerage_id, campaign_id, run_id, contact_id, email, status, variant, sent_at) VALUES (?, 'b1', 'cmp-1', ?, ?, ?, ?, ?, ?)`);
    const click = s.prepare(`INSERT INTO events (id, brokerage_id, contact_id, type, occurred_at, props) VALUES (?, 'b1', ?, 'email_clicked', '2026-05-01T10:00:00.000Z', ?)`);
    for (const [id, variant, status] of [
      ['a1', 'a', 'sent'],
      ['a2', 'a', 'sent'],
      ['a3', 'a', 'failed'],
      ['b1', 'b', 'sent'],
      ['b2', 'b', 'sent'],
    ] as const) {
      contact.run(id, `${id}@example.com`);
      send.run(`cs-${id}`, sample, id, `${id}@example.com`, status, variant, status === 'sent' ? '2026-05-01T09:00:00.000Z' : null);
    }
    click.run('e1', 'a1', JSON.stringify({ runId: sample, bot: false }));
    click.run('e2', 'a1', JSON.stringify({ runId: sample, bot: false })); // the same person twice: one clicker
    click.run('e3', 'b1', JSON.stringify({ runId: sample, bot: true })); // a link scanner: not a person
    click.run('e4', 'b2', JSON.stringify({ runId: 'cmp-1.r1', bot: false })); // another run
    contact.run('r1', 'r1@example.com');
    send.run('cs-r1', 'cmp-1.r1', 'r1', 'r1@example.com', 'sent', 'b', '2026-05-01T15:00:00.000Z');
  });
  afterAll(() => store.close());

  it('counts distinct human clickers of the sample run over sent messages, per variant', () => {
    expect(sampleResults(store, 'cmp-1')).toEqual({ a: { sent: 2, clicks: 1, rate: 0.5 }, b: { sent: 2, clicks: 0, rate: 0 } });
  });

  it('the rest run’s recorded variant is the winner from then on', () => {
    expect(recordedWinner(store, 'cmp-1.r1')).toBe('b');
    expect(recordedWinner(store, 'cmp-2.r1')).toBeNull();
  });
});

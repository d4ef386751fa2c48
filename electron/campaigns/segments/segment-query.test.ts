import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalStore, type LocalStore } from '../../store/local-store.ts';
import { segmentSchema, type Segment } from './segment-definition.ts';
import { countSegment, segmentRecipients } from './segment-query.ts';

const NOW = new Date('2026-04-03T12:00:00Z');
const ctx = { ownerId: 'u-agent', now: NOW };
const seg = (input: unknown): Segment => segmentSchema.parse(input);

describe('segments over the replica', () => {
  let store: LocalStore;
  beforeAll(() => {
    store = openLocalStore(path.join(mkdtempSync(path.join(tmpdir(), 'roi-segments-')), 'replica.sqlite'));
    const s = store.sqlite;
    s.prepare(`INSERT INTO brokerages (id, name) VALUES ('b1', 'B')`).run();
    const contact = s.prepare(`INSERT INTO contacts (id, brokerage_id, assigned_agent_id, first_name, last_name, email, stage, tags, zipcode) VALUES (?, 'b1', ?, ?, ?, ?, ?, ?, ?)`);
    contact.run('c1', 'u-agent', 'Ann', 'Able', 'ann@example.com', 'past_client', '["vip"]', '98103');
    contact.run('c2', 'u-agent', 'Bob', 'Baker', 'BOB@example.com', 'past_client', '[]', '98103'); // suppressed (case differs)
    contact.run('c3', 'u-other', 'Cy', 'Cole', null, 'past_client', '[]', '98105'); // no email
    contact.run('c4', 'u-agent', 'Di', 'Dale', 'ann@example.com', 'sphere', '[]', '98103'); // duplicate of c1's address
    contact.run('c5', 'u-other', 'Ed', 'Eves', 'ed@example.com', 'lead', '["vip"]', '98105');
    contact.run('c6', 'u-agent', 'Flo', 'Fay', 'flo@example.com', 'past_client', '[]', '98103');
    s.prepare(`UPDATE contacts SET deleted_at = '2026-01-01T00:00:00.000Z' WHERE id = 'c6'`).run();
    s.prepare(`INSERT INTO suppressions (id, brokerage_id, email, reason) VALUES ('s1', 'b1', 'bob@example.com', 'unsubscribed')`).run();
    const property = s.prepare(
      `INSERT INTO properties (id, brokerage_id, contact_id, address, zipcode, estimate, purchase_date, purchase_price, loan_original, loan_rate, loan_term_years) VALUES (?, 'b1', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    property.run('p1', 'c1', '1 A St', '98103', 900_000, '2015-01-01', 400_000, 320_000, 6.5, 30);
    property.run('p5', 'c5', '5 E St', '98105', 500_000, '2024-01-01', 480_000, 450_000, 3.0, 30);
    s.prepare(`INSERT INTO alerts (id, brokerage_id, contact_id, type, probability, priority, status) VALUES ('a1', 'b1', 'c1', 'sell', 0.8, 'HIGH', 'new'), ('a5', 'b1', 'c5', 'sell', 0.3, 'LOW', 'new')`).run();
    const event = s.prepare(`INSERT INTO events (id, brokerage_id, contact_id, type, occurred_at) VALUES (?, 'b1', ?, ?, ?)`);
    event.run('e1', 'c1', 'home_value_checked', '2026-03-30T00:00:00.000Z');
    event.run('e2', 'c1', 'email_opened', '2026-03-31T00:00:00.000Z');
    event.run('e3', 'c5', 'home_value_checked', '2025-01-01T00:00:00.000Z');
  });
  afterAll(() => store.close());

  it('counts everyone, excluding and explaining suppressed, email-less and duplicate addresses (deleted contacts never match)', () => {
    const count = countSegment(store, seg({}), ctx);
    expect(count).toEqual({
      matching: 5,
      recipients: 2,
      excluded: [
        { reason: 'no_email', count: 1 },
        { reason: 'unsubscribed', count: 1 },
        { reason: 'duplicate_email', count: 1 },
      ],
      sample: [
        { id: 'c1', name: 'Ann Able', email: 'ann@example.com' },
        { id: 'c5', name: 'Ed Eves', email: 'ed@example.com' },
      ],
    });
    expect(segmentRecipients(store, seg({}), ctx)).toEqual([
      { contactId: 'c1', email: 'ann@example.com' },
      { contactId: 'c5', email: 'ed@example.com' },
    ]);
  });

  it('filters by stage, tag, zip, owner, alert, estimate, equity, loan rate and engagement', () => {
    const ids = (input: unknown) => segmentRecipients(store, seg(input), ctx).map((r) => r.contactId);
    expect(ids({ rules: [{ kind: 'stage', stages: ['lead'] }] })).toEqual(['c5']);
    expect(ids({ rules: [{ kind: 'tag', tag: 'vip' }] })).toEqual(['c1', 'c5']);
    expect(ids({ rules: [{ kind: 'tag', tag: 'vip', negate: true }] })).toEqual(['c4']); // c4 keeps the address once c1 is out
    expect(ids({ rules: [{ kind: 'zipcode', zipcodes: ['98105'] }] })).toEqual(['c5']);
    expect(ids({ rules: [{ kind: 'mine' }] })).toEqual(['c1']);
    expect(ids({ rules: [{ kind: 'alert', types: ['sell'], minPriority: 'HIGH' }] })).toEqual(['c1']);
    expect(ids({ rules: [{ kind: 'alert', types: ['sell'], minPriority: 'HIGH', negate: true }] })).toEqual(['c4', 'c5']);
    expect(ids({ rules: [{ kind: 'estimate', min: 600_000 }] })).toEqual(['c1']);
    // c1: 900k − ~250k balance ≈ 650k equity; c5: 500k − ~440k ≈ 60k.
    expect(ids({ rules: [{ kind: 'equity', min: 500_000 }] })).toEqual(['c1']);
    expect(ids({ rules: [{ kind: 'equity', max: 100_000 }] })).toEqual(['c5']);
    expect(ids({ rules: [{ kind: 'loanRate', min: 6 }] })).toEqual(['c1']);
    expect(ids({ rules: [{ kind: 'propertyZipcode', zipcodes: ['98105'] }] })).toEqual(['c5']);
    expect(ids({ rules: [{ kind: 'engagement', days: 30 }] })).toEqual(['c1']);
    expect(ids({ rules: [{ kind: 'engagement', days: 30, minCount: 2 }] })).toEqual(['c1']);
    expect(ids({ rules: [{ kind: 'engagement', days: 30, eventType: 'email_opened', minCount: 2 }] })).toEqual([]);
    expect(ids({ rules: [{ kind: 'engagement', days: 30, negate: true }] })).toEqual(['c4', 'c5']);
    expect(ids({ match: 'any', rules: [{ kind: 'stage', stages: ['lead'] }, { kind: 'mine' }] })).toEqual(['c1', 'c5']);
    expect(ids({ match: 'all', rules: [{ kind: 'stage', stages: ['lead'] }, { kind: 'mine' }] })).toEqual([]);
  });

  it('refuses malformed definitions with a clear message', () => {
    const bad = segmentSchema.safeParse({ rules: [{ kind: 'estimate', min: 5, max: 1 }, { kind: 'equity' }, { kind: 'zipcode', zipcodes: ['abc'] }, { kind: 'sql', text: '1; DROP' }] });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => i.message).join(' | ');
    expect(messages).toMatch(/zip code|Invalid input/);
    expect(segmentSchema.safeParse({ rules: [{ kind: 'estimate', min: 5, max: 1 }] }).error?.issues[0]?.message).toBe('The minimum must not exceed the maximum');
    expect(segmentSchema.safeParse({ rules: [{ kind: 'equity' }] }).error?.issues[0]?.message).toBe('Give a minimum, a maximum or both');
  });
});

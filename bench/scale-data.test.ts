// The bench dataset is deterministic (same seed → identical rows) and realistic in the ways the
// benchmarks rely on. Small scale only: the full-size file is exercised by `npm run bench`.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_STATUSES, EVENT_TYPES, INTENT_TYPES } from '../db/schema/vocabulary.ts';
import { ensureScaleData, generateScaleData, priorityForProbability, scaleDataFile, SCALE_DATA_VERSION, type ScaleDataSummary } from './scale-data.ts';

let dir: string;
let fileA: string;
let summaryA: ScaleDataSummary;
const TABLES = ['brokerages', 'users', 'contacts', 'properties', 'events', 'alerts'] as const;

function tableDigests(file: string): Record<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(
      TABLES.map((table) => {
        const hash = createHash('sha256');
        for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).raw().iterate()) hash.update(JSON.stringify(row));
        return [table, hash.digest('hex')];
      }),
    );
  } finally {
    db.close();
  }
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'roi-scale-test-'));
  fileA = path.join(dir, 'a.sqlite');
  summaryA = generateScaleData(fileA, { scale: 0.01, seed: 7 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scale data', () => {
  it('is identical for the same seed and different for another', () => {
    const summaryB = generateScaleData(path.join(dir, 'b.sqlite'), { scale: 0.01, seed: 7 });
    generateScaleData(path.join(dir, 'c.sqlite'), { scale: 0.01, seed: 8 });
    const { generationMs: _a, ...a } = summaryA;
    const { generationMs: _b, ...b } = summaryB;
    expect(b).toEqual(a);
    expect(tableDigests(path.join(dir, 'b.sqlite'))).toEqual(tableDigests(fileA));
    expect(tableDigests(path.join(dir, 'c.sqlite')).alerts).not.toEqual(tableDigests(fileA).alerts);
  });

  it('has the promised sizes, vocabularies and ranges', () => {
    expect(summaryA.counts).toMatchObject({ brokerages: 2, contacts: 500, properties: 500, events: 10_000, alerts: 200 });
    const db = new Database(fileA, { readonly: true });
    try {
      const one = <T>(sql: string) => db.prepare(sql).get() as T;
      const column = (sql: string) => db.prepare(sql).pluck().all() as string[];
      expect(new Set(column('SELECT DISTINCT type FROM events'))).toEqual(new Set(EVENT_TYPES));
      expect(column('SELECT DISTINCT type FROM alerts').every((t) => (INTENT_TYPES as readonly string[]).includes(t))).toBe(true);
      expect(column('SELECT DISTINCT status FROM alerts').every((s) => (ALERT_STATUSES as readonly string[]).includes(s))).toBe(true);
      const alerts = db.prepare('SELECT probability, priority FROM alerts').all() as { probability: number; priority: string }[];
      for (const a of alerts) {
        expect(a.probability).toBeGreaterThanOrEqual(0.5);
        expect(a.probability).toBeLessThanOrEqual(0.99);
        expect(a.priority).toBe(priorityForProbability(a.probability));
      }
      // Mostly unworked alerts, one per (contact, type).
      const unworked = one<{ n: number }>(`SELECT count(*) AS n FROM alerts WHERE status IN ('new', 'viewed')`).n;
      expect(unworked / alerts.length).toBeGreaterThan(0.6);
      expect(one<{ n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM alerts GROUP BY contact_id, type HAVING count(*) > 1)').n).toBe(0);
      const bounds = one<Record<string, number | string>>(
        'SELECT min(lat) AS minLat, max(lat) AS maxLat, min(lng) AS minLng, max(lng) AS maxLng, min(zipcode) AS minZip, max(zipcode) AS maxZip FROM properties',
      );
      expect(bounds.minLat).toBeGreaterThan(47.0);
      expect(bounds.maxLat).toBeLessThan(47.9);
      expect(bounds.minLng).toBeGreaterThan(-122.6);
      expect(bounds.maxLng).toBeLessThan(-121.6);
      expect(String(bounds.minZip) >= '98001' && String(bounds.maxZip) <= '98199').toBe(true);
      // Engagement is skewed: the busiest tenth of contacts produce far more than a tenth of the events.
      const perContact = db.prepare('SELECT count(*) AS n FROM events GROUP BY contact_id ORDER BY n DESC').pluck().all() as number[];
      const top = perContact.slice(0, Math.ceil(summaryA.counts.contacts / 10)).reduce((s, n) => s + n, 0);
      expect(top / summaryA.counts.events).toBeGreaterThan(0.3);
      const span = one<{ first: string; last: string }>('SELECT min(occurred_at) AS first, max(occurred_at) AS last FROM events');
      expect(Date.parse(span.last) - Date.parse(span.first)).toBeGreaterThan(600 * 86_400_000);
      expect(one<{ n: number }>('SELECT count(*) AS n FROM contacts WHERE deleted_at IS NOT NULL').n).toBe(summaryA.counts.deletedContacts);
    } finally {
      db.close();
    }
  });

  it('caches by generator version, migrations, scale and seed', () => {
    const cacheDir = path.join(dir, 'cache');
    const first = ensureScaleData({ scale: 0.005, seed: 3, cacheDir });
    const second = ensureScaleData({ scale: 0.005, seed: 3, cacheDir });
    expect([first.cached, second.cached]).toEqual([false, true]);
    expect(second.file).toBe(first.file);
    expect(path.basename(first.file)).toMatch(new RegExp(`^scale-v${SCALE_DATA_VERSION}-[0-9a-f]{10}-x0\\.005-s3\\.sqlite$`));
    expect(scaleDataFile({ scale: 0.005, seed: 4, cacheDir })).not.toBe(first.file);
  });

  it('generates another shape under its own key, with the counts asked for', () => {
    const cacheDir = path.join(dir, 'cache');
    const usual = ensureScaleData({ scale: 0.005, seed: 3, cacheDir });
    const shaped = ensureScaleData({ scale: 0.005, seed: 3, cacheDir, shape: { contacts: 100_000, properties: 100_000 } });
    expect(path.basename(shaped.file)).toMatch(/-x0\.005-s3-c100000-p100000\.sqlite$/);
    expect(shaped.summary.counts).toMatchObject({ contacts: 500, properties: 500, events: usual.summary.counts.events });
    expect(usual.summary.counts.contacts).toBe(250);
    // A shape equal to the usual counts is the usual dataset.
    expect(scaleDataFile({ scale: 0.005, seed: 3, cacheDir, shape: { contacts: 50_000 } })).toBe(usual.file);
  });
});

// The console's in-memory counters: per-minute buckets for the last hour (zeros included), slow requests
// without the live shape requests that wait by design, per-device sync activity and the ingestion tail.
import { describe, expect, it } from 'vitest';
import { createServerMetrics } from './server-metrics.ts';

describe('server metrics', () => {
  it('counts per minute, keeps an hour, and lists slow requests but not live waits', () => {
    let now = Date.parse('2026-11-22T10:00:30Z');
    const metrics = createServerMetrics({ slowRequestMs: 500, now: () => new Date(now) });
    const request = (ms: number, status = 200, live = false) => metrics.request({ method: 'GET', route: '/v1/shape', status, ms, live, deviceId: 'd1' });
    request(10);
    request(900);
    request(20_000, 200, true);
    request(5, 503);
    metrics.mutations('d1', 7);
    now += 60_000;
    metrics.mutations('d1', 3);

    const snapshot = metrics.snapshot();
    expect(snapshot.minutes).toHaveLength(60);
    expect(snapshot.minutes.at(-2)).toEqual({ at: '2026-11-22T10:00:00.000Z', requests: 4, mutations: 7, errors: 1, slow: 1 });
    expect(snapshot.minutes.at(-1)).toMatchObject({ at: '2026-11-22T10:01:00.000Z', mutations: 3, requests: 0 });
    expect(snapshot.slowRequests).toEqual([{ at: '2026-11-22T10:00:30.000Z', method: 'GET', route: '/v1/shape', status: 200, ms: 900 }]);
    expect(metrics.deviceActivity('d1')).toMatchObject({ mutations: 10, errors: [{ status: 503, route: '/v1/shape' }] });

    now += 61 * 60_000; // an hour later the old minutes have scrolled out
    expect(metrics.snapshot().minutes.every((minute) => minute.requests === 0 && minute.mutations === 0)).toBe(true);
  });

  it('records which tables a device last had up to date, and tails ingestion per brokerage, newest first', () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    const metrics = createServerMetrics({ now: () => new Date(now) });
    metrics.upToDate('d1', 'contacts');
    const entry = { source: 'api' as const, status: 200, keyLabel: 'website', accepted: 1, duplicates: 0, rejected: 0, message: null, events: [] };
    metrics.ingest({ ...entry, brokerageId: 'a' });
    now += 1_000;
    metrics.ingest({ ...entry, brokerageId: 'b' });
    now += 1_000;
    metrics.ingest({ ...entry, brokerageId: 'a', status: 401 });
    expect(metrics.deviceActivity('d1')!.tables).toEqual({ contacts: '2026-11-22T10:00:00.000Z' });
    expect(metrics.deviceActivity('unknown')).toBeNull();
    expect(metrics.ingestTail('a').map((e) => e.status)).toEqual([401, 200]);
    expect(metrics.ingestTail(null)).toHaveLength(3);
    expect(metrics.ingestTail(null, '2026-11-22T10:00:01.000Z').map((e) => e.brokerageId)).toEqual(['a']);
  });
});

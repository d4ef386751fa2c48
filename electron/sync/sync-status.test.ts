// The status tracker: what reaches the UI while a device catches up, and how often.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncStatus } from '../ipc/contract.ts';
import { createSyncStatusTracker } from './sync-status.ts';

describe('sync status tracker', () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.parse('2026-03-01T12:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  const start = () => {
    const state = { rows: null as number | null, pending: 0 };
    const tracker = createSyncStatusTracker({
      serverUrl: () => null,
      countChanges: () => ({ pending: state.pending, failed: 0 }),
      catchUp: () => (state.rows === null ? null : { rowsStored: state.rows }),
      progressEveryMs: 250,
    });
    const seen: SyncStatus[] = [];
    tracker.onChange((status) => seen.push(status));
    return { state, tracker, seen };
  };

  it('sends the start and the end of a catch-up at once, and the count in between at most every 250 ms', () => {
    const { state, tracker, seen } = start();
    state.rows = 0;
    tracker.refreshCounts();
    expect(seen.map((s) => s.catchUp)).toEqual([{ rowsStored: 0 }]);

    // Batches stored every 10 ms: the first after the start waits for the interval, the rest fold into it.
    for (let rows = 500; rows <= 2_000; rows += 500) {
      vi.advanceTimersByTime(10);
      state.rows = rows;
      tracker.refreshCounts();
    }
    expect(seen).toHaveLength(1);
    vi.advanceTimersByTime(250);
    expect(seen.map((s) => s.catchUp)).toEqual([{ rowsStored: 0 }, { rowsStored: 2_000 }]);

    // Caught up: sent at once, with the sync time, even inside the interval.
    vi.advanceTimersByTime(10);
    state.rows = 2_500;
    tracker.refreshCounts();
    state.rows = null;
    tracker.markSynced();
    expect(seen.at(-1)).toMatchObject({ catchUp: null, lastSyncAt: '2026-03-01T12:00:00.300Z' });
    vi.advanceTimersByTime(1_000);
    expect(seen.at(-1)?.catchUp).toBeNull(); // no stale count arrives after the end
  });

  it('sends any other change at once, with the latest count', () => {
    const { state, tracker, seen } = start();
    state.rows = 0;
    tracker.refreshCounts();
    vi.advanceTimersByTime(10);
    state.rows = 800;
    tracker.refreshCounts(); // held back
    state.pending = 1;
    tracker.refreshCounts(); // a local edit: not held back
    expect(seen.at(-1)).toMatchObject({ pendingChanges: 1, catchUp: { rowsStored: 800 } });
    const count = seen.length;
    vi.advanceTimersByTime(500);
    expect(seen).toHaveLength(count); // the held-back count went out with it
  });

  it('sends nothing when nothing changed, and nothing after stop()', () => {
    const { state, tracker, seen } = start();
    tracker.refreshCounts();
    tracker.refreshCounts();
    expect(seen).toHaveLength(0);
    state.rows = 0;
    tracker.refreshCounts();
    vi.advanceTimersByTime(10);
    state.rows = 10;
    tracker.refreshCounts();
    tracker.stop();
    vi.advanceTimersByTime(1_000);
    expect(seen.map((s) => s.catchUp)).toEqual([{ rowsStored: 0 }]);
  });
});

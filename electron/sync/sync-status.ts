// The sync state the user sees: whether the server answers, how many local changes wait to be pushed,
// when the replica last caught up, how far a catch-up has come, and the last error. Reachability is
// probed with GET /health.
import type { SyncStatus } from '../ipc/contract.ts';

export type SyncStatusOptions = {
  serverUrl: () => string | null;
  /** Local changes not yet acknowledged by the server (the outbox). */
  countChanges: () => { pending: number; failed: number };
  /** Rows stored so far while the replica catches up with the server; null once it has (or with no sync). */
  catchUp?: () => SyncStatus['catchUp'];
  intervalMs?: number;
  /** At most one change of the catch-up count alone per this many ms (a sync stores a batch every few ms). */
  progressEveryMs?: number;
};

export type SyncStatusTracker = ReturnType<typeof createSyncStatusTracker>;

export function createSyncStatusTracker(options: SyncStatusOptions) {
  const listeners = new Set<(status: SyncStatus) => void>();
  let status: SyncStatus = { online: false, pendingChanges: 0, failedChanges: 0, lastSyncAt: null, error: null, catchUp: null };
  let timer: NodeJS.Timeout | null = null;
  const progressEveryMs = options.progressEveryMs ?? 250;
  let lastEmitAt = 0;
  let trailing: NodeJS.Timeout | null = null;

  const emit = () => {
    if (trailing) clearTimeout(trailing);
    trailing = null;
    lastEmitAt = Date.now();
    for (const listener of listeners) listener(status);
  };

  const update = (patch: Partial<SyncStatus>) => {
    const counts = options.countChanges();
    const next: SyncStatus = { ...status, pendingChanges: counts.pending, failedChanges: counts.failed, catchUp: options.catchUp?.() ?? null, ...patch };
    const previous = status;
    status = next;
    if (JSON.stringify(next) === JSON.stringify(previous)) return;
    // A count that only grew is news at most every progressEveryMs (the latest one is sent at the end of
    // the interval); anything else is sent at once.
    const onlyProgress = next.catchUp !== null && previous.catchUp !== null && JSON.stringify({ ...next, catchUp: null }) === JSON.stringify({ ...previous, catchUp: null });
    const wait = lastEmitAt + progressEveryMs - Date.now();
    if (!onlyProgress || wait <= 0) emit();
    else if (!trailing) {
      trailing = setTimeout(emit, wait);
      trailing.unref();
    }
  };

  const probe = async () => {
    const serverUrl = options.serverUrl();
    if (!serverUrl) return update({ online: false });
    try {
      const response = await fetch(new URL('/health', serverUrl), { signal: AbortSignal.timeout(3000) });
      update({ online: response.ok, error: response.ok ? null : `Sync server answered HTTP ${response.status}` });
    } catch {
      update({ online: false });
    }
  };

  return {
    current: (): SyncStatus => status,
    onChange(listener: (status: SyncStatus) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    probe,
    refreshCounts: () => update({}),
    markSynced: (at: Date = new Date()) => update({ lastSyncAt: at.toISOString(), error: null }),
    reportError: (message: string) => update({ error: message }),
    start() {
      if (timer) return;
      void probe();
      timer = setInterval(() => void probe(), options.intervalMs ?? 5000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (trailing) clearTimeout(trailing);
      trailing = null;
    },
  };
}

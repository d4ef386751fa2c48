// The sync state the user sees: whether the server answers, how many local changes wait to be pushed,
// when the replica last caught up, and the last error. Reachability is probed with GET /health.
import type { SyncStatus } from '../ipc/contract.ts';

export type SyncStatusOptions = {
  serverUrl: () => string | null;
  /** Local changes not yet acknowledged by the server (the outbox). */
  countChanges: () => { pending: number; failed: number };
  intervalMs?: number;
};

export type SyncStatusTracker = ReturnType<typeof createSyncStatusTracker>;

export function createSyncStatusTracker(options: SyncStatusOptions) {
  const listeners = new Set<(status: SyncStatus) => void>();
  let status: SyncStatus = { online: false, pendingChanges: 0, failedChanges: 0, lastSyncAt: null, error: null };
  let timer: NodeJS.Timeout | null = null;

  const update = (patch: Partial<SyncStatus>) => {
    const counts = options.countChanges();
    const next = { ...status, pendingChanges: counts.pending, failedChanges: counts.failed, ...patch };
    const changed = JSON.stringify(next) !== JSON.stringify(status);
    status = next;
    if (changed) for (const listener of listeners) listener(status);
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
    },
  };
}

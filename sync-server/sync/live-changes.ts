// Wakes live shape requests when their table changes. The signal is Postgres NOTIFY (sent by the
// change-log triggers in the writing transaction), so a write through any server instance — or plain
// SQL — wakes the requests held by every instance. A wake-up is only a hint: the woken request reads the
// log itself, so a lost notification costs latency (until the live timeout), never correctness.
import type { ServerDatabase } from '../database.ts';

export const CHANGES_CHANNEL = 'roi_sync_changes';

export type LiveChanges = {
  /**
   * Resolves at the next change to `table`, after `timeoutMs`, or when the server closes. Register
   * before reading the log, then await: a change landing in between still wakes the request.
   */
  waitFor(table: string, timeoutMs: number): { promise: Promise<'changed' | 'timeout' | 'closing'>; cancel(): void };
  /** Live requests currently waiting (for the console and the fan-out benchmark). */
  waiting(): number;
  /** Notifications received so far. A log read started after this count was seen reflects every change announced up to it. */
  wakeups(): number;
  close(): Promise<void>;
};

type Waiter = { table: string; resolve: (why: 'changed' | 'timeout' | 'closing') => void };

export async function startLiveChanges(database: ServerDatabase): Promise<LiveChanges> {
  const waiters = new Set<Waiter>();
  let wakeups = 0;
  const wake = (table: string) => {
    wakeups++;
    for (const waiter of waiters) if (table === '' || waiter.table === table) waiter.resolve('changed');
  };
  const unlisten = await database.listen(CHANGES_CHANNEL, wake);

  return {
    waitFor(table, timeoutMs) {
      let waiter!: Waiter;
      let timer: NodeJS.Timeout | undefined;
      const promise = new Promise<'changed' | 'timeout' | 'closing'>((resolve) => {
        waiter = {
          table,
          resolve: (why) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(why);
          },
        };
        waiters.add(waiter);
        timer = setTimeout(() => waiter.resolve('timeout'), timeoutMs);
      });
      return { promise, cancel: () => waiter.resolve('timeout') };
    },
    waiting: () => waiters.size,
    wakeups: () => wakeups,
    async close() {
      for (const waiter of [...waiters]) waiter.resolve('closing');
      await unlisten();
    },
  };
}

// Escalation of unclaimed CRITICAL alerts: one still `new` (nobody viewed or contacted it) longer than its
// brokerage's `escalateAfterMinutes` (default 60, counted from when the alert reached the server) gets
// `escalated_at`. We flag, not reassign: the assignee keeps the alert (the contact may be theirs and
// they may be about to call), while managers see it on the team page's escalations list and in their
// inbox, and reassign it there if needed. The flag travels to every device through the change log.
//
// Any server instance may run the job: the UPDATE only touches rows whose `escalated_at` is still null,
// and it runs under the writers' advisory lock (the same lock and order as mutations), so two
// instances — or two overlapping runs — escalate each alert exactly once.
import { sql } from 'drizzle-orm';
import { rowsOf, type ServerDb } from '../database.ts';
import { WRITERS_LOCK } from './route-alert.ts';
import { DEFAULT_ESCALATE_AFTER_MINUTES, MAX_ESCALATE_AFTER_MINUTES } from './routing-settings.ts';

export type EscalatedAlert = { id: string; brokerageId: string; assignedAgentId: string | null };

export const DEFAULT_ESCALATION_INTERVAL_MS = 60_000;

/** Flags every overdue unclaimed CRITICAL alert of every active brokerage; returns what it flagged. */
export async function escalateOverdueAlerts(db: ServerDb, now: Date): Promise<EscalatedAlert[]> {
  const at = now.toISOString();
  const setting = sql`b.settings -> 'routing' -> 'escalateAfterMinutes'`;
  // Mirrors readRoutingSettings: a stored value that is not a whole number in range means the default.
  const minutes = sql`CASE WHEN jsonb_typeof(${setting}) = 'number'
                            AND (${setting})::numeric = trunc((${setting})::numeric)
                            AND (${setting})::numeric BETWEEN 1 AND ${MAX_ESCALATE_AFTER_MINUTES}
                       THEN (${setting})::int ELSE ${DEFAULT_ESCALATE_AFTER_MINUTES}::int END`;
  const overdue = sql`b.id = a.brokerage_id AND b.deactivated_at IS NULL
    AND a.priority = 'CRITICAL' AND a.status = 'new' AND a.escalated_at IS NULL
    AND a.created_at <= ${at}::timestamptz - make_interval(mins => ${minutes})`;
  // Most runs find nothing: look first without the writers' lock, which every mutation waits on.
  const [due] = rowsOf<{ due: boolean }>(await db.execute(sql`SELECT EXISTS (SELECT 1 FROM alerts a, brokerages b WHERE ${overdue}) AS due`));
  if (!due?.due) return [];
  return db.transaction(async (tx) => {
    await tx.execute(WRITERS_LOCK);
    const rows = rowsOf<{ id: string; brokerage_id: string; assigned_agent_id: string | null }>(
      await tx.execute(sql`
        UPDATE alerts a SET escalated_at = ${at}, updated_at = ${at}
        FROM brokerages b
        WHERE ${overdue}
        RETURNING a.id, a.brokerage_id, a.assigned_agent_id`),
    );
    return rows.map((row) => ({ id: row.id, brokerageId: row.brokerage_id, assignedAgentId: row.assigned_agent_id }));
  });
}

export type EscalationJob = { runNow(): Promise<EscalatedAlert[]>; stop(): Promise<void> };

/**
 * Runs escalateOverdueAlerts every `intervalMs`. Runs never overlap; stop() waits for a run in progress,
 * so the database can close right after. A failed run is reported and retried at the next tick.
 */
export function startEscalationJob(options: {
  db: ServerDb;
  intervalMs?: number;
  now?: () => Date;
  onEscalated?: (alerts: EscalatedAlert[]) => void;
  onError?: (error: unknown) => void;
}): EscalationJob {
  const now = options.now ?? (() => new Date());
  let running: Promise<EscalatedAlert[]> | null = null;
  let stopped = false;
  const run = (): Promise<EscalatedAlert[]> => {
    if (running) return running;
    running = escalateOverdueAlerts(options.db, now())
      .then((escalated) => {
        if (escalated.length > 0) options.onEscalated?.(escalated);
        return escalated;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => {
    if (stopped || running) return;
    run().catch((error: unknown) => options.onError?.(error));
  }, options.intervalMs ?? DEFAULT_ESCALATION_INTERVAL_MS);
  timer.unref();
  return {
    runNow: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}

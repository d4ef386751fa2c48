// Escalation of unclaimed CRITICAL alerts: flagged once after the brokerage's time and not before, never
// twice (overlapping runs, several instances), and the flag reaches the devices through the change log.
import { eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { alerts, brokerages } from '../../db/schema/pg.ts';
import { rowsOf, type ServerDb } from '../database.ts';
import { describeOnBothBackends, lazyInBeforeAll } from '../testing/backends.ts';
import { fixtureId, seedTenant, signIn, startServerOn, syncShape, type Tenant } from '../testing/sync-fixtures.ts';
import { escalateOverdueAlerts, startEscalationJob, type EscalatedAlert } from './escalation.ts';

const MINUTE = 60_000;

/** CRITICAL/new alerts (unless told otherwise) created `ageMinutes` before `now`, on the unassigned contact. */
async function insertAlerts(db: ServerDb, tenant: Tenant, now: Date, rows: { id: string; ageMinutes: number; priority?: string; status?: string; escalatedAt?: string }[]) {
  await db.insert(alerts).values(
    rows.map((row) => ({
      id: row.id,
      brokerageId: tenant.brokerageId,
      contactId: fixtureId(tenant.key, 'contacts', 'u'),
      type: 'sell',
      probability: 0.97,
      priority: row.priority ?? 'CRITICAL',
      status: row.status ?? 'new',
      createdAt: new Date(now.getTime() - row.ageMinutes * MINUTE).toISOString(),
      escalatedAt: row.escalatedAt ?? null,
    })),
  );
}

const escalatedIds = (list: EscalatedAlert[]) => list.map((alert) => alert.id).sort();

describeOnBothBackends('alert escalation', (backend) => {
  const env = lazyInBeforeAll(
    async () => {
      const database = await backend.createDatabase();
      const server = await startServerOn(database, { escalationIntervalMs: 0, modelsDir: null });
      const a = await seedTenant(server.db, 'ea');
      const b = await seedTenant(server.db, 'eb');
      return { server, a, b };
    },
    ({ server }) => server.closeNow(),
  );

  it('flags an unclaimed CRITICAL alert once after the set time and not before; claimed, lower or flagged ones never', async () => {
    const { server, a } = env.current;
    const now = new Date();
    await insertAlerts(server.db, a, now, [
      { id: 'ea-crit-59', ageMinutes: 59 },
      { id: 'ea-crit-61', ageMinutes: 61 },
      { id: 'ea-crit-viewed', ageMinutes: 300, status: 'viewed' },
      { id: 'ea-crit-contacted', ageMinutes: 300, status: 'contacted' },
      { id: 'ea-high-old', ageMinutes: 300, priority: 'HIGH' },
      { id: 'ea-crit-done', ageMinutes: 300, escalatedAt: new Date(now.getTime() - 100 * MINUTE).toISOString() },
    ]);
    const first = await escalateOverdueAlerts(server.db, now);
    expect(escalatedIds(first)).toEqual(['ea-crit-61']);
    expect(await escalateOverdueAlerts(server.db, now)).toEqual([]);
    // Two minutes later the 59-minute one is due too; the rest still not.
    const later = new Date(now.getTime() + 2 * MINUTE);
    expect(escalatedIds(await escalateOverdueAlerts(server.db, later))).toEqual(['ea-crit-59']);

    const rows = await server.db.select({ id: alerts.id, escalatedAt: alerts.escalatedAt, assignee: alerts.assignedAgentId }).from(alerts).where(inArray(alerts.id, ['ea-crit-61', 'ea-crit-59', 'ea-crit-done']));
    const at = Object.fromEntries(rows.map((row) => [row.id, row.escalatedAt && new Date(row.escalatedAt).toISOString()]));
    expect(at['ea-crit-61']).toBe(now.toISOString());
    expect(at['ea-crit-59']).toBe(later.toISOString());
    // An alert already flagged keeps its first flag time; nobody's assignment changes.
    expect(new Date(at['ea-crit-done']!).getTime()).toBe(now.getTime() - 100 * MINUTE);
    expect(rows.every((row) => row.assignee === null)).toBe(true);
  });

  it('follows each brokerage’s own escalateAfterMinutes', async () => {
    const { server, b } = env.current;
    const now = new Date();
    await server.db.update(brokerages).set({ settings: { tier: 'eb', routing: { mode: 'manual', fallback: 'unassigned', escalateAfterMinutes: 10 } } }).where(eq(brokerages.id, b.brokerageId));
    await insertAlerts(server.db, b, now, [
      { id: 'eb-crit-9', ageMinutes: 9 },
      { id: 'eb-crit-11', ageMinutes: 11 },
    ]);
    expect(escalatedIds(await escalateOverdueAlerts(server.db, now))).toEqual(['eb-crit-11']);
    // A stored value that is not a whole number of minutes means the default (60).
    await server.db.update(brokerages).set({ settings: { routing: { escalateAfterMinutes: 'soon' } } }).where(eq(brokerages.id, b.brokerageId));
    await insertAlerts(server.db, b, now, [{ id: 'eb-crit-30', ageMinutes: 30 }]);
    expect(await escalateOverdueAlerts(server.db, now)).toEqual([]);
  });

  it('overlapping runs (several server instances) escalate each alert exactly once', async () => {
    const { server, a } = env.current;
    const now = new Date();
    await insertAlerts(server.db, a, now, [1, 2, 3].map((n) => ({ id: `ea-race-${n}`, ageMinutes: 120 })));
    const runs = await Promise.all([escalateOverdueAlerts(server.db, now), escalateOverdueAlerts(server.db, now), escalateOverdueAlerts(server.db, now)]);
    expect(runs.flatMap(escalatedIds).sort()).toEqual(['ea-race-1', 'ea-race-2', 'ea-race-3']);
    const [logged] = rowsOf<{ n: string | number }>(
      await server.db.execute(sql`SELECT count(*) AS n FROM sync_changes WHERE row_id LIKE 'ea-race-%' AND op = 'update' AND row ? 'escalated_at'`),
    );
    expect(Number(logged!.n)).toBe(3);
  });

  it('the flag reaches the managers’ replicas through the change log', async () => {
    const { server, a } = env.current;
    const now = new Date();
    const session = await signIn(server.url, a.manager, 'Manager desk');
    const before = await syncShape(server.url, session.accessToken, 'alerts');
    await insertAlerts(server.db, a, now, [{ id: 'ea-synced', ageMinutes: 90 }]);
    await escalateOverdueAlerts(server.db, now);
    const after = await syncShape(server.url, session.accessToken, 'alerts', { from: before });
    expect(after.rows.get('ea-synced')).toMatchObject({ status: 'new', escalated_at: now.toISOString() });
  });

  describe('the periodic job', () => {
    it('runs on its interval, reports what it flagged, and stops (waiting for a run in progress)', async () => {
      const { server, a } = env.current;
      const now = new Date();
      await insertAlerts(server.db, a, now, [{ id: 'ea-timer', ageMinutes: 61 }]);
      const flagged: EscalatedAlert[] = [];
      const job = startEscalationJob({ db: server.db, intervalMs: 25, now: () => now, onEscalated: (list) => flagged.push(...list) });
      try {
        await expect.poll(() => flagged.map((alert) => alert.id), { timeout: 5_000 }).toContain('ea-timer');
      } finally {
        await job.stop();
      }
      expect(flagged.filter((alert) => alert.id === 'ea-timer')).toHaveLength(1);
    });

    it('the server runs it by itself and stops it on close', async () => {
      const database = await backend.createDatabase();
      const own = await startServerOn(database, { escalationIntervalMs: 50, modelsDir: null });
      try {
        const tenant = await seedTenant(own.db, 'ec');
        await insertAlerts(own.db, tenant, new Date(), [{ id: 'ec-crit', ageMinutes: 61 }]);
        await expect
          .poll(async () => (await own.db.select({ at: alerts.escalatedAt }).from(alerts).where(eq(alerts.id, 'ec-crit')))[0]?.at ?? null, { timeout: 5_000 })
          .not.toBeNull();
      } finally {
        await own.closeNow();
      }
    });
  });
});

// Initial sync at scale: 200k rows (50k contacts + 150k events of one brokerage, × --scale) on a
// throw-away database of the real Postgres at 127.0.0.1:5432 (PGlite only when Postgres is unreachable,
// noted in the details), served by the sync server in a child process, pulled by the app's real sync
// engine (one @electric-sql/client ShapeStream per table + replica) into a fresh SQLite replica.
//
//   sync.initial_rows_per_s        rows in the replica ÷ time from engine start to every table up to date
//   main.event_loop_max_block_ms   the longest the client's event loop was blocked meanwhile
//                                  (perf_hooks.monitorEventLoopDelay on this, the client's main, thread;
//                                  the engine's shape worker fetches and decodes, this thread stores)
//
// Both come from one run (whichever benchmark runs first performs it) of a manager, who receives the
// whole brokerage; seeding is not timed. The details add CPU per row of client (both threads) and server
// (comparable on a busy machine, unlike wall time), how long the client's main thread was busy, and an
// agent's initial sync on the same data (rows filtered by the agent scope, row by row). The four sync benchmarks: --only sync,main.event_loop,server.live
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ShapeTable } from '../../db/sync/shape-tables.ts';
import { signIn, startDevice, until } from '../support/sync-clients.ts';
import { mainThreadCpuMs } from '../support/thread-cpu.ts';
import { seedBrokerage } from '../support/sync-seed.ts';
import { createBenchDatabase, openForSeeding, startServerProcess, withCleanup, type Cleanup, type ServerProcess } from '../support/sync-server-process.ts';
import type { BenchContext, BenchMeasurement, Benchmark } from '../types.ts';

const FULL_ROWS = 200_000;
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

type InitialSync = { rowsPerSecond: BenchMeasurement; eventLoop: BenchMeasurement };

const runs = new WeakMap<BenchContext, Promise<InitialSync>>();
const initialSync = (ctx: BenchContext): Promise<InitialSync> => {
  let run = runs.get(ctx);
  if (!run) runs.set(ctx, (run = measureInitialSync(ctx)));
  return run;
};

type DeviceSync = {
  elapsedMs: number;
  rows: { contacts: number; events: number };
  clientCpuMs: number;
  serverCpuMs: number;
  /** Of which in the kernel (on loopback, sending a response includes the TCP work of delivering it). */
  serverSystemCpuMs: number;
  applyMs: number;
  applyMaxMs: number;
  batches: number;
  /** Time the main thread's event loop was busy (everything else ran in the shape worker or waited). */
  mainBusyMs: number;
  /** CPU time of the main thread alone (null where it cannot be read). */
  mainCpuMs: number | null;
};

/** A fresh device of `user` runs the sync engine until every table is up to date; `during` sees it start and end. */
async function syncFreshDevice(
  ctx: BenchContext,
  cleanup: Cleanup,
  server: ServerProcess,
  user: { email: string; password: string },
  during: { start?: () => void; end?: () => void } = {},
): Promise<DeviceSync> {
  const session = await signIn(server.url, user);
  const serverBefore = await server.stats();
  // Time spent applying shape batches to SQLite (one transaction per batch).
  let applyMs = 0;
  let applyMaxMs = 0;
  let batches = 0;
  let caughtUp = false;
  const errors: string[] = [];
  const cpuBefore = process.cpuUsage();
  const mainCpuBefore = mainThreadCpuMs();
  during.start?.();
  const eluBefore = performance.eventLoopUtilization();
  const start = performance.now();
  const device = startDevice(cleanup, ctx.workDir, session, {
    onCaughtUp: () => (caughtUp = true),
    onError: (message) => errors.push(message),
  });
  const replica = device.engine.replica;
  // The shape worker decodes; this (the main) thread stores each batch through applyChanges.
  const apply = replica.applyChanges;
  replica.applyChanges = (...args: Parameters<typeof apply>) => {
    const t0 = performance.now();
    try {
      return apply(...args);
    } finally {
      const ms = performance.now() - t0;
      applyMs += ms;
      applyMaxMs = Math.max(applyMaxMs, ms);
      batches++;
    }
  };
  await until(() => caughtUp || errors.length > 0, 'the initial sync', 170_000, 2);
  const elapsedMs = performance.now() - start;
  const elu = performance.eventLoopUtilization(eluBefore);
  during.end?.();
  const cpu = process.cpuUsage(cpuBefore);
  const mainCpuAfter = mainThreadCpuMs();
  const serverAfter = await server.stats();
  device.engine.stop();
  if (errors.length > 0) throw new Error(`Initial sync failed: ${errors.join('; ')}`);
  const count = (table: ShapeTable) => (device.store.sqlite.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
  return {
    elapsedMs,
    rows: { contacts: count('contacts'), events: count('events') },
    clientCpuMs: (cpu.user + cpu.system) / 1000,
    serverCpuMs: (serverAfter.cpuUserUs + serverAfter.cpuSystemUs - serverBefore.cpuUserUs - serverBefore.cpuSystemUs) / 1000,
    serverSystemCpuMs: (serverAfter.cpuSystemUs - serverBefore.cpuSystemUs) / 1000,
    applyMs,
    applyMaxMs,
    batches,
    mainBusyMs: elu.active,
    mainCpuMs: mainCpuBefore === null || mainCpuAfter === null ? null : mainCpuAfter - mainCpuBefore,
  };
}

async function measureInitialSync(ctx: BenchContext): Promise<InitialSync> {
  const rows = Math.max(1_000, Math.round(FULL_ROWS * ctx.scale));
  const contacts = Math.round(rows / 4);
  const events = rows - contacts;
  return withCleanup(ctx.log, async (cleanup) => {
    const { database, fallbackNote } = await createBenchDatabase(cleanup, ctx.log);
    const seedStart = performance.now();
    const seeder = await openForSeeding(database);
    let seeded;
    try {
      seeded = await seedBrokerage(seeder.db, { brokerageId: 'b-bench-initial', contacts, events });
    } finally {
      await seeder.close();
    }
    const seedMs = performance.now() - seedStart;
    ctx.log(`  seeded ${contacts} contacts + ${events} events on ${database.kind} in ${Math.round(seedMs)} ms`);

    // ROI_BENCH_SYNC_PAGE_SIZE: the server's shapePageSize (rows per page, at most), for experiments.
    const pageSize = Number(process.env.ROI_BENCH_SYNC_PAGE_SIZE) || undefined;
    const server = await startServerProcess(cleanup, database, pageSize ? { shapePageSize: pageSize } : {});
    const loadAverage = os.loadavg()[0]!;

    // The measured run: a manager, who receives the whole brokerage.
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    const manager = await syncFreshDevice(ctx, cleanup, server, seeded.managers[0]!, { start: () => histogram.enable(), end: () => histogram.disable() });
    if (manager.rows.contacts !== contacts || manager.rows.events !== events) {
      throw new Error(`The replica has ${manager.rows.contacts} contacts and ${manager.rows.events} events; expected ${contacts} and ${events}`);
    }
    // For the details: an agent, whose rows the server filters row by row (their own and unassigned contacts).
    const agent = await syncFreshDevice(ctx, cleanup, server, seeded.agents[0]!);

    const total = manager.rows.contacts + manager.rows.events;
    const agentTotal = agent.rows.contacts + agent.rows.events;
    const common: Record<string, number | string> = {
      server_database: database.kind,
      ...(fallbackNote ? { note: fallbackNote } : {}),
      page_rows: pageSize ? `at most ${pageSize}` : 'server default',
      load_average_1m: round(loadAverage, 2),
      rows: total,
      contacts,
      events,
      elapsed_ms: Math.round(manager.elapsedMs),
      seed_ms: Math.round(seedMs),
      client_cpu_ms: Math.round(manager.clientCpuMs),
      client_cpu_us_per_row: round((manager.clientCpuMs * 1000) / total),
      client_main_thread_busy_ms: Math.round(manager.mainBusyMs),
      ...(manager.mainCpuMs === null ? {} : { client_main_thread_cpu_us_per_row: round((manager.mainCpuMs * 1000) / total) }),
      server_cpu_ms: Math.round(manager.serverCpuMs),
      server_cpu_us_per_row: round((manager.serverCpuMs * 1000) / total),
      server_cpu_kernel_ms: Math.round(manager.serverSystemCpuMs),
      sqlite_apply_ms: Math.round(manager.applyMs),
      sqlite_apply_max_batch_ms: round(manager.applyMaxMs),
      batches: manager.batches,
      agent_rows: agentTotal,
      agent_rows_per_s: Math.round(agentTotal / (agent.elapsedMs / 1000)),
      agent_server_cpu_ms: Math.round(agent.serverCpuMs),
    };
    return {
      rowsPerSecond: { value: total / (manager.elapsedMs / 1000), details: common },
      eventLoop: {
        value: histogram.max / 1e6,
        details: {
          measured_during: 'the manager\u2019s initial sync (monitorEventLoopDelay, 1 ms resolution: the value includes up to 1 ms of timer period)',
          delay_p50_ms: round(histogram.percentile(50) / 1e6),
          delay_p99_ms: round(histogram.percentile(99) / 1e6),
          delay_mean_ms: round(histogram.mean / 1e6),
          ...common,
        },
      },
    };
  });
}

export const benchmarks: Benchmark[] = [
  {
    name: 'sync.initial_rows_per_s',
    unit: 'rows/s',
    target: { op: '>=', value: 50_000 },
    run: async (ctx) => (await initialSync(ctx)).rowsPerSecond,
  },
  {
    name: 'main.event_loop_max_block_ms',
    unit: 'ms',
    target: { op: '<=', value: 50 },
    run: async (ctx) => (await initialSync(ctx)).eventLoop,
  },
];

// The alert engine at scale: the bench replica (50k contacts, 1M events, 20k alerts at scale 1) scored
// through the real engine and its worker thread with the shipped intent models. A full run (every
// contact at the scoring date and at the monthly snapshots that set the budget threshold, reasons for the
// alerts, alert edits through the replica's outbox) and then an incremental run after 40% of the contacts
// changed (the path after sync batches: one scoring date, the stored threshold). Also the longest the
// main thread's event loop was held during both: the worker scores, the main thread only writes (the
// bench's 20k alerts carry random scores, so the full run rewrites most of them: the heaviest write load).
import { statSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startAlertEngine } from '../../electron/alerts/alert-engine.ts';
import { intentModelSpec } from '../../electron/alerts/intent-model-spec.ts';
import { createModelStore } from '../../electron/models/model-store.ts';
import { createReplica } from '../../electron/sync/replica.ts';
import path from 'node:path';
import type { Benchmark, BenchContext } from '../types.ts';

type Measured = {
  contacts: number;
  fullSeconds: number;
  snapshots: number;
  raised: number;
  incrementalSeconds: number;
  maxBlockMs: number;
  p99BlockMs: number;
  fullMaxBlockMs: number;
  incrementalMaxBlockMs: number;
  /** Open alerts whose stored score the full run rewrote (the bench's alerts carry random scores). */
  updated: number;
  /** Size of the WAL file right after the full run: how far its writes grew it (it is cut back once it starts over). */
  walMbAfterFullRun: number;
  fullWorker: Record<string, number>;
  incrementalWorker: Record<string, number>;
};

let cached: { key: string; measured: Promise<Measured> } | null = null;

async function measure(ctx: BenchContext): Promise<Measured> {
  const store = ctx.freshReplica();
  try {
    const brokerageId = (store.sqlite.prepare('SELECT id FROM brokerages ORDER BY id LIMIT 1').get() as { id: string }).id;
    const replica = createReplica(store.sqlite, { nodeId: 'bench-alerts', userId: 'bench-user', brokerageId });
    const spec = intentModelSpec(createModelStore({ dir: path.join(ctx.workDir, 'alert-models') }));
    if (!spec) throw new Error('The shipped intent models are missing (models/intent-*.onnx)');
    const engine = startAlertEngine({ store, sync: { mutate: (edits) => replica.mutate(edits) }, models: () => spec, brokerageId, startWithoutCatchUpMs: -1, log: ctx.log });
    try {
      const fullHistogram = monitorEventLoopDelay({ resolution: 1 });
      fullHistogram.enable();
      const t0 = performance.now();
      const full = await engine.rescoreAll();
      const fullSeconds = (performance.now() - t0) / 1000;
      const walMbAfterFullRun = statSync(`${store.file}-wal`).size / 1e6;
      fullHistogram.disable();
      const histogram = monitorEventLoopDelay({ resolution: 1 });
      // 40% of the contacts changed on the server (more than half would re-derive the threshold: a full
      // run), handed to the engine as the sync engine hands over a stored batch.
      const changed = store.sqlite.prepare('SELECT id FROM contacts WHERE rowid % 5 < 2').pluck().all() as string[];
      store.sqlite.prepare('UPDATE contacts SET updated_at = updated_at WHERE rowid % 5 < 2').run();
      engine.serverChangesApplied('contacts', changed.map((id) => ({ op: 'update', id, row: { id } })));
      histogram.enable();
      const t1 = performance.now();
      const incremental = await engine.rescoreChanged();
      const incrementalSeconds = (performance.now() - t1) / 1000;
      histogram.disable();
      if (!full || !incremental) throw new Error('The alert engine did not run');
      return {
        contacts: incremental.scored,
        fullSeconds,
        snapshots: engine.threshold()?.snapshots ?? 0,
        raised: full.raised,
        incrementalSeconds,
        maxBlockMs: Math.max(histogram.max, fullHistogram.max) / 1e6,
        p99BlockMs: Math.max(histogram.percentile(99), fullHistogram.percentile(99)) / 1e6,
        fullMaxBlockMs: fullHistogram.max / 1e6,
        incrementalMaxBlockMs: histogram.max / 1e6,
        updated: full.updated,
        walMbAfterFullRun,
        fullWorker: full.workerSeconds,
        incrementalWorker: incremental.workerSeconds,
      };
    } finally {
      await engine.close();
    }
  } finally {
    store.close();
  }
}

function measured(ctx: BenchContext): Promise<Measured> {
  const key = `${ctx.scale}:${ctx.seed}:${ctx.workDir}`;
  if (cached?.key !== key) cached = { key, measured: measure(ctx) };
  return cached.measured;
}

const round = (n: number, places = 3) => Math.round(n * 10 ** places) / 10 ** places;

export const benchmarks: Benchmark[] = [
  {
    // The engine's path after sync batches: 40% of the contacts changed, read from SQLite in the worker,
    // scored at one date, alerts written. scoring.contacts_per_s is the same read + score without the engine.
    name: 'alerts.rescore_contacts_per_s',
    unit: 'contacts/s',
    target: { op: '>=', value: 20_000 },
    async run(ctx) {
      const m = await measured(ctx);
      return {
        value: m.contacts / m.incrementalSeconds,
        details: {
          contacts: m.contacts,
          incremental_seconds: round(m.incrementalSeconds),
          full_run_seconds: round(m.fullSeconds),
          full_run_snapshots: m.snapshots,
          full_run_contacts_per_s: Math.round(m.contacts / m.fullSeconds),
          alerts_raised: m.raised,
          ...Object.fromEntries(Object.entries(m.incrementalWorker).map(([step, seconds]) => [`incremental_${step}_s`, round(seconds)])),
          ...Object.fromEntries(Object.entries(m.fullWorker).map(([step, seconds]) => [`full_${step}_s`, round(seconds)])),
        },
      };
    },
  },
  {
    name: 'alerts.event_loop_max_block_ms',
    unit: 'ms',
    target: { op: '<=', value: 50 },
    async run(ctx) {
      const m = await measured(ctx);
      return {
        value: m.maxBlockMs,
        details: { p99_ms: round(m.p99BlockMs), full_run_max_ms: round(m.fullMaxBlockMs), incremental_max_ms: round(m.incrementalMaxBlockMs), alerts_rewritten: m.updated, wal_mb_after_full_run: Math.round(m.walMbAfterFullRun), contacts: m.contacts },
      };
    },
  },
];

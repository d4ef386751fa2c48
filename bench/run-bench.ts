// `roi bench`: runs the benchmarks on deterministic scale data, prints a table and writes a JSON report.
// A missed target is a result, not a failure (exit 0); a crash is (exit 1) — the remaining benchmarks
// still run and the crash is recorded in the report. Usage errors exit 2.
import Database from 'better-sqlite3';
import { constants, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openLocalStore, type LocalStore } from '../electron/store/local-store.ts';
import { loadBenchmarks, selectBenchmarks } from './registry.ts';
import { DEFAULT_CACHE_DIR, DEFAULT_SEED, ensureScaleData, removeDatabaseFiles, type DatasetShape, type ScaleDataset } from './scale-data.ts';
import { meetsTarget, type BenchContext, type BenchMeasurement, type Benchmark, type BenchReport, type BenchResult } from './types.ts';

export const DEFAULT_OUT = fileURLToPath(new URL('./results/latest.json', import.meta.url));

const HELP = `Usage: roi bench [options]

Runs the benchmarks (bench/benchmarks/*.ts) on deterministic scale data (50k contacts, 50k properties,
1M events, 20k alerts at scale 1; generated once, then cached in bench/.cache/), prints a table and
writes a JSON report. Exit code 0 even when a target is missed; 1 when a benchmark crashed.

Options:
  --out FILE         Write the JSON report to FILE (default: bench/results/latest.json)
  --only PREFIX      Run only benchmarks whose name starts with PREFIX (repeatable, or comma-separated)
  --scale N          Dataset size multiplier, 0 < N <= 10 (default 1, or $ROI_BENCH_SCALE)
  --seed N           Dataset seed (default ${DEFAULT_SEED})
  --cache-dir DIR    Where generated datasets are cached (default bench/.cache)
  --list             List the benchmarks and exit
  -h, --help         Show this help`;

export type BenchOptions = {
  out: string;
  only: string[];
  scale: number;
  seed: number;
  cacheDir: string;
  log: (line: string) => void;
};

class UsageError extends Error {}

function parseOptions(argv: string[]): (BenchOptions & { list: boolean }) | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        only: { type: 'string', multiple: true },
        scale: { type: 'string' },
        seed: { type: 'string' },
        'cache-dir': { type: 'string' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const number = (label: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new UsageError(`${label} must be a number, got '${raw}'`);
    return value;
  };
  const scale = number('--scale', values.scale ?? process.env.ROI_BENCH_SCALE, 1);
  if (!(scale > 0 && scale <= 10)) throw new UsageError(`--scale must be in (0, 10], got ${scale}`);
  const seed = number('--seed', values.seed, DEFAULT_SEED);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${seed}`);
  return {
    out: path.resolve(values.out ?? DEFAULT_OUT),
    only: (values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean),
    scale,
    seed,
    cacheDir: path.resolve(values['cache-dir'] ?? DEFAULT_CACHE_DIR),
    list: values.list ?? false,
    log: (line) => console.log(line),
  };
}

function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}

function machineInfo(): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    sqlite: sqliteVersion(),
    // Other work on the machine skews latency percentiles; keep it next to the numbers.
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

/** The per-run resources behind BenchContext: dataset and replica copies are made only when first asked for. */
function createContext(options: BenchOptions) {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'roi-bench-'));
  const opened: LocalStore[] = [];
  const datasets = new Map<string, ScaleDataset>();
  let shared: LocalStore | null = null;
  let copies = 0;

  const getDataset = (shape: DatasetShape = {}): ScaleDataset => {
    const key = JSON.stringify(shape);
    let dataset = datasets.get(key);
    if (!dataset) {
      const t0 = performance.now();
      options.log(`Preparing scale data (scale ${options.scale}, seed ${options.seed}${key === '{}' ? '' : `, ${key}`}) …`);
      dataset = ensureScaleData({ scale: options.scale, seed: options.seed, cacheDir: options.cacheDir, log: options.log, shape });
      const c = dataset.summary.counts;
      options.log(
        `  ${dataset.cached ? 'cached' : 'generated'}: ${c.contacts} contacts, ${c.properties} properties, ${c.events} events, ${c.alerts} alerts (${Math.round(performance.now() - t0)} ms)`,
      );
      datasets.set(key, dataset);
    }
    return dataset;
  };
  const openCopy = (shape?: DatasetShape): LocalStore => {
    const file = path.join(workDir, `replica-${++copies}.sqlite`);
    // A reflink where the filesystem supports it, a plain copy otherwise.
    copyFileSync(getDataset(shape).file, file, constants.COPYFILE_FICLONE);
    const store = openLocalStore(file);
    opened.push(store);
    return store;
  };

  const ctx: BenchContext = {
    scale: options.scale,
    seed: options.seed,
    dataset: getDataset,
    replica: () => (shared ??= openCopy()),
    freshReplica: (shape) => openCopy(shape),
    workDir,
    log: options.log,
  };
  return {
    ctx,
    datasetIfLoaded: () => datasets.get('{}') ?? null,
    dispose() {
      for (const store of opened) {
        try {
          store.close(); // closing twice (a benchmark closed its own copy) throws nothing in better-sqlite3
        } catch {
          // already closed
        }
        removeDatabaseFiles(store.file);
      }
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

async function runOne(benchmark: Benchmark, ctx: BenchContext): Promise<BenchResult> {
  const t0 = performance.now();
  const base = { name: benchmark.name, unit: benchmark.unit, target: benchmark.target };
  try {
    const outcome: number | BenchMeasurement = await benchmark.run(ctx);
    const measurement = typeof outcome === 'number' ? { value: outcome } : outcome;
    if (!Number.isFinite(measurement.value)) throw new Error(`returned a non-finite value: ${measurement.value}`);
    const value = Math.round(measurement.value * 1000) / 1000;
    return {
      ...base,
      value,
      pass: meetsTarget(value, benchmark.target),
      durationMs: Math.round(performance.now() - t0),
      ...(measurement.details ? { details: measurement.details } : {}),
    };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { ...base, value: null, pass: false, durationMs: Math.round(performance.now() - t0), error: message };
  }
}

export function formatTable(results: readonly BenchResult[]): string {
  const rows = [
    ['name', 'value', 'unit', 'target', 'result'],
    ...results.map((r) => [r.name, r.value === null ? '—' : String(r.value), r.unit, `${r.target.op} ${r.target.value}`, r.error ? 'CRASH' : r.pass ? 'pass' : 'FAIL']),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((cell, col) => (col === 1 ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/**
 * A full collection before each benchmark: all benchmarks share this process, and the garbage one leaves
 * (1M scoring events, say) would otherwise be collected inside the next one's measured window — the
 * initial sync's longest main-thread block measured 186 ms that way, against 27–49 ms on a collected heap.
 * (Exposing gc at run time is what jest's leak detector does.)
 */
let gc: (() => void) | undefined;
function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** Runs the selected benchmarks and returns the report (also written to options.out). */
export async function runBenchmarks(benchmarks: readonly Benchmark[], options: BenchOptions): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const machine = machineInfo(); // before the run, so the load average is the machine's, not ours
  const context = createContext(options);
  const results: BenchResult[] = [];
  try {
    for (const benchmark of benchmarks) {
      collectGarbage();
      options.log(`Running ${benchmark.name} …`);
      const result = await runOne(benchmark, context.ctx);
      if (result.error) options.log(`  crashed: ${result.error}`);
      results.push(result);
    }
    const dataset = context.datasetIfLoaded();
    const report: BenchReport = {
      startedAt,
      finishedAt: new Date().toISOString(),
      scale: options.scale,
      seed: options.seed,
      machine,
      dataset: dataset ? { ...dataset.summary, cached: dataset.cached } : null,
      results,
    };
    mkdirSync(path.dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    context.dispose();
  }
}

export async function runBenchCommand(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`roi bench: ${error.message}\n\n${HELP}`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    console.log(HELP);
    return 0;
  }
  const all = await loadBenchmarks();
  if (options.list) {
    for (const b of all) console.log(`${b.name}  (${b.unit}, target ${b.target.op} ${b.target.value})`);
    return 0;
  }
  const selected = selectBenchmarks(all, options.only);
  if (selected.length === 0) {
    console.error(`roi bench: no benchmark matches ${options.only.map((p) => `'${p}'`).join(', ')}. Known: ${all.map((b) => b.name).join(', ')}`);
    return 2;
  }
  const report = await runBenchmarks(selected, options);
  console.log(`\n${formatTable(report.results)}\n`);
  console.log(`Report written to ${path.relative(process.cwd(), options.out) || options.out}`);
  return report.results.some((r) => r.error) ? 1 : 0;
}

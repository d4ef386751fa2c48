// The contract between the bench harness (run-bench.ts) and each benchmark (bench/benchmarks/*.ts).
// A benchmark is a file exporting `benchmark` (or `benchmarks`, a list) of this shape; the harness
// finds it by listing the directory, so adding a benchmark never touches shared code.
import type { LocalStore } from '../electron/store/local-store.ts';
import type { DatasetShape, ScaleDataset } from './scale-data.ts';

export type TargetOp = '<=' | '>=';
export type BenchTarget = { op: TargetOp; value: number };

/** A measured value, optionally with diagnostics that go into the JSON (not the table). */
export type BenchMeasurement = { value: number; details?: Record<string, number | string> };

export type BenchContext = {
  /** Multiplier of the dataset sizes: 1 = the sizes the product targets are stated for. */
  scale: number;
  seed: number;
  /**
   * The cached scale dataset, generated on first use; `shape` changes row counts for a benchmark stated
   * for other proportions. Its file is the pristine cache: never write to it.
   */
  dataset(shape?: DatasetShape): ScaleDataset;
  /**
   * A replica opened (through the app's own openLocalStore) on this run's working copy of the dataset,
   * shared by the run's benchmarks and closed by the harness. Benchmarks that write should use
   * freshReplica() so they do not disturb the others.
   */
  replica(): LocalStore;
  /** A private working copy of the dataset (of that shape); the caller closes it (the harness deletes the files). */
  freshReplica(shape?: DatasetShape): LocalStore;
  /** Scratch directory of this run, deleted at the end. */
  workDir: string;
  log(line: string): void;
};

export type Benchmark = {
  /** Dotted name, area first (`local.`, `sync.`, `scoring.` …): `--only <prefix>` selects by it. */
  name: string;
  unit: string;
  target: BenchTarget;
  run(ctx: BenchContext): number | BenchMeasurement | Promise<number | BenchMeasurement>;
};

export type BenchResult = {
  name: string;
  /** null when the benchmark crashed (see error). */
  value: number | null;
  unit: string;
  target: BenchTarget;
  pass: boolean;
  durationMs: number;
  details?: Record<string, number | string>;
  error?: string;
};

export type BenchReport = {
  startedAt: string;
  finishedAt: string;
  scale: number;
  seed: number;
  machine: Record<string, string | number>;
  dataset: (ScaleDataset['summary'] & { cached: boolean }) | null;
  results: BenchResult[];
};

export function meetsTarget(value: number, target: BenchTarget): boolean {
  return target.op === '<=' ? value <= target.value : value >= target.value;
}

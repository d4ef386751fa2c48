// Timing helpers shared by benchmarks: run a function many times and summarise the latencies.

export type LatencySummary = { n: number; mean: number; p50: number; p95: number; p99: number; max: number };

/** Nearest-rank percentile of an ascending-sorted list (p in 0…100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  return { n: sorted.length, mean, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1]! };
}

/**
 * Calls `fn(i)` `warmup` times untimed (JIT, statement caches and SQLite's page cache settle), then
 * `runs` times timed with performance.now(); returns the timed latencies in milliseconds.
 */
export function timeRuns(fn: (i: number) => unknown, options: { warmup: number; runs: number }): number[] {
  for (let i = 0; i < options.warmup; i++) fn(i);
  const samples = new Array<number>(options.runs);
  for (let i = 0; i < options.runs; i++) {
    const start = performance.now();
    fn(i);
    samples[i] = performance.now() - start;
  }
  return samples;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** A summary as benchmark details (rounded to microseconds). */
export function latencyDetails(summary: LatencySummary): Record<string, number> {
  return { samples: summary.n, mean_ms: round3(summary.mean), p50_ms: round3(summary.p50), p95_ms: round3(summary.p95), p99_ms: round3(summary.p99), max_ms: round3(summary.max) };
}

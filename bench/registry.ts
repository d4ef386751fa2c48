// Finds the benchmarks: every bench/benchmarks/*.ts (tests excluded) exporting `benchmark` or
// `benchmarks`. Listing the directory instead of keeping a hand-written index means a new benchmark is
// one new file, and two people adding benchmarks never edit the same line.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark } from './types.ts';

export const BENCHMARKS_DIR = fileURLToPath(new URL('./benchmarks', import.meta.url));

const NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

// Where a benchmark's name here differs from the one its issue states (README "Benchmarks" has the table):
//   issue 4 `main.event_loop_max_block_ms` (main thread while scoring) → `alerts.event_loop_max_block_ms`
//     (the main thread during the alert engine's full and incremental rescoring; the app scores in a worker,
//     and `main.event_loop_max_block_ms` is the sync benchmark's name).
//   issue 4 `scoring.contacts_per_s` (features from SQLite + 4 models) keeps its name; the older in-memory
//     figure (no SQLite) is `scoring.in_memory_contacts_per_s`.

function isBenchmark(value: unknown): value is Benchmark {
  if (typeof value !== 'object' || value === null) return false;
  const b = value as Partial<Benchmark>;
  return (
    typeof b.name === 'string' &&
    typeof b.unit === 'string' &&
    typeof b.run === 'function' &&
    typeof b.target === 'object' &&
    b.target !== null &&
    (b.target.op === '<=' || b.target.op === '>=') &&
    Number.isFinite(b.target.value)
  );
}

export async function loadBenchmarks(dir: string = BENCHMARKS_DIR): Promise<Benchmark[]> {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
    .sort();
  const found: Benchmark[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(dir, file)).href)) as { benchmark?: unknown; benchmarks?: unknown };
    const exported = [...(module.benchmark === undefined ? [] : [module.benchmark]), ...(Array.isArray(module.benchmarks) ? module.benchmarks : [])];
    if (exported.length === 0) throw new Error(`bench/benchmarks/${file} exports neither 'benchmark' nor 'benchmarks'`);
    for (const candidate of exported) {
      if (!isBenchmark(candidate)) throw new Error(`bench/benchmarks/${file} exports something that is not a benchmark ({ name, unit, target: { op, value }, run })`);
      if (!NAME.test(candidate.name)) throw new Error(`Benchmark name '${candidate.name}' (${file}) must be dotted lower_snake_case, e.g. local.inbox_query_p95_ms`);
      if (found.some((b) => b.name === candidate.name)) throw new Error(`Two benchmarks are named '${candidate.name}'`);
      found.push(candidate);
    }
  }
  return found;
}

/** Benchmarks whose name starts with any of the prefixes (all of them when there is none). */
export function selectBenchmarks(all: readonly Benchmark[], prefixes: readonly string[]): Benchmark[] {
  if (prefixes.length === 0) return [...all];
  return all.filter((b) => prefixes.some((prefix) => b.name.startsWith(prefix)));
}

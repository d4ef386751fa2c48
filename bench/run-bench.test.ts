// The bench harness on a tiny dataset: options, report shape, selection, crash handling and caching.
// No timing assertions — numbers from a shared CI machine are reported, never asserted.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadBenchmarks, selectBenchmarks } from './registry.ts';
import { formatTable, runBenchCommand, runBenchmarks } from './run-bench.ts';
import type { Benchmark, BenchReport } from './types.ts';

let dir: string;
const SCALE = '0.01';

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'roi-bench-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function quiet() {
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
  return out;
}

const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as BenchReport;

describe('roi bench', () => {
  // Every benchmark for real, at 1% scale: the sync ones start a server process on a throw-away database.
  it('runs every registered benchmark on scaled-down data and writes the report', { timeout: 240_000 }, async () => {
    const out = quiet();
    const file = path.join(dir, 'all.json');
    const code = await runBenchCommand(['--scale', SCALE, '--cache-dir', path.join(dir, 'cache'), '--out', file]);
    expect(code, out.join('\n')).toBe(0);

    const report = readReport(file);
    expect(Date.parse(report.startedAt)).not.toBeNaN();
    expect(report.scale).toBe(0.01);
    expect(report.machine).toMatchObject({ cores: expect.any(Number), node: process.version, sqlite: expect.any(String) });
    expect(report.dataset).toMatchObject({ cached: false, counts: { contacts: 500, properties: 500, events: 10_000, alerts: 200, brokerages: 2 } });
    const names = report.results.map((r) => r.name);
    expect(names).toContain('local.inbox_query_p95_ms');
    for (const result of report.results) {
      expect(result).toMatchObject({
        name: expect.any(String),
        value: expect.any(Number),
        unit: expect.any(String),
        target: { op: expect.stringMatching(/^(<=|>=)$/), value: expect.any(Number) },
        pass: expect.any(Boolean),
      });
      expect(result.error).toBeUndefined();
    }
    const inbox = report.results.find((r) => r.name === 'local.inbox_query_p95_ms')!;
    expect(inbox.details).toMatchObject({ samples: 1000 });
    expect(Number(inbox.details!.rows_returned)).toBeGreaterThan(0);
    // The table names every benchmark with its verdict.
    const printed = out.join('\n');
    for (const name of names) expect(printed).toMatch(new RegExp(`${name.replace(/\./g, '\\.')}\\s.*(pass|FAIL)`));
  });

  it('--only selects by prefix and reuses the cached dataset', async () => {
    quiet();
    const file = path.join(dir, 'only.json');
    const code = await runBenchCommand(['--scale', SCALE, '--cache-dir', path.join(dir, 'cache'), '--out', file, '--only', 'local.inbox_query']);
    expect(code).toBe(0);
    const report = readReport(file);
    expect(report.results.map((r) => r.name)).toEqual(['local.inbox_query_p95_ms']);
    expect(report.dataset?.cached).toBe(true);
  });

  it('answers --help and rejects bad options and unknown prefixes with exit code 2', async () => {
    const out = quiet();
    expect(await runBenchCommand(['--help'])).toBe(0);
    expect(out.join('\n')).toMatch(/--out FILE/);
    expect(await runBenchCommand(['--scale', 'lots'])).toBe(2);
    expect(await runBenchCommand(['--scale', '0'])).toBe(2);
    expect(await runBenchCommand(['--bogus'])).toBe(2);
    expect(await runBenchCommand(['--only', 'nothing.like.this'])).toBe(2);
  });

  it('records a crashing benchmark, still runs the others, and reports a missed target as FAIL', async () => {
    quiet();
    const crashing: Benchmark = { name: 'test.crash', unit: 'ms', target: { op: '<=', value: 1 }, run: () => { throw new Error('boom'); } };
    const missed: Benchmark = { name: 'test.missed', unit: 'rows/s', target: { op: '>=', value: 100 }, run: () => ({ value: 42, details: { note: 'x' } }) };
    const file = path.join(dir, 'crash.json');
    const report = await runBenchmarks([crashing, missed], { out: file, only: [], scale: 0.01, seed: 1, cacheDir: path.join(dir, 'cache'), log: () => {} });
    expect(report.results[0]).toMatchObject({ name: 'test.crash', value: null, pass: false, error: expect.stringContaining('boom') });
    expect(report.results[1]).toMatchObject({ name: 'test.missed', value: 42, pass: false, details: { note: 'x' } });
    expect(report.dataset).toBeNull(); // nobody asked for the dataset, so none was generated
    expect(readReport(file).results).toHaveLength(2);
    const table = formatTable(report.results);
    expect(table).toMatch(/test\.crash\s.*CRASH/);
    expect(table).toMatch(/test\.missed\s+42\s+rows\/s\s+>= 100\s+FAIL/);
  });
});

describe('registry', () => {
  it('loads uniquely named benchmarks with valid targets', async () => {
    const all = await loadBenchmarks();
    expect(all.length).toBeGreaterThan(0);
    expect(new Set(all.map((b) => b.name)).size).toBe(all.length);
    expect(selectBenchmarks(all, ['local.']).length).toBeGreaterThan(0);
    expect(selectBenchmarks(all, [])).toHaveLength(all.length);
  });
});

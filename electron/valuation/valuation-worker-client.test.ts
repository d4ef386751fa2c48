// Closing the valuation worker (sign-out, a revoked device, quitting) while it values a batch. The real
// worker, the shipped AVM and onnxruntime run in a child process: terminating the thread inside a model
// run aborts the process it runs in, which inside vitest would take the test runner down with it.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('valuation worker close', () => {
  it('lets a batch in progress finish or fail cleanly instead of aborting the process', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'electron/valuation/testing/close-mid-batch.ts', '6'], { encoding: 'utf8', timeout: 120_000 });
    // With the earlier close (terminate() at once), these 6 closes spread over a batch aborted the child in 3 runs of 3.
    expect({ signal: child.signal, status: child.status, stderr: child.stderr.slice(-2000) }).toEqual({ signal: null, status: 0, stderr: '' });
    const summary = JSON.parse(child.stdout) as { outcomes: string[]; logs: string[] };
    expect(summary.outcomes).toHaveLength(6);
    for (const outcome of summary.outcomes) expect(outcome).toMatch(/^(valued 6000|failed: The valuation worker stopped; it restarts with the next valuation\.) \(closed in \d+ ms\)$/);
    expect(summary.logs.filter((line) => /terminated|exited with code/.test(line))).toEqual([]);
  }, 150_000);
});

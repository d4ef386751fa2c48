// Starts a second app (browser mode, its own replica and session) against a given sync server, in a child
// process of its own: app-host-main.ts. Use it beside startStack() for a second signed-in device, or to put
// a fault proxy between an app and the stack's server. The renderer must already be built (startStack
// builds it).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppHostConfig } from './app-host-main.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type RunningApp = { appUrl: string; dataDir: string; output: () => string; stop(): Promise<number | null> };

export async function startApp(options: { serverUrl: string; statusIntervalMs?: number }, timeoutMs = 60_000): Promise<RunningApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'roi-app-'));
  const config: AppHostConfig = { dataDir, ...options };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/support/app-host-main.ts'), JSON.stringify(config)], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const appUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not become ready in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout.on('data', () => {
      const ready = /App \(browser mode\) on (http:\/\/\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the app exited early (${code}):\n${output}`));
    });
  });

  return {
    appUrl,
    dataDir,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGINT');
      }),
  };
}

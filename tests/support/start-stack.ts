// Starts what `npm start` starts (`roi start`), on free ports and a throwaway data directory, and waits
// until it prints the URLs it serves.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type RunningStack = { appUrl: string; serverUrl: string; dataDir: string; output: () => string; stop(): Promise<number | null> };

export async function startStack(extraArgs: string[] = [], timeoutMs = 90_000): Promise<RunningStack> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'roi-stack-'));
  const child: ChildProcess = spawn(
    process.execPath,
    ['bin/roi.mjs', 'start', '--browser', '--server-port', '0', '--app-port', '0', '--data-dir', dataDir, ...extraArgs],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const urls = await new Promise<{ appUrl: string; serverUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`roi start did not become ready in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      const server = /Sync server on (http:\/\/\S+)/.exec(output);
      const app = /App \(browser mode\) on (http:\/\/\S+)/.exec(output);
      if (server && app) {
        clearTimeout(timer);
        resolve({ serverUrl: server[1]!, appUrl: app[1]! });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`roi start exited early (${code}):\n${output}`));
    });
  });

  return {
    ...urls,
    dataDir,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code, signal) => {
          // Ended by a signal (a crash on the way out): say which, with the end of what it printed.
          if (code === null) console.warn(`roi start ended by ${signal}; its last output:\n${output.slice(-3000)}`);
          resolve(code);
        });
        child.kill('SIGINT');
      }),
  };
}

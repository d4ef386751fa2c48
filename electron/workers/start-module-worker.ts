// Starts a worker thread on one of our modules. Under Electron the main process runs compiled JavaScript
// and the worker is the compiled .js file; in development, browser mode and tests (TypeScript through tsx
// or vitest) the thread first registers tsx's loader, then imports the .ts entry — the way bin/roi.mjs
// starts the CLI.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The URL of module `baseName` in the caller's folder, with the caller's extension (.ts or .js). */
export function siblingModuleUrl(callerUrl: string, baseName: string): string {
  const caller = fileURLToPath(callerUrl);
  return pathToFileURL(path.join(path.dirname(caller), `${baseName}${path.extname(caller)}`)).href;
}

export function startModuleWorker(moduleUrl: string, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (!moduleUrl.endsWith('.ts')) return new Worker(new URL(moduleUrl), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `(async () => { (await import(${JSON.stringify(tsx)})).register(); await import(${JSON.stringify(moduleUrl)}); })();`;
  return new Worker(bootstrap, { ...options, eval: true });
}

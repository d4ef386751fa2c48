// `roi start` (what `npm start` runs): the sync server on embedded Postgres with the demo brokerage, plus
// the app — Electron where its binary exists, otherwise browser mode (same services, served on loopback).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAppServices } from '../electron/app-services.ts';
import { startBrowserHost } from '../electron/host/browser-host.ts';
import { openSecretStore } from '../electron/secrets/keytar-secret-store.ts';
import { createSyncServer } from '../sync-server/server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');

const HELP = `Usage: roi start [options]

Starts the sync server and the app. With no DATABASE_URL the server runs on embedded Postgres (PGlite)
in the data directory and seeds the demo brokerages.

Options:
  --server-port N   sync server port (env ROI_SERVER_PORT, default 7300)
  --app-port N      browser-mode app port (env ROI_APP_PORT, default 7310)
  --data-dir DIR    where the server database and the app's replica live (env ROI_DATA_DIR, default ./.data)
  --browser         use browser mode even where Electron is installed
  --demo            seed the demo brokerages into DATABASE_URL too (always done on the embedded default)
  -h, --help        show this help`;

function portOption(value: string | undefined, env: string | undefined, fallback: number, name: string): number {
  const raw = value ?? env ?? String(fallback);
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number (0-65535), got '${raw}'.`);
  return port;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the renderer when dist/ is missing or older than its sources (a fresh clone, or after an edit). */
async function ensureRendererBuilt(log: (message: string) => void): Promise<void> {
  const index = path.join(RENDERER_DIR, 'index.html');
  const sources = Math.max(newestMtime(path.join(ROOT, 'renderer')), newestMtime(path.join(ROOT, 'electron', 'ipc')), statSync(path.join(ROOT, 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  log('Building the app (first start or sources changed)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
}

/** Builds the sync server's web console (dist/console, served at /console) when missing or older than its sources. */
async function ensureConsoleBuilt(log: (message: string) => void): Promise<void> {
  const index = path.join(ROOT, 'dist', 'console', 'index.html');
  const sources = Math.max(newestMtime(path.join(ROOT, 'sync-server', 'console', 'web')), statSync(path.join(ROOT, 'vite.console.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  log('Building the web console (first start or sources changed)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'vite.console.config.ts'), logLevel: 'warn' });
}

/** The Electron binary if it was downloaded (never triggers a download, unlike require('electron')). */
export function findElectronBinary(): string | null {
  const packageDir = path.join(ROOT, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

export async function runStartCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'server-port': { type: 'string' },
      'app-port': { type: 'string' },
      'data-dir': { type: 'string' },
      browser: { type: 'boolean', default: false },
      demo: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const log = (message: string) => console.log(`[roi] ${message}`);
  const serverPort = portOption(values['server-port'], process.env.ROI_SERVER_PORT, 7300, '--server-port');
  const appPort = portOption(values['app-port'], process.env.ROI_APP_PORT, 7310, '--app-port');
  const dataDir = path.resolve(values['data-dir'] ?? process.env.ROI_DATA_DIR ?? path.join(process.cwd(), '.data'));
  const databaseUrl = process.env.DATABASE_URL || undefined;

  const started = Date.now();
  // One vite build at a time: the console after the renderer (the server serves it once it exists).
  const rendererBuild = ensureRendererBuilt(log).then(() => ensureConsoleBuilt(log));
  const server = await createSyncServer({
    databaseUrl,
    dataDir: path.join(dataDir, 'server'),
    port: serverPort,
    demo: !databaseUrl || values.demo,
    logger: false,
  });
  log(`Sync server on ${server.url} (${server.database.kind}${databaseUrl ? '' : `, data in ${path.join(dataDir, 'server')}`})`);
  await rendererBuild;
  log(`Web console on ${server.url}/console (admin@roidesk.test / demo-admin-1 on the demo data)`);

  const stops: Array<() => Promise<void>> = [() => server.close()];
  const stop = async () => {
    for (const close of stops.reverse()) await close().catch((error: unknown) => console.error(error));
  };

  const electron = values.browser ? null : findElectronBinary();
  if (electron && (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY)) {
    const mainEntry = path.join(ROOT, 'dist', 'electron', 'main', 'index.js');
    log('Building the Electron main process…');
    execFileSync(process.execPath, [path.join(ROOT, 'bin', 'build-electron.mjs')], { stdio: 'inherit' });
    const child = spawn(electron, [mainEntry], { stdio: 'inherit', env: { ...process.env, ROI_SERVER_URL: server.url } });
    log(`Electron started (${((Date.now() - started) / 1000).toFixed(1)} s). Close its window or press Ctrl-C to stop.`);
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      process.once('SIGINT', () => child.kill('SIGTERM'));
      process.once('SIGTERM', () => child.kill('SIGTERM'));
    });
    await stop();
    return 0;
  }

  log(electron ? 'No display: using browser mode.' : 'Electron binary not present on this machine: using browser mode.');
  const { store: secrets, reason } = await openSecretStore('ROI Desk');
  if (reason) log(reason);
  const services = await createAppServices({ dataDir: path.join(dataDir, 'app'), serverUrl: server.url, shell: 'browser', secrets, log });
  stops.push(() => services.close());
  const host = await startBrowserHost({ services, rendererDir: RENDERER_DIR, port: appPort, serverUrl: server.url, log });
  stops.push(() => host.close());
  log(`App (browser mode) on ${host.url} — ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  log('Demo sign-in: avery@cascade.test / demo-password-1 (more in the README). Press Ctrl-C to stop.');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  log('Stopping…');
  await stop();
  log('Stopped.');
  // Everything we own is closed; a handle some library keeps (a worker thread, a timer) must not keep a
  // stopped app running, so the process is ended if it has not exited by itself shortly after.
  setTimeout(() => process.exit(0), 2_000).unref();
  return 0;
}

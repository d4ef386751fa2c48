// The app alone in browser mode (what `roi start` runs after its sync server), against a sync server given
// on the command line, for tests that need a second device or a network they can cut between app and
// server. Started by start-app.ts:
//
//   node --import tsx tests/support/app-host-main.ts '{"dataDir": "...", "serverUrl": "http://127.0.0.1:7300"}'
//
// Prints "App (browser mode) on <url>" when ready; SIGINT/SIGTERM close the services and exit.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppServices } from '../../electron/app-services.ts';
import { startBrowserHost } from '../../electron/host/browser-host.ts';
import { createMemorySecretStore } from '../../electron/secrets/secret-store.ts';

export type AppHostConfig = { dataDir: string; serverUrl: string; statusIntervalMs?: number };

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const config = JSON.parse(process.argv[2] ?? '{}') as AppHostConfig;
const log = (message: string) => console.log(`[app] ${message}`);

// A test device keeps no session across runs: an in-memory secret store, never the OS keychain.
const services = await createAppServices({
  dataDir: config.dataDir,
  serverUrl: config.serverUrl,
  shell: 'browser',
  secrets: createMemorySecretStore(),
  log,
  ...(config.statusIntervalMs !== undefined ? { statusIntervalMs: config.statusIntervalMs } : {}),
});
const host = await startBrowserHost({ services, rendererDir: path.join(ROOT, 'dist', 'renderer'), port: 0, serverUrl: config.serverUrl, log });
log(`App (browser mode) on ${host.url}`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await host.close().catch((error: unknown) => console.error(error));
  await services.close().catch((error: unknown) => console.error(error));
  log('Stopped.');
  // As `roi start`: a handle a library keeps (a worker, a timer) must not keep a stopped app running.
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

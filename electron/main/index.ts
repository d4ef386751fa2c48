// Electron's entry point (package.json "main" → dist/electron/main/index.js). It only joins the real
// services to the shell; everything it calls is tested with fakes in __tests__/.
import { fileURLToPath } from 'node:url';
import { createAppServices } from '../app-services.ts';
import { openSecretStore } from '../secrets/keytar-secret-store.ts';
import { PRODUCT_NAME, startShell } from './lifecycle.ts';
import { resolveAppPaths } from './paths.ts';

const log = (message: string) => console.log(`[roi-desk] ${message}`);

// Called synchronously while the entry module evaluates: the single-instance lock, the app:// scheme and
// the open-url listener must all be in place before Electron emits `ready`.
startShell({
  paths: resolveAppPaths(fileURLToPath(import.meta.url)),
  env: process.env,
  argv: process.argv,
  platform: process.platform,
  signals: process,
  log,
  async openServices({ dataDir, serverUrl, notifier, log: serviceLog }) {
    // Same keychain service name as browser mode, so both shells find a remembered session.
    const { store, reason } = await openSecretStore(PRODUCT_NAME);
    if (reason) serviceLog(reason);
    return createAppServices({ dataDir, serverUrl, shell: 'electron', secrets: store, notifier, log: serviceLog });
  },
});

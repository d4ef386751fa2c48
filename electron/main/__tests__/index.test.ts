// The entry point only joins the real services to the shell; this checks that joint with the services
// and the keychain replaced, so no database or keychain is touched.
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { resolveAppPaths } from '../paths.ts';
import { app, BrowserWindow, resetFakeElectron } from './fake-electron.ts';

vi.mock('electron', () => import('./fake-electron.ts'));

const mocks = vi.hoisted(() => {
  const secrets = { kind: 'memory' as const, get: async () => null, set: async () => {}, delete: async () => {} };
  return {
    secrets,
    openSecretStore: vi.fn(async (_service: string) => ({ store: secrets, reason: 'OS keychain unavailable (test); sessions will not be remembered.' })),
    createAppServices: vi.fn(async (_options: unknown) => ({ handlers: {}, onEvent: () => () => {}, store: () => null, close: async () => {} })),
  };
});
vi.mock('../../app-services.ts', () => ({ createAppServices: mocks.createAppServices }));
vi.mock('../../secrets/keytar-secret-store.ts', () => ({ openSecretStore: mocks.openSecretStore }));

// startShell turns SIGINT/SIGTERM into app.quit(); that must not capture this test process's signals.
const once = vi.spyOn(process, 'once').mockImplementation(() => process);
afterAll(() => once.mockRestore());

describe('electron/main/index.ts', () => {
  it('starts the shell with Electron services, the OS keychain and userData', async () => {
    resetFakeElectron();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.stubEnv('ROI_SERVER_URL', 'http://sync.cascade.test:7300');
    await import('../index.ts');
    app.fireReady();
    await vi.waitFor(() => expect(mocks.createAppServices).toHaveBeenCalled());

    expect(mocks.openSecretStore).toHaveBeenCalledWith('ROI Desk');
    expect(mocks.createAppServices).toHaveBeenCalledWith({
      dataDir: path.join('/home/agent/.config', 'ROI Desk'),
      serverUrl: 'http://sync.cascade.test:7300',
      shell: 'electron',
      secrets: mocks.secrets,
      notifier: expect.objectContaining({ show: expect.any(Function) }),
      log: expect.any(Function),
    });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('OS keychain unavailable'));
    expect(BrowserWindow.instances).toHaveLength(1);
    expect(once).toHaveBeenCalledWith('SIGTERM', expect.any(Function));
    log.mockRestore();
    vi.unstubAllEnvs();
  });

  it('finds the renderer and the CommonJS preload beside the main bundle', () => {
    expect(resolveAppPaths('/opt/ROI Desk/resources/app.asar/dist/electron/main/index.js')).toEqual({
      rendererDir: '/opt/ROI Desk/resources/app.asar/dist/renderer',
      preloadPath: '/opt/ROI Desk/resources/app.asar/dist/electron/preload/index.cjs',
    });
  });
});

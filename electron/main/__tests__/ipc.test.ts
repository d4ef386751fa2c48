import type { BrowserWindow as ElectronWindow, WebContents } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { OperationHandlers } from '../../ipc/contract.ts';
import { unavailableHandlers } from '../../ipc/testing/unavailable-handlers.ts';
import { AppError } from '../../ipc/errors.ts';
import { OPERATION_NAMES } from '../../ipc/operations.ts';
import { EVENT_CHANNEL, isTrustedSender, registerIpcHandlers, sendEvent } from '../ipc.ts';
import { BrowserWindow, FakeWebContents, FakeWebFrame, ipcMain, resetFakeElectron } from './fake-electron.ts';

vi.mock('electron', () => import('./fake-electron.ts'));

const session = {
  user: { id: 'u1', brokerageId: 'b1', role: 'agent' as const, name: 'Avery Quinn', email: 'avery@cascade.test' },
  deviceId: 'd1',
  serverUrl: 'http://127.0.0.1:7300',
  offline: false,
};

const noProperty = async (): Promise<never> => {
  throw new AppError('not_found', 'There is no such property on this device.');
};

function fakeHandlers(): OperationHandlers {
  return {
    ...unavailableHandlers(),
    getAppInfo: vi.fn(async () => ({ version: '0.1.0', shell: 'electron' as const, serverUrl: 'http://127.0.0.1:7300', platform: 'linux', keychainAvailable: true })),
    getSession: vi.fn(async () => session),
    signIn: vi.fn(async () => session),
    signOut: vi.fn(async () => ({ pendingChangesKept: 0 })),
    getSyncStatus: vi.fn(async () => ({ online: true, pendingChanges: 0, failedChanges: 0, lastSyncAt: null, error: null, catchUp: null })),
    listRejectedChanges: vi.fn(async () => []),
    dismissRejectedChange: vi.fn(async () => ({ dismissed: false })),
    listProperties: vi.fn(async () => ({ total: 0, items: [] })),
    getProperty: vi.fn(noProperty),
    updatePropertyFacts: vi.fn(noProperty),
    revalueProperty: vi.fn(noProperty),
    analyzeRefinance: vi.fn(async () => null),
    createMaintenanceTask: vi.fn(noProperty),
  };
}

let window: BrowserWindow | null;
let handlers: OperationHandlers;
const log = vi.fn();

/** An invoke event as Electron builds it: the sending webContents and the frame that called. */
const invokeEvent = (sender: FakeWebContents, frameUrl: string | null, parent: FakeWebFrame | null = null) => {
  const senderFrame = frameUrl === null ? null : Object.assign(new FakeWebFrame(frameUrl), { parent });
  return { sender, senderFrame };
};

const call = (channel: string, event: unknown, input?: unknown) => {
  const handler = ipcMain.handlers.get(channel);
  if (!handler) throw new Error(`no handler on ${channel}`);
  return handler(event, input);
};

beforeEach(() => {
  resetFakeElectron();
  log.mockClear();
  window = new BrowserWindow({});
  handlers = fakeHandlers();
  registerIpcHandlers({ handlers: async () => handlers, window: () => window as unknown as ElectronWindow, log });
});

describe('IPC registration', () => {
  it('registers one roi:<operation> channel per operation and nothing else', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(OPERATION_NAMES.map((name) => `roi:${name}`).sort());
  });

  it('removes every handler when disposed', () => {
    resetFakeElectron();
    const dispose = registerIpcHandlers({ handlers: async () => handlers, window: () => null, log });
    expect(ipcMain.handlers.size).toBe(OPERATION_NAMES.length);
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });
});

describe('sender check', () => {
  it('serves the top frame of our window on app://roi', async () => {
    const result = await call('roi:getSession', invokeEvent(window!.webContents, 'app://roi/index.html'));
    expect(result).toEqual({ ok: true, value: session });
    expect(handlers.getSession).toHaveBeenCalled();
  });

  it.each([
    ['a foreign origin', 'https://evil.example/'],
    ['another app host', 'app://evil/index.html'],
    ['a file: page', 'file:///tmp/evil.html'],
    ['a data: page', 'data:text/html,<script>1</script>'],
  ])('refuses %s with a forbidden envelope', async (_what, url) => {
    const result = await call('roi:signIn', invokeEvent(window!.webContents, url), { email: 'avery@cascade.test', password: 'x' });
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('signIn') } });
    expect(handlers.signIn).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringContaining(url.slice(0, 20)));
  });

  it('refuses a subframe, even one on app://roi', async () => {
    const parent = new FakeWebFrame('app://roi/index.html');
    const result = await call('roi:getSession', invokeEvent(window!.webContents, 'app://roi/embedded.html', parent));
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses another webContents and a destroyed frame', async () => {
    const other = new FakeWebContents();
    expect(await call('roi:getSession', invokeEvent(other, 'app://roi/index.html'))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call('roi:getSession', invokeEvent(window!.webContents, null))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses every caller while no window is open', async () => {
    const sender = window!.webContents;
    window = null;
    expect(await call('roi:getSession', invokeEvent(sender, 'app://roi/index.html'))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('checks the sender the same way as a plain predicate', () => {
    const win = window as unknown as ElectronWindow;
    const trusted = invokeEvent(window!.webContents, 'app://roi/index.html') as unknown as Parameters<typeof isTrustedSender>[0];
    expect(isTrustedSender(trusted, win)).toBe(true);
    window!.destroyed = true;
    expect(isTrustedSender(trusted, win)).toBe(false);
  });
});

describe('dispatch through IPC', () => {
  const trusted = () => invokeEvent(window!.webContents, 'app://roi/index.html');

  it('returns invalid_input for input that fails the contract, without calling the handler', async () => {
    const result = await call('roi:signIn', trusted(), { email: 'not-an-email', password: '' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(handlers.signIn).not.toHaveBeenCalled();
    expect(await call('roi:signIn', trusted(), 'just a string')).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('passes validated (normalised) input to the handler', async () => {
    await call('roi:signIn', trusted(), { email: '  Avery@Cascade.test ', password: 'demo-password-1' });
    expect(handlers.signIn).toHaveBeenCalledWith({ email: 'avery@cascade.test', password: 'demo-password-1' });
  });

  it("carries an AppError's code, and hides other errors behind internal (logged)", async () => {
    vi.mocked(handlers.signIn).mockRejectedValueOnce(new AppError('invalid_credentials', 'Wrong email or password.'));
    expect(await call('roi:signIn', trusted(), { email: 'a@b.test', password: 'x' })).toEqual({
      ok: false,
      error: { code: 'invalid_credentials', message: 'Wrong email or password.' },
    });

    vi.mocked(handlers.getSyncStatus).mockRejectedValueOnce(new Error('SQLITE_BUSY: database is locked'));
    const result = await call('roi:getSyncStatus', trusted());
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('SQLITE_BUSY');
    expect(log).toHaveBeenCalledWith(expect.stringContaining('SQLITE_BUSY'));
  });

  it('waits for the services, and reports internal if they failed to start', async () => {
    resetFakeElectron();
    registerIpcHandlers({ handlers: () => Promise.reject(new Error('disk full')), window: () => window as unknown as ElectronWindow, log });
    const result = await call('roi:getSession', trusted());
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('disk full'));
  });
});

describe('events to the renderer', () => {
  it('sends { event, payload } on the event channel', () => {
    const contents = new FakeWebContents();
    sendEvent(contents as unknown as WebContents, 'openAlert', { alertId: 'a1' });
    expect(EVENT_CHANNEL).toBe('roi:event');
    expect(contents.send).toHaveBeenCalledWith('roi:event', { event: 'openAlert', payload: { alertId: 'a1' } });
  });

  it('skips a destroyed webContents', () => {
    const contents = new FakeWebContents();
    contents.destroyed = true;
    sendEvent(contents as unknown as WebContents, 'sessionChanged', null);
    expect(contents.send).not.toHaveBeenCalled();
  });
});

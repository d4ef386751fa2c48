import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RendererApi } from '../../ipc/contract.ts';
import { EVENT_NAMES, OPERATION_NAMES } from '../../ipc/operations.ts';

// The preload runs in Electron's sandboxed renderer; here 'electron' is a stand-in recording what the
// preload exposes and what it sends. (vi.hoisted: the mock factory runs before this file's imports.)
const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn() },
  ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
}));
vi.mock('electron', () => electron);

const { EVENT_CHANNEL, createRendererApi } = await import('../index.ts');

const exposed = () => {
  expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
  const [key, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0]!;
  return { key: key as string, api: api as RendererApi };
};

let ipc: EventEmitter & { invoke: ReturnType<typeof vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>> };
let api: RendererApi;

beforeEach(() => {
  ipc = Object.assign(new EventEmitter(), { invoke: vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>() });
  api = createRendererApi(ipc);
});

afterEach(() => vi.unstubAllGlobals());

describe('what the preload exposes', () => {
  it('puts exactly one function per operation, plus on(), on window.api', () => {
    const { key, api: bridged } = exposed();
    expect(key).toBe('api');
    expect(Object.keys(bridged).sort()).toEqual([...OPERATION_NAMES, 'on'].sort());
    for (const value of Object.values(bridged)) expect(typeof value).toBe('function');
  });

  it('never exposes ipcRenderer or a way to reach arbitrary channels', () => {
    const { api: bridged } = exposed();
    const values = Object.values(bridged) as unknown[];
    expect(values).not.toContain(electron.ipcRenderer);
    expect(values).not.toContain(electron.ipcRenderer.invoke);
    for (const name of ['ipcRenderer', 'invoke', 'send', 'sendSync', 'removeListener']) expect(bridged).not.toHaveProperty(name);
  });

  it('uses the channel the main process sends events on', async () => {
    const { EVENT_CHANNEL: mainEventChannel } = await import('../../main/ipc.ts');
    expect(EVENT_CHANNEL).toBe(mainEventChannel);
  });
});

describe('operations', () => {
  it('invoke roi:<operation> with the input and resolve with the value', async () => {
    ipc.invoke.mockResolvedValueOnce({ ok: true, value: { pendingChangesKept: 3 } });
    await expect(api.signOut()).resolves.toEqual({ pendingChangesKept: 3 });
    expect(ipc.invoke).toHaveBeenCalledWith('roi:signOut', undefined);

    const input = { email: 'avery@cascade.test', password: 'demo-password-1' };
    ipc.invoke.mockResolvedValueOnce({ ok: true, value: null });
    await api.signIn(input);
    expect(ipc.invoke).toHaveBeenLastCalledWith('roi:signIn', input);
  });

  it("reject with the envelope's code and message", async () => {
    ipc.invoke.mockResolvedValueOnce({ ok: false, error: { code: 'invalid_credentials', message: 'Wrong email or password.' } });
    const error: unknown = await api.signIn({ email: 'a@b.test', password: 'x' }).catch((caught: unknown) => caught);
    // A plain object on purpose: contextBridge would strip `code` from an Error (see IpcFailure).
    expect(error).toEqual({ name: 'IpcError', code: 'invalid_credentials', message: 'Wrong email or password.' });
  });

  it('reject with internal when the main process has no answer or a garbled one', async () => {
    ipc.invoke.mockRejectedValueOnce(new Error("No handler registered for 'roi:getSession'"));
    await expect(api.getSession()).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('getSession') });
    ipc.invoke.mockResolvedValueOnce('surprise');
    await expect(api.getSession()).rejects.toMatchObject({ code: 'internal' });
    ipc.invoke.mockResolvedValueOnce({ ok: false, error: { code: 42 } });
    await expect(api.getSession()).rejects.toMatchObject({ code: 'internal' });
  });
});

describe('events', () => {
  const send = (event: string, payload: unknown) => ipc.emit(EVENT_CHANNEL, { sender: 'the IpcRendererEvent' }, { event, payload });

  it('deliver only the payload of the named event', () => {
    const listener = vi.fn();
    api.on('openAlert', listener);
    send('sessionChanged', null);
    send('openAlert', { alertId: 'a1' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([{ alertId: 'a1' }]);
  });

  it('stop after unsubscribing', () => {
    const listener = vi.fn();
    const unsubscribe = api.on('syncStatusChanged', listener);
    unsubscribe();
    unsubscribe();
    send('syncStatusChanged', {});
    expect(listener).not.toHaveBeenCalled();
  });

  it('listen on the event channel once, however many subscribers there are', () => {
    expect(ipc.listenerCount(EVENT_CHANNEL)).toBe(1);
    for (const name of EVENT_NAMES) api.on(name, () => {});
    expect(ipc.listenerCount(EVENT_CHANNEL)).toBe(1);
  });

  it('keep an openAlert that arrives before anyone listens for the first subscriber', async () => {
    send('openAlert', { alertId: 'early-1' });
    send('openAlert', { alertId: 'early-2' });
    send('sessionChanged', null);
    const first = vi.fn();
    const sessions = vi.fn();
    api.on('sessionChanged', sessions);
    api.on('openAlert', first);
    expect(first).not.toHaveBeenCalled(); // delivered after on() returned
    await Promise.resolve();
    expect(first).toHaveBeenCalledTimes(1);
    expect(first).toHaveBeenCalledWith({ alertId: 'early-2' });
    expect(sessions).not.toHaveBeenCalled();

    const second = vi.fn();
    api.on('openAlert', second);
    await Promise.resolve();
    expect(second).not.toHaveBeenCalled();
  });

  it('drop a kept openAlert if its subscriber leaves before delivery', async () => {
    send('openAlert', { alertId: 'early' });
    const listener = vi.fn();
    api.on('openAlert', listener)();
    await Promise.resolve();
    expect(listener).not.toHaveBeenCalled();
  });

  it('accept every contract event name and reject any other', () => {
    for (const name of EVENT_NAMES) api.on(name, () => {})();
    const on = api.on as (event: string, listener: unknown) => () => void;
    for (const name of ['roi:signIn', 'ipc', '__proto__', 'openalert', '']) expect(() => on(name, () => {})).toThrow(TypeError);
    expect(() => on('openAlert', 'not a function')).toThrow(TypeError);
  });

  it('ignore malformed messages and keep other listeners running when one throws', () => {
    const reported: unknown[] = [];
    vi.stubGlobal('queueMicrotask', (task: () => void) => {
      try {
        task();
      } catch (error) {
        reported.push(error);
      }
    });
    const healthy = vi.fn();
    api.on('openAlert', () => {
      throw new Error('listener bug');
    });
    api.on('openAlert', healthy);
    ipc.emit(EVENT_CHANNEL, {}, 'not an object');
    ipc.emit(EVENT_CHANNEL, {}, null);
    send('openAlert', { alertId: 'a2' });
    expect(healthy).toHaveBeenCalledWith({ alertId: 'a2' });
    expect(reported).toEqual([new Error('listener bug')]);
  });
});

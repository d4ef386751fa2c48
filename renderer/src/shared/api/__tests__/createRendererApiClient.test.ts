// Electron mode: a fake preload `window.api` stands in for the contextBridge object.
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../ApiError.ts';
import { createRendererApiClient } from '../createRendererApiClient.ts';
import { OPERATION_NAMES, type RendererApi } from '../ipcContract.ts';

function fakePreloadApi(overrides: Partial<RendererApi> = {}): RendererApi {
  const unexpected = () => Promise.reject(new Error('not stubbed'));
  return {
    ...(Object.fromEntries(OPERATION_NAMES.map((name) => [name, unexpected])) as unknown as Omit<RendererApi, 'on'>),
    on: () => () => {},
    ...overrides,
  };
}

const location = { protocol: 'app:', host: 'renderer' } as Location;

describe('createRendererApiClient with a preload window.api', () => {
  it('uses the preload bridge and passes inputs and results through', async () => {
    const signIn = vi.fn(async () => ({
      user: { id: 'u1', brokerageId: null, role: 'admin' as const, name: 'Ada', email: 'ada@example.com' },
      deviceId: 'd1',
      serverUrl: 'https://sync.example.com',
      offline: false,
    }));
    const client = createRendererApiClient({ location, api: fakePreloadApi({ signIn }) });

    expect(client.transport).toBe('ipc');
    const session = await client.api.signIn({ email: 'ada@example.com', password: 'pw' });
    expect(session.user.name).toBe('Ada');
    expect(signIn).toHaveBeenCalledWith({ email: 'ada@example.com', password: 'pw' });
  });

  it('turns a plain {code, message} rejection (what survives contextBridge) into an ApiError', async () => {
    const client = createRendererApiClient({
      location,
      api: fakePreloadApi({ getSession: () => Promise.reject({ code: 'device_revoked', message: 'This device was revoked.' }) }),
    });

    const error = await client.api.getSession().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'device_revoked', message: 'This device was revoked.', operation: 'getSession' });
  });

  it('gives a bare Error the code internal and keeps its message', async () => {
    const client = createRendererApiClient({
      location,
      api: fakePreloadApi({ getAppInfo: () => Promise.reject(new Error("Error invoking remote method 'roi:getAppInfo'")) }),
    });
    await expect(client.api.getAppInfo()).rejects.toMatchObject({ code: 'internal', message: "Error invoking remote method 'roi:getAppInfo'" });
  });

  it('forwards event subscriptions to the preload', () => {
    const unsubscribe = vi.fn();
    const on = vi.fn(() => unsubscribe) as unknown as RendererApi['on'];
    const client = createRendererApiClient({ location, api: fakePreloadApi({ on }) });
    const listener = () => {};

    const off = client.api.on('sessionChanged', listener);
    off();
    expect(on).toHaveBeenCalledWith('sessionChanged', listener);
    expect(unsubscribe).toHaveBeenCalledOnce();
  });
});

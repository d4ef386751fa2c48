import { use, useCallback, useEffect, useEffectEvent, useSyncExternalStore } from 'react';
import { ApiClientContext } from './ApiProvider.tsx';
import type { RendererApi } from './ipcContract.ts';
import type { RendererApiClient } from './RendererApiClient.ts';

export function useApiClient(): RendererApiClient {
  const client = use(ApiClientContext);
  if (!client) throw new Error('useApi must be used inside <ApiProvider>; the app root renders one.');
  return client;
}

export const useApi = (): RendererApi => useApiClient().api;

/** Runs `onReconnect` whenever the transport comes back after a drop (browser mode only). */
export function useApiReconnect(onReconnect: () => void): void {
  const client = useApiClient();
  const handle = useEffectEvent(onReconnect);
  useEffect(() => client.onReconnect(() => handle()), [client]);
}

/** False while the browser-mode connection to the host is down (after it had been up). */
export function useApiConnected(): boolean {
  const client = useApiClient();
  const subscribe = useCallback((onChange: () => void) => client.onConnectionChange(onChange), [client]);
  return useSyncExternalStore(subscribe, client.isConnected);
}

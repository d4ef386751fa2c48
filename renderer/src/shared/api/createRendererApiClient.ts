import { createPreloadApiClient } from './createPreloadApiClient.ts';
import { createWebSocketApiClient, ipcSocketUrl } from './createWebSocketApiClient.ts';
import type { RendererApi } from './ipcContract.ts';
import type { RendererApiClient } from './RendererApiClient.ts';

type HostWindow = Pick<Window, 'location'> & { api?: RendererApi };

/** Electron exposes `window.api` from its preload; anywhere else the page talks to its host over /ipc. */
export function createRendererApiClient(hostWindow: HostWindow = window): RendererApiClient {
  if (hostWindow.api) return createPreloadApiClient(hostWindow.api);
  return createWebSocketApiClient({ url: ipcSocketUrl(hostWindow.location) });
}

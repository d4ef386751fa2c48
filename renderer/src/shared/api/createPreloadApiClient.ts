import { toApiError } from './ApiError.ts';
import { buildRendererApi } from './buildRendererApi.ts';
import type { RendererApi } from './ipcContract.ts';
import type { RendererApiClient } from './RendererApiClient.ts';

/**
 * Wraps the preload's `window.api` so every rejection is an ApiError with a code, whatever shape
 * survived Electron's contextBridge (an Error with `.code`, or a plain `{ code, message }` object).
 */
export function createPreloadApiClient(preloadApi: RendererApi): RendererApiClient {
  const api = buildRendererApi(
    async (operation, input) => {
      const invoke = preloadApi[operation] as (input?: unknown) => Promise<unknown>;
      try {
        return await invoke(input);
      } catch (error) {
        throw toApiError(error, operation);
      }
    },
    (event, listener) => preloadApi.on(event, listener),
  );
  return {
    api,
    transport: 'ipc',
    onReconnect: () => () => {},
    isConnected: () => true,
    onConnectionChange: () => () => {},
    close: () => {},
  };
}

import type { RendererApi } from './ipcContract.ts';

/** How the renderer reaches the main process: Electron's preload bridge, or the browser-mode WebSocket. */
export type ApiTransport = 'ipc' | 'websocket';

export type RendererApiClient = {
  readonly api: RendererApi;
  readonly transport: ApiTransport;
  /**
   * Called after the transport came back from a drop. Events pushed while it was down are lost, so
   * whoever mirrors main-process state (session, sync status) refetches it here. Never fires for IPC.
   */
  onReconnect(listener: () => void): () => void;
  /** False while the browser-mode socket is down after having been up; always true over IPC. */
  isConnected(): boolean;
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  /** Stops reconnecting and fails calls still waiting; for tests and page teardown. */
  close(): void;
};

// Browser mode: the same RendererApi over one WebSocket to the host's /ipc endpoint.
//
// Wire protocol (JSON text frames):
//   → {"id": 7, "op": "signIn", "input": {...}}
//   ← {"id": 7, "result": {"ok": true, "value": ...}} | {"id": 7, "result": {"ok": false, "error": {"code", "message"}}}
//   ← {"event": "syncStatusChanged", "payload": ...}            (pushed by the host, no id)
//
// Failure rules, chosen so a caller never waits forever and never silently re-runs a call:
// - A call made while disconnected waits for the next connection attempt (started at once); if that
//   attempt fails, the call fails with `server_unreachable`.
// - A call already sent when the socket drops fails with `server_unreachable`: the host may or may not
//   have run it, and re-sending a non-idempotent call (signIn, signOut) is not ours to decide.
// - Every call fails with `timeout` after `requestTimeoutMs`, sent or not; a late answer is dropped.
// - After a drop the client reconnects with capped exponential backoff (with jitter) and tells
//   `onReconnect` listeners, because events pushed while it was down are lost.
import { ApiError } from './ApiError.ts';
import { buildRendererApi } from './buildRendererApi.ts';
import { EVENT_NAMES, type EventName, type OperationName, type RendererApi } from './ipcContract.ts';
import type { RendererApiClient } from './RendererApiClient.ts';

/** The part of the WHATWG WebSocket this client uses (the `ws` package's class fits it too). */
export type WebSocketLike = {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
};

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export type ConnectionState = 'connecting' | 'open' | 'waiting' | 'closed';

export type WebSocketApiClientOptions = {
  url: string;
  /** Defaults to the global WebSocket (browsers, Node ≥ 22). */
  WebSocketImpl?: WebSocketConstructor;
  /** Per call, from the moment it is made. @default 30000 */
  requestTimeoutMs?: number;
  /** A connection attempt that has not opened by then counts as failed. @default 10000 */
  connectTimeoutMs?: number;
  /** Reconnect delay after the n-th consecutive failure: min(max, initial·2ⁿ), half of it jittered. */
  reconnectDelayMs?: { initial: number; max: number };
  logger?: Pick<Console, 'warn' | 'error'>;
};

export type WebSocketApiClient = RendererApiClient & {
  connectionState(): ConnectionState;
};

type PendingCall = {
  operation: OperationName;
  frame: string;
  sent: boolean;
  timer: ReturnType<typeof setTimeout>;
  resolve: (value: unknown) => void;
  reject: (error: ApiError) => void;
};

type EventListener = (payload: unknown) => void;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const isEventName = (value: unknown): value is EventName =>
  typeof value === 'string' && (EVENT_NAMES as readonly string[]).includes(value);

/** `ws://host/ipc` or `wss://host/ipc` for the page's own host. */
export function ipcSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ipc`;
}

export function createWebSocketApiClient(options: WebSocketApiClientOptions): WebSocketApiClient {
  const {
    url,
    requestTimeoutMs = 30_000,
    connectTimeoutMs = 10_000,
    reconnectDelayMs = { initial: 500, max: 15_000 },
    logger = console,
  } = options;
  const WebSocketImpl = options.WebSocketImpl ?? (globalThis.WebSocket as unknown as WebSocketConstructor | undefined);
  if (!WebSocketImpl) throw new Error('No WebSocket implementation: pass WebSocketImpl (e.g. the `ws` package) outside a browser.');

  const pending = new Map<number, PendingCall>();
  const eventListeners = new Map<EventName, Set<EventListener>>();
  const reconnectListeners = new Set<() => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let nextId = 1;
  let socket: WebSocketLike | null = null;
  let state: ConnectionState = 'waiting';
  let failures = 0;
  let hasEverOpened = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let connectTimer: ReturnType<typeof setTimeout> | null = null;
  /** What listeners were last told; only a socket that was up can be "lost". */
  let reportedConnected = true;

  const reportConnection = (connected: boolean): void => {
    if (connected === reportedConnected) return;
    reportedConnected = connected;
    for (const listener of [...connectionListeners]) listener(connected);
  };

  const unreachable = (operation: OperationName, wasSent: boolean): ApiError =>
    new ApiError(
      'server_unreachable',
      wasSent
        ? `Lost the connection to ROI Desk while ${operation} was running, so it may or may not have completed. Check that ROI Desk is still running, then try again.`
        : `Can't reach ROI Desk at ${url}. Check that ROI Desk is running, then try again.`,
      { operation },
    );

  const settle = (id: number): PendingCall | undefined => {
    const call = pending.get(id);
    if (!call) return undefined;
    pending.delete(id);
    clearTimeout(call.timer);
    return call;
  };

  const send = (id: number, call: PendingCall): void => {
    try {
      socket?.send(call.frame);
      call.sent = true;
    } catch {
      settle(id)?.reject(unreachable(call.operation, false));
    }
  };

  const clearTimers = (): void => {
    if (reconnectTimer) clearTimeout(reconnectTimer);
    if (connectTimer) clearTimeout(connectTimer);
    reconnectTimer = null;
    connectTimer = null;
  };

  const scheduleReconnect = (): void => {
    const ceiling = Math.min(reconnectDelayMs.max, reconnectDelayMs.initial * 2 ** Math.min(failures, 16));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    failures += 1;
    reconnectTimer = setTimeout(connect, delay);
  };

  /** The current socket is gone (closed, failed or timed out): fail what waits on it, then retry. */
  const onSocketGone = (): void => {
    socket = null;
    clearTimers();
    for (const [id, call] of [...pending]) settle(id)?.reject(unreachable(call.operation, call.sent));
    if (hasEverOpened && state !== 'closed') reportConnection(false);
    if (state === 'closed') return;
    state = 'waiting';
    scheduleReconnect();
  };

  const dispatchEvent = (event: EventName, payload: unknown): void => {
    for (const listener of [...(eventListeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        logger.error(`A ${event} listener threw; other listeners still ran.`, error);
      }
    }
  };

  const onFrame = (data: unknown): void => {
    let message: unknown;
    try {
      message = typeof data === 'string' ? JSON.parse(data) : undefined;
    } catch {
      message = undefined;
    }
    if (!isRecord(message)) {
      logger.warn('Ignored a non-JSON frame from the ROI Desk host.');
      return;
    }
    if (typeof message['id'] === 'number') {
      const call = settle(message['id']);
      if (!call) return; // answered after its timeout: the caller has already been told
      const result = message['result'];
      if (isRecord(result) && result['ok'] === true) {
        call.resolve(result['value']);
      } else if (isRecord(result) && result['ok'] === false && isRecord(result['error'])) {
        const { code, message: text } = result['error'];
        call.reject(
          new ApiError(
            typeof code === 'string' ? code : 'internal',
            typeof text === 'string' ? text : `${call.operation} failed without a message.`,
            { operation: call.operation },
          ),
        );
      } else {
        call.reject(
          new ApiError('protocol_error', `ROI Desk sent an answer to ${call.operation} that this window cannot read; reload the window.`, {
            operation: call.operation,
          }),
        );
      }
      return;
    }
    if (isEventName(message['event'])) {
      dispatchEvent(message['event'], message['payload']);
      return;
    }
    logger.warn('Ignored an unrecognised frame from the ROI Desk host.');
  };

  function connect(): void {
    clearTimers();
    if (state === 'closed' || socket) return;
    state = 'connecting';
    let ws: WebSocketLike;
    try {
      ws = new WebSocketImpl!(url);
    } catch (error) {
      logger.warn(`Could not open a WebSocket to ${url}.`, error);
      onSocketGone();
      return;
    }
    socket = ws;
    // Handlers check `socket === ws` so a socket we already gave up on cannot disturb its successor.
    ws.onopen = () => {
      if (socket !== ws) return;
      if (connectTimer) clearTimeout(connectTimer);
      connectTimer = null;
      state = 'open';
      failures = 0;
      for (const [id, call] of pending) if (!call.sent) send(id, call);
      const isReconnect = hasEverOpened;
      hasEverOpened = true;
      reportConnection(true);
      if (isReconnect) for (const listener of [...reconnectListeners]) listener();
    };
    ws.onmessage = (event) => {
      if (socket === ws) onFrame(event.data);
    };
    ws.onclose = () => {
      if (socket === ws) onSocketGone();
    };
    // An error is always followed by close, which does the bookkeeping.
    ws.onerror = () => {};
    connectTimer = setTimeout(() => {
      if (socket !== ws || state !== 'connecting') return;
      onSocketGone();
      try {
        ws.close();
      } catch {
        // closing a socket that never opened may throw in some implementations; it is abandoned anyway
      }
    }, connectTimeoutMs);
  }

  const call = (operation: OperationName, input: unknown): Promise<unknown> => {
    if (state === 'closed') return Promise.reject(unreachable(operation, false));
    const id = nextId++;
    let frame: string;
    try {
      frame = JSON.stringify({ id, op: operation, input });
    } catch (error) {
      return Promise.reject(new ApiError('invalid_input', `The input for ${operation} cannot be sent: ${String(error)}`, { operation }));
    }
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        settle(id)?.reject(
          new ApiError(
            'timeout',
            `ROI Desk did not answer ${operation} within ${Math.round(requestTimeoutMs / 1000)} s. Check that it is still running, then try again.`,
            { operation },
          ),
        );
      }, requestTimeoutMs);
      const entry: PendingCall = { operation, frame, sent: false, timer, resolve, reject };
      pending.set(id, entry);
      if (state === 'open') send(id, entry);
      else if (state === 'waiting') connect(); // someone is waiting: try now rather than after the backoff
    });
  };

  const on: RendererApi['on'] = (event, listener) => {
    const listeners = eventListeners.get(event) ?? new Set<EventListener>();
    eventListeners.set(event, listeners);
    const untyped = listener as EventListener;
    listeners.add(untyped);
    return () => {
      listeners.delete(untyped);
    };
  };

  connect();

  return {
    api: buildRendererApi(call, on),
    transport: 'websocket',
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => {
        reconnectListeners.delete(listener);
      };
    },
    isConnected: () => reportedConnected,
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    close() {
      if (state === 'closed') return;
      state = 'closed';
      const ws = socket;
      onSocketGone();
      ws?.close();
    },
    connectionState: () => state,
  };
}

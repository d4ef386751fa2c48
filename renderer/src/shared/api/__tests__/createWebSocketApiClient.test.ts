// The browser-mode client against a real `ws` server on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer, type RawData } from 'ws';
import type { AddressInfo } from 'node:net';
import { ApiError } from '../ApiError.ts';
import { createWebSocketApiClient, ipcSocketUrl, type WebSocketApiClient, type WebSocketConstructor } from '../createWebSocketApiClient.ts';
import { OPERATION_NAMES } from '../ipcContract.ts';

type Request = { id: number; op: string; input?: unknown };
type Responder = (request: Request, socket: NodeWebSocket) => void;

// `ws`'s class has the same shape as the browser WebSocket but its handler types name its own events.
const WebSocketImpl = NodeWebSocket as unknown as WebSocketConstructor;

const session = {
  user: { id: 'u1', brokerageId: 'b1', role: 'agent', name: 'Avery Agent', email: 'avery@example.com' },
  deviceId: 'd1',
  serverUrl: 'https://sync.example.com',
  offline: false,
} as const;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startServer(respond: Responder, port = 0): Promise<{ server: WebSocketServer; url: string; port: number }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port, path: '/ipc' });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  server.on('connection', (socket) => {
    socket.on('message', (data: RawData) => respond(JSON.parse(String(data)) as Request, socket));
  });
  const address = server.address() as AddressInfo;
  cleanups.push(() => stopServer(server));
  return { server, url: `ws://127.0.0.1:${address.port}/ipc`, port: address.port };
}

function stopServer(server: WebSocketServer): Promise<void> {
  for (const client of server.clients) client.terminate();
  return new Promise((resolve) => server.close(() => resolve()));
}

function client(url: string, options: Partial<Parameters<typeof createWebSocketApiClient>[0]> = {}): WebSocketApiClient {
  const created = createWebSocketApiClient({
    url,
    WebSocketImpl,
    requestTimeoutMs: 2_000,
    reconnectDelayMs: { initial: 20, max: 100 },
    logger: { warn: () => {}, error: () => {} },
    ...options,
  });
  cleanups.push(() => created.close());
  return created;
}

const reply = (socket: NodeWebSocket, id: number, result: unknown) => socket.send(JSON.stringify({ id, result }));

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const waitFor = async (condition: () => boolean, timeoutMs = 3_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('ipcSocketUrl', () => {
  it('uses ws for http pages and wss for https pages, on the page host', () => {
    expect(ipcSocketUrl({ protocol: 'http:', host: 'localhost:4180' })).toBe('ws://localhost:4180/ipc');
    expect(ipcSocketUrl({ protocol: 'https:', host: 'desk.example.com' })).toBe('wss://desk.example.com/ipc');
  });
});

describe('createWebSocketApiClient', () => {
  it('sends {id, op, input} and resolves with the value of an ok result', async () => {
    const seen: Request[] = [];
    const { url } = await startServer((request, socket) => {
      seen.push(request);
      reply(socket, request.id, { ok: true, value: request.op === 'getSession' ? session : { pendingChangesKept: 0 } });
    });
    const { api } = client(url);

    await expect(api.getSession()).resolves.toEqual(session);
    await expect(
      api.signIn({ email: 'avery@example.com', password: 'hunter2', serverUrl: 'https://sync.example.com' }),
    ).resolves.toEqual({ pendingChangesKept: 0 });
    expect(seen).toEqual([
      { id: 1, op: 'getSession' },
      { id: 2, op: 'signIn', input: { email: 'avery@example.com', password: 'hunter2', serverUrl: 'https://sync.example.com' } },
    ]);
  });

  it('exposes one function per operation of the contract, plus on()', async () => {
    const { url } = await startServer(() => {});
    const { api } = client(url);
    expect(Object.keys(api).sort()).toEqual([...OPERATION_NAMES, 'on'].sort());
  });

  it('rejects with an ApiError carrying the code and message of an error result', async () => {
    const { url } = await startServer((request, socket) =>
      reply(socket, request.id, { ok: false, error: { code: 'invalid_credentials', message: 'Wrong email or password.' } }),
    );
    const { api } = client(url);

    const error = await rejection(api.signIn({ email: 'avery@example.com', password: 'nope' }));
    expect(error.code).toBe('invalid_credentials');
    expect(error.message).toBe('Wrong email or password.');
    expect(error.operation).toBe('signIn');
  });

  it('matches answers to calls by id even when they arrive out of order', async () => {
    const held: Array<{ request: Request; socket: NodeWebSocket }> = [];
    const { url } = await startServer((request, socket) => {
      held.push({ request, socket });
      if (held.length === 2) for (const { request: r, socket: s } of [...held].reverse()) reply(s, r.id, { ok: true, value: r.op });
    });
    const { api } = client(url);

    const [info, status] = await Promise.all([api.getAppInfo(), api.getSyncStatus()]);
    expect(info).toBe('getAppInfo');
    expect(status).toBe('getSyncStatus');
  });

  it('delivers pushed events to listeners until they unsubscribe', async () => {
    let serverSocket: NodeWebSocket | undefined;
    const { url } = await startServer((request, socket) => {
      serverSocket = socket;
      reply(socket, request.id, { ok: true, value: null });
    });
    const { api } = client(url);
    const received: unknown[] = [];
    const unsubscribe = api.on('syncStatusChanged', (payload) => received.push(payload));
    await api.getSession();

    const status = { online: true, pendingChanges: 2, failedChanges: 0, lastSyncAt: null, error: null, catchUp: null };
    serverSocket?.send(JSON.stringify({ event: 'syncStatusChanged', payload: status }));
    serverSocket?.send(JSON.stringify({ event: 'notAnEvent', payload: 1 }));
    await waitFor(() => received.length === 1);

    unsubscribe();
    serverSocket?.send(JSON.stringify({ event: 'syncStatusChanged', payload: status }));
    await api.getSession(); // a round trip after the second push: it has been processed by now
    expect(received).toEqual([status]);
  });

  it('keeps delivering to other listeners when one throws', async () => {
    let serverSocket: NodeWebSocket | undefined;
    const { url } = await startServer((request, socket) => {
      serverSocket = socket;
      reply(socket, request.id, { ok: true, value: null });
    });
    const { api } = client(url);
    const received: unknown[] = [];
    api.on('openAlert', () => {
      throw new Error('listener bug');
    });
    api.on('openAlert', (payload) => received.push(payload));
    await api.getSession();

    serverSocket?.send(JSON.stringify({ event: 'openAlert', payload: { alertId: 'a1' } }));
    await waitFor(() => received.length === 1);
    expect(received).toEqual([{ alertId: 'a1' }]);
  });

  it('fails a call with code timeout when no answer comes in time, and ignores the late answer', async () => {
    const { url } = await startServer((request, socket) => {
      setTimeout(() => reply(socket, request.id, { ok: true, value: 'late' }), 300);
    });
    const { api } = client(url, { requestTimeoutMs: 100 });

    const error = await rejection(api.getAppInfo());
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/did not answer getAppInfo/);
    await new Promise((resolve) => setTimeout(resolve, 300));
  });

  it('fails a call in flight with server_unreachable when the connection drops', async () => {
    const { url } = await startServer((_request, socket) => socket.terminate());
    const { api } = client(url);

    const error = await rejection(api.signOut());
    expect(error.code).toBe('server_unreachable');
    expect(error.message).toMatch(/may or may not have completed/);
  });

  it('fails calls with server_unreachable quickly when nothing listens', async () => {
    const { server, url } = await startServer(() => {});
    await stopServer(server);
    const { api } = client(url, { requestTimeoutMs: 5_000 });

    const started = Date.now();
    const error = await rejection(api.getSession());
    expect(error.code).toBe('server_unreachable');
    expect(error.message).toContain(url);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reconnects after the host comes back, tells onReconnect listeners, and calls work again', async () => {
    const respond: Responder = (request, socket) => reply(socket, request.id, { ok: true, value: request.op });
    const first = await startServer(respond);
    const created = client(first.url);
    let reconnects = 0;
    const connectionChanges: boolean[] = [];
    created.onReconnect(() => {
      reconnects += 1;
    });
    created.onConnectionChange((connected) => connectionChanges.push(connected));
    await expect(created.api.getAppInfo()).resolves.toBe('getAppInfo');
    expect(created.isConnected()).toBe(true);

    await stopServer(first.server);
    await waitFor(() => created.connectionState() !== 'open');
    expect(created.isConnected()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 150)); // a few failed attempts while the host is down
    await startServer(respond, first.port);

    await waitFor(() => created.connectionState() === 'open');
    await expect(created.api.getSyncStatus()).resolves.toBe('getSyncStatus');
    expect(reconnects).toBe(1);
    expect(connectionChanges).toEqual([false, true]);
  });

  it('rejects an unreadable answer with protocol_error', async () => {
    const { url } = await startServer((request, socket) => reply(socket, request.id, { nonsense: true }));
    const { api } = client(url);
    expect((await rejection(api.getAppInfo())).code).toBe('protocol_error');
  });

  it('fails calls after close() without touching the network', async () => {
    const { url } = await startServer(() => {});
    const created = client(url);
    created.close();
    expect(created.connectionState()).toBe('closed');
    expect((await rejection(created.api.getSession())).code).toBe('server_unreachable');
  });
});

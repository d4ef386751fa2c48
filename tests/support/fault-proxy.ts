// A misbehaving network between a sync client and the sync server, for tests: an HTTP proxy on loopback
// that, per request and driven by a seeded PRNG, passes the request through, drops it, delays it, sends
// it upstream twice, or forwards it and then cuts the connection in the middle of the response (so the
// server did the work but the client never hears back). It can also be "down": requests are refused or
// held (a partition) until it comes back, and whatever was in flight is cut at once. Long-polling GETs
// work: upstream responses are awaited however long they take, and abandoned when the client goes.
//
//   const proxy = await startFaultProxy({ target: server.url, seed: 42, faults: { drop: 0.1, cut: 0.1 } });
//   proxy.setMode('down'); … proxy.setMode('faulty'); … proxy.setMode('clean');
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). The same seed gives the same sequence. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type ProxiedRequest = { method: string; path: string; connectedAt: number };

export type Random = ReturnType<typeof createRandom>;
export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
export const randomInt = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

export type FaultKind = 'pass' | 'drop' | 'delay' | 'duplicate' | 'cut';

/** Probabilities per request (the rest pass through). */
export type FaultRates = { drop: number; delay: number; duplicate: number; cut: number };

export type ProxyMode = 'clean' | 'faulty' | 'down';

export type FaultProxyOptions = {
  /** The server behind the proxy, e.g. http://127.0.0.1:7300. */
  target: string;
  seed: number;
  faults?: Partial<FaultRates>;
  /** Longest delay a "delay" fault adds (before forwarding or before answering). Default 300 ms. */
  maxDelayMs?: number;
  /** While down: the share of new requests refused at once (connection reset); the rest hang until the proxy is back. Default 0.2. */
  refuseWhenDown?: number;
  /** Requests answered 503 without reaching the server while this says so (e.g. keep pushes from getting through). */
  unavailable?: (method: string, path: string) => boolean;
  initialMode?: ProxyMode;
};

export type FaultProxy = {
  url: string;
  mode(): ProxyMode;
  /** Going down cuts every request in flight; coming back releases the held ones. */
  setMode(mode: ProxyMode): void;
  /** How often each fault (and refused/held while down) happened. */
  stats(): Record<FaultKind | 'refused' | 'held' | 'requests', number>;
  /**
   * Every request that reached the proxy, in arrival order (method and path with query), with when its
   * connection was opened (Date.now()): a request a killed client sent just before dying may be handled after
   * the next client started, but it came on a connection older than that client.
   */
  requests(): readonly ProxiedRequest[];
  close(): Promise<void>;
};

type Upstream = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'upgrade', 'proxy-connection', 'te', 'trailer']);

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = createRandom(options.seed);
  const rates: FaultRates = { drop: 0, delay: 0, duplicate: 0, cut: 0, ...options.faults };
  const maxDelayMs = options.maxDelayMs ?? 300;
  const refuseWhenDown = options.refuseWhenDown ?? 0.2;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const stats = { pass: 0, drop: 0, delay: 0, duplicate: 0, cut: 0, refused: 0, held: 0, requests: 0 };
  const log: ProxiedRequest[] = [];
  const connectedAt = new WeakMap<object, number>();
  let mode: ProxyMode = options.initialMode ?? 'faulty';
  let closed = false;
  const sockets = new Set<Socket>();
  const inFlight = new Set<http.ServerResponse>();
  let released: (() => void)[] = [];

  /** One request to the server, fully read. Aborted (rejects) when `signal` fires. */
  const forward = (method: string, path: string, headers: http.IncomingHttpHeaders, body: Buffer, signal: AbortSignal): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const outgoing: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) outgoing[name] = value;
      outgoing.host = target.host;
      if (body.length > 0) outgoing['content-length'] = body.length;
      const request = http.request(
        { host: target.hostname, port: target.port, method, path, headers: outgoing, agent, signal },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });

  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });

  const reply = (res: http.ServerResponse, upstream: Upstream, cutAfter?: number) => {
    if (res.destroyed || res.writableEnded) return;
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(upstream.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    headers['content-length'] = upstream.body.length;
    res.writeHead(upstream.status, headers);
    if (cutAfter === undefined) {
      res.end(upstream.body);
      return;
    }
    // The status line, the headers and part of the body, then the connection dies.
    res.write(upstream.body.subarray(0, cutAfter), () => res.socket?.destroy());
  };

  const decide = (): FaultKind => {
    // Always draw, so the sequence of decisions depends only on the seed and the request order.
    const roll = random();
    if (mode === 'clean') return 'pass';
    const kinds = ['drop', 'cut', 'duplicate', 'delay'] as const;
    let edge = 0;
    for (const kind of kinds) {
      edge += rates[kind];
      if (roll < edge) return kind;
    }
    return 'pass';
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    stats.requests += 1;
    log.push({ method: req.method ?? 'GET', path: req.url ?? '/', connectedAt: connectedAt.get(req.socket) ?? 0 });
    const controller = new AbortController();
    // The client went away (aborted a long poll, or we cut it): stop waiting for the server too.
    res.on('close', () => {
      inFlight.delete(res);
      if (!res.writableFinished) controller.abort();
    });
    inFlight.add(res);

    while (mode === 'down') {
      if (random() < refuseWhenDown) {
        stats.refused += 1;
        req.socket.destroy();
        return;
      }
      stats.held += 1;
      await new Promise<void>((resolve) => released.push(resolve));
      if (closed || controller.signal.aborted) return;
    }

    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    if (options.unavailable?.(method, path)) {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'unavailable', message: 'held back by the test proxy' } }));
      return;
    }
    const fault = decide();
    stats[fault] += 1;
    const signal = controller.signal;
    try {
      switch (fault) {
        case 'drop':
          req.socket.destroy();
          return;
        case 'delay': {
          const before = random() < 0.5;
          const ms = Math.floor(random() * maxDelayMs);
          if (before) await sleep(ms, signal);
          const upstream = await forward(method, path, req.headers, body, signal);
          if (!before) await sleep(ms, signal);
          reply(res, upstream);
          return;
        }
        case 'duplicate': {
          // Twice upstream: one after the other (a retry whose first answer was lost) or both at once.
          if (random() < 0.5) {
            await forward(method, path, req.headers, body, signal);
            reply(res, await forward(method, path, req.headers, body, signal));
          } else {
            const [first] = await Promise.all([forward(method, path, req.headers, body, signal), forward(method, path, req.headers, body, signal)]);
            reply(res, first);
          }
          return;
        }
        case 'cut': {
          const upstream = await forward(method, path, req.headers, body, signal);
          reply(res, upstream, Math.floor(random() * upstream.body.length));
          return;
        }
        default:
          reply(res, await forward(method, path, req.headers, body, signal));
      }
    } catch {
      // The upstream failed or the client left: the client sees a broken connection.
      if (!res.destroyed) req.socket.destroy();
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks)));
    req.on('error', () => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    connectedAt.set(socket, Date.now());
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const release = () => {
    const waiting = released;
    released = [];
    for (const resolve of waiting) resolve();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    mode: () => mode,
    setMode(next) {
      if (next === mode) return;
      mode = next;
      if (next === 'down') {
        // A partition: everything in flight breaks (the server may or may not have done the work).
        for (const res of [...inFlight]) res.socket?.destroy();
      } else release();
    },
    stats: () => ({ ...stats }),
    requests: () => log,
    async close() {
      closed = true;
      release();
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// Browser mode: the same main-process services in plain Node, serving the built renderer over HTTP and the
// IPC contract over a WebSocket at /ipc. Used by E2E tests, development, and machines without Electron.
// It binds to loopback and accepts WebSocket connections only from its own origin, so another web page the
// user has open cannot drive the app (cross-site WebSocket hijacking).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppServices } from '../app-services.ts';
import { dispatch } from '../ipc/dispatch.ts';
import { buildContentSecurityPolicy } from '../security/content-security-policy.ts';

export type BrowserHostOptions = {
  services: AppServices;
  rendererDir: string;
  port: number;
  host?: string;
  /** The sync server origin the page may connect to (CSP connect-src). */
  serverUrl: string;
  log?: (message: string) => void;
};

export type BrowserHost = { url: string; server: Server; close(): Promise<void> };

const MAX_MESSAGE_BYTES = 1024 * 1024;

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const log = options.log ?? (() => {});
  const csp = buildContentSecurityPolicy(options.serverUrl);
  const serveStatic = sirv(options.rendererDir, { single: true, dev: false, etag: true, gzip: false });

  const server = createServer((req, res) => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    serveStatic(req, res, () => void res.writeHead(404).end('Not found'));
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let ownPort = -1;
  const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
  const isOwnOrigin = (origin: string | undefined) => {
    if (!origin) return false;
    try {
      const url = new URL(origin);
      return url.protocol === 'http:' && LOOPBACK_NAMES.has(url.hostname) && Number(url.port) === ownPort;
    } catch {
      return false;
    }
  };

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const origin = req.headers.origin;
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/ipc' || !isOwnOrigin(origin)) {
      log(`Refused a WebSocket from origin ${origin ?? '(none)'} to ${path}`);
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
  });

  sockets.on('connection', (ws: WebSocket) => {
    const unsubscribe = options.services.onEvent((event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
    });
    ws.on('close', unsubscribe);
    ws.on('message', async (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'Text frames only');
      let message: { id?: unknown; op?: unknown; input?: unknown };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        return ws.send(JSON.stringify({ id: null, result: { ok: false, error: { code: 'invalid_input', message: 'Message is not valid JSON' } } }));
      }
      const id = typeof message.id === 'number' ? message.id : null;
      const result = await dispatch(options.services.handlers, message.op, message.input, (error, op) =>
        log(`IPC ${op} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      );
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }));
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  ownPort = port;

  return {
    url,
    server,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

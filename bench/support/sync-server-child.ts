// The sync server of the sync benchmarks, in its own process so that its work (queries, JSON encoding,
// HTTP) does not count against the event loop of the client being measured. Started by
// ./sync-server-process.ts with an IPC channel; configuration comes in ROI_BENCH_SERVER_CONFIG (JSON).
//
// Messages from the parent: {type:'stats'} → {type:'stats', …}; {type:'close'} → closes and exits.
// The server also closes when the parent goes away (IPC disconnect), so a killed bench leaves no server.
import type { IncomingMessage } from 'node:http';
import { createSyncServer, type SyncServer } from '../../sync-server/server.ts';

export type ChildServerConfig = {
  databaseUrl?: string;
  dataDir: string;
  jwtSecret: string;
  liveTimeoutMs?: number;
  shapePageSize?: number;
};

export type ChildStats = {
  /** CPU time of the server process since it started, in microseconds. */
  cpuUserUs: number;
  cpuSystemUs: number;
  /** GET /v1/shape requests with live=true currently being answered (held long-polls). */
  liveInFlight: number;
  requests: number;
};

export type ChildMessage =
  | { type: 'listening'; url: string; kind: string }
  | { type: 'failed'; message: string }
  | ({ type: 'stats' } & ChildStats);

const send = (message: ChildMessage) => process.send?.(message);

async function main(): Promise<void> {
  const config = JSON.parse(process.env.ROI_BENCH_SERVER_CONFIG ?? '{}') as ChildServerConfig;
  let liveInFlight = 0;
  let requests = 0;
  let server: SyncServer;
  try {
    server = await createSyncServer({
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
      dataDir: config.dataDir,
      port: 0,
      logger: false,
      jwtSecret: config.jwtSecret,
      ...(config.liveTimeoutMs ? { liveTimeoutMs: config.liveTimeoutMs } : {}),
      ...(config.shapePageSize ? { shapePageSize: config.shapePageSize } : {}),
      rateLimits: { loginPerIp: { max: 10_000, windowMs: 60_000 }, loginPerAccount: { max: 10_000, windowMs: 60_000 } },
      routes: (app) => {
        // Counted on the raw HTTP server: the fan-out benchmark waits until every subscriber is held.
        app.server.on('request', (request: IncomingMessage, response) => {
          requests++;
          if (!request.url?.startsWith('/v1/shape') || !request.url.includes('live=true')) return;
          liveInFlight++;
          response.once('close', () => liveInFlight--);
        });
      },
    });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
    process.disconnect?.();
    return;
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= server
      .close()
      .catch(() => {})
      .finally(() => {
        process.disconnect?.();
        // Live requests and pools are closed; anything left (a stray socket) must not keep us alive.
        setTimeout(() => process.exit(0), 200).unref();
      }));

  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stats') {
      const cpu = process.cpuUsage();
      send({ type: 'stats', cpuUserUs: cpu.user, cpuSystemUs: cpu.system, liveInFlight, requests });
    } else if (message.type === 'close') void close();
  });
  process.on('disconnect', () => void close());
  process.on('SIGTERM', () => void close());
  // Ctrl-C reaches the whole process group: the bench process cleans up and then closes us over IPC.
  process.on('SIGINT', () => {});
  send({ type: 'listening', url: server.url, kind: server.database.kind });
}

void main();

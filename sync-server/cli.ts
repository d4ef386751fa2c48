// `roi server`: runs the sync server alone until SIGINT/SIGTERM.
// Status messages go to stderr; stdout carries the JSON logs (so `roi server | pino-pretty` works)
// and --help.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_USERS } from './demo/demo-org.ts';
import { createSyncServer, DEFAULT_HOST, DEFAULT_PORT, type SyncServerOptions } from './server.ts';

export const SERVER_HELP = `Usage: roi server [options]

Runs the ROI Desk sync server. With DATABASE_URL set it uses that Postgres; otherwise an embedded
Postgres (PGlite) in <data dir>/server/pglite, seeded with the demo brokerages on first start.

Options:
  --port N          port to listen on (env ROI_SERVER_PORT, default ${DEFAULT_PORT}; 0 = any free port)
  --host H          address to bind (default ${DEFAULT_HOST}; 0.0.0.0 to accept other machines)
  --data-dir DIR    data directory; the server keeps its files in DIR/server
                    (env ROI_DATA_DIR, default ./.data)
  --demo            also seed the demo data into DATABASE_URL (always done on the embedded database)
  --no-demo         do not seed the demo data into the embedded database
  -h, --help        show this help

Environment:
  DATABASE_URL      postgres://user:password@host:5432/db of a real Postgres
  ROI_JWT_SECRET    access-token signing secret (≥ 32 chars); default: generated once, kept in the database
  ROI_LOG_LEVEL     trace | debug | info | warn | error (default info)`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export type ServerCommandConfig = {
  port: number;
  host: string;
  /** The server's own folder: <data dir>/server. */
  dataDir: string;
  databaseUrl: string | undefined;
  demo: boolean;
};

/** Turns arguments and environment into a configuration, or explains what is wrong (UsageError). */
export function resolveServerConfig(argv: string[], env: NodeJS.ProcessEnv, cwd: string): ServerCommandConfig | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        demo: { type: 'boolean' },
        'no-demo': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return 'help';

  const port = parsePort(values.port ?? env.ROI_SERVER_PORT ?? String(DEFAULT_PORT), values.port !== undefined ? '--port' : 'ROI_SERVER_PORT');
  const host = values.host ?? DEFAULT_HOST;
  if (host.trim() === '') throw new UsageError('--host needs an address, e.g. 127.0.0.1 or 0.0.0.0.');
  const dataDirArg = values['data-dir'] ?? env.ROI_DATA_DIR;
  if (dataDirArg !== undefined && dataDirArg.trim() === '') {
    throw new UsageError(`${values['data-dir'] !== undefined ? '--data-dir' : 'ROI_DATA_DIR'} is empty; give a folder path.`);
  }
  const dataDir = path.resolve(cwd, dataDirArg ?? '.data', 'server');
  if (values.demo && values['no-demo']) throw new UsageError('--demo and --no-demo contradict each other; give one.');
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new UsageError('DATABASE_URL must be a postgres:// (or postgresql://) URL; unset it to use the embedded database.');
  }
  // Never seed into a real database unless asked: it may be production.
  const demo = databaseUrl ? values.demo === true : values['no-demo'] !== true;
  return { port, host, dataDir, databaseUrl, demo };
}

function parsePort(raw: string, source: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${source} must be a port number from 0 to 65535, got '${raw}'.`);
  }
  return port;
}

export type ServerCommandIo = {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Status and error messages (default: process.stderr). */
  print?: (line: string) => void;
  /** --help text (default: process.stdout). */
  printHelp?: (text: string) => void;
  /** Stops the server when aborted (tests). Without it, SIGINT/SIGTERM do. */
  signal?: AbortSignal;
  logger?: SyncServerOptions['logger'];
  /** Called once listening (tests use it to learn the URL). */
  onListening?: (url: string) => void;
};

/** Runs `roi server`; resolves with the process exit code once the server has stopped. */
export async function runServerCommand(argv: string[], io: ServerCommandIo = {}): Promise<number> {
  const print = io.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  let config: ServerCommandConfig | 'help';
  try {
    config = resolveServerConfig(argv, io.env ?? process.env, io.cwd ?? process.cwd());
  } catch (error) {
    if (error instanceof UsageError) {
      print(`roi server: ${error.message}\n\n${SERVER_HELP}`);
      return 2;
    }
    throw error;
  }
  if (config === 'help') {
    (io.printHelp ?? ((text: string) => process.stdout.write(`${text}\n`)))(SERVER_HELP);
    return 0;
  }

  print(config.databaseUrl ? 'Starting the sync server on DATABASE_URL…' : `Starting the sync server (embedded database in ${config.dataDir})…`);
  let server;
  try {
    server = await createSyncServer({
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
      dataDir: config.dataDir,
      port: config.port,
      host: config.host,
      demo: config.demo,
      logger: io.logger ?? true,
    });
  } catch (error) {
    print(`roi server: could not start. ${startupErrorMessage(error, config)}`);
    return 1;
  }

  print(`ROI Desk sync server listening on ${server.url} (${server.database.kind === 'pglite' ? 'embedded PGlite' : 'Postgres'}: ${server.database.location})`);
  if (config.demo) {
    const agent = DEMO_USERS.find((u) => u.role === 'agent');
    print(`Demo data loaded. Sign in as ${agent?.email} / ${agent?.password} (every demo account is listed in resources/demo/README.md).`);
  }
  print('Press Ctrl-C to stop.');
  io.onListening?.(server.url);

  await new Promise<void>((resolve) => {
    if (io.signal) {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const onSignal = (name: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      print(`${name}: stopping (waiting for requests in progress; press Ctrl-C again to force)…`);
      // A second signal while draining means the person wants out now.
      process.once('SIGINT', () => process.exit(130));
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });

  await server.close();
  print('Sync server stopped.');
  return 0;
}

function startupErrorMessage(error: unknown, config: ServerCommandConfig): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return `Port ${config.port} on ${config.host} is already in use. Stop the other process or pick another port with --port.`;
  if (code === 'EADDRNOTAVAIL') return `${config.host} is not an address of this machine. Use --host 127.0.0.1 or 0.0.0.0.`;
  if (code === 'EACCES') return `Not allowed to listen on ${config.host}:${config.port}. Ports below 1024 need privileges; pick another with --port.`;
  return error instanceof Error ? error.message : String(error);
}

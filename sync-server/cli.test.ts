import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveServerConfig, runServerCommand, UsageError } from './cli.ts';
import { describeOnBothBackends } from './testing/backends.ts';
import { createTestDatabase } from './testing/test-databases.ts';

describe('roi server arguments', () => {
  const cwd = '/work/app';

  it('defaults to 127.0.0.1:7300, ./.data/server and the demo on the embedded database', () => {
    expect(resolveServerConfig([], {}, cwd)).toEqual({
      port: 7300,
      host: '127.0.0.1',
      dataDir: path.resolve(cwd, '.data', 'server'),
      databaseUrl: undefined,
      demo: true,
    });
  });

  it('reads ROI_SERVER_PORT and ROI_DATA_DIR; flags win over them', () => {
    const env = { ROI_SERVER_PORT: '8100', ROI_DATA_DIR: '/srv/roi' };
    expect(resolveServerConfig([], env, cwd)).toMatchObject({ port: 8100, dataDir: '/srv/roi/server' });
    expect(resolveServerConfig(['--port', '0', '--data-dir', 'here', '--host', '0.0.0.0'], env, cwd)).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      dataDir: path.resolve(cwd, 'here', 'server'),
    });
  });

  it('never seeds a DATABASE_URL unless --demo is given; --no-demo skips the embedded seed', () => {
    const env = { DATABASE_URL: 'postgres://u@db/roi' };
    expect(resolveServerConfig([], env, cwd)).toMatchObject({ databaseUrl: 'postgres://u@db/roi', demo: false });
    expect(resolveServerConfig(['--demo'], env, cwd)).toMatchObject({ demo: true });
    expect(resolveServerConfig(['--no-demo'], {}, cwd)).toMatchObject({ demo: false });
  });

  it('explains bad arguments', () => {
    const bad: Array<[string[], Record<string, string>, RegExp]> = [
      [['--port', 'abc'], {}, /--port must be a port number from 0 to 65535, got 'abc'/],
      [['--port', '70000'], {}, /--port must be a port number/],
      [[], { ROI_SERVER_PORT: '-1' }, /ROI_SERVER_PORT must be a port number/],
      [['--frobnicate'], {}, /Unknown option '--frobnicate'/],
      [['extra'], {}, /positional argument/i],
      [['--demo', '--no-demo'], {}, /contradict/],
      [['--port'], {}, /argument missing|requires|--port/],
      [[], { DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\//],
    ];
    for (const [argv, env, message] of bad) {
      expect(() => resolveServerConfig(argv, env, cwd), argv.join(' ')).toThrow(UsageError);
      expect(() => resolveServerConfig(argv, env, cwd), argv.join(' ')).toThrow(message);
    }
  });

  it('prints help (exit 0) and usage errors (exit 2)', async () => {
    const lines: string[] = [];
    expect(await runServerCommand(['--help'], { printHelp: (l) => lines.push(l) })).toBe(0);
    expect(lines.join('\n')).toContain('Usage: roi server');
    lines.length = 0;
    expect(await runServerCommand(['--port', 'x'], { print: (l) => lines.push(l) })).toBe(2);
    expect(lines.join('\n')).toMatch(/^roi server: --port must be a port number[\s\S]*Usage: roi server/);
  });

  it('reports a port in use (exit 1) instead of crashing', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dir = await mkdtemp(path.join(tmpdir(), 'roi-cli-'));
    // A prepared embedded database, so the test does not pay for initdb.
    await createTestDatabase('pglite', { dataDir: path.join(dir, 'server') });
    const lines: string[] = [];
    try {
      const code = await runServerCommand(['--port', String(port), '--data-dir', dir, '--no-demo'], { env: {}, print: (l) => lines.push(l), logger: false });
      expect(code).toBe(1);
      expect(lines.join('\n')).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describeOnBothBackends('roi server', (backend) => {
  it('starts, answers /health, prints its URL and stops cleanly when told to', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'roi-cli-'));
    try {
      // The command keeps its files in <data dir>/server: put the prepared test database there.
      const database = await backend.createDatabase({ dataDir: path.join(parent, 'server') });
      const env = database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {};
      const lines: string[] = [];
      const stop = new AbortController();
      let url = '';
      const exited = runServerCommand(['--port', '0', '--data-dir', parent, ...(backend.kind === 'pglite' ? ['--no-demo'] : [])], {
        env,
        print: (line) => lines.push(line),
        signal: stop.signal,
        logger: false,
        onListening: (listening) => {
          url = listening;
          void fetch(`${listening}/health`)
            .then((res) => res.json())
            .then((body) => {
              lines.push(`health: ${JSON.stringify(body)}`);
              stop.abort();
            });
        },
      });
      expect(await exited).toBe(0);
      const output = lines.join('\n');
      expect(output).toContain(`listening on ${url}`);
      expect(output).toContain(`health: {"status":"ok","version"`);
      expect(output).toContain(`"database":"${backend.kind}"`);
      expect(output).toContain('Sync server stopped.');
      if (database.databaseUrl) expect(output).not.toContain('Demo data loaded');
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});

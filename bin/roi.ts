// `roi <command>`: one entry for every command-line job. Each command lives with its feature and is
// loaded only when asked for, so `roi --help` stays instant.
type Command = { summary: string; run: (argv: string[]) => Promise<number> };

const commands: Record<string, Command> = {
  start: {
    summary: 'Start the sync server (embedded Postgres + demo brokerage) and the app',
    run: async (argv) => (await import('./start-command.ts')).runStartCommand(argv),
  },
  server: {
    summary: 'Run the sync server alone',
    run: async (argv) => (await import('../sync-server/cli.ts')).runServerCommand(argv),
  },
  score: {
    summary: 'Score contacts for sell/buy/refinance/investment intent from CSV files (see --help)',
    run: async (argv) => (await import('../models/intent/score-command.ts')).runScoreCommand(argv),
  },
  avm: {
    summary: 'Value properties from market sales in CSV files (see --help)',
    run: async (argv) => (await import('../models/valuation/avm-command.ts')).runAvmCommand(argv),
  },
  bench: {
    summary: 'Run the benchmarks, print a table and write JSON (--out FILE)',
    run: async (argv) => (await import('../bench/run-bench.ts')).runBenchCommand(argv),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return ['Usage: roi <command> [options]', '', 'Commands:', ...lines, '', 'Run `roi <command> --help` for its options.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    console.error(`roi: unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    console.error(`roi ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

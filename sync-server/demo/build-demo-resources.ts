// Regenerates resources/demo/ (the demo data the app ships with) from the shared data sets, so the
// app never needs ../shared at runtime and the subset can be rebuilt exactly.
//
//   npx tsx sync-server/demo/build-demo-resources.ts [--from ../shared/datasets] [--out resources/demo]
//
// Writes:
//   kc_sales.csv      the full King County sales file, verbatim (market data / comparables)
//   contacts.csv      CONTACTS_PER_BROKERAGE contacts per demo brokerage, original columns, chosen as the
//                     lowest contact ids whose data-set agent belongs to that brokerage (demo-org.ts)
//   events.csv        those contacts' events with occurred_at >= EVENTS_SINCE (original columns)
//   territories.json  for each data-set agent, the ZIP codes where they hold the most relationships
//                     (over all 15,000 contacts), which the seed turns into demo agents' territories
// Deterministic: same inputs → byte-identical outputs.
import { createReadStream } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { brokerageOfDatasetAgent, DEMO_BROKERAGES } from './demo-org.ts';
import { DEMO_RESOURCES_DIR } from './seed.ts';

export { DEMO_RESOURCES_DIR };

export const CONTACTS_PER_BROKERAGE = 400;
/** About the last six months of the event log (which ends 2015-05-31). */
export const EVENTS_SINCE = '2014-12-01T00:00:00Z';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_DATASETS_DIR = path.resolve(REPO_ROOT, '..', 'shared', 'datasets');

type CsvRow = Record<string, string>;

export async function buildDemoResources(options: { from: string; out: string }): Promise<Record<string, number>> {
  const { from, out } = options;
  const contactsFile = path.join(from, 'engagement', 'contacts.csv');
  const eventsFile = path.join(from, 'engagement', 'events.csv.gz');
  const salesFile = path.join(from, 'kc_sales_train.csv');
  for (const file of [contactsFile, eventsFile, salesFile]) {
    await stat(file).catch(() => {
      throw new Error(`Missing ${file}. Pass --from with the folder holding kc_sales_train.csv and engagement/.`);
    });
  }
  await mkdir(out, { recursive: true });

  // Read + write rather than copyFile: the shared file is read-only and copyFile would keep that mode.
  await writeFile(path.join(out, 'kc_sales.csv'), await readFile(salesFile));

  const allContacts = parseSync(await readFile(contactsFile), { columns: true, skip_empty_lines: true }) as CsvRow[];
  const columns = Object.keys(allContacts[0] ?? {});
  const sorted = [...allContacts].sort((a, b) => compare(a.contact_id!, b.contact_id!));
  const chosen: CsvRow[] = [];
  for (const brokerage of DEMO_BROKERAGES) {
    const mine = sorted.filter((c) => brokerageOfDatasetAgent(c.agent_id ?? '')?.key === brokerage.key);
    chosen.push(...mine.slice(0, CONTACTS_PER_BROKERAGE));
  }
  chosen.sort((a, b) => compare(a.contact_id!, b.contact_id!));
  await writeFile(path.join(out, 'contacts.csv'), stringify(chosen, { header: true, columns }));

  await writeFile(path.join(out, 'territories.json'), `${JSON.stringify(territories(allContacts), null, 2)}\n`);

  const wanted = new Set(chosen.map((c) => c.contact_id!));
  const events: CsvRow[] = [];
  let eventColumns: string[] = [];
  const parser = createReadStream(eventsFile).pipe(createGunzip()).pipe(parse({ columns: true }));
  for await (const row of parser as AsyncIterable<CsvRow>) {
    if (eventColumns.length === 0) eventColumns = Object.keys(row);
    // The log is sorted by time, but compare anyway: a resorted input must not change the output.
    if (row.occurred_at! >= EVENTS_SINCE && wanted.has(row.contact_id!)) events.push(row);
  }
  await writeFile(path.join(out, 'events.csv'), stringify(events, { header: true, columns: eventColumns }));

  return { contacts: chosen.length, events: events.length, sales: (await countLines(path.join(out, 'kc_sales.csv'))) - 1 };
}

/** ZIP → the data-set agent holding most of its contacts (ties: lowest agent id), grouped by agent. */
function territories(contacts: CsvRow[]): { note: string; byDatasetAgent: Record<string, string[]> } {
  const counts = new Map<string, Map<string, number>>();
  for (const c of contacts) {
    const zip = c.zipcode ?? '';
    const agent = c.agent_id ?? '';
    if (!zip || !agent) continue;
    const perAgent = counts.get(zip) ?? new Map<string, number>();
    perAgent.set(agent, (perAgent.get(agent) ?? 0) + 1);
    counts.set(zip, perAgent);
  }
  const byDatasetAgent: Record<string, string[]> = {};
  for (const zip of [...counts.keys()].sort(compare)) {
    const ranked = [...counts.get(zip)!].sort((a, b) => b[1] - a[1] || compare(a[0], b[0]));
    const owner = ranked[0]![0];
    (byDatasetAgent[owner] ??= []).push(zip);
  }
  return {
    note: 'Generated by sync-server/demo/build-demo-resources.ts: ZIP codes where each data-set agent holds the most contacts.',
    byDatasetAgent: Object.fromEntries(Object.entries(byDatasetAgent).sort(([a], [b]) => compare(a, b))),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file)) {
    for (const byte of chunk as Buffer) if (byte === 10) lines += 1;
  }
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { from: { type: 'string', default: DEFAULT_DATASETS_DIR }, out: { type: 'string', default: DEMO_RESOURCES_DIR } },
  });
  const counts = await buildDemoResources({ from: path.resolve(values.from), out: path.resolve(values.out) });
  console.log(`Wrote demo resources to ${path.resolve(values.out)}: ${JSON.stringify(counts)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}

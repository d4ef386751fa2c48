// Global search latency on the scale dataset (product target: Ctrl/Cmd-K results ≤ 50 ms p95 on 50k
// contacts / 50k properties, plus 20k notes added here). Each timed sample is one searchEverything call
// as the palette makes it while the user types: short and long prefixes, full names, a typo, phone
// digits, zip codes, street names and note words. The index is built first (its build rate is reported).
import { drainSearchIndex, searchEverything } from '../../electron/search/search-index.ts';
import { createRng } from '../prng.ts';
import { latencyDetails, summarize, timeRuns } from '../stats.ts';
import type { Benchmark } from '../types.ts';

const TIMED_RUNS = 600;
const WARMUP_RUNS = 100;
const NOTES = 20_000;
const NOTE_WORDS = ['kitchen', 'remodel', 'school', 'district', 'commute', 'garage', 'basement', 'lease', 'relocating', 'pre-approved', 'downsizing', 'garden', 'view', 'waterfront', 'condo', 'townhouse', 'budget', 'mortgage', 'inspection', 'offer', 'closing', 'tenant', 'rental', 'duplex'];

const QUERIES = [
  'j', 'jo', 'joh', 'john', 'johnson', 'mary smith', 'pri', 'priya patel', 'okaf', 'kowalski', 'svensson', 'nguyen wei',
  'jonhson', 'kowalksi', 'garica', 'willaims', 'hernadez', // typos
  '206', '555', '98103', '981', 'queen anne', 'rainier ave', 'lake wash', 'ne 4', 'kitchen remodel', 'pre-approved', 'tenant',
  'vip', 'investor', 'first-time', '@example', 'a', 'zzzzzz',
];

export const benchmark: Benchmark = {
  name: 'local.search_p95_ms',
  unit: 'ms',
  target: { op: '<=', value: 50 },
  run(ctx) {
    const store = ctx.freshReplica();
    try {
      const sqlite = store.sqlite;
      const rng = createRng(ctx.seed);
      const contacts = sqlite.prepare(`SELECT id, brokerage_id FROM contacts ORDER BY id LIMIT ?`).all(NOTES) as { id: string; brokerage_id: string }[];
      const insertNote = sqlite.prepare(`INSERT INTO notes (id, brokerage_id, contact_id, body, created_at) VALUES (?, ?, ?, ?, '2025-06-01T00:00:00.000Z')`);
      sqlite.transaction(() => {
        contacts.forEach((contact, i) => {
          const words = Array.from({ length: rng.int(6, 30) }, () => rng.pick(NOTE_WORDS));
          insertNote.run(`bench-note-${i}`, contact.brokerage_id, contact.id, `Called about the ${words.join(' ')}.`);
        });
      })();
      const started = performance.now();
      let indexed = 0;
      for (;;) {
        const result = drainSearchIndex(sqlite, 5000);
        indexed += result.indexed;
        if (result.remaining === 0) break;
      }
      const buildMs = performance.now() - started;
      let hits = 0;
      const samples = timeRuns(
        (i) => {
          hits += searchEverything(sqlite, QUERIES[i % QUERIES.length]!).length;
        },
        { warmup: WARMUP_RUNS, runs: TIMED_RUNS },
      );
      const summary = summarize(samples);
      return {
        value: summary.p95,
        details: { ...latencyDetails(summary), queries: QUERIES.length, documents: indexed, index_build_rows_per_s: Math.round(indexed / (buildMs / 1000)), hits_returned: hits },
      };
    } finally {
      store.close();
    }
  },
};

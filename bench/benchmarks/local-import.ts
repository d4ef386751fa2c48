// CSV import throughput (product target: 50,000 rows in under a minute; benchmark target ≥ 2,000 rows/s)
// on a copy of the scale replica (so duplicate checks run against its 50k contacts). One sample is the
// whole import as the app runs it: upload in 512 KiB base64 pieces, parse, validate, then the one
// replica.mutate transaction that writes every contact (and note) and queues it for the server.
import { randomUUID } from 'node:crypto';
import { createImportService } from '../../electron/contacts/import-service.ts';
import { createReplica } from '../../electron/sync/replica.ts';
import { createRng } from '../prng.ts';
import type { Benchmark } from '../types.ts';

const ROWS = 50_000;
const FIRST = ['Ada', 'Ben', 'Chloé', 'Dmitri', 'Eve', 'Farah', 'Gus', 'Hana', 'Ivan', 'Jia', 'Kofi', 'Lea', 'Mateo', 'Nia', 'Owen', 'Pia'];
const LAST = ['Abara', 'Brandt', 'Castillo', 'Dahl', 'Eriksen', 'Fontaine', 'Gupta', 'Holm', 'Ito', 'Jensen', 'Kaur', 'Lindqvist', 'Moreau', 'Nakamura'];
const STAGES = ['Lead', 'Prospect', 'Past Client', 'Sphere', 'active'];

function makeCsv(seed: number): Buffer {
  const rng = createRng(seed);
  const lines = ['First Name,Last Name,Email,Phone,Zip,Stage,Tags,Client Since,Notes'];
  for (let i = 0; i < ROWS; i++) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    // ~2% bad emails and ~1% in-file duplicates, as real exports have.
    const email = rng.chance(0.02) ? `${first}.${last}.at.example.com` : `${first}.${last}.${i % (ROWS - 500)}@import.example`.toLowerCase();
    const phone = `(${rng.int(200, 989)}) 555-${String(rng.int(0, 9999)).padStart(4, '0')}`;
    const since = `${rng.int(1, 12)}/${rng.int(1, 28)}/${rng.int(2005, 2024)}`;
    const note = rng.chance(0.3) ? `"Met at open house, ""very"" interested in ${rng.pick(['condos', 'townhomes', 'acreage'])}"` : '';
    lines.push([first, last, email, phone, String(rng.int(98001, 98199)), rng.pick(STAGES), rng.chance(0.3) ? 'newsletter;open-house' : '', since, note].join(','));
  }
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`);
}

export const benchmark: Benchmark = {
  name: 'local.import_rows_per_s',
  unit: 'rows/s',
  target: { op: '>=', value: 2_000 },
  async run(ctx) {
    const csv = makeCsv(ctx.seed);
    const store = ctx.freshReplica();
    try {
      const brokerageId = ctx.dataset().summary.brokerageIds[0]!;
      const userId = ctx.dataset().summary.agentIdsByBrokerage[brokerageId]![0]!;
      const replica = createReplica(store.sqlite, { nodeId: 'bench-import', userId, brokerageId });
      const service = createImportService({ sqlite: store.sqlite, mutate: (edits) => replica.mutate(edits), user: { id: userId, role: 'agent', brokerageId }, newId: randomUUID });
      const started = performance.now();
      const piece = 512 * 1024;
      let importId: string | undefined;
      let parsed = null;
      for (let at = 0; parsed === null; at += piece) {
        const result = service.upload({ ...(importId ? { importId } : {}), fileName: 'bench.csv', chunk: csv.subarray(at, at + piece).toString('base64'), last: at + piece >= csv.length });
        importId = result.importId;
        parsed = result.parsed;
      }
      const parsedMs = performance.now() - started;
      const progress = await service.run(parsed.importId, parsed.mapping);
      const totalMs = performance.now() - started;
      if (progress.phase !== 'done') throw new Error(`import ended ${progress.phase}: ${progress.error ?? ''}`);
      return {
        value: Math.round(ROWS / (totalMs / 1000)),
        details: { rows: ROWS, imported: progress.imported, rejected: ROWS - progress.imported, file_mb: Math.round((csv.length / 1048576) * 10) / 10, parse_ms: Math.round(parsedMs), total_ms: Math.round(totalMs) },
      };
    } finally {
      store.close();
    }
  },
};

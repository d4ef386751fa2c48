// resources/demo/ must be exactly what the builder makes from the shared data sets: otherwise the
// committed demo and its documented recipe have drifted apart.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDemoResources, DEFAULT_DATASETS_DIR, DEMO_RESOURCES_DIR } from './build-demo-resources.ts';

const available = existsSync(path.join(DEFAULT_DATASETS_DIR, 'engagement', 'events.csv.gz'));
if (!available) console.warn(`[demo] Skipping the resource rebuild check: ${DEFAULT_DATASETS_DIR} is not present on this machine.`);

describe.skipIf(!available)('build-demo-resources', () => {
  it('regenerates resources/demo byte for byte', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'roi-demo-resources-'));
    try {
      const counts = await buildDemoResources({ from: DEFAULT_DATASETS_DIR, out });
      expect(counts).toMatchObject({ contacts: 800, sales: 16_861 });
      const generated = (await readdir(out)).sort();
      expect(generated).toEqual(['contacts.csv', 'events.csv', 'kc_sales.csv', 'territories.json']);
      for (const file of generated) {
        const [fresh, committed] = await Promise.all([readFile(path.join(out, file)), readFile(path.join(DEMO_RESOURCES_DIR, file))]);
        expect(fresh.equals(committed), `${file} differs: run npx tsx sync-server/demo/build-demo-resources.ts`).toBe(true);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);
});

// `npm run models:train:avm`: trains the shipped AVM on all sales (models/avm.onnx + calibration +
// parity fixtures), then evaluates the same recipe out of time and rewrites the model card.
//
//   npx tsx models/valuation/train.ts [--sales kc_sales_train.csv] [--cutoff 2015-01-15] [--skip-evaluation]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CUTOFF, DEFAULT_SALES_FILE, evaluateAndWriteCard, formatEvaluation } from './evaluate.ts';
import { MODEL_CARD_PATH } from './model-card.ts';
import { DEFAULT_MODEL_PATH, PARITY_FIXTURES_PATH } from './model-runner.ts';
import { dateOfDay } from './property.ts';
import { exportTrainingRows, loadSalesStore, trainAvm } from './training-pipeline.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { sales: { type: 'string' }, cutoff: { type: 'string' }, 'skip-evaluation': { type: 'boolean' } } });
  const salesFile = values.sales ?? DEFAULT_SALES_FILE;
  const workDir = mkdtempSync(path.join(tmpdir(), 'roi-avm-train-'));
  try {
    const started = performance.now();
    const store = loadSalesStore(salesFile);
    const rows = exportTrainingRows(store, path.join(workDir, 'avm-training-rows.csv'));
    console.log(`avm: ${rows.dates.length} training rows from ${store.sales.length} sales`);

    const afterLastSale = dateOfDay(store.sales[store.sales.length - 1]!.day + 1);
    const calibration = await trainAvm({ store, rows, before: afterLastSale, modelOut: DEFAULT_MODEL_PATH, fixturesOut: PARITY_FIXTURES_PATH, workDir });
    console.log(`avm: wrote ${DEFAULT_MODEL_PATH} (comps weight ${calibration.compsWeight}) and ${PARITY_FIXTURES_PATH}`);

    if (!values['skip-evaluation']) {
      const evaluation = await evaluateAndWriteCard({ salesFile, cutoff: values.cutoff ?? DEFAULT_CUTOFF, workDir, rows });
      console.log(`avm: ${formatEvaluation(evaluation)}`);
      console.log(`avm: wrote ${MODEL_CARD_PATH}`);
    }
    console.log(`avm: done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return 0;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(`models:train:avm: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

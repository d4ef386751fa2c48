// Child process of valuation-worker-client.test.ts: starts the real valuation worker on a replica with
// market sales, then closes it in the middle of large batches, at staggered moments. Terminating that
// thread while onnxruntime runs aborts this whole process (SIGABRT), so the test only needs this process's
// exit: 0 with a summary on stdout, or a signal.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openLocalStore } from '../../store/local-store.ts';
import { startValuationWorker, type ValuationWorker } from '../valuation-worker-client.ts';
import { demoSales, insertMarketSales } from './replica-fixtures.ts';

const TRIALS = Number(process.argv[2] ?? 6);
const BATCH = 6_000;
const dir = mkdtempSync(path.join(tmpdir(), 'roi-close-mid-batch-'));
const store = openLocalStore(path.join(dir, 'replica.sqlite'));
const sales = demoSales().filter((sale) => sale.zipcode === '98103' || sale.zipcode === '98115');
insertMarketSales(store.sqlite, sales);
const model = { file: path.resolve('models/avm.onnx'), version: 'test', calibration: JSON.parse(readFileSync('models/avm.calibration.json', 'utf8')) as unknown };
const items = Array.from({ length: BATCH }, (_, i) => {
  const { price: _price, date: _date, ...facts } = sales[i % sales.length]!;
  return { key: String(i), facts, asOf: null };
});
const today = '2015-03-01';
const logs: string[] = [];

// How long a whole batch takes, so the closes below land at moments spread over one.
const timing = startValuationWorker({ dbFile: store.file, model, log: (message) => logs.push(message) });
await timing.summaries(items.slice(0, 1), today); // market and model loaded
let started = performance.now();
await timing.summaries(items, today);
const batchMs = performance.now() - started;
await timing.close();

const outcomes: string[] = [];
for (let trial = 0; trial < TRIALS; trial++) {
  const worker: ValuationWorker = startValuationWorker({ dbFile: store.file, model, log: (message) => logs.push(message) });
  await worker.summaries(items.slice(0, 1), today);
  const batch = worker.summaries(items, today).then(
    (valued) => `valued ${valued.results.length}`,
    (error: Error) => `failed: ${error.message}`,
  );
  await new Promise((resolve) => setTimeout(resolve, (batchMs * (trial + 0.5)) / TRIALS));
  started = performance.now();
  await worker.close();
  outcomes.push(`${await batch} (closed in ${Math.round(performance.now() - started)} ms)`);
}
store.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ batchMs: Math.round(batchMs), outcomes, logs }));

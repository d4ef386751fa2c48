// Training an AVM for a cut-off date, shared by train.ts (the shipped model) and evaluate.ts (a model
// that has never seen the out-of-time test weeks):
//   1. training rows: every sale with features from the sales before its week (TypeScript, one definition);
//   2. Python fits gradient boosting on rows before (cut-off − 6 weeks) and exports ONNX …
//   3. … which values the 6 validation weeks against the market as it stood before them; the measured
//      errors give the calibration (blend weight, ranges, confidence);
//   4. Python refits on all rows before the cut-off: the model shipped with that calibration.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Calibration } from './estimate.ts';
import { fitCalibration } from './calibration.ts';
import { modelLogPrices, prepareValuation } from './engine.ts';
import { buildMarket } from './market.ts';
import { calibrationPathFor, openModelSession } from './model-runner.ts';
import { dateOfDay, dayNumber } from './property.ts';
import { readSalesCsv } from './sales-csv.ts';
import type { SalesStore } from './sales-store.ts';
import { ensureSalesTables, openSalesStore, upsertSales } from './sales-store.ts';
import { weeklyTrainingRows, writeTrainingCsv } from './training-data.ts';

export const VALIDATION_DAYS = 42;
const TRAIN_SCRIPT = fileURLToPath(new URL('../train/train_avm.py', import.meta.url));
const PYTHON = process.env.ROI_PYTHON ?? '/usr/bin/python3';

/** The sales of a CSV file in an in-memory SQLite store (broken rows are an error: training data must be clean). */
export function loadSalesStore(file: string): SalesStore {
  const { records, problems } = readSalesCsv(file);
  if (problems.length > 0) throw new Error(`${file} line ${problems[0]!.line}: ${problems[0]!.message} (${problems.length} broken rows)`);
  const db = new Database(':memory:');
  ensureSalesTables(db);
  upsertSales(db, records);
  return openSalesStore(db);
}

/** A CSV of training rows and the sale date of each (Python picks the rows before its cut-off). */
export type TrainingRowsFile = { path: string; dates: string[] };

export function exportTrainingRows(store: SalesStore, file: string): TrainingRowsFile {
  const rows = weeklyTrainingRows(store);
  writeTrainingCsv(file, rows);
  return { path: file, dates: rows.map((row) => row.sale.date) };
}

function trainInPython(rowsCsv: string, before: string, out: string, fixtures?: string): void {
  const args = [TRAIN_SCRIPT, '--features', rowsCsv, '--before', before, '--out', out, ...(fixtures ? ['--fixtures', fixtures] : [])];
  // One thread: the build machine is shared, and single-threaded fits are reproducible.
  const result = spawnSync(PYTHON, args, { stdio: 'inherit', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (result.error) throw new Error(`cannot run ${PYTHON} (install python3-sklearn, python3-onnx; or set ROI_PYTHON): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${PYTHON} ${args.join(' ')} failed with exit code ${result.status}`);
}

export type TrainOptions = {
  store: SalesStore;
  rows: TrainingRowsFile;
  /** Only sales before this date (YYYY-MM-DD) are used for anything. */
  before: string;
  modelOut: string;
  fixturesOut?: string;
  workDir: string;
};

export async function trainAvm(options: TrainOptions): Promise<Calibration> {
  const { store, rows, before, modelOut, workDir } = options;
  const beforeDay = dayNumber(before);
  const validationDay = beforeDay - VALIDATION_DAYS;
  const validationFrom = dateOfDay(validationDay);

  const validationModel = path.join(workDir, `avm-validation-${validationFrom}.onnx`);
  trainInPython(rows.path, validationFrom, validationModel);
  const market = buildMarket(store, store.sales, validationDay);
  const validationSales = store.sales.filter((sale) => sale.day >= validationDay && sale.day < beforeDay);
  const prepared = validationSales.map((sale) => prepareValuation(market, sale));
  const session = await openModelSession(validationModel);
  const logs = await modelLogPrices(session, prepared);
  await session.release();

  const trainingDates = rows.dates.filter((date) => date < before);
  const calibration = fitCalibration(
    validationSales.map((sale, i) => ({ prepared: prepared[i]!, modelLog: logs[i]!, price: sale.price })),
    {
      trainedBefore: before,
      trainingFrom: trainingDates.reduce((first, date) => (date < first ? date : first)),
      trainingRows: trainingDates.length,
      validationFrom,
      validationBefore: before,
      validationSales: validationSales.length,
    },
  );
  trainInPython(rows.path, before, modelOut, options.fixturesOut);
  writeFileSync(calibrationPathFor(modelOut), JSON.stringify(calibration, null, 2) + '\n');
  return calibration;
}

// Out-of-time evaluation through the `roi avm` contract: the sales from the cut-off date on are valued
// with only the earlier sales as market data, by a model trained only on those earlier sales (never a
// random split). Writes the figures into models/avm.model-card.md.
//
//   npx tsx models/valuation/evaluate.ts [--sales kc_sales_train.csv] [--cutoff 2015-01-15]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { runAvmCommand } from './avm-command.ts';
import { quantile } from './calibration.ts';
import { fitMarketIndex } from './market-index.ts';
import { dateOfDay, dayNumber } from './property.ts';
import { DEFAULT_MODEL_PATH, readCalibration, calibrationPathFor } from './model-runner.ts';
import { MODEL_CARD_PATH, renderModelCard } from './model-card.ts';
import type { TrainingRowsFile } from './training-pipeline.ts';
import { exportTrainingRows, loadSalesStore, trainAvm } from './training-pipeline.ts';

export const DEFAULT_SALES_FILE = process.env.ROI_KC_SALES ?? '/work/shared/datasets/kc_sales_train.csv';
export const DEFAULT_CUTOFF = '2015-01-15';

export type ConfidenceRow = { confidence: number; sales: number; within10: number; coverage: number };
/**
 * The same test sales valued with the market cut off this many days before them too: `roi avm` is judged
 * on sales up to months after the newest sale it is given, and the market moves meanwhile.
 */
export const MARKET_GAP_DAYS = [30, 45] as const;

export type GapEvaluation = { gapDays: number; marketBefore: string; within10: number; medianApe: number; coverage: number; medianLogError: number };

export type Evaluation = {
  cutoff: string;
  marketSales: number;
  subjects: number;
  valued: number;
  medianApe: number;
  within5: number;
  within10: number;
  within20: number;
  /** Share of sale prices inside the reported 80% interval. */
  coverage: number;
  /** Median of log(estimate / price): negative = estimates too low. */
  medianLogError: number;
  seconds: number;
  byConfidence: ConfidenceRow[];
  /** Filled in by evaluateAndWriteCard. */
  gaps?: GapEvaluation[];
};

type Row = Record<string, string>;

function readCsvRows(file: string): { columns: string[]; rows: Row[] } {
  const rows = parse(readFileSync(file, 'utf8'), { columns: true, bom: true, skip_empty_lines: true }) as Row[];
  const columns = rows.length > 0 ? Object.keys(rows[0]!) : [];
  return { columns, rows };
}

export function summarizeErrors(pairs: readonly { estimate: number; low: number; high: number; confidence: number; price: number }[]) {
  const ape = pairs.map((p) => Math.abs(p.estimate / p.price - 1));
  const share = (test: (i: number) => boolean) => pairs.filter((_, i) => test(i)).length / pairs.length;
  const sortedApe = [...ape].sort((a, b) => a - b);
  const logErrors = pairs.map((p) => Math.log(p.estimate / p.price)).sort((a, b) => a - b);
  const levels = [...new Set(pairs.map((p) => p.confidence))].sort((a, b) => a - b);
  return {
    medianApe: quantile(sortedApe, 0.5),
    within5: share((i) => ape[i]! <= 0.05),
    within10: share((i) => ape[i]! <= 0.1),
    within20: share((i) => ape[i]! <= 0.2),
    coverage: share((i) => pairs[i]!.price >= pairs[i]!.low && pairs[i]!.price <= pairs[i]!.high),
    medianLogError: quantile(logErrors, 0.5),
    byConfidence: levels.map((confidence) => {
      const members = pairs.map((p, i) => ({ p, ape: ape[i]! })).filter((m) => m.p.confidence === confidence);
      return {
        confidence,
        sales: members.length,
        within10: members.filter((m) => m.ape <= 0.1).length / members.length,
        coverage: members.filter((m) => m.p.price >= m.p.low && m.p.price <= m.p.high).length / members.length,
      };
    }),
  };
}

/**
 * Splits `salesFile` at `cutoff`, runs `roi avm` on the two halves and scores its output against the
 * prices. With `marketBefore`, only sales before that (earlier) date are market data.
 */
export async function evaluateOutOfTime(options: { salesFile: string; cutoff: string; marketBefore?: string; modelPath: string; workDir: string }): Promise<Evaluation> {
  const { columns, rows } = readCsvRows(options.salesFile);
  const marketBefore = options.marketBefore ?? options.cutoff;
  // A market reaching past the cut-off would hand the engine the very sales it is judged on.
  if (marketBefore > options.cutoff) throw new Error(`the market (before ${marketBefore}) must end by the cut-off ${options.cutoff}`);
  const market = rows.filter((row) => row.sale_date! < marketBefore);
  const held = rows.filter((row) => row.sale_date! >= options.cutoff);
  if (market.length === 0 || held.length === 0) throw new Error(`${options.cutoff} does not split ${options.salesFile} into market and test sales`);
  const files = { sales: path.join(options.workDir, 'market.csv'), subjects: path.join(options.workDir, 'subjects.csv'), out: path.join(options.workDir, 'values.csv') };
  writeFileSync(files.sales, stringify(market, { header: true, columns }));
  const subjectColumns = columns.filter((c) => c !== 'price');
  writeFileSync(files.subjects, stringify(held, { header: true, columns: subjectColumns }));

  const started = performance.now();
  const code = await runAvmCommand(['--sales', files.sales, '--subjects', files.subjects, '--out', files.out, '--model', options.modelPath]);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`roi avm exited with ${code}`);

  const prices = new Map<string, number[]>();
  for (const row of held) {
    const key = `${row.parcel_id}|${row.sale_date}`;
    prices.set(key, [...(prices.get(key) ?? []), Number(row.price)]);
  }
  const pairs = readCsvRows(files.out).rows.map((row) => ({
    estimate: Number(row.estimate),
    low: Number(row.low),
    high: Number(row.high),
    confidence: Number(row.confidence),
    price: prices.get(`${row.parcel_id}|${row.sale_date}`)!.shift()!,
  }));
  return { cutoff: options.cutoff, marketSales: market.length, subjects: held.length, valued: pairs.length, seconds, ...summarizeErrors(pairs) };
}

/** Trains a model on the sales before `cutoff`, evaluates it out of time and rewrites the model card. */
export async function evaluateAndWriteCard(options: { salesFile: string; cutoff: string; workDir: string; rows?: TrainingRowsFile }): Promise<Evaluation> {
  const store = loadSalesStore(options.salesFile);
  const rows = options.rows ?? exportTrainingRows(store, path.join(options.workDir, 'avm-training-rows.csv'));
  const evaluationModel = path.join(options.workDir, `avm-before-${options.cutoff}.onnx`);
  await trainAvm({ store, rows, before: options.cutoff, modelOut: evaluationModel, workDir: options.workDir });
  const evaluation = await evaluateOutOfTime({ salesFile: options.salesFile, cutoff: options.cutoff, modelPath: evaluationModel, workDir: options.workDir });
  evaluation.gaps = [];
  for (const gapDays of MARKET_GAP_DAYS) {
    const marketBefore = dateOfDay(dayNumber(options.cutoff) - gapDays);
    const gapModel = path.join(options.workDir, `avm-before-${marketBefore}.onnx`);
    await trainAvm({ store, rows, before: marketBefore, modelOut: gapModel, workDir: options.workDir });
    const gap = await evaluateOutOfTime({ salesFile: options.salesFile, cutoff: options.cutoff, marketBefore, modelPath: gapModel, workDir: options.workDir });
    evaluation.gaps.push({ gapDays, marketBefore, within10: gap.within10, medianApe: gap.medianApe, coverage: gap.coverage, medianLogError: gap.medianLogError });
  }
  const shipped = readCalibration(calibrationPathFor(DEFAULT_MODEL_PATH));
  const index = fitMarketIndex(store.sales);
  writeFileSync(MODEL_CARD_PATH, renderModelCard({ calibration: shipped, evaluation, evaluationCalibration: readCalibration(calibrationPathFor(evaluationModel)), index }));
  return evaluation;
}

export function formatEvaluation(e: Evaluation): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return (
    `out of time (${e.valued}/${e.subjects} sales from ${e.cutoff}, market = ${e.marketSales} earlier sales): ` +
    `median APE ${pct(e.medianApe)}, within 5% ${pct(e.within5)}, 10% ${pct(e.within10)}, 20% ${pct(e.within20)}, ` +
    `80% interval coverage ${pct(e.coverage)}, ${(e.valued / e.seconds).toFixed(0)} subjects/s end to end`
  );
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { sales: { type: 'string' }, cutoff: { type: 'string' } } });
  const workDir = mkdtempSync(path.join(tmpdir(), 'roi-avm-eval-'));
  try {
    const evaluation = await evaluateAndWriteCard({ salesFile: values.sales ?? DEFAULT_SALES_FILE, cutoff: values.cutoff ?? DEFAULT_CUTOFF, workDir });
    console.log(formatEvaluation(evaluation));
    console.log(`figures written to ${MODEL_CARD_PATH}`);
    return 0;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then((code) => process.exit(code), (error: unknown) => {
    console.error(`evaluate: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}

// `roi avm`: values properties from market sales in CSV files. This is the contract the external
// measurement uses, so it only reads files, never the app's database.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { stringify } from 'csv-stringify/sync';
import type { Valuation } from './engine.ts';
import { finishValuation, modelLogPrices, prepareValuation } from './engine.ts';
import type { PreparedValuation } from './engine.ts';
import { buildMarket } from './market.ts';
import { DEFAULT_MODEL_PATH, loadAvmModel } from './model-runner.ts';
import type { Subject } from './property.ts';
import type { RowProblem } from './sales-csv.ts';
import { readSalesCsv, readSubjectsCsv, SUBJECT_COLUMNS } from './sales-csv.ts';
import { ensureSalesTables, openSalesStore, upsertSales } from './sales-store.ts';

const HELP = `Usage: roi avm --sales <sales.csv> --subjects <subjects.csv> --out <values.csv> [options]

Values every subject from the market sales, as of the subject's sale_date, using only sales recorded
before that date: comparable sales within 0.5 mile (widened when too few), time-adjusted by a market
index fitted on the sales, blended with the learned model (models/avm.onnx).

  --sales FILE      market sales: ${[...SUBJECT_COLUMNS, 'price'].join(',')}
                    (sqft_above, sqft_basement, sqft_living15, sqft_lot15 may be missing or empty)
  --subjects FILE   properties to value: the same columns without price; sale_date = valuation date
  --out FILE        written: parcel_id,sale_date,estimate,low,high,confidence (one row per valued
                    subject; low/high = 80% prediction interval; confidence 0-100 = share of similar
                    validation valuations that were within 10% of the price)
  --comps FILE      also write each subject's comparables and their adjustments (USD)
  --model FILE      ONNX model (default models/avm.onnx; its .calibration.json must sit beside it)
  --strict          fail on the first broken row instead of skipping broken rows
  -h, --help        show this help

Broken rows (missing or non-numeric values, wrong field count) are reported with their line number
on stderr and skipped (the output then lacks those subjects; --strict makes them an error).`;

const MAX_PROBLEMS_SHOWN = 20;

function reportProblems(file: string, problems: readonly RowProblem[]): void {
  for (const problem of problems.slice(0, MAX_PROBLEMS_SHOWN)) console.error(`${file} line ${problem.line}: ${problem.message}`);
  if (problems.length > MAX_PROBLEMS_SHOWN) console.error(`${file}: … and ${problems.length - MAX_PROBLEMS_SHOWN} more broken rows`);
}

const dollars = (x: number) => Math.round(x);

function compsRecords(valuation: Valuation): (string | number)[][] {
  return valuation.comps.comps.map((comp) => {
    const money = (log: number) => dollars(comp.sale.price * Math.expm1(log));
    return [
      valuation.subject.parcelId, valuation.subject.date, comp.sale.parcelId, comp.sale.date, dollars(comp.sale.price),
      comp.miles.toFixed(3), comp.similarity.toFixed(4), comp.weight.toFixed(4), money(comp.adjustments.time), money(comp.adjustments.size),
      money(comp.adjustments.quality), money(comp.adjustments.age), money(comp.adjustments.amenities), dollars(comp.adjustedPrice),
    ];
  });
}

export async function runAvmCommand(argv: string[]): Promise<number> {
  let values: { sales?: string; subjects?: string; out?: string; comps?: string; model?: string; strict?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        sales: { type: 'string' }, subjects: { type: 'string' }, out: { type: 'string' }, comps: { type: 'string' },
        model: { type: 'string' }, strict: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`roi avm: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const missing = (['sales', 'subjects', 'out'] as const).filter((name) => !values[name]);
  if (missing.length > 0) {
    console.error(`roi avm: missing ${missing.map((name) => `--${name}`).join(', ')}\n\n${HELP}`);
    return 2;
  }

  const started = performance.now();
  const sales = readSalesCsv(values.sales!);
  const subjects = readSubjectsCsv(values.subjects!);
  reportProblems(values.sales!, sales.problems);
  reportProblems(values.subjects!, subjects.problems);
  if (values.strict && sales.problems.length + subjects.problems.length > 0) {
    console.error('roi avm: broken rows and --strict: nothing written');
    return 1;
  }
  if (sales.records.length === 0) throw new Error(`${values.sales} has no usable sales`);

  const model = await loadAvmModel(values.model ?? DEFAULT_MODEL_PATH);
  const db = new Database(':memory:');
  try {
    ensureSalesTables(db);
    upsertSales(db, sales.records);
    const store = openSalesStore(db);
    const market = buildMarket(store, store.sales);

    const prepared: PreparedValuation[] = [];
    const unvalued: RowProblem[] = [];
    subjects.records.forEach((subject: Subject, i) => {
      try {
        prepared.push(prepareValuation(market, subject));
      } catch (error) {
        unvalued.push({ line: subjects.lines[i]!, message: `parcel ${subject.parcelId}: ${error instanceof Error ? error.message : String(error)}` });
      }
    });
    if (unvalued.length > 0 && values.strict) {
      reportProblems(values.subjects!, unvalued);
      return 1;
    }
    reportProblems(values.subjects!, unvalued);
    const logs = await modelLogPrices(model.session, prepared);
    const valuations = prepared.map((p, i) => finishValuation(model.calibration, p, logs[i]!));

    writeFileSync(
      values.out!,
      stringify(
        valuations.map((v) => [v.subject.parcelId, v.subject.date, dollars(v.estimate), dollars(v.low), dollars(v.high), v.confidence]),
        { header: true, columns: ['parcel_id', 'sale_date', 'estimate', 'low', 'high', 'confidence'] },
      ),
    );
    if (values.comps) {
      writeFileSync(
        values.comps,
        stringify(valuations.flatMap(compsRecords), {
          header: true,
          columns: ['parcel_id', 'sale_date', 'comp_parcel_id', 'comp_sale_date', 'comp_price', 'miles', 'similarity', 'weight',
            'adj_time', 'adj_size', 'adj_quality', 'adj_age', 'adj_amenities', 'adjusted_price'],
        }),
      );
    }
    const seconds = (performance.now() - started) / 1000;
    const skipped = subjects.problems.length + unvalued.length;
    console.error(
      `roi avm: valued ${valuations.length} subjects from ${store.sales.length} sales in ${seconds.toFixed(1)} s` +
        (skipped > 0 ? `; ${skipped} subject rows skipped (see above)` : '') + ` → ${values.out}`,
    );
    return 0;
  } finally {
    db.close();
  }
}

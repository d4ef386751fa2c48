// Valuation throughput: full valuations (comparables from the R*Tree, features, ONNX model, blend,
// interval, confidence) of 20k properties per run against the King County sales, through the same
// batch API a worker thread would run. Market build (load + index fit) is setup, reported apart.
import path from 'node:path';
import Database from 'better-sqlite3';
import { valueProperties } from '../../models/valuation/engine.ts';
import { buildMarket } from '../../models/valuation/market.ts';
import { loadAvmModel } from '../../models/valuation/model-runner.ts';
import type { Subject } from '../../models/valuation/property.ts';
import { readSalesCsv } from '../../models/valuation/sales-csv.ts';
import { ensureSalesTables, openSalesStore, upsertSales } from '../../models/valuation/sales-store.ts';
import { createRng } from '../prng.ts';
import type { Benchmark } from '../types.ts';

const SALES_FILE = process.env.ROI_KC_SALES ?? '/work/shared/datasets/kc_sales_train.csv';
const PROPERTIES = 20_000;
const VALUATION_DATE = '2015-03-15';

export const benchmark: Benchmark = {
  name: 'avm.valuations_per_s',
  unit: 'valuations/s',
  target: { op: '>=', value: 500 },
  async run(ctx) {
    const setupStarted = performance.now();
    const { records: sales } = readSalesCsv(SALES_FILE);
    if (sales.length === 0) throw new Error(`no sales in ${SALES_FILE} (set ROI_KC_SALES to kc_sales_train.csv)`);
    const db = new Database(path.join(ctx.workDir, 'avm-bench.sqlite'));
    try {
      db.pragma('journal_mode = WAL');
      ensureSalesTables(db);
      upsertSales(db, sales);
      const store = openSalesStore(db);
      const market = buildMarket(store, store.sales);
      const model = await loadAvmModel();
      const setupSeconds = (performance.now() - setupStarted) / 1000;

      // Properties like the county's, moved a little so none is exactly a sold house.
      const rng = createRng(ctx.seed);
      const count = Math.round(PROPERTIES * ctx.scale);
      const subjects: Subject[] = Array.from({ length: count }, (_, i) => {
        const sale = sales[rng.int(0, sales.length - 1)]!;
        return {
          ...sale,
          parcelId: `bench-${i}`,
          date: VALUATION_DATE,
          lat: sale.lat + (rng.next() - 0.5) * 0.004,
          lng: sale.lng + (rng.next() - 0.5) * 0.006,
          sqftLiving: Math.round(sale.sqftLiving * (0.9 + 0.2 * rng.next())),
        };
      });
      await valueProperties(market, subjects.slice(0, 500), model); // warm-up: JIT, statement cache, ORT arenas

      const started = performance.now();
      const valuations = await valueProperties(market, subjects, model);
      const seconds = (performance.now() - started) / 1000;
      await model.session.release();
      const meanComps = valuations.reduce((sum, v) => sum + v.comps.comps.length, 0) / valuations.length;
      const widened = valuations.filter((v) => v.comps.radiusMiles > 0.5).length / valuations.length;
      return {
        value: valuations.length / seconds,
        details: {
          properties: valuations.length,
          seconds: Math.round(seconds * 100) / 100,
          market_sales: store.sales.length,
          setup_seconds: Math.round(setupSeconds * 100) / 100,
          mean_comps: Math.round(meanComps * 10) / 10,
          share_radius_widened: Math.round(widened * 1000) / 1000,
        },
      };
    } finally {
      db.close();
    }
  },
};

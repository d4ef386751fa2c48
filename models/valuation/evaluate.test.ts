import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateOutOfTime, summarizeErrors } from './evaluate.ts';
import { DEFAULT_MODEL_PATH } from './model-runner.ts';
import { SUBJECT_COLUMNS } from './sales-csv.ts';
import { syntheticSales } from './testing/synthetic-sales.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'roi-avm-eval-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('out-of-time evaluation', () => {
  it('scores estimates against prices: shares within 5/10/20%, interval coverage, bias', () => {
    const pairs = [
      { estimate: 104, low: 90, high: 110, confidence: 50, price: 100 }, // +4%, inside
      { estimate: 92, low: 85, high: 95, confidence: 50, price: 100 }, //  -8%, outside
      { estimate: 115, low: 105, high: 125, confidence: 70, price: 100 }, // +15%, outside
      { estimate: 70, low: 60, high: 110, confidence: 70, price: 100 }, // -30%, inside
    ];
    const summary = summarizeErrors(pairs);
    expect(summary).toMatchObject({ within5: 0.25, within10: 0.5, within20: 0.75, coverage: 0.5 });
    expect(summary.medianApe).toBeCloseTo(0.115, 10);
    expect(summary.byConfidence.map((row) => [row.confidence, row.sales])).toEqual([[50, 2], [70, 2]]);
  });

  it('values the sales from the cut-off with only the sales before the market date as evidence', async () => {
    const sales = syntheticSales(900).sort((a, b) => a.date.localeCompare(b.date));
    const salesFile = path.join(dir, 'sales.csv');
    const row = (sale: (typeof sales)[number]) => ({
      ...Object.fromEntries(SUBJECT_COLUMNS.map((column) => [column, ''])),
      parcel_id: sale.parcelId, sale_date: sale.date, price: sale.price, bedrooms: sale.bedrooms, bathrooms: sale.bathrooms,
      sqft_living: sale.sqftLiving, sqft_lot: sale.sqftLot, floors: sale.floors, waterfront: sale.waterfront ? 1 : 0, view: sale.view,
      condition: sale.condition, grade: sale.grade, yr_built: sale.yrBuilt, yr_renovated: sale.yrRenovated, zipcode: sale.zipcode, lat: sale.lat, lng: sale.lng,
    });
    writeFileSync(salesFile, stringify(sales.map(row), { header: true, columns: [...SUBJECT_COLUMNS, 'price'] }));
    const cutoff = sales[800]!.date;
    const marketBefore = sales[600]!.date;
    const gap = await evaluateOutOfTime({ salesFile, cutoff, marketBefore, modelPath: DEFAULT_MODEL_PATH, workDir: dir });
    const none = await evaluateOutOfTime({ salesFile, cutoff, modelPath: DEFAULT_MODEL_PATH, workDir: dir });

    await expect(evaluateOutOfTime({ salesFile, cutoff: marketBefore, marketBefore: cutoff, modelPath: DEFAULT_MODEL_PATH, workDir: dir })).rejects.toThrow(/must end by the cut-off/);

    const held = sales.filter((sale) => sale.date >= cutoff).length;
    expect(gap).toMatchObject({ subjects: held, valued: held, marketSales: sales.filter((sale) => sale.date < marketBefore).length });
    expect(none).toMatchObject({ subjects: held, valued: held, marketSales: sales.filter((sale) => sale.date < cutoff).length });
    // Synthetic prices follow a simple rule: a sound engine values them closely either way.
    expect(none.medianApe).toBeLessThan(0.15);
    expect(gap.medianApe).toBeLessThan(0.15);
  });
});

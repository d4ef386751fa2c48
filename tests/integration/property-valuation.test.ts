// The valuation service on a real replica: market sales in SQLite (indexed by the migration's R*Tree
// triggers), the real valuation worker thread with the shipped AVM, and the replica's real outbox.
// A facts correction made offline stores the corrected facts and the new estimate as one local edit.
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalStore, type LocalStore } from '../../electron/store/local-store.ts';
import { createReplica } from '../../electron/sync/replica.ts';
import { demoSales, insertMarketSales, insertPropertyLike, type PropertyFixture } from '../../electron/valuation/testing/replica-fixtures.ts';
import { startValuationService, type ValuationService } from '../../electron/valuation/valuation-service.ts';
import type { Sale } from '../../models/valuation/property.ts';

// North Seattle: about 2,000 sales, enough market for the index and 0.5-mile comparables.
const ZIPS = new Set(['98103', '98107', '98115', '98117']);
const TODAY = new Date('2015-06-01T15:00:00Z');
const model = {
  file: path.resolve('models/avm.onnx'),
  version: 'bundled-test',
  calibration: JSON.parse(readFileSync('models/avm.calibration.json', 'utf8')) as unknown,
};

type OutboxRow = { table_name: string; op: string; row_id: string; changes: string; status: string };

describe('valuation service on a replica', () => {
  let store: LocalStore;
  let service: ValuationService;
  let sales: Sale[];
  const logs: string[] = [];
  const houses: { fixture: PropertyFixture; sale: Sale }[] = [];
  let bare: PropertyFixture;

  const outbox = (rowId: string) => store.sqlite.prepare('SELECT * FROM local_outbox WHERE row_id = ? ORDER BY id').all(rowId) as OutboxRow[];
  const stored = (id: string) =>
    store.sqlite.prepare('SELECT estimate, estimate_low, estimate_high, estimate_confidence, sqft_living FROM properties WHERE id = ?').get(id) as {
      estimate: number | null;
      estimate_low: number | null;
      estimate_high: number | null;
      estimate_confidence: number | null;
      sqft_living: number;
    };

  beforeAll(() => {
    store = openLocalStore(path.join(mkdtempSync(path.join(tmpdir(), 'roi-property-valuation-')), 'replica.sqlite'));
    sales = demoSales().filter((sale) => ZIPS.has(sale.zipcode) && sale.date < '2015-02-01');
    insertMarketSales(store.sqlite, sales);
    // Houses that sold in the data (as the demo's are): their own sale is the prior sale of the parcel.
    for (const index of [10, 400, 900]) houses.push({ fixture: insertPropertyLike(store.sqlite, sales[index]!), sale: sales[index]! });
    bare = insertPropertyLike(store.sqlite, sales[1200]!, { sqft_lot: null, grade: null });
    const replica = createReplica(store.sqlite, { nodeId: 'device-test', userId: 'u-test', brokerageId: 'b-test' });
    service = startValuationService({
      store,
      sync: { mutate: (edits) => replica.mutate(edits) },
      model: () => model,
      userId: 'u-test',
      now: () => TODAY,
      settleMs: 20,
      log: (message) => logs.push(message),
    });
  });

  afterAll(async () => {
    await service?.close();
    store?.close();
  });

  it('values a property with its range, confidence, adjusted comparables and the market of its radius', async () => {
    const { fixture, sale } = houses[0]!;
    const started = performance.now();
    const detail = await service.getProperty(fixture.id);
    const firstSeconds = (performance.now() - started) / 1000;
    const valuation = detail.valuation!;
    expect(detail.valuationIssue).toBeNull();
    expect(valuation.low).toBeLessThan(valuation.estimate);
    expect(valuation.high).toBeGreaterThan(valuation.estimate);
    expect(valuation.confidence).toBeGreaterThan(0);
    expect(valuation.confidence).toBeLessThanOrEqual(100);
    // The data ends in January: valued at most six weeks past its last sale, not at a date it cannot speak for.
    const lastSale = sales.reduce((latest, s) => (s.date > latest ? s.date : latest), '');
    expect(valuation.marketDataThrough).toBe(lastSale);
    expect(valuation.valuationDate > lastSale).toBe(true);
    expect(valuation.valuationDate < '2015-06-01').toBe(true);

    expect(valuation.comps.length).toBeGreaterThanOrEqual(6);
    for (const comp of valuation.comps) {
      const { time, size, quality, age, amenities } = comp.adjustments;
      expect(comp.price + time + size + quality + age + amenities).toBeCloseTo(comp.adjustedPrice, 4);
    }
    // Its own earlier sale is the prior sale of the parcel, and a comparable next door.
    expect(valuation.priorSale).toMatchObject({ date: sale.date, price: sale.price });
    expect(valuation.comps.some((comp) => comp.sameParcel && comp.miles < 0.01)).toBe(true);

    expect(valuation.market.radiusMiles).toBe(0.5);
    expect(valuation.market.salesCount).toBeGreaterThan(5);
    expect(valuation.market.medianPrice).toBeGreaterThan(100_000);
    expect(valuation.market.medianPricePerSqft).toBeGreaterThan(50);
    expect(valuation.market.indexSeries[0]).toMatchObject({ index: 100 });

    // Stored on the property as a local edit that syncs, and in the history with a retrospective past.
    expect(stored(fixture.id).estimate).toBe(Math.round(valuation.estimate));
    expect(outbox(fixture.id).map((entry) => JSON.parse(entry.changes) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ estimate: Math.round(valuation.estimate), estimate_confidence: valuation.confidence }),
    ]);
    expect(detail.history.length).toBeGreaterThan(3);
    expect(detail.history.at(-1)).toMatchObject({ valuedAt: valuation.valuationDate, reason: 'initial' });
    expect(detail.history.filter((point) => point.reason === 'retrospective').every((point) => point.valuedAt < valuation.valuationDate)).toBe(true);

    expect(detail.loan).toMatchObject({ original: 240_000, ratePercent: 5.625, asOf: valuation.valuationDate });
    expect(detail.loan!.equity).toBeCloseTo(valuation.estimate - detail.loan!.balance, 6);
    expect(detail.refinance?.newRatePercent).toBeCloseTo(4.625, 6);
    expect(detail.equityTimeline[0]).toMatchObject({ date: '2004-03-01', value: 300_000, balance: 240_000 });
    expect(detail.maintenance.length).toBeGreaterThanOrEqual(15);

    // Opening it again is quick and stores nothing new (the estimate did not move).
    const again = performance.now();
    await service.getProperty(fixture.id);
    console.log(`valuation: first ${firstSeconds.toFixed(2)} s (worker start + market + model), then ${(performance.now() - again).toFixed(1)} ms per property page`);
    expect(outbox(fixture.id)).toHaveLength(1);
  });

  it('revalues at once after a facts correction and queues the correction with the new estimate as one edit', async () => {
    const { fixture } = houses[1]!;
    const before = (await service.getProperty(fixture.id)).valuation!;
    const sqft = stored(fixture.id).sqft_living;
    const outboxBefore = outbox(fixture.id).length;

    const started = performance.now();
    const after = await service.updatePropertyFacts(fixture.id, { sqftLiving: Math.round(sqft * 1.6), bathrooms: 3 });
    console.log(`facts correction → new estimate in ${(performance.now() - started).toFixed(1)} ms`);

    expect(after.property.facts.sqftLiving).toBe(Math.round(sqft * 1.6));
    expect(after.valuation!.estimate).toBeGreaterThan(before.estimate * 1.1);
    expect(stored(fixture.id)).toMatchObject({ sqft_living: Math.round(sqft * 1.6), estimate: Math.round(after.valuation!.estimate) });
    const entries = outbox(fixture.id);
    expect(entries).toHaveLength(outboxBefore + 1);
    expect(entries.at(-1)).toMatchObject({ table_name: 'properties', op: 'update', status: 'pending' });
    expect(JSON.parse(entries.at(-1)!.changes)).toMatchObject({ sqft_living: Math.round(sqft * 1.6), bathrooms: 3, estimate: Math.round(after.valuation!.estimate) });
    expect(after.property.pendingChanges).toBe(entries.length);
    expect(after.history.at(-1)).toMatchObject({ reason: 'facts_edited', estimate: Math.round(after.valuation!.estimate) });
    // The retrospective values were redone with the corrected facts.
    const retrospective = after.history.filter((point) => point.reason === 'retrospective');
    expect(retrospective.length).toBeGreaterThan(2);
    expect(retrospective.at(-1)!.estimate).toBeGreaterThan(before.estimate);
  });

  it('refuses an impossible correction with a message that says which facts disagree', async () => {
    const { fixture, sale } = houses[2]!;
    await expect(service.updatePropertyFacts(fixture.id, { yrRenovated: sale.yrBuilt - 5 })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/renovation year .* before the year built/),
    });
    await expect(service.getProperty('no-such-property')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('says which facts are missing, and values the property once they are added', async () => {
    const detail = await service.getProperty(bare.id);
    expect(detail.valuation).toBeNull();
    expect(detail.missingFacts.sort()).toEqual(['grade', 'sqftLot']);
    expect(detail.valuationIssue).toMatch(/lot size, grade/);
    const completed = await service.updatePropertyFacts(bare.id, { sqftLot: 5000, grade: 7 });
    expect(completed.valuation?.estimate).toBeGreaterThan(0);
    expect(completed.missingFacts).toEqual([]);
  });

  it('revalues everything in the worker, storing only estimates that moved', async () => {
    const run = await service.revalueAll('monthly');
    expect(run).toMatchObject({ valued: 4, failed: 0 });
    console.log(`batch of ${run!.valued}: ${run!.seconds.toFixed(3)} s`);
    const again = await service.revalueAll('monthly');
    expect(again).toMatchObject({ valued: 4, changed: 0 });
  });

  it('rebuilds the market when new sales sync in, and revalues as of the newer data', async () => {
    const { fixture } = houses[0]!;
    const before = (await service.getProperty(fixture.id)).valuation!;
    insertMarketSales(
      store.sqlite,
      demoSales().filter((sale) => ZIPS.has(sale.zipcode) && sale.date >= '2015-02-01'),
    );
    service.tablesChanged(['market_sales']);
    await expect.poll(() => logs.some((line) => /after market sales/.test(line)), { timeout: 15_000 }).toBe(true);
    const after = (await service.getProperty(fixture.id)).valuation!;
    expect(after.marketDataThrough > before.marketDataThrough).toBe(true);
    expect(after.valuationDate > before.valuationDate).toBe(true);
  });

  it('turns a maintenance reminder into one task, however often it is asked for', async () => {
    const { fixture } = houses[0]!;
    const item = (await service.getProperty(fixture.id)).maintenance.find((candidate) => candidate.id === 'gutters')!;
    const first = service.createMaintenanceTask(fixture.id, 'gutters');
    const second = service.createMaintenanceTask(fixture.id, 'gutters');
    expect(second).toEqual(first);
    expect(first.dueDate).toBe(item.dueDate);
    const task = store.sqlite.prepare('SELECT title, due_at, remind_at, assignee_id, priority FROM tasks WHERE id = ?').get(first.taskId) as Record<string, string>;
    expect(task).toMatchObject({ assignee_id: 'u-test', priority: 'high', title: expect.stringContaining(fixture.address) });
    expect(task.remind_at! < task.due_at!).toBe(true);
    expect(outbox(first.taskId)).toHaveLength(1);
    expect((await service.getProperty(fixture.id)).maintenance.find((candidate) => candidate.id === 'gutters')?.taskId).toBe(first.taskId);
  });

  it('lists, searches, sorts and pages properties', async () => {
    const all = await service.listProperties({ sort: 'address', offset: 0, limit: 100 });
    expect(all.total).toBe(4);
    const byEstimate = await service.listProperties({ sort: 'estimate', offset: 0, limit: 2 });
    expect(byEstimate.items).toHaveLength(2);
    expect(byEstimate.items[0]!.estimate! >= byEstimate.items[1]!.estimate!).toBe(true);
    const found = await service.listProperties({ search: houses[2]!.fixture.address.slice(0, 8), sort: 'address', offset: 0, limit: 10 });
    expect(found.items.map((item) => item.id)).toContain(houses[2]!.fixture.id);
    expect(service.analyzeRefinance({ id: houses[0]!.fixture.id, newRatePercent: 3.5, newTermYears: 30, closingCostPercent: 3 })?.breakEvenMonths).toBeGreaterThan(0);
    expect(service.analyzeRefinance({ id: houses[0]!.fixture.id, newRatePercent: 9, newTermYears: 30, closingCostPercent: 3 })?.breakEvenMonths).toBeNull();
  });
});

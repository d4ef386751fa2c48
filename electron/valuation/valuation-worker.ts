// The valuation worker thread: owns the market (all synced sales, the fitted market index) and the ONNX
// session, and values what the main thread sends. Building the market takes about a second of CPU and a
// batch of hundreds of valuations longer still: here they never block the main process's event loop.
// It reads the replica through its own read-only connection (WAL lets it read while the main thread writes).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { PreparedValuation } from '../../models/valuation/engine.ts';
import { finishValuation, modelLogPrices, prepareValuation } from '../../models/valuation/engine.ts';
import type { Calibration } from '../../models/valuation/estimate.ts';
import { calibrationSchema } from '../../models/valuation/estimate.ts';
import { FEATURE_NAMES } from '../../models/valuation/features.ts';
import type { Market } from '../../models/valuation/market.ts';
import { buildMarket } from '../../models/valuation/market.ts';
import { calibrationPathFor, openModelSession, readCalibration } from '../../models/valuation/model-runner.ts';
import { openSalesStore } from '../../models/valuation/sales-store.ts';
import { currentValuationDate, valuationDetail } from './valuation-evidence.ts';
import type { ItemResult, MarketInfo, ModelSpec, ValuationSummary, WorkerRequest, WorkerResponse } from './valuation-messages.ts';
import type { ValuationDetail } from '../ipc/contract.ts';
import type * as ort from 'onnxruntime-node';

/** The market index needs this many sales (models/valuation/market-index.ts). */
const MIN_MARKET_SALES = 50;

type WorkerInput = { dbFile: string; model: ModelSpec };
type LoadedModel = { session: ort.InferenceSession; calibration: Calibration; version: string };
type LoadedMarket = { market: Market; salesCount: number; firstSaleDate: string; lastSaleDate: string };

class WorkerFailure extends Error {
  readonly code: 'no_market' | 'model';
  constructor(code: 'no_market' | 'model', message: string) {
    super(message);
    this.code = code;
  }
}

const input = workerData as WorkerInput;
const db = new Database(input.dbFile, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');

let modelSpec = input.model;
let model: Promise<LoadedModel> | null = null;
let market: LoadedMarket | null = null;

function parseCalibration(spec: ModelSpec): Calibration {
  if (spec.calibration === undefined || spec.calibration === null) return readCalibration(calibrationPathFor(spec.file));
  const parsed = calibrationSchema.safeParse(spec.calibration);
  if (!parsed.success) throw new WorkerFailure('model', `The valuation model ${spec.version} came with an unreadable calibration; the app keeps no estimate until a valid model arrives.`);
  if (parsed.data.featureNames.join(',') !== FEATURE_NAMES.join(',')) {
    throw new WorkerFailure('model', `The valuation model ${spec.version} was trained on other inputs than this app version computes; update the app or activate a matching model.`);
  }
  return parsed.data;
}

async function loadModel(spec: ModelSpec): Promise<LoadedModel> {
  try {
    return { calibration: parseCalibration(spec), session: await openModelSession(spec.file), version: spec.version };
  } catch (error) {
    if (error instanceof WorkerFailure) throw error;
    throw new WorkerFailure('model', error instanceof Error ? error.message : String(error));
  }
}

function loadMarket(): LoadedMarket {
  const store = openSalesStore(db);
  if (store.sales.length < MIN_MARKET_SALES) {
    throw new WorkerFailure('no_market', `Only ${store.sales.length} market sales are on this device so far; estimates appear once the market data has synced.`);
  }
  return {
    market: buildMarket(store, store.sales),
    salesCount: store.sales.length,
    firstSaleDate: store.sales[0]!.date,
    lastSaleDate: store.sales[store.sales.length - 1]!.date,
  };
}

async function value(request: Extract<WorkerRequest, { type: 'value' }>): Promise<WorkerResponse> {
  const started = performance.now();
  market ??= loadMarket();
  model ??= loadModel(modelSpec);
  let loaded: LoadedModel;
  try {
    loaded = await model;
  } catch (error) {
    model = null; // a later request (or a new model) tries again
    throw error;
  }
  const current = market;
  const valuationDate = currentValuationDate(current.lastSaleDate, request.today);
  const info: MarketInfo = { salesCount: current.salesCount, firstSaleDate: current.firstSaleDate, lastSaleDate: current.lastSaleDate, valuationDate };

  const results: ItemResult<ValuationSummary | ValuationDetail>[] = [];
  const prepared: { key: string; prepared: PreparedValuation }[] = [];
  for (const item of request.items) {
    try {
      prepared.push({ key: item.key, prepared: prepareValuation(current.market, { ...item.facts, date: item.asOf ?? valuationDate }) });
    } catch (error) {
      results.push({ key: item.key, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const logs = await modelLogPrices(
    loaded.session,
    prepared.map((p) => p.prepared),
  );
  prepared.forEach(({ key, prepared: p }, i) => {
    const valuation = finishValuation(loaded.calibration, p, logs[i]!);
    results.push({
      key,
      ok: true,
      valuation: request.detail
        ? valuationDetail(current.market, valuation, { marketDataThrough: current.lastSaleDate, modelVersion: loaded.version })
        : { estimate: valuation.estimate, low: valuation.low, high: valuation.high, confidence: valuation.confidence, valuationDate: p.subject.date, modelVersion: loaded.version },
    });
  });
  return { id: request.id, ok: true, results, market: info, seconds: (performance.now() - started) / 1000 };
}

// One request at a time, in arrival order: the main thread sends a heavy batch in chunks, so a
// valuation someone waits for never queues behind more than one chunk.
let queue: Promise<void> = Promise.resolve();
let stopping = false;
parentPort!.on('message', (request: WorkerRequest) => {
  if (request.type === 'close') {
    // Never terminated from outside while onnxruntime runs (that aborts the whole process): the batch in
    // progress ends, what is queued behind it is dropped (the main thread fails those requests when this
    // thread ends), then the session and the connection are released and the thread ends by itself.
    stopping = true;
    void queue.then(async () => {
      await model?.then((m) => m.session.release()).catch(() => {});
      db.close();
      parentPort!.close();
    });
    return;
  }
  if (request.type === 'marketChanged') {
    queue = queue.then(() => {
      market = null;
    });
    return;
  }
  if (request.type === 'setModel') {
    queue = queue.then(async () => {
      const previous = model;
      modelSpec = request.model;
      model = null;
      await previous?.then((m) => m.session.release()).catch(() => {});
    });
    return;
  }
  queue = queue.then(async () => {
    if (stopping) return;
    let response: WorkerResponse;
    try {
      response = await value(request);
    } catch (error) {
      const code = error instanceof WorkerFailure ? error.code : 'internal';
      response = { id: request.id, ok: false, code, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    parentPort!.postMessage(response);
  });
});

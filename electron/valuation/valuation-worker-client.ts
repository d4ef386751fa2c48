// Starts the valuation worker (valuation-worker.ts, see electron/workers for how) and turns its messages
// into promises.
import type { Worker } from 'node:worker_threads';
import type { ValuationDetail } from '../ipc/contract.ts';
import type { ItemResult, MarketInfo, ModelSpec, ValuationItem, ValuationSummary, WorkerFailureCode, WorkerRequest, WorkerResponse } from './valuation-messages.ts';
import { siblingModuleUrl, startModuleWorker } from '../workers/start-module-worker.ts';
import { stopWorker } from '../workers/stop-worker.ts';

/** How long a closing worker may take to finish its batch before it is terminated. */
const CLOSE_TIMEOUT_MS = 10_000;

export class ValuationUnavailable extends Error {
  readonly code: WorkerFailureCode;
  constructor(code: WorkerFailureCode, message: string) {
    super(message);
    this.name = 'ValuationUnavailable';
    this.code = code;
  }
}

export type Valued<V> = { results: ItemResult<V>[]; market: MarketInfo; seconds: number };

export type ValuationWorker = {
  summaries(items: ValuationItem[], today: string): Promise<Valued<ValuationSummary>>;
  details(items: ValuationItem[], today: string): Promise<Valued<ValuationDetail>>;
  /** The synced market sales changed: the next valuation rebuilds the market first. */
  marketChanged(): void;
  setModel(model: ModelSpec): void;
  close(): Promise<void>;
};

export function startValuationWorker(options: { dbFile: string; model: ModelSpec; log?: (message: string) => void }): ValuationWorker {
  const log = options.log ?? (() => {});
  let model = options.model;
  let worker: Worker | null = null;
  let closed = false;
  let nextId = 1;
  const pending = new Map<number, { resolve: (response: WorkerResponse) => void; reject: (error: Error) => void }>();

  // Started on first use and again after a crash, so a broken batch never leaves the app without valuations.
  const ensureWorker = (): Worker => {
    if (worker) return worker;
    // After close() nothing may start a worker again: it would keep the process alive.
    if (closed) throw new ValuationUnavailable('internal', 'The valuation service has stopped.');
    const started = startModuleWorker(siblingModuleUrl(import.meta.url, 'valuation-worker'), { workerData: { dbFile: options.dbFile, model } });
    started.on('message', (response: WorkerResponse) => {
      const waiting = pending.get(response.id);
      pending.delete(response.id);
      waiting?.resolve(response);
    });
    const fail = (error: Error) => {
      if (worker === started) worker = null;
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
    };
    started.on('error', (error) => {
      log(`The valuation worker failed: ${error.stack ?? error.message}`);
      fail(new ValuationUnavailable('internal', `The valuation worker stopped (${error.message}); it restarts with the next valuation.`));
    });
    started.on('exit', (code) => {
      if (code !== 0 && worker === started) log(`The valuation worker exited with code ${code}.`);
      fail(new ValuationUnavailable('internal', 'The valuation worker stopped; it restarts with the next valuation.'));
    });
    worker = started;
    return started;
  };

  const send = (message: WorkerRequest) => worker?.postMessage(message);

  async function request<V>(items: ValuationItem[], detail: boolean, today: string): Promise<Valued<V>> {
    const id = nextId++;
    const response = await new Promise<WorkerResponse>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      ensureWorker().postMessage({ type: 'value', id, items, detail, today } satisfies WorkerRequest);
    });
    if (!response.ok) {
      if (response.code === 'internal') log(`Valuation failed in the worker: ${response.error}`);
      throw new ValuationUnavailable(response.code, response.code === 'internal' ? 'The valuation failed; details are in the app log.' : response.error);
    }
    return { results: response.results as ItemResult<V>[], market: response.market, seconds: response.seconds };
  }

  return {
    summaries: (items, today) => request<ValuationSummary>(items, false, today),
    details: (items, today) => request<ValuationDetail>(items, true, today),
    marketChanged: () => send({ type: 'marketChanged' }),
    setModel(next) {
      model = next;
      send({ type: 'setModel', model: next });
    },
    async close() {
      closed = true;
      const running = worker;
      worker = null;
      // After the batch in progress (../workers/stop-worker.ts): terminating a thread inside onnxruntime aborts
      // the process. Requests still waiting are failed when the thread ends.
      if (running && (await stopWorker(running, { type: 'close' } satisfies WorkerRequest, CLOSE_TIMEOUT_MS)) === 'terminated') {
        log(`The valuation worker did not stop within ${CLOSE_TIMEOUT_MS / 1000} s; it was terminated.`);
      }
    },
  };
}

// What the main thread and the valuation worker say to each other. Everything is structured-cloneable:
// facts in, plain numbers and the IPC contract's evidence shapes out.
import type { PropertyFacts } from '../../models/valuation/property.ts';
import type { ValuationDetail } from '../ipc/contract.ts';

/** The model to value with: the ONNX file and its calibration (registry metadata, or the file beside the model). */
export type ModelSpec = { file: string; version: string; calibration: unknown };

/** One property to value; `asOf` null = the current valuation date (see currentValuationDate). */
export type ValuationItem = { key: string; facts: PropertyFacts; asOf: string | null };

export type ValuationSummary = { estimate: number; low: number; high: number; confidence: number; valuationDate: string; modelVersion: string };

export type ItemResult<V> = { key: string; ok: true; valuation: V } | { key: string; ok: false; error: string };

/** The market the worker valued against. */
export type MarketInfo = { salesCount: number; firstSaleDate: string; lastSaleDate: string; valuationDate: string };

export type WorkerRequest =
  | { type: 'value'; id: number; items: ValuationItem[]; detail: boolean; today: string }
  /** market_sales changed: rebuild the market before the next valuation. */
  | { type: 'marketChanged' }
  | { type: 'setModel'; model: ModelSpec }
  /** Finish the batch in progress, release the model and the connection, and end (nothing queued after it runs). */
  | { type: 'close' };

/** `no_market`: too few market sales to value anything yet (the replica is still syncing them). */
export type WorkerFailureCode = 'no_market' | 'model' | 'internal';

export type WorkerResponse =
  | { id: number; ok: true; results: ItemResult<ValuationSummary | ValuationDetail>[]; market: MarketInfo; seconds: number }
  | { id: number; ok: false; code: WorkerFailureCode; error: string };

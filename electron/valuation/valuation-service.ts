// The valuation service of one signed-in session: values properties in the valuation worker, stores
// each estimate on its property through the sync engine (so it syncs like any edit) and in the local
// value history, and keeps estimates current — at once after a facts correction (offline too), after
// market sales arrive from sync, and monthly. It also answers the property pages.
import { eq } from 'drizzle-orm';
import cron from 'node-cron';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { localSettings } from '../../db/schema/sqlite.ts';
import type { OperationInput, OperationOutput, PropertyDetail, PropertyFactsChanges, ValuationDetail, ValuationReason } from '../ipc/contract.ts';
import { AppError } from '../ipc/errors.ts';
import type { LocalStore } from '../store/local-store.ts';
import type { LocalEdit } from '../sync/replica.ts';
import { defaultRefinanceRate, equityTimeline, loanPosition, REFINANCE_DEFAULTS, refinanceAnalysis } from './property-finance.ts';
import { maintenanceSchedule, maintenanceTaskId } from './property-maintenance.ts';
import { createPropertyQueries } from './property-queries.ts';
import type { PropertyRow } from './property-subject.ts';
import { columnChanges, factsOf, subjectOf, withChanges } from './property-subject.ts';
import type { ModelSpec, ValuationItem, ValuationSummary } from './valuation-messages.ts';
import type { ValuationWorker } from './valuation-worker-client.ts';
import { startValuationWorker, ValuationUnavailable } from './valuation-worker-client.ts';
import { createValueHistory, retrospectiveDates } from './value-history.ts';
import type { ValueRecord } from './value-history.ts';

export type ValuationServiceOptions = {
  store: LocalStore;
  /** The session's sync engine: estimates and corrections are local edits that sync. */
  sync: { mutate(edits: LocalEdit[]): number[] };
  /** The AVM to use now (the model store's active version), or null when none is installed. */
  model: () => ModelSpec | null;
  /** Who is signed in (maintenance tasks are assigned to them). */
  userId: string;
  log?: (message: string) => void;
  now?: () => Date;
  /** Quiet time after the last synced batch before revaluing (sync delivers a table in many batches). */
  settleMs?: number;
  /** Revalue everything monthly (node-cron) and at start when the last full run is a month old. */
  monthly?: boolean;
  /** For tests: a worker other than the real thread. */
  startWorker?: (options: { dbFile: string; model: ModelSpec; log: (message: string) => void }) => ValuationWorker;
};

export type RevaluationRun = { reason: ValuationReason; valued: number; changed: number; failed: number; seconds: number };

/** A stored estimate is rewritten (and synced) only when it moves by more than this share, or its confidence changes. */
const MATERIAL_CHANGE = 0.005;
/** Valuations per worker request in a batch: ~30 ms of worker time, so a waiting page never queues long behind one. */
const BATCH_CHUNK = 100;
/** Estimates stored per main-thread turn: ~5 ms of edits, so IPC and sync run in between. */
const STORE_CHUNK = 25;
const LAST_FULL_RUN_KEY = 'valuation.lastFullRevaluation';
/** 04:00 on the 1st of every month; a laptop that was off catches up at its next start. */
const MONTHLY_SCHEDULE = '0 4 1 * *';

export type ValuationService = ReturnType<typeof startValuationService>;

export function startValuationService(options: ValuationServiceOptions) {
  const { store, sync } = options;
  const { db, sqlite } = store;
  const queries = createPropertyQueries(store);
  const history = createValueHistory(db);
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const today = () => now().toISOString().slice(0, 10);
  const settleMs = options.settleMs ?? 2_000;
  let closed = false;
  let worker: ValuationWorker | null = null;
  /** The valuation date of the latest worker answer (finance figures are computed as of it). */
  let lastValuationDate: string | null = null;

  const workerFor = (): ValuationWorker => {
    if (worker) return worker;
    const model = options.model();
    if (!model) throw new ValuationUnavailable('model', 'No valuation model is installed on this device; reinstall the app or sign in to download one.');
    if (store.file === ':memory:') throw new Error('The valuation worker reads the replica from its file; an in-memory replica cannot be valued.');
    worker = (options.startWorker ?? startValuationWorker)({ dbFile: store.file, model, log });
    return worker;
  };

  const summaryOf = (detail: ValuationDetail): ValueRecord => ({
    estimate: detail.estimate,
    low: detail.low,
    high: detail.high,
    confidence: detail.confidence,
    valuationDate: detail.valuationDate,
    modelVersion: detail.modelVersion,
  });

  /** The properties columns of a valuation, or null when the stored estimate is as good (unless `force`). */
  const estimateChanges = (row: PropertyRow, value: ValueRecord, force: boolean): Record<string, unknown> | null => {
    const moved = (stored: number | null, next: number) => stored === null || Math.abs(next - stored) > MATERIAL_CHANGE * Math.max(stored, 1);
    const material = moved(row.estimate, value.estimate) || moved(row.estimateLow, value.low) || moved(row.estimateHigh, value.high) || row.estimateConfidence !== value.confidence;
    if (!material && !force) return null;
    return {
      estimate: Math.round(value.estimate),
      estimate_low: Math.round(value.low),
      estimate_high: Math.round(value.high),
      estimate_confidence: value.confidence,
      estimated_at: now().toISOString(),
    };
  };

  /** Stores valuations (and any fact corrections) as one batch of edits, with their history rows, in one transaction. */
  const storeValuations = sqlite.transaction((writes: { row: PropertyRow; value: ValueRecord; reason: ValuationReason; facts?: Record<string, unknown> }[]) => {
    const edits: LocalEdit[] = [];
    for (const { row, value, reason, facts } of writes) {
      const estimate = estimateChanges(row, value, facts !== undefined);
      if (!estimate && !facts) continue;
      edits.push({ table: 'properties', op: 'update', id: row.id, changes: { ...facts, ...estimate } });
      history.record(row.id, value, reason);
    }
    if (edits.length > 0) sync.mutate(edits);
    return edits.length;
  });

  type Valued = { detail: ValuationDetail | null; issue: string | null; missingFacts: PropertyDetail['missingFacts']; firstSaleDate: string | null };

  const valueDetail = async (row: PropertyRow): Promise<Valued> => {
    const subject = subjectOf(row);
    if (!subject.ok) return { detail: null, issue: subject.issue, missingFacts: subject.missingFacts, firstSaleDate: null };
    try {
      const { results, market } = await workerFor().details([{ key: row.id, facts: subject.facts, asOf: null }], today());
      lastValuationDate = market.valuationDate;
      const result = results[0]!;
      if (!result.ok) return { detail: null, issue: `This property could not be valued: ${result.error}.`, missingFacts: [], firstSaleDate: market.firstSaleDate };
      return { detail: result.valuation, issue: null, missingFacts: [], firstSaleDate: market.firstSaleDate };
    } catch (error) {
      if (error instanceof ValuationUnavailable) return { detail: null, issue: error.message, missingFacts: [], firstSaleDate: null };
      throw error;
    }
  };

  /** Values the property at the start of each past month of the market data, once, so its history has a shape from the first day. */
  const fillRetrospectiveValues = async (row: PropertyRow, valued: Valued) => {
    const subject = subjectOf(row);
    if (!valued.detail || !valued.firstSaleDate || !subject.ok || history.hasRetrospective(row.id)) return;
    const dates = retrospectiveDates(valued.firstSaleDate, valued.detail.valuationDate);
    if (dates.length === 0) return;
    const { results } = await workerFor().summaries(
      dates.map((date) => ({ key: date, facts: subject.facts, asOf: date })),
      today(),
    );
    sqlite.transaction(() => {
      for (const result of results) if (result.ok) history.record(row.id, result.valuation, 'retrospective');
    })();
  };

  const detailOf = (id: string, valued: Valued): PropertyDetail => {
    const row = queries.property(id)!;
    const points = history.of(id);
    const asOf = valued.detail?.valuationDate ?? lastValuationDate ?? today();
    const loan = loanPosition(row, asOf, valued.detail?.estimate ?? row.estimate);
    return {
      property: {
        id: row.id,
        address: row.address,
        zipcode: row.zipcode,
        parcelId: row.parcelId,
        lat: row.lat,
        lng: row.lng,
        owner: queries.owner(row.contactId),
        facts: factsOf(row),
        purchaseDate: row.purchaseDate,
        purchasePrice: row.purchasePrice,
        estimatedAt: row.estimatedAt,
        pendingChanges: queries.pendingChanges(id),
      },
      valuation: valued.detail,
      valuationIssue: valued.issue,
      missingFacts: valued.missingFacts,
      history: points,
      loan,
      equityTimeline: equityTimeline(row, points),
      refinance: loan
        ? refinanceAnalysis(loan, {
            newRatePercent: defaultRefinanceRate(loan),
            newTermYears: REFINANCE_DEFAULTS.newTermYears,
            closingCostPercent: REFINANCE_DEFAULTS.closingCostPercent,
          })
        : null,
      maintenance: maintenanceSchedule({ propertyId: id, yrBuilt: row.yrBuilt, yrRenovated: row.yrRenovated || null, today: today() }, queries.taskExists),
    };
  };

  const requireProperty = (id: string): PropertyRow => {
    const row = queries.property(id);
    if (!row) throw new AppError('not_found', `There is no property ${id} on this device; it may have been deleted or moved out of your scope.`);
    return row;
  };

  /** Values one property now, stores the estimate if it moved, and answers with everything its page shows. */
  const valueAndDescribe = async (id: string, reason: ValuationReason): Promise<PropertyDetail> => {
    const row = requireProperty(id);
    const valued = await valueDetail(row);
    if (valued.detail) storeValuations([{ row: queries.property(id) ?? row, value: summaryOf(valued.detail), reason: row.estimate === null ? 'initial' : reason }]);
    await fillRetrospectiveValues(row, valued);
    return detailOf(id, valued);
  };

  const updateFacts = async (id: string, changes: PropertyFactsChanges): Promise<PropertyDetail> => {
    const row = requireProperty(id);
    const next = withChanges(row, changes);
    if (next.yrBuilt !== null && next.yrRenovated && next.yrRenovated < next.yrBuilt) {
      throw new AppError('invalid_input', `The renovation year (${next.yrRenovated}) is before the year built (${next.yrBuilt}); correct one of them.`);
    }
    const valued = await valueDetail(next);
    const facts = columnChanges(changes);
    if (valued.detail) {
      // The correction and the estimate it leads to are one edit: they sync (or stay offline) together.
      storeValuations([{ row: queries.property(id) ?? row, value: summaryOf(valued.detail), reason: 'facts_edited', facts }]);
      history.forgetRetrospective(id);
      await fillRetrospectiveValues(next, valued);
    } else {
      sync.mutate([{ table: 'properties', op: 'update', id, changes: facts }]);
    }
    return detailOf(id, valued);
  };

  // ---- Batches: every property (market sales, monthly, new model) or the ones without an estimate ----

  let running: Promise<RevaluationRun | null> | null = null;
  let queued: { reason: ValuationReason; onlyUnvalued: boolean } | null = null;

  const runBatch = async (reason: ValuationReason, onlyUnvalued: boolean): Promise<RevaluationRun | null> => {
    const started = performance.now();
    const rows = queries.liveProperties().filter((row) => !onlyUnvalued || row.estimate === null);
    const items: ValuationItem[] = [];
    for (const row of rows) {
      const subject = subjectOf(row);
      if (subject.ok) items.push({ key: row.id, facts: subject.facts, asOf: null });
    }
    if (items.length === 0) return null;
    let valued = 0;
    let changed = 0;
    let failed = 0;
    for (let start = 0; start < items.length && !closed; start += BATCH_CHUNK) {
      const chunk = items.slice(start, start + BATCH_CHUNK);
      const { results, market } = await workerFor().summaries(chunk, today());
      if (closed) break;
      lastValuationDate = market.valuationDate;
      const facts = new Map(chunk.map((item) => [item.key, JSON.stringify(item.facts)]));
      const writes: Parameters<typeof storeValuations>[0] = [];
      for (const result of results) {
        if (!result.ok) {
          failed += 1;
          continue;
        }
        valued += 1;
        const row = queries.property(result.key);
        // Corrected while the batch ran: the correction already stored its own estimate.
        const current = row ? subjectOf(row) : null;
        if (!row || !current?.ok || JSON.stringify(current.facts) !== facts.get(result.key)) continue;
        writes.push({ row, value: result.valuation as ValuationSummary, reason });
      }
      for (let at = 0; at < writes.length && !closed; at += STORE_CHUNK) {
        changed += storeValuations(writes.slice(at, at + STORE_CHUNK));
        await nextTurn(); // let IPC and sync run in between
      }
    }
    const seconds = (performance.now() - started) / 1000;
    if (!onlyUnvalued) {
      db.insert(localSettings)
        .values({ key: LAST_FULL_RUN_KEY, value: today() })
        .onConflictDoUpdate({ target: localSettings.key, set: { value: today() } })
        .run();
    }
    log(`Valued ${valued} properties (${changed} estimates changed, ${failed} failed) in ${seconds.toFixed(2)} s after ${reason.replace('_', ' ')}.`);
    return { reason, valued, changed, failed, seconds };
  };

  /** Runs a batch now, or right after the one running (requests meanwhile merge into one). */
  const revalue = (reason: ValuationReason, onlyUnvalued = false): Promise<RevaluationRun | null> => {
    if (running) {
      queued = queued && !queued.onlyUnvalued ? queued : { reason, onlyUnvalued };
      return running.then(() => null);
    }
    running = runBatch(reason, onlyUnvalued)
      .catch((error: unknown) => {
        if (error instanceof ValuationUnavailable && error.code === 'no_market') return null; // values come once the market data has synced
        if (!closed) log(`Revaluation after ${reason} failed: ${error instanceof Error ? error.message : String(error)}`);
        return null;
      })
      .finally(() => {
        running = null;
        const next = queued;
        queued = null;
        if (next && !closed) void revalue(next.reason, next.onlyUnvalued);
      });
    return running;
  };

  // Synced batches arrive many per second during a sync: revalue once things are quiet.
  let settleTimer: NodeJS.Timeout | null = null;
  let settling: { reason: ValuationReason; onlyUnvalued: boolean } | null = null;
  const revalueWhenSettled = (reason: ValuationReason, onlyUnvalued: boolean) => {
    settling = settling && !settling.onlyUnvalued ? settling : { reason, onlyUnvalued };
    if (settleTimer) clearTimeout(settleTimer);
    settleTimer = setTimeout(() => {
      settleTimer = null;
      const next = settling!;
      settling = null;
      void revalue(next.reason, next.onlyUnvalued);
    }, settleMs);
    settleTimer.unref();
  };

  const monthlyTask = options.monthly ? cron.schedule(MONTHLY_SCHEDULE, () => void revalue('monthly'), { name: 'monthly revaluation', noOverlap: true }) : null;
  if (options.monthly) {
    const last = db.select({ value: localSettings.value }).from(localSettings).where(eq(localSettings.key, LAST_FULL_RUN_KEY)).get()?.value as string | undefined;
    const monthAgo = new Date(now().getTime() - 31 * 86_400_000).toISOString().slice(0, 10);
    if (last === undefined || last < monthAgo) revalueWhenSettled('monthly', false);
    else revalueWhenSettled('initial', true);
  }

  return {
    listProperties: async (input: OperationInput<'listProperties'>): Promise<OperationOutput<'listProperties'>> =>
      queries.list({ sort: 'address', offset: 0, limit: 100, ...input }),
    getProperty: (id: string) => valueAndDescribe(id, 'requested'),
    revalueProperty: (id: string) => valueAndDescribe(id, 'requested'),
    updatePropertyFacts: updateFacts,
    analyzeRefinance(input: { id: string; newRatePercent: number; newTermYears: number; closingCostPercent: number }): OperationOutput<'analyzeRefinance'> {
      const row = requireProperty(input.id);
      const position = loanPosition(row, lastValuationDate ?? today(), row.estimate);
      return refinanceAnalysis(position, input);
    },
    createMaintenanceTask(propertyId: string, itemId: string): OperationOutput<'createMaintenanceTask'> {
      const row = requireProperty(propertyId);
      const item = maintenanceSchedule({ propertyId, yrBuilt: row.yrBuilt, yrRenovated: row.yrRenovated || null, today: today() }, () => false).find(
        (candidate) => candidate.id === itemId,
      );
      if (!item) throw new AppError('not_found', `The maintenance schedule of ${row.address} has no item "${itemId}".`);
      const taskId = maintenanceTaskId(propertyId, item.id, item.dueDate);
      if (!queries.taskExists(taskId)) {
        const due = new Date(`${item.dueDate}T12:00:00.000Z`);
        const remind = new Date(Math.max(due.getTime() - 7 * 86_400_000, now().getTime()));
        sync.mutate([
          {
            table: 'tasks',
            op: 'insert',
            id: taskId,
            changes: {
              title: `${item.title} — ${row.address || 'property'}`,
              description: `${item.why}\n\nHome maintenance reminder (${item.frequency}) for ${row.address || 'this property'}.`,
              priority: item.priority,
              due_at: due.toISOString(),
              remind_at: remind.toISOString(),
              contact_id: row.contactId,
              assignee_id: options.userId,
            },
          },
        ]);
      }
      return { taskId, dueDate: item.dueDate };
    },
    /** Values every property (or only those without an estimate) in the worker; resolves when done. */
    revalueAll: (reason: ValuationReason = 'requested') => revalue(reason),
    /** Called with the tables of every synced batch and local edit. */
    tablesChanged(tables: readonly string[]) {
      if (closed) return;
      if (tables.includes('market_sales')) {
        worker?.marketChanged();
        revalueWhenSettled('market_sales', false);
      } else if (tables.includes('properties')) revalueWhenSettled('initial', true);
    },
    /** The model store swapped in another AVM version. */
    modelChanged() {
      const model = options.model();
      if (!model || closed) return;
      worker?.setModel(model);
      // Retrospective values came from the previous model: redone as properties are opened.
      history.forgetRetrospective();
      void revalue('model_updated');
    },
    async close() {
      closed = true;
      if (settleTimer) clearTimeout(settleTimer);
      await monthlyTask?.destroy();
      // Closing the worker first fails a batch waiting on it, which then ends quietly.
      await worker?.close();
      worker = null;
      await running;
    },
  };
}

// The alert worker thread: reads contacts and events through its own read-only connection to the replica
// (WAL lets it read while the main thread writes), computes features and runs the four intent models —
// the same code path as `roi score` (models/intent: prepareContactHistory → scoreHistories) — derives the
// budget threshold on full runs, and explains the scores worth an alert. It never writes: the main thread
// turns its candidates into alert mutations. Scoring 100k contacts takes seconds of CPU; here it never
// blocks the main process's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { INTENT_TYPES, type IntentType } from '../../db/schema/vocabulary.ts';
import { BURST_SIGNALS, FEATURE_COUNT, SIGNALS, writeFeatures, type ContactHistory, type FeatureContext } from '../../models/intent/features.ts';
import { DAY_MS, isoDate } from '../../models/intent/intent-inputs.ts';
import { loadIntentModels, type IntentModels } from '../../models/intent/intent-models.ts';
import { loadMarketRates } from '../../models/intent/market-rates.ts';
import { explainScore } from '../../models/intent/reasons.ts';
import { observedHistoryStart, scoreHistories } from '../../models/intent/score-contacts.ts';
import { createAlertInputs } from './alert-inputs.ts';
import type { AlertCandidate, AlertReason, IntentModelSpec, ScoreRequest, ScoreResult, WorkerRequest, WorkerResponse } from './alert-messages.ts';
import { budgetThreshold, materiallyChanged, scoringAsOf, snapshotDates, type BudgetThreshold } from './alert-rules.ts';

type WorkerInput = { dbFile: string; models: IntentModelSpec };

const input = workerData as WorkerInput;
const db = new Database(input.dbFile, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
// Each contact's events are read through the (contact_id, occurred_at) index, so the event rows are visited
// in an order unrelated to the table's: mapped pages cost a memory read each instead of a read() call into
// SQLite's small default cache. Read-only and this connection's own: the main connection is untouched.
db.pragma('mmap_size = 4294967296');
const inputs = createAlertInputs(db);
const rates = loadMarketRates();

let spec = input.models;
/** Set by a close request: runs stop at the next batch boundary. */
let stopping = false;
class Stopped extends Error {}
const checkStopping = () => {
  if (stopping) throw new Stopped('The alert worker is closing.');
};
/** First and newest event of the replica as of the last run (epoch ms, NaN when none). */
let span: { first: number; newest: number } | null = null;
let models: Promise<IntentModels> | null = null;

/** Contacts per onnxruntime run (four model runs a batch): large batches amortise the per-run overhead. */
const BATCH_SIZE = 4096;
/** Below this share of the last full run's contacts an incremental run reads events through the index. */
const INDEXED_READ_SHARE = 0.25;
/** Contacts of the last full run (null before one). */
let lastFullCount: number | null = null;
// min / max where NaN means "no event".
const earlier = (a: number, b: number) => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.min(a, b));
const later = (a: number, b: number) => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b));
const REASONS_PER_ALERT = 3;
/** The last run's candidates, until the main thread has pulled them (the next run replaces them). */
let held: { run: number; candidates: AlertCandidate[] } | null = null;
const TIMELINE_WEEKS = 12;

function load(current: IntentModelSpec): Promise<IntentModels> {
  const files = {} as Record<IntentType, string>;
  const calibrations: Partial<Record<IntentType, { a: number; b: number }>> = {};
  for (const type of INTENT_TYPES) {
    files[type] = current[type].file;
    const calibration = current[type].calibration;
    if (calibration) calibrations[type] = calibration;
  }
  return loadIntentModels({ files, calibrations });
}

// Signal codes of each reason group that has a timeline (models/intent/reasons.ts REASON_GROUPS keys).
const SIGNAL_CODE = new Map<string, number>(SIGNALS.map((signal, i) => [signal, i]));
const EMAIL_OPENED = SIGNALS.indexOf('email_opened');
function timelineCodes(key: string): Set<number> | null {
  if (key.startsWith('signal:')) {
    const code = SIGNAL_CODE.get(key.slice('signal:'.length));
    return code === undefined ? null : new Set([code]);
  }
  if (key.startsWith('burst:')) {
    const signals = BURST_SIGNALS[key.slice('burst:'.length) as IntentType];
    return signals ? new Set(signals.map((signal) => SIGNAL_CODE.get(signal)!)) : null;
  }
  if (key === 'activity') return new Set(SIGNALS.map((_, i) => i).filter((i) => i !== EMAIL_OPENED));
  return null;
}

/** Weekly counts of the reason's signals over the 12 weeks before `asOf`, oldest first. */
function timelineOf(history: ContactHistory, key: string, asOf: number): AlertReason['timeline'] | undefined {
  const codes = timelineCodes(key);
  if (!codes) return undefined;
  const weeks = new Array<number>(TIMELINE_WEEKS).fill(0);
  for (let i = history.times.length - 1; i >= 0; i--) {
    const t = history.times[i]!;
    if (t >= asOf) continue;
    const week = Math.floor((asOf - t) / (7 * DAY_MS));
    if (week >= TIMELINE_WEEKS) break;
    if (codes.has(history.codes[i]!) || codes.has(history.actions[i]!)) weeks[TIMELINE_WEEKS - 1 - week]!++;
  }
  return { weeks, through: isoDate(asOf - 1) };
}

/** Explanations run together: each asks for one small model run; a group's runs become one per type. */
const EXPLAIN_GROUP = 256;

/**
 * The models with margins() merged across callers: the calls made in one turn (explainScore asks for one
 * run of ~40 rows per score, before its first await) wait for the next turn and run as one batch per type.
 * Tree ensembles score each row on its own, so every caller gets exactly the margins a run of its own gives.
 */
function explainBatched(models: IntentModels): IntentModels {
  type Call = { features: Float32Array; rows: number; resolve: (margins: Float32Array) => void; reject: (error: unknown) => void };
  const waiting = new Map<IntentType, Call[]>();
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const calls = [...waiting];
    waiting.clear();
    for (const [type, list] of calls) {
      try {
        const total = list.reduce((sum, call) => sum + call.rows, 0);
        const merged = new Float32Array(total * FEATURE_COUNT);
        let at = 0;
        for (const call of list) {
          merged.set(call.features.subarray(0, call.rows * FEATURE_COUNT), at * FEATURE_COUNT);
          at += call.rows;
        }
        const margins = await models.margins(type, merged, total);
        at = 0;
        for (const call of list) {
          call.resolve(margins.slice(at, at + call.rows));
          at += call.rows;
        }
      } catch (error) {
        for (const call of list) call.reject(error);
      }
    }
  };
  return {
    ...models,
    margins(type, features, rows) {
      return new Promise<Float32Array>((resolve, reject) => {
        const list = waiting.get(type) ?? [];
        waiting.set(type, list);
        list.push({ features, rows, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
}

async function score(request: ScoreRequest): Promise<ScoreResult> {
  const started = performance.now();
  const current = spec;
  models ??= load(current);
  let loaded: IntentModels;
  try {
    loaded = await models;
  } catch (error) {
    models = null; // the next request (or another model) tries again
    throw error;
  }

  const marks: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    const at = performance.now();
    marks[name] = (marks[name] ?? 0) + (at - mark) / 1000;
    mark = at;
  };
  if (request.contactIds === null) inputs.prefetchWholeRead();
  const contacts = inputs.contacts(request.contactIds);
  lap('contacts');
  // A full run, or one over a large share of the contacts, takes the events from this worker's copy of the
  // table in columns (read whole once, then only the rows added since); a few contacts read their events
  // through the index (alert-inputs.ts histories).
  const scan = request.contactIds === null || contacts.length > INDEXED_READ_SHARE * (lastFullCount ?? Number.POSITIVE_INFINITY);
  const events = inputs.histories(contacts, scan, checkStopping);
  const histories = events.histories;
  if (request.contactIds === null) lastFullCount = contacts.length;
  lap('events');
  // The span of the whole history sets the clock. A scan reads every event row (contacts deleted since still
  // count, as `roi score` counts every event of its file); an indexed read widens the last run's span by its
  // contacts' events: every event added since the last full run belongs to a changed contact (a full scan
  // of a million events per small run saved).
  if (events.all) span = events.all;
  else {
    span ??= inputs.eventSpan();
    span = { first: earlier(span.first, events.first), newest: later(span.newest, events.newest) };
  }
  lap('span');
  const asOf = scoringAsOf(request.now, Number.isFinite(span.newest) ? span.newest : null);
  const historyStart = observedHistoryStart(span.first, asOf);
  // Outcomes recorded by agents are not the complete record the models' outcome features assume (nor does
  // `roi score` read any by default): scores here equal `roi score`'s for the same data.
  const context: FeatureContext = { rates, historyStart, outcomesKnown: false };

  // Probabilities at the scoring date (first) and, for a full run, at the budget's snapshot dates.
  const dates = request.threshold === null ? snapshotDates(asOf, historyStart) : [asOf];
  const n = histories.length;
  const byDate = dates.map(() => Object.fromEntries(INTENT_TYPES.map((type) => [type, new Float64Array(n)])) as Record<IntentType, Float64Array>);
  const dateIndex = new Map(dates.map((date, i) => [date, i]));
  let offset = 0;
  let lastDate = Number.NaN;
  await scoreHistories(
    histories,
    dates,
    context,
    loaded,
    ({ asOf: date, histories: batch, probabilities }) => {
      checkStopping();
      if (date !== lastDate) {
        offset = 0;
        lastDate = date;
      }
      const target = byDate[dateIndex.get(date)!]!;
      for (const type of INTENT_TYPES) target[type].set(probabilities[type].subarray(0, batch.length), offset);
      offset += batch.length;
    },
    { batchSize: BATCH_SIZE },
  );

  lap('score');
  let threshold: BudgetThreshold | null = null;
  let cut = request.threshold ?? 1;
  if (request.threshold === null) {
    const pooled = Object.fromEntries(
      INTENT_TYPES.map((type) => {
        const all = new Float64Array(n * dates.length);
        byDate.forEach((scores, i) => all.set(scores[type], i * n));
        return [type, all];
      }),
    ) as Record<IntentType, Float64Array>;
    const calibrations = {} as Record<IntentType, { a: number; b: number }>;
    for (const type of INTENT_TYPES) calibrations[type] = loaded.manifest.models[type].calibration;
    threshold = budgetThreshold(pooled, n, dates.length, request.budgetPercent, calibrations);
    cut = threshold.probability;
  }

  const now = byDate[0]!;
  const open = inputs.openAlerts(request.contactIds, request.now);
  const candidates: AlertCandidate[] = [];
  let openUnchangedAboveCut = 0;
  // Candidates worth explaining, with their contact's feature row; explained below in groups whose model
  // runs are merged (explainBatched), in the order the candidates were found.
  const toExplain: { candidate: AlertCandidate; index: number; row: Float32Array }[] = [];
  for (let i = 0; i < n; i++) {
    const { contact, propertyId, assignedAgentId } = contacts[i]!;
    const contactId = contact.id;
    let row: Float32Array | null = null;
    for (const type of INTENT_TYPES) {
      const probability = now[type][i]!;
      const stored = open.get(`${contactId}\t${type}`);
      if (probability < cut && !stored) continue;
      if (stored && !materiallyChanged(stored, probability)) {
        if (probability >= cut) openUnchangedAboveCut++;
        continue;
      }
      if (!row) {
        row = new Float32Array(FEATURE_COUNT);
        writeFeatures(histories[i]!, asOf, context, row, 0);
      }
      const candidate: AlertCandidate = { contactId, type, probability, reasons: [], propertyId, assignedAgentId };
      candidates.push(candidate);
      toExplain.push({ candidate, index: i, row });
    }
  }
  const explaining = explainBatched(loaded);
  for (let start = 0; start < toExplain.length; start += EXPLAIN_GROUP) {
    checkStopping();
    await Promise.all(
      toExplain.slice(start, start + EXPLAIN_GROUP).map(async ({ candidate, index, row }) => {
        const explained = await explainScore(explaining, candidate.type, row, REASONS_PER_ALERT);
        candidate.reasons = explained.map((reason): AlertReason => {
          const timeline = timelineOf(histories[index]!, reason.key, asOf);
          return { key: reason.key, text: reason.text, weight: Math.round(reason.contribution * 1000) / 1000, ...(timeline ? { timeline } : {}) };
        });
      }),
    );
  }

  lap('explain');
  return {
    timings: marks,
    asOf,
    historyStart,
    scored: n,
    threshold,
    cut,
    candidates,
    candidateCount: candidates.length,
    openUnchangedAboveCut,
    run: request.id,
    ...(request.includeScores
      ? {
          scores: {
            contactIds: histories.map((history) => history.contact.id),
            probabilities: Object.fromEntries(INTENT_TYPES.map((type) => [type, Array.from(now[type])])) as Record<IntentType, number[]>,
          },
        }
      : {}),
    modelVersions: Object.fromEntries(INTENT_TYPES.map((type) => [type, current[type].version])) as Record<IntentType, string>,
    seconds: (performance.now() - started) / 1000,
  };
}

// One request at a time, in arrival order; a model change waits for the run in progress.
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (request: WorkerRequest) => {
  if (request.type === 'close') {
    // Never terminated from outside while onnxruntime runs (that aborts the whole process): the run in
    // progress stops at its next batch, then the models and the connection are released and the thread ends.
    stopping = true;
    void queue.then(async () => {
      await models?.then((m) => m.dispose()).catch(() => {});
      inputs.close();
      db.close();
      parentPort!.close();
    });
    return;
  }
  if (request.type === 'candidates') {
    // Answered at once (not queued behind a run): the main thread writes the last run's alerts meanwhile.
    if (held?.run === request.run) {
      parentPort!.postMessage({ id: request.id, candidates: held.candidates.slice(request.start, request.start + request.count) } satisfies WorkerResponse);
    } else {
      parentPort!.postMessage({ id: request.id, ok: false, error: `The candidates of run ${request.run} are gone (a newer run replaced them).` } satisfies WorkerResponse);
    }
    return;
  }
  if (request.type === 'setModels') {
    queue = queue.then(async () => {
      const previous = models;
      spec = request.models;
      models = null;
      await previous?.then((m) => m.dispose()).catch(() => {});
    });
    return;
  }
  queue = queue.then(async () => {
    if (stopping) return;
    let response: WorkerResponse;
    try {
      const result = await score(request);
      held = { run: request.id, candidates: result.candidates };
      response = { id: request.id, ok: true, result: { ...result, candidates: [] } };
    } catch (error) {
      response = { id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
    parentPort!.postMessage(response);
  });
});

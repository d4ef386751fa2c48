// The alert engine of one signed-in session. It keeps intent alerts current on this device:
//   - after synced batches touching events, contacts or properties it rescores only the contacts whose
//     rows changed (debounced: an initial sync delivers hundreds of batches);
//   - once the replica has caught up after start, nightly at 02:30 (node-cron), when the intent models
//     change and when the brokerage's budget changes, it rescores every contact and re-derives the
//     budget threshold (alert-rules.ts budgetThreshold).
// Scoring runs in the alert worker (its own read-only connection); this thread only turns the worker's
// candidates into alert edits through the replica's mutate (one call per chunk), so they are
// optimistic, work offline and sync. Scope is the server's business: a device scores what its replica holds.
//
// Which contacts changed: the sync engine hands over every stored batch of server changes
// (serverChangesApplied) and the session every local edit (localEdits); the contact ids of the events,
// contacts and properties rows among them wait in memory for the next incremental run. Nothing is tracked
// before the first full run starts (it covers everything); what a crash loses is covered by the full run at
// the next start.
import { setImmediate as nextTurn } from 'node:timers/promises';
import cron, { type ScheduledTask } from 'node-cron';
import { INTENT_TYPES } from '../../db/schema/vocabulary.ts';
import { DAY_MS } from '../../models/intent/intent-inputs.ts';
import { shapeTableInfo, type ShapeTable } from '../../db/sync/shape-tables.ts';
import type { LocalStore } from '../store/local-store.ts';
import type { LocalEdit } from '../sync/replica.ts';
import type { ShapeChange } from '../sync/shape-changes.ts';
import type { AlertCandidate, IntentModelSpec, ScoreResult } from './alert-messages.ts';
import {
  alertId,
  alertPeriod,
  budgetPercentOf,
  CONTACT_ACTIVITY_KINDS,
  isOpen,
  materiallyChanged,
  priorityOf,
  RECENT_CONTACT_DAYS,
  type BudgetThreshold,
} from './alert-rules.ts';
import { startAlertWorker, type AlertWorker } from './alert-worker-client.ts';

export type AlertEngineOptions = {
  store: LocalStore;
  /** The session's sync engine: alerts are local edits that sync. */
  sync: { mutate(edits: LocalEdit[]): number[] };
  /** The intent models to use now (the model store's active versions), or null when none is installed. */
  models: () => IntentModelSpec | null;
  /** The signed-in user's brokerage: its settings may hold `alertBudgetPercent`. */
  brokerageId: string | null;
  log?: (message: string) => void;
  now?: () => Date;
  /** Quiet time after the last changed batch before rescoring, and the longest a busy stream may defer it. */
  settleMs?: number;
  maxWaitMs?: number;
  /** Rescore everyone nightly at 02:30 local time. */
  nightly?: boolean;
  /** The first full run waits for caughtUp(); an offline start runs it after this long anyway. */
  startWithoutCatchUpMs?: number;
  /** First retry delay after a failed run (doubles up to a minute). */
  retryBaseMs?: number;
  /** At most this many alert edits per mutate call (one transaction, one outbox batch); fewer when a slice runs long. */
  writeChunk?: number;
  /** For tests: a worker other than the real thread. */
  startWorker?: (options: { dbFile: string; models: IntentModelSpec; log: (message: string) => void }) => AlertWorker;
};

/** Why a run happened; `rederive`: changes asked for an incremental run but the threshold had to be derived again (first run, bulk change, contact count moved). */
export type AlertRunKind = 'start' | 'nightly' | 'model' | 'budget' | 'requested' | 'changed' | 'rederive';

export type AlertRun = {
  kind: AlertRunKind;
  asOf: string;
  period: string;
  scored: number;
  threshold: number;
  raised: number;
  updated: number;
  /** Above the cut but an open alert of the type exists (its score may have been updated instead). */
  suppressedOpen: number;
  /** Above the cut but the contact was reached in the last 3 days. */
  suppressedContacted: number;
  /** Above the cut but this period's alert exists and was closed (dismissed, converted). */
  alreadyRaised: number;
  /** Edits the replica refused (logged with the reason; the others were saved). */
  failed: number;
  seconds: number;
  /** Where the worker spent its seconds (reading, scoring, explaining). */
  workerSeconds: Record<string, number>;
};

/** The threshold this device derived at its last full run (local_settings, never synced). */
export type StoredThreshold = BudgetThreshold & { modelVersions: string; asOf: string; computedAt: string };

const THRESHOLD_KEY = 'alerts.threshold';
const LAST_FULL_RUN_KEY = 'alerts.lastFullRun';
export const NIGHTLY_SCHEDULE = '30 2 * * *';
const NIGHTLY_TASK_NAME = 'nightly alert rescoring';
const WATCHED_TABLES = new Set(['events', 'contacts', 'properties']);
const MAX_RETRY_MS = 60_000;
/** The threshold is re-derived (full run) when the number of contacts moved more than this share since. */
const CONTACT_COUNT_TOLERANCE = 0.1;
/** An incremental run over more than this share of the contacts re-derives the threshold (a full run instead). */
const BULK_CHANGE_SHARE = 0.5;

/** Tables whose rows name a contact in `contact_id` (for `contacts` it is the row's own id). */
const CONTACT_ROW_TABLES = ['events', 'properties'] as const;
type ContactRowTable = (typeof CONTACT_ROW_TABLES)[number];
const isContactRowTable = (table: string): table is ContactRowTable => (CONTACT_ROW_TABLES as readonly string[]).includes(table);
/** Position of contact_id in a row of an `inserts` run (the table's column order), and of a contact's own id. */
const CONTACT_ID_COLUMN = shapeTableInfo('contacts').columns.findIndex((column) => column.name === 'id');
const CONTACT_COLUMN: Record<ContactRowTable, number> = Object.fromEntries(
  CONTACT_ROW_TABLES.map((table) => [table, shapeTableInfo(table).columns.findIndex((column) => column.name === 'contact_id')]),
) as Record<ContactRowTable, number>;
/** A main-thread slice of alert writes aims at this many milliseconds (then yields): the UI and sync run between slices. */
const WRITE_SLICE_MS = 8;
/** After this much writing the writes wait for a WAL checkpoint, so the WAL rewinds (store/wal-checkpointer.ts). */
const CHECKPOINT_AFTER_WRITING_MS = 400;
/** Candidates per message from the worker (~1 ms to deserialise). */
const CANDIDATES_PER_PULL = 100;

type ExistingAlert = { id: string; contact_id: string; type: string; status: string; snoozed_until: string | null; probability: number; priority: string; created_at: string };

export type AlertEngine = ReturnType<typeof startAlertEngine>;

export function startAlertEngine(options: AlertEngineOptions) {
  const { store, sync } = options;
  const { sqlite } = store;
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const settleMs = options.settleMs ?? 2_000;
  const maxWaitMs = options.maxWaitMs ?? 15_000;
  const retryBaseMs = options.retryBaseMs ?? 1_000;
  const writeChunk = options.writeChunk ?? 25;

  // Contacts whose rows changed since the last run (kept in memory: a crash is covered by the next start's full run).
  const dirty = new Set<string>();
  /** A change whose contact cannot be told any more (a server delete of an event or home row): the next run covers everyone. */
  let needsFullRun = false;
  const contactOfRow: Record<ContactRowTable, (id: string) => string | undefined> = {
    events: (() => {
      const statement = sqlite.prepare('SELECT contact_id FROM events WHERE id = ?').pluck();
      return (id: string) => (statement.get(id) as string | null | undefined) ?? undefined;
    })(),
    properties: (() => {
      const statement = sqlite.prepare('SELECT contact_id FROM properties WHERE id = ?').pluck();
      return (id: string) => (statement.get(id) as string | null | undefined) ?? undefined;
    })(),
  };
  const markContact = (id: unknown) => {
    if (typeof id === 'string' && id !== '') dirty.add(id);
  };
  const drainDirty = (): string[] => {
    const ids = [...dirty];
    dirty.clear();
    return ids;
  };
  const restoreDirty = (ids: readonly string[]) => {
    for (const id of ids) dirty.add(id);
  };

  const readSetting = <T>(key: string): T | null => {
    const row = sqlite.prepare('SELECT value FROM local_settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : null;
  };
  const writeSetting = (key: string, value: unknown) =>
    sqlite
      .prepare(
        `INSERT INTO local_settings (key, value, updated_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value));

  const budgetPercent = (): number => {
    if (!options.brokerageId) return budgetPercentOf(null);
    const row = sqlite.prepare('SELECT settings FROM brokerages WHERE id = ?').get(options.brokerageId) as { settings: string | null } | undefined;
    try {
      return budgetPercentOf(row?.settings ? JSON.parse(row.settings) : null);
    } catch {
      return budgetPercentOf(null); // unreadable settings: the default budget
    }
  };
  const countLiveContacts = sqlite.prepare('SELECT (SELECT count(*) FROM contacts) - (SELECT count(*) FROM contacts WHERE deleted_at IS NOT NULL)').pluck();
  const contactCountMoved = (counted: number): boolean => {
    // All rows minus the deleted ones (a small partial index): counting the live rows directly reads the whole table.
    const live = countLiveContacts.get() as number;
    return Math.abs(live - counted) > CONTACT_COUNT_TOLERANCE * Math.max(counted, 1);
  };
  const versionsOf = (spec: IntentModelSpec) => INTENT_TYPES.map((type) => `${type}=${spec[type].version}`).join(' ');

  let closed = false;
  let worker: AlertWorker | null = null;
  const workerFor = (spec: IntentModelSpec): AlertWorker => {
    if (worker) return worker;
    if (store.file === ':memory:') throw new Error('The alert worker reads the replica from its file; an in-memory replica cannot be scored.');
    worker = (options.startWorker ?? startAlertWorker)({ dbFile: store.file, models: spec, log });
    return worker;
  };

  // ---- Turning scores into alert edits ----

  const selectAlertsOf = sqlite.prepare(
    `SELECT id, contact_id, type, status, snoozed_until, probability, priority, created_at FROM alerts
     WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY created_at DESC`,
  );
  const alertsOf = (contactIds: string[]) => selectAlertsOf.all(JSON.stringify(contactIds)) as ExistingAlert[];

  const selectContacted = sqlite
    .prepare(
      `SELECT DISTINCT contact_id FROM activities
       WHERE contact_id IN (SELECT value FROM json_each(?)) AND kind IN (${CONTACT_ACTIVITY_KINDS.map((kind) => `'${kind}'`).join(', ')})
         AND (occurred_at >= ? OR (occurred_at >= ? AND occurred_at <= ?))`,
    )
    .pluck();
  /** Contacts reached (call, meeting, email, showing, text) within 3 days of now — or of the scoring date, when the data's clock is behind. */
  const recentlyContacted = (contactIds: string[], at: number, asOf: number): Set<string> => {
    const window = RECENT_CONTACT_DAYS * DAY_MS;
    const rows = selectContacted.all(JSON.stringify(contactIds), new Date(at - window).toISOString(), new Date(asOf - window).toISOString(), new Date(asOf).toISOString()) as string[];
    return new Set(rows);
  };

  /** One mutate per chunk; a chunk the replica refuses is retried edit by edit, so one bad row never blocks the others. */
  const save = (edits: LocalEdit[]): LocalEdit[] => {
    try {
      sync.mutate(edits);
      return [];
    } catch {
      return edits.filter((edit) => {
        try {
          sync.mutate([edit]);
          return false;
        } catch (error) {
          log(`Could not save alert ${edit.id} (${edit.op}): ${error instanceof Error ? error.message : String(error)}`);
          return true;
        }
      });
    }
  };

  const writeAlerts = async (result: ScoreResult, kind: AlertRunKind): Promise<Omit<AlertRun, 'seconds' | 'kind' | 'scored' | 'workerSeconds'>> => {
    const at = now().getTime();
    const period = alertPeriod(result.asOf);
    const counts = { raised: 0, updated: 0, suppressedOpen: result.openUnchangedAboveCut, suppressedContacted: 0, alreadyRaised: 0, failed: 0 };
    // Slices sized by time, not count: a mutate's cost varies with the rows it touches (and with what else
    // the machine runs), so each slice is grown or shrunk to stay near WRITE_SLICE_MS, never above writeChunk.
    let size = Math.min(writeChunk, 8);
    let writingMs = 0;
    // The worker keeps the candidates; they are pulled a part at a time, each deserialised in its own turn.
    const total = result.candidates.length > 0 ? result.candidates.length : result.candidateCount;
    const source = worker;
    let part: AlertCandidate[] = result.candidates;
    let partStart = 0;
    const chunkAt = async (start: number, count: number): Promise<AlertCandidate[]> => {
      if (start >= partStart + part.length) {
        if (!source?.candidates) throw new Error('The alert worker cannot hand over its candidates.');
        part = await source.candidates(result.run, start, CANDIDATES_PER_PULL);
        partStart = start;
        if (part.length === 0) throw new Error(`The alert worker has no candidates from ${start} of ${total}.`);
      }
      return part.slice(start - partStart, start - partStart + count);
    };
    for (let start = 0; start < total && !closed; ) {
      const chunk = await chunkAt(start, size);
      const sliceStarted = performance.now();
      start += chunk.length;
      const contactIds = [...new Set(chunk.map((candidate) => candidate.contactId))];
      // Read the current state right before writing: the inbox may have changed it while the worker ran.
      const existing = alertsOf(contactIds);
      const contacted = recentlyContacted(contactIds, at, result.asOf);
      const edits: LocalEdit[] = [];
      for (const candidate of chunk) {
        const edit = decide(candidate, existing, contacted, period.start, result, at, counts);
        if (edit) edits.push(edit);
      }
      for (const failed of edits.length > 0 ? save(edits) : []) {
        counts.failed++;
        if (failed.op === 'insert') counts.raised--;
        else counts.updated--;
      }
      const took = performance.now() - sliceStarted;
      if (took > WRITE_SLICE_MS && size > 1) size = Math.max(1, Math.floor(size / 2));
      else if (took < WRITE_SLICE_MS / 2) size = Math.min(writeChunk, size * 2);
      writingMs += took;
      if (writingMs >= CHECKPOINT_AFTER_WRITING_MS) {
        writingMs = 0;
        await options.store.checkpointNow(); // IPC and sync run meanwhile too
      } else await nextTurn(); // let IPC and sync run between slices
    }
    if (counts.raised + counts.updated + counts.failed > 0) log(`Alerts (${kind}): ${counts.raised} raised, ${counts.updated} updated${counts.failed ? `, ${counts.failed} refused` : ''}.`);
    return { asOf: new Date(result.asOf).toISOString(), period: period.start, threshold: result.cut, ...counts };
  };

  const decide = (
    candidate: AlertCandidate,
    existing: ExistingAlert[],
    contacted: Set<string>,
    periodStart: string,
    result: ScoreResult,
    at: number,
    counts: { raised: number; updated: number; suppressedOpen: number; suppressedContacted: number; alreadyRaised: number; failed: number },
  ): LocalEdit | null => {
    const { contactId, type, probability } = candidate;
    const modelVersion = result.modelVersions[type].slice(0, 60);
    const id = alertId(contactId, type, periodStart);
    const ofType = existing.filter((alert) => alert.contact_id === contactId && alert.type === type);
    const open = ofType.find((alert) => alert.id === id && isOpen({ status: alert.status, snoozedUntil: alert.snoozed_until }, at)) ??
      ofType.find((alert) => isOpen({ status: alert.status, snoozedUntil: alert.snoozed_until }, at));
    const above = probability >= result.cut;
    if (open) {
      if (above) counts.suppressedOpen++;
      // The open alert as it is now already carries this score (the worker read an older one): nothing to do.
      if (!materiallyChanged(open, probability)) return null;
      counts.updated++;
      open.probability = probability; // a repeat within the chunk sees the new value
      open.priority = priorityOf(probability);
      return { table: 'alerts', op: 'update', id: open.id, changes: { probability, priority: priorityOf(probability), reasons: candidate.reasons, model_version: modelVersion } };
    }
    if (!above) return null;
    if (contacted.has(contactId)) {
      counts.suppressedContacted++;
      return null;
    }
    if (ofType.some((alert) => alert.id === id)) {
      counts.alreadyRaised++;
      return null;
    }
    counts.raised++;
    existing.push({ id, contact_id: contactId, type, status: 'new', snoozed_until: null, probability, priority: priorityOf(probability), created_at: new Date(at).toISOString() });
    return {
      table: 'alerts',
      op: 'insert',
      id,
      changes: {
        contact_id: contactId,
        property_id: candidate.propertyId,
        type,
        probability,
        priority: priorityOf(probability),
        reasons: candidate.reasons,
        status: 'new',
        assigned_agent_id: candidate.assignedAgentId,
        model_version: modelVersion,
      },
    };
  };

  // ---- Runs ----

  const runOnce = async (kind: AlertRunKind, drained: string[]): Promise<AlertRun | null> => {
    const started = performance.now();
    const spec = options.models();
    if (!spec) {
      log('No intent models are installed on this device; alerts wait until they are.');
      return null;
    }
    const budget = budgetPercent();
    const stored = readSetting<StoredThreshold>(THRESHOLD_KEY);
    const versions = versionsOf(spec);
    let full = kind !== 'changed' || needsFullRun;
    // An incremental run needs the threshold of a full run with the same models and budget, over about as
    // many contacts as there are now (the budget is a share of them: a first sync changes it completely).
    if (!full && (!stored || stored.budgetPercent !== budget || stored.modelVersions !== versions || contactCountMoved(stored.contacts))) full = true;
    // A full run covers every contact waiting too; what changes while it runs waits for the next run.
    drained.push(...drainDirty());
    const hadUnresolved = needsFullRun;
    needsFullRun = false;
    if (!full && drained.length === 0) return null;
    // A bulk change (the first valuation of every home, an import) moves the score distribution itself.
    if (!full && drained.length > BULK_CHANGE_SHARE * stored!.contacts) full = true;
    let result: ScoreResult;
    try {
      result = await workerFor(spec).score({
        contactIds: full ? null : drained,
        now: now().getTime(),
        budgetPercent: budget,
        threshold: full ? null : stored!.probability,
      });
    } catch (error) {
      needsFullRun ||= hadUnresolved; // the drained contacts are restored by the caller
      throw error;
    }
    if (closed) return null;
    if (result.threshold) {
      writeSetting(THRESHOLD_KEY, {
        ...result.threshold,
        modelVersions: versions,
        asOf: new Date(result.asOf).toISOString(),
        computedAt: now().toISOString(),
      } satisfies StoredThreshold);
      const t = result.threshold;
      log(
        `Alert threshold ${t.probability.toFixed(3)} (budget ${t.budgetPercent}% of ${t.contacts} contacts a year → ${t.allowedPairs} pairs over ${t.snapshots} monthly snapshots; budget alone ${t.budgetProbability.toFixed(3)}, floor 0.5).`,
      );
    }
    const ran: AlertRunKind = full && kind === 'changed' ? 'rederive' : kind;
    const written = await writeAlerts(result, ran);
    if (full) writeSetting(LAST_FULL_RUN_KEY, now().toISOString());
    return { kind: ran, scored: result.scored, ...written, seconds: (performance.now() - started) / 1000, workerSeconds: result.timings };
  };

  let running: Promise<AlertRun | null> | null = null;
  let pendingFull: AlertRunKind | null = null;
  let pendingChanged = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | null = null;
  let last: AlertRun | null = null;

  const loop = async (): Promise<AlertRun | null> => {
    let result: AlertRun | null = null;
    while (!closed && (pendingFull || pendingChanged)) {
      const kind: AlertRunKind = pendingFull ?? 'changed';
      pendingFull = null;
      pendingChanged = false;
      const drained: string[] = [];
      try {
        // A queued run that found nothing to do leaves the answer of the one before.
        const ran = await runOnce(kind, drained);
        if (ran) result = last = ran;
        failures = 0;
      } catch (error) {
        restoreDirtyIfOpen(drained);
        if (closed) break;
        failures++;
        const delay = Math.min(MAX_RETRY_MS, retryBaseMs * 2 ** (failures - 1));
        log(`Alert scoring (${kind}) failed; retrying in ${Math.round(delay / 1000)} s: ${error instanceof Error ? error.message : String(error)}`);
        if (retryTimer) clearTimeout(retryTimer);
        retryTimer = setTimeout(() => {
          retryTimer = null;
          void request(kind);
        }, delay);
        retryTimer.unref();
        break;
      }
    }
    running = null;
    return result;
  };

  const restoreDirtyIfOpen = (ids: string[]) => {
    if (ids.length > 0 && !closed) restoreDirty(ids);
  };

  /** Queues a run (a full run absorbs a pending incremental one) and resolves when the queue is done. */
  const request = (kind: AlertRunKind): Promise<AlertRun | null> => {
    if (closed) return Promise.resolve(null);
    if (kind === 'changed') pendingChanged = true;
    else pendingFull ??= kind;
    running ??= loop();
    return running;
  };

  // ---- Triggers: sync batches (debounced), catch-up, nightly, model and budget changes ----

  let started = false;
  let settleTimer: NodeJS.Timeout | null = null;
  let firstChangeAt: number | null = null;
  let settlingKind: AlertRunKind | null = null;
  const whenSettled = (kind: AlertRunKind) => {
    settlingKind = settlingKind && settlingKind !== 'changed' ? settlingKind : kind;
    firstChangeAt ??= Date.now();
    if (settleTimer) clearTimeout(settleTimer);
    // Wait for a quiet moment, but never longer than maxWaitMs after the first change.
    const wait = Math.max(0, Math.min(settleMs, firstChangeAt + maxWaitMs - Date.now()));
    settleTimer = setTimeout(() => {
      settleTimer = null;
      firstChangeAt = null;
      const next = settlingKind!;
      settlingKind = null;
      void request(next);
    }, wait);
    settleTimer.unref();
  };

  const begin = () => {
    if (started || closed) return;
    started = true;
    if (startTimer) clearTimeout(startTimer);
    void request('start');
  };
  const startTimer = options.startWithoutCatchUpMs === undefined || options.startWithoutCatchUpMs >= 0 ? setTimeout(begin, options.startWithoutCatchUpMs ?? 30_000) : null;
  startTimer?.unref();

  const nightlyTask: ScheduledTask | null = options.nightly ? cron.schedule(NIGHTLY_SCHEDULE, () => void request('nightly'), { name: NIGHTLY_TASK_NAME, noOverlap: true }) : null;

  return {
    /** Called with the tables of every synced batch and local edit. */
    tablesChanged(tables: readonly string[]) {
      if (closed) return;
      if (tables.includes('brokerages')) {
        const stored = readSetting<StoredThreshold>(THRESHOLD_KEY);
        if (started && stored && stored.budgetPercent !== budgetPercent()) whenSettled('budget');
      }
      if (started && tables.some((table) => WATCHED_TABLES.has(table))) whenSettled('changed');
    },
    /**
     * A batch of server rows was stored in the replica (the sync engine's onServerChangesApplied): the
     * contacts of its events, contacts and properties rows wait for the next incremental run. Runs of
     * whole-row inserts name the contact in their values; other changes in their row, or in the stored
     * row. A server delete of an event or home row leaves no trace of its contact: the next run covers
     * everyone.
     */
    serverChangesApplied(table: ShapeTable, changes: readonly ShapeChange[]) {
      // Before the first run starts nothing is tracked: it scores everyone anyway.
      if (closed || !started) return;
      const width = shapeTableInfo(table).columns.length;
      /** The values of column `at` in every row of an `inserts` run. */
      const markColumn = (values: readonly unknown[], at: number) => {
        for (let i = at; i < values.length; i += width) markContact(values[i]);
      };
      if (table === 'contacts') {
        for (const change of changes) {
          if (!('op' in change)) continue;
          if (change.op === 'inserts') markColumn(change.values, CONTACT_ID_COLUMN);
          else markContact(change.id);
        }
        return;
      }
      if (!isContactRowTable(table)) return;
      for (const change of changes) {
        if (!('op' in change)) continue;
        if (change.op === 'delete') needsFullRun = true;
        else if (change.op === 'inserts') markColumn(change.values, CONTACT_COLUMN[table]);
        else markContact(change.row.contact_id ?? contactOfRow[table](change.id));
      }
    },
    /**
     * Edits made on this device (the sync engine's mutate, called after it stored them): their contacts wait
     * for the next incremental run. A local delete is a tombstone, so the row still names its contact.
     */
    localEdits(edits: readonly LocalEdit[]) {
      if (closed || !started) return;
      for (const edit of edits) {
        if (edit.table === 'contacts') markContact(edit.id);
        else if (isContactRowTable(edit.table)) {
          markContact(edit.changes?.contact_id);
          markContact(contactOfRow[edit.table](edit.id));
        }
      }
    },
    /** Every table has caught up with the server: the first time, rescore everyone. */
    caughtUp: begin,
    /** The model store swapped in other intent models: reload them in the worker and rescore everyone. */
    modelChanged() {
      const spec = options.models();
      if (!spec || closed) return;
      worker?.setModels(spec);
      if (started) void request('model');
    },
    /** Rescores every contact now (re-deriving the threshold); resolves when done. */
    rescoreAll: () => {
      started = true;
      if (startTimer) clearTimeout(startTimer);
      return request('requested');
    },
    /** Rescores the contacts changed since the last run now (tests, diagnostics); resolves when done. */
    rescoreChanged: () => request('changed'),
    /** Contacts waiting to be rescored. */
    pendingContacts: () => dirty.size,
    threshold: () => readSetting<StoredThreshold>(THRESHOLD_KEY),
    lastRun: () => last,
    nightlyTask: () => nightlyTask,
    async close() {
      if (closed) return;
      closed = true;
      if (settleTimer) clearTimeout(settleTimer);
      if (startTimer) clearTimeout(startTimer);
      if (retryTimer) clearTimeout(retryTimer);
      dirty.clear();
      await nightlyTask?.destroy();
      // Closing the worker fails a run waiting on it, which then ends quietly.
      await worker?.close();
      worker = null;
      await running;
    },
  };
}

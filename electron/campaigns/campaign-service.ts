// The campaigns feature of the main process: the IPC handlers (campaigns, segments, templates, previews,
// test sends, schedules, statistics, the SMTP account) and the scheduler that starts runs when they are
// due — a one-off campaign at its time, a recurring one at each cron occurrence — and retries while the
// laptop is offline, so a run missed offline goes out once the sync server answers again.
import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import { AppError } from '../ipc/errors.ts';
import type { OperationHandlers, Session } from '../ipc/contract.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import type { LocalStore } from '../store/local-store.ts';
import type { SyncEngine } from '../sync/sync-engine.ts';
import { campaignScheduleSchema, type campaignsContract, type Campaign, type CampaignSchedule, type CampaignStatus, type CampaignSummary } from './campaigns-contract.ts';
import { EXCLUSION_LABELS, parseStoredSegment, type Segment } from './segments/segment-definition.ts';
import { countSegment, segmentRecipients } from './segments/segment-query.ts';
import { createRunClient } from './sending/run-client.ts';
import { sendRun, type RunPlan, type RunProgress } from './sending/run-sender.ts';
import { abSampleRunId, sampleSize } from './ab-test/subject-test.ts';
import { afterSampleRun, subjectTestRun, subjectTestView, triggeredRuns, triggerState } from './triggers/automated-runs.ts';
import { campaignStatistics } from './statistics/campaign-statistics.ts';
import { missedOccurrence } from './scheduling/missed-occurrence.ts';
import { parseHlc } from '../../db/sync/hlc.ts';
import { createSmtpAccount } from './sending/smtp-account.ts';
import { mergeTagCatalogue, MERGE_TAGS, type MergeContext } from './templates/merge-tags.ts';
import { brokerageOf, recipientContext } from './templates/recipient-context.ts';
import { checkTemplate, renderMessage, type CampaignTemplate } from './templates/render-template.ts';

export type CampaignFeatureOptions = {
  store: () => LocalStore | null;
  sync: () => SyncEngine | null;
  session: () => Session | null;
  secrets: SecretStore;
  accessToken: () => Promise<string>;
  refreshAccessToken: () => Promise<string>;
  onProgress: (progress: RunProgress) => void;
  log?: (message: string) => void;
  /** How often due runs are checked (default 15 s). */
  tickMs?: number;
  now?: () => Date;
  /** Longest wait for sync to catch up before a run (default 30 s). */
  syncWaitMs?: number;
  /** Shorter SMTP retry pauses for tests. */
  retry?: { attempts: number; baseDelayMs: number };
};

type CampaignRecord = {
  id: string;
  owner_id: string | null;
  name: string;
  subject: string;
  body: string;
  segment: string;
  schedule: string;
  status: string;
  updated_at: string;
  deleted_at: string | null;
};

const STATUSES: readonly CampaignStatus[] = ['draft', 'scheduled', 'sending', 'sent', 'paused'];
const PENDING_KEY = 'campaigns.pending-runs';
/** Per recurring campaign: the newest occurrence already queued (so catch-up queues each at most once). */
const COVERED_KEY = 'campaigns.covered-occurrences';

/** The run of a one-off campaign: one id for its whole life, so pausing and resuming never sends twice. */
export const oneOffRunId = (campaignId: string) => `${campaignId}.r1`;
/** The run of one occurrence of a recurring campaign (minute precision, UTC). */
export const occurrenceRunId = (campaignId: string, at: Date) => `${campaignId}.${at.toISOString().slice(0, 16).replace(/[-:T]/g, '')}`;

export function createCampaignFeature(options: CampaignFeatureOptions) {
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});

  const signedIn = () => {
    const store = options.store();
    const engine = options.sync();
    const session = options.session();
    if (!store || !engine || !session?.user.brokerageId) throw new AppError('unauthenticated', 'Sign in with a brokerage account to work on campaigns.');
    return { store, engine, session, user: session.user };
  };

  const smtp = createSmtpAccount({
    store: () => signedIn().store,
    userId: () => signedIn().user.id,
    secrets: options.secrets,
  });

  const readCampaign = (store: LocalStore, id: string): CampaignRecord => {
    const row = store.sqlite.prepare('SELECT * FROM campaigns WHERE id = ? AND deleted_at IS NULL').get(id) as CampaignRecord | undefined;
    if (!row) throw new AppError('not_found', 'That campaign no longer exists on this device.');
    return row;
  };

  const scheduleOf = (row: CampaignRecord): CampaignSchedule => {
    const parsed = campaignScheduleSchema.safeParse(safeJson(row.schedule));
    return parsed.success ? parsed.data : { kind: 'none' };
  };

  const lastRunOf = (store: LocalStore, campaignId: string): CampaignSummary['lastRun'] => {
    const row = store.sqlite
      .prepare(
        `SELECT run_id, sum(status = 'sent') AS sent, sum(status IN ('failed', 'bounced')) AS failed, max(sent_at) AS at, min(created_at) AS started
         FROM campaign_sends WHERE campaign_id = ? GROUP BY run_id ORDER BY started DESC LIMIT 1`,
      )
      .get(campaignId) as { run_id: string; sent: number; failed: number; at: string | null } | undefined;
    return row ? { runId: row.run_id, sent: row.sent ?? 0, failed: row.failed ?? 0, at: row.at } : null;
  };

  const summaryOf = (store: LocalStore, row: CampaignRecord): CampaignSummary => ({
    id: row.id,
    name: row.name,
    subject: row.subject,
    status: (STATUSES as readonly string[]).includes(row.status) ? (row.status as CampaignStatus) : 'draft',
    schedule: scheduleOf(row),
    updatedAt: row.updated_at,
    ownerId: row.owner_id,
    lastRun: lastRunOf(store, row.id),
  });

  const detailOf = (store: LocalStore, row: CampaignRecord): Campaign => ({
    ...summaryOf(store, row),
    body: row.body,
    segment: parseStoredSegment(safeJson(row.segment)),
    pendingChanges: (
      store.sqlite.prepare(`SELECT count(*) AS n FROM local_outbox WHERE table_name = 'campaigns' AND row_id = ? AND status IN ('pending', 'acknowledged')`).get(row.id) as { n: number }
    ).n,
    ...automationOf(store, row),
  });

  // Triggered campaigns and A/B subject tests (triggers/, ab-test/): their state for the UI.
  const automationOf = (store: LocalStore, row: CampaignRecord): Pick<Campaign, 'abTest' | 'trigger'> => {
    const schedule = scheduleOf(row);
    const campaign = { id: row.id, subject: row.subject, segment: safeJson(row.segment), ownerId: row.owner_id ?? '', status: row.status };
    if (schedule.kind === 'once' && schedule.abTest) {
      const view = subjectTestView(store, campaign, { at: schedule.at, abTest: schedule.abTest }, oneOffRunId(row.id), finishedRuns.has(abSampleRunId(row.id)), now());
      return { abTest: view, trigger: null };
    }
    if (schedule.kind === 'triggered') return { abTest: null, trigger: triggerState(store, campaign, schedule, now()) };
    return { abTest: null, trigger: null };
  };

  /** Refuses a template with unknown tags (naming the first), stray braces or an empty subject. */
  const assertTemplate = (template: CampaignTemplate) => {
    const problems = checkTemplate(template);
    if (problems.length > 0) throw new AppError('invalid_input', problems.map((p) => p.message).join(' '));
  };

  const assertEditable = (row: CampaignRecord, userId: string) => {
    if (row.owner_id !== userId) throw new AppError('forbidden', 'Only the campaign’s owner can change or send it.');
    if (row.status === 'sending' || running.has(row.id)) throw new AppError('invalid_input', 'The campaign is sending. Stop it first to make changes.');
  };

  const exampleContext = (user: Session['user'], store: LocalStore): MergeContext => {
    const example = (name: string) => MERGE_TAGS.find((t) => t.name === name)!.example;
    return {
      contact: { id: 'example', firstName: example('first_name'), lastName: example('last_name'), email: example('email'), phone: example('phone'), zipcode: example('zipcode'), stage: 'past_client' },
      property: {
        address: example('property.address'),
        zipcode: example('property.zipcode'),
        estimate: 812_000,
        estimateLow: 768_000,
        estimateHigh: 856_000,
        bedrooms: 3,
        bathrooms: 2.5,
        sqftLiving: 1840,
        yrBuilt: 1926,
        purchaseDate: '2014-06-01',
        purchasePrice: 455_000,
        loanOriginal: 364_000,
        loanRate: 4.25,
        loanTermYears: 30,
      },
      agent: { name: user.name, email: user.email },
      brokerage: brokerageOf(store.sqlite, user.brokerageId),
      alert: { type: 'sell', priority: 'HIGH' },
      unsubscribeUrl: null,
      now: now(),
    };
  };

  // ---- Runs ----

  const running = new Map<string, { runId: string; abort: AbortController; progress: RunProgress }>();
  /** Runs this process saw complete (or the server called complete): not claimed again. */
  const finishedRuns = new Set<string>();
  const latestProgress = new Map<string, RunProgress>();
  const cronTasks = new Map<string, { key: string; task: ScheduledTask }>();

  const readPending = (store: LocalStore): { campaignId: string; runId: string }[] => {
    const row = store.sqlite.prepare('SELECT value FROM local_settings WHERE key = ?').get(PENDING_KEY) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as { campaignId: string; runId: string }[]) : [];
  };
  const writePending = (store: LocalStore, pending: { campaignId: string; runId: string }[]) =>
    store.sqlite
      .prepare(
        `INSERT INTO local_settings (key, value, updated_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(PENDING_KEY, JSON.stringify(pending));

  /** Queues the run of one occurrence of a recurring campaign and notes it as covered (for catch-up). */
  const queueOccurrence = (store: LocalStore, campaignId: string, at: Date) => {
    const runId = occurrenceRunId(campaignId, at);
    const pending = readPending(store);
    if (!pending.some((p) => p.runId === runId)) writePending(store, [...pending, { campaignId, runId }]);
    const covered = readSetting<Record<string, string>>(store, COVERED_KEY) ?? {};
    if (!covered[campaignId] || covered[campaignId] < at.toISOString()) writeSetting(store, COVERED_KEY, { ...covered, [campaignId]: at.toISOString() });
  };
  /**
   * Up to when a recurring campaign's occurrences are dealt with: its newest queued occurrence, its newest
   * send, or when its schedule was last set (the schedule field's HLC: stamped at the edit, even offline,
   * so an occurrence from before the campaign was scheduled is never "caught up").
   */
  const coveredUntil = (store: LocalStore, row: CampaignRecord): Date => {
    const lastSend = (store.sqlite.prepare('SELECT max(created_at) AS at FROM campaign_sends WHERE campaign_id = ?').get(row.id) as { at: string | null }).at;
    const queued = readSetting<Record<string, string>>(store, COVERED_KEY)?.[row.id];
    const fieldHlcs = safeJson((store.sqlite.prepare('SELECT field_hlcs FROM campaigns WHERE id = ?').get(row.id) as { field_hlcs: string | null } | undefined)?.field_hlcs ?? null) as Record<string, string>;
    const scheduledAt = typeof fieldHlcs.schedule === 'string' ? parseHlc(fieldHlcs.schedule).millis : Date.parse(row.updated_at);
    return new Date(Math.max(scheduledAt || 0, Date.parse(row.updated_at) || 0, lastSend ? Date.parse(lastSend) : 0, queued ? Date.parse(queued) : 0));
  };
  const readSetting = <T,>(store: LocalStore, key: string): T | null => {
    const row = store.sqlite.prepare('SELECT value FROM local_settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : null;
  };
  const writeSetting = (store: LocalStore, key: string, value: unknown) =>
    store.sqlite
      .prepare(
        `INSERT INTO local_settings (key, value, updated_at) VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, JSON.stringify(value));

  const setStatus = (engine: SyncEngine, id: string, status: CampaignStatus) => engine.mutate([{ table: 'campaigns', op: 'update', id, changes: { status } }]);

  /** Waits (bounded) for sync to catch up, so the newest suppressions are on this device. */
  const syncBarrier = async () => {
    const deadline = Date.now() + (options.syncWaitMs ?? 30_000);
    while (Date.now() < deadline) {
      const engine = options.sync();
      if (!engine || (engine.upToDate() && engine.counts().pending === 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  /** `planned`: a triggered or A/B run (its recipients, subjects and the status once complete). */
  const startRun = async (campaignId: string, runId: string, planned?: { plan: RunPlan; after: CampaignStatus; quiet: boolean }): Promise<RunProgress | null> => {
    if (running.has(campaignId)) return running.get(campaignId)!.progress;
    const { store, engine, session, user } = signedIn();
    const row = readCampaign(store, campaignId);
    const { settings, transport } = await smtp.transport();
    const abort = new AbortController();
    const entry = { runId, abort, progress: { campaignId, runId, state: 'preparing', total: 0, sent: 0, failed: 0, skipped: 0, unknown: 0, alreadyDone: 0, message: null } as RunProgress };
    running.set(campaignId, entry);
    if (row.status !== 'sending' && !planned) setStatus(engine, campaignId, 'sending');
    // A/B runs show 'sending' only once this device holds the lease: a device refused (another sent it)
    // must not overwrite the status the sending device set.
    let shownSending = false;
    try {
      const result = await sendRun({
        store,
        mutate: (edits) => void engine.mutate(edits),
        campaign: { id: row.id, name: row.name, subject: row.subject, body: row.body, segment: safeJson(row.segment), ownerId: row.owner_id },
        runId,
        sender: { id: user.id, name: user.name, email: user.email, brokerageId: user.brokerageId },
        smtp: settings,
        transport,
        runs: createRunClient({ serverUrl: session.serverUrl, accessToken: options.accessToken, refreshAccessToken: options.refreshAccessToken }),
        syncBarrier,
        signal: abort.signal,
        now,
        ...(planned ? { plan: planned.plan } : {}),
        ...(options.retry ? { retry: options.retry } : {}),
        onProgress: (progress) => {
          if (planned && !planned.quiet && !shownSending && progress.state === 'sending') {
            shownSending = true;
            if (readCampaign(store, campaignId).status !== 'sending') setStatus(engine, campaignId, 'sending');
          }
          entry.progress = progress;
          latestProgress.set(campaignId, progress);
          options.onProgress(progress);
        },
      });
      const schedule = scheduleOf(readCampaign(store, campaignId));
      const completed = result.state === 'done' || (result.state === 'refused' && /already been sent/.test(result.message ?? ''));
      if (completed) {
        writePending(store, readPending(store).filter((p) => p.runId !== runId));
        finishedRuns.add(runId);
        const after = planned?.after ?? (schedule.kind === 'recurring' ? 'scheduled' : 'sent');
        // Refused as complete, a planned run leaves the status to the device that sent it, except a final 'sent'.
        if ((!planned || result.state === 'done' || after === 'sent') && readCampaign(store, campaignId).status !== after) setStatus(engine, campaignId, after);
      } else if (result.state === 'stopped' && abort.signal.aborted) setStatus(engine, campaignId, 'paused');
      return result;
    } finally {
      running.delete(campaignId);
      transport.close();
    }
  };

  let ticking = false;
  const tick = async () => {
    if (ticking) return;
    const store = options.store();
    const session = options.session();
    if (!store || !options.sync() || !session?.user.brokerageId) return;
    ticking = true;
    try {
      const mine = store.sqlite
        .prepare(`SELECT * FROM campaigns WHERE owner_id = ? AND deleted_at IS NULL AND status IN ('scheduled', 'sending')`)
        .all(session.user.id) as CampaignRecord[];
      // Recurring campaigns: one cron task each; an occurrence queues its run (kept across restarts).
      const wanted = new Set<string>();
      for (const row of mine) {
        const schedule = scheduleOf(row);
        if (schedule.kind !== 'recurring') continue;
        const key = `${schedule.cron}|${schedule.timezone}`;
        wanted.add(row.id);
        // Catch-up: the latest occurrence that passed while the app was closed, once (scheduling/missed-occurrence.ts).
        const missed = missedOccurrence(schedule.cron, schedule.timezone, now(), coveredUntil(store, row));
        if (missed) queueOccurrence(store, row.id, missed);
        if (cronTasks.get(row.id)?.key === key) continue;
        void cronTasks.get(row.id)?.task.stop();
        const task = cron.schedule(
          schedule.cron,
          (context) => {
            const current = options.store();
            if (!current) return;
            queueOccurrence(current, row.id, context.date);
            void tick();
          },
          { timezone: schedule.timezone, name: `campaign-${row.id}`, unref: true } as never,
        );
        cronTasks.set(row.id, { key, task });
      }
      for (const [id, entry] of cronTasks) {
        if (!wanted.has(id)) {
          void entry.task.stop();
          cronTasks.delete(id);
        }
      }
      // Due one-off runs, then queued occurrences; one run at a time per device.
      const due: { campaignId: string; runId: string; planned?: { plan: RunPlan; after: CampaignStatus; quiet: boolean } }[] = [];
      for (const row of mine) {
        const schedule = scheduleOf(row);
        const automated = { id: row.id, subject: row.subject, segment: safeJson(row.segment), ownerId: row.owner_id ?? session.user.id };
        if (schedule.kind === 'once' && schedule.abTest && Date.parse(schedule.at) <= now().getTime()) {
          const next = subjectTestRun(store, automated, schedule.abTest, oneOffRunId(row.id), { now, sampleDone: finishedRuns.has(abSampleRunId(row.id)) });
          if (next) due.push({ campaignId: row.id, runId: next.runId, planned: next });
        } else if (schedule.kind === 'once' && Date.parse(schedule.at) <= now().getTime()) {
          const planned = afterSampleRun(store, row.id, oneOffRunId(row.id));
          due.push({ campaignId: row.id, runId: oneOffRunId(row.id), ...(planned ? { planned } : {}) });
        }
        if (schedule.kind === 'triggered') for (const next of triggeredRuns(store, automated, schedule, now, finishedRuns)) due.push({ campaignId: row.id, runId: next.runId, planned: next });
      }
      const active = new Set(mine.map((row) => row.id));
      due.push(...readPending(store).filter((p) => active.has(p.campaignId)));
      for (const next of due) {
        if (running.size > 0) break;
        try {
          await startRun(next.campaignId, next.runId, next.planned);
        } catch (error) {
          // Offline, no SMTP account yet, server trouble: the run stays due and is tried at the next tick.
          const message = error instanceof Error ? error.message : String(error);
          log(`Campaign run ${next.runId} not sent yet: ${message}`);
          const progress: RunProgress = { ...(latestProgress.get(next.campaignId) ?? { campaignId: next.campaignId, runId: next.runId, total: 0, sent: 0, failed: 0, skipped: 0, unknown: 0, alreadyDone: 0 }), state: 'stopped', message: `Waiting to send: ${message}` };
          latestProgress.set(next.campaignId, progress);
          options.onProgress(progress);
          // Offline: the other due runs (e.g. one per triggering alert) would each wait and fail alike.
          if (error instanceof AppError && error.code === 'server_unreachable') break;
        }
      }
    } finally {
      ticking = false;
    }
  };

  const timer = setInterval(() => void tick().catch((error: unknown) => log(`Campaign scheduler: ${String(error)}`)), options.tickMs ?? 15_000);
  timer.unref?.();

  // ---- Statistics: statistics/campaign-statistics.ts ----

  const handlers: Pick<OperationHandlers, keyof typeof campaignsContract> = {
    listCampaigns: async () => {
      const { store } = signedIn();
      const rows = store.sqlite.prepare('SELECT * FROM campaigns WHERE deleted_at IS NULL ORDER BY updated_at DESC, id').all() as CampaignRecord[];
      return rows.map((row) => summaryOf(store, row));
    },
    getCampaign: async ({ id }) => {
      const { store } = signedIn();
      return detailOf(store, readCampaign(store, id));
    },
    saveCampaign: async (input) => {
      const { store, engine, user } = signedIn();
      assertTemplate({ subject: input.subject, body: input.body });
      const changes = { name: input.name, subject: input.subject, body: input.body, segment: input.segment as Record<string, unknown> };
      let id = input.id;
      if (id) {
        assertEditable(readCampaign(store, id), user.id);
        engine.mutate([{ table: 'campaigns', op: 'update', id, changes }]);
      } else {
        id = `cmp-${randomUUID()}`;
        engine.mutate([{ table: 'campaigns', op: 'insert', id, changes: { ...changes, status: 'draft', schedule: { kind: 'none' } } }]);
      }
      return detailOf(store, readCampaign(store, id));
    },
    deleteCampaign: async ({ id }) => {
      const { store, engine, user } = signedIn();
      assertEditable(readCampaign(store, id), user.id);
      engine.mutate([{ table: 'campaigns', op: 'delete', id }]);
      return { deleted: true };
    },
    countSegment: async ({ segment }) => {
      const { store, user } = signedIn();
      const count = countSegment(store, segment as Segment, { ownerId: user.id, now: now() });
      return { ...count, excluded: count.excluded.map((e) => ({ ...e, label: EXCLUSION_LABELS[e.reason] })) };
    },
    listMergeTags: async () => mergeTagCatalogue(),
    previewCampaign: async ({ subject, body, segment, contactId }) => {
      const { store, user, session } = signedIn();
      assertTemplate({ subject, body });
      const chosen = contactId ?? (segment ? segmentRecipients(store, segment as Segment, { ownerId: user.id, now: now() })[0]?.contactId : undefined);
      const unsubscribe = `${session.serverUrl}/u/preview`;
      const context = chosen
        ? recipientContext(store.sqlite, chosen, { id: user.id, name: user.name, email: user.email, brokerageId: user.brokerageId }, now(), unsubscribe)
        : null;
      if (chosen && !context) throw new AppError('not_found', 'That contact is no longer on this device.');
      const rendered = renderMessage({ subject, body }, context ?? { ...exampleContext(user, store), unsubscribeUrl: unsubscribe });
      return {
        contactId: context?.contact.id ?? null,
        contactName: context ? `${context.contact.firstName} ${context.contact.lastName}`.trim() || context.contact.email : null,
        ...rendered,
      };
    },
    sendTestEmail: async ({ subject, body, contactId }) => {
      const { store, user } = signedIn();
      assertTemplate({ subject, body });
      const { settings, transport } = await smtp.transport();
      try {
        const context =
          (contactId ? recipientContext(store.sqlite, contactId, { id: user.id, name: user.name, email: user.email, brokerageId: user.brokerageId }, now(), null) : null) ??
          exampleContext(user, store);
        const message = renderMessage({ subject, body }, context);
        await transport.sendMail({
          from: { name: settings.fromName || user.name, address: settings.fromEmail },
          to: settings.fromEmail,
          subject: `[Test] ${message.subject}`,
          text: message.text,
          html: message.html,
        });
        return { sentTo: settings.fromEmail };
      } catch (error) {
        if (error instanceof AppError) throw error;
        const smtpError = error as { response?: string; message?: string };
        throw new AppError('server_error', `The mail server did not take the test message: ${smtpError.response ?? smtpError.message ?? String(error)}`, { cause: error });
      } finally {
        transport.close();
      }
    },
    scheduleCampaign: async ({ id, schedule }) => {
      const { store, engine, user } = signedIn();
      const row = readCampaign(store, id);
      assertEditable(row, user.id);
      if (schedule.kind !== 'none') {
        assertTemplate({ subject: row.subject, body: row.body });
        if (!(await smtp.status()).configured) throw new AppError('invalid_input', 'Set up your mail account in Settings → Email sending before scheduling a campaign.');
        if (schedule.kind === 'recurring' && !cron.validate(schedule.cron)) {
          throw new AppError('invalid_input', `“${schedule.cron}” is not a valid schedule. Use five fields: minute hour day-of-month month day-of-week (e.g. 0 9 * * 1 for Mondays at 9:00).`);
        }
        if (schedule.kind === 'recurring' && !isTimeZone(schedule.timezone)) throw new AppError('invalid_input', `Unknown time zone “${schedule.timezone}”.`);
        if (schedule.kind === 'once' && Date.parse(schedule.at) < now().getTime() - 5 * 60_000) throw new AppError('invalid_input', 'That time has passed. Pick a time from now on, or send now.');
        const audience = countSegment(store, parseStoredSegment(safeJson(row.segment)), { ownerId: user.id, now: now() }).recipients;
        if (audience === 0) {
          throw new AppError('invalid_input', 'Nobody would receive this campaign: widen the audience first.');
        }
        if (schedule.kind === 'once' && schedule.abTest) {
          if (schedule.abTest.subjectB.trim() === row.subject.trim()) throw new AppError('invalid_input', 'Subject B is the same as the campaign’s subject: give a different one to test.');
          assertTemplate({ subject: schedule.abTest.subjectB, body: row.body });
          if (sampleSize(audience, schedule.abTest.samplePercent) === 0) {
            throw new AppError('invalid_input', `An A/B test needs a sample of at least 2 and someone left for the winner: ${schedule.abTest.samplePercent}% of ${audience} recipients is too few. Raise the sample size or widen the audience.`);
          }
        }
      }
      // A trigger counts only alerts raised from its activation on; editing an active trigger keeps it.
      const previous = scheduleOf(row);
      const stored: CampaignSchedule =
        schedule.kind === 'triggered'
          ? { ...schedule, activatedAt: previous.kind === 'triggered' && previous.activatedAt && row.status === 'scheduled' ? previous.activatedAt : now().toISOString() }
          : schedule;
      engine.mutate([{ table: 'campaigns', op: 'update', id, changes: { schedule: stored, status: schedule.kind === 'none' ? 'draft' : 'scheduled' } }]);
      if (schedule.kind !== 'none') setTimeout(() => void tick(), 0);
      return detailOf(store, readCampaign(store, id));
    },
    stopCampaign: async ({ id }) => {
      const { store, engine, user } = signedIn();
      const row = readCampaign(store, id);
      if (row.owner_id !== user.id) throw new AppError('forbidden', 'Only the campaign’s owner can stop it.');
      running.get(id)?.abort.abort();
      engine.mutate([{ table: 'campaigns', op: 'update', id, changes: { status: 'paused' } }]);
      return detailOf(store, readCampaign(store, id));
    },
    getCampaignStats: async ({ id, runId, status, limit }) => {
      const { store } = signedIn();
      readCampaign(store, id);
      const stats = campaignStatistics(store, id, { runId: runId ?? null, status: status ?? null, limit });
      return { ...stats, progress: running.get(id)?.progress ?? latestProgress.get(id) ?? null };
    },
    getSmtpSettings: async () => smtp.status(),
    saveSmtpSettings: async ({ settings, password }) => smtp.save(settings as Parameters<typeof smtp.save>[0], password),
    deleteSmtpSettings: async () => {
      await smtp.remove();
      return smtp.status();
    },
  };

  return {
    handlers,
    /** Checks for due runs now (after sign-in, after sync caught up). */
    tick: () => tick(),
    sessionChanged() {
      if (!options.session()) {
        for (const entry of running.values()) entry.abort.abort();
        for (const { task } of cronTasks.values()) void task.stop();
        cronTasks.clear();
      } else void tick().catch((error: unknown) => log(`Campaign scheduler: ${String(error)}`));
    },
    close() {
      clearInterval(timer);
      for (const entry of running.values()) entry.abort.abort();
      for (const { task } of cronTasks.values()) void task.stop();
      cronTasks.clear();
    },
  };
}

function safeJson(text: string | null): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// Sends one campaign run exactly once per (run, contact).
//
// How "exactly once" holds:
// 1. Before anything, the caller waits until sync has caught up, so the newest suppressions are here
//    (an unsubscribe that reached the server before the run wins over the queued send).
// 2. The run's lease is claimed on the sync server: of two devices (the same user's laptop and desktop)
//    exactly one gets it; the holder renews it while sending and stops the moment a renewal says it lost it.
// 3. Each message is logged in campaign_sends (synced; unique per run + contact, deterministic id) twice:
//    'sending' is committed to SQLite *before* the SMTP handoff, and 'sent' / 'failed' / 'bounced' (with the
//    server's reason) after. A contact with any row for the run is never sent to again by this run. A bounce
//    (5xx at RCPT/DATA) also suppresses the address, so later runs leave it out (classifySmtpError).
// 4. After a crash, a row still 'sending' is ambiguous: the mail server may or may not have taken the
//    message, and SMTP offers no way to ask. We do not resend (a duplicate is worse than a gap): the row
//    becomes 'unknown' with its Message-ID, for the user to review (their Sent folder or the mail
//    server's log can settle it by that Message-ID) and to send again by hand if they wish.
// 5. Right before each message, the suppression list is checked again.
// 6. Recipients are reserved on the server, a page at a time, before their messages are handed over (the
//    server signs their tracking links only then). A device that takes the run over after another one
//    crashed is told which recipients that device reserved: those whose outcome reached the server are
//    done; the others are in doubt, exactly like a crashed 'sending' row here, so they become 'unknown'
//    and are not resent — even though the crashed device's own send log never reached the server.
//    Pages are small, so at most one page (its unsent part included) is in doubt after a takeover.
//    Should the dead device come back, what its mail server confirmed ('sent', with the time) replaces
//    that 'unknown' however old its clock (the catalogue's `settledBy` on campaign_sends.status).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { LocalEdit } from '../../sync/replica.ts';
import type { LocalStore } from '../../store/local-store.ts';
import { parseStoredSegment } from '../segments/segment-definition.ts';
import { segmentRecipients, suppressionOf, type Recipient } from '../segments/segment-query.ts';
import { recipientContext, type Sender } from '../templates/recipient-context.ts';
import { renderMessage, trackableLinks } from '../templates/render-template.ts';
import type { RunLease } from '../../../db/sync/campaign-runs.ts';
import { RunRefused, type RunClient } from './run-client.ts';
import type { MailTransport, SmtpSettings } from './smtp-account.ts';

// Control characters (CR, LF, NUL, …) never belong in a header line.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]+/g;

export const SEND_STATUSES = ['sending', 'sent', 'failed', 'bounced', 'unknown', 'skipped'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

export type CampaignRow = { id: string; name: string; subject: string; body: string; segment: unknown; ownerId: string | null };

export type RunProgress = {
  campaignId: string;
  runId: string;
  state: 'preparing' | 'sending' | 'done' | 'stopped' | 'refused';
  total: number;
  sent: number;
  failed: number;
  skipped: number;
  unknown: number;
  /** Already handled by an earlier attempt of this run (skipped now). */
  alreadyDone: number;
  message: string | null;
};

export type RunResult = RunProgress;

/**
 * Narrows or varies a run (triggered campaigns, A/B subject tests): who of the segment it goes to, and
 * per recipient another subject with the A/B variant recorded in the send log. Called after the sync
 * barrier, so it sees the newest send log of other runs.
 */
export type RunPlan = {
  recipients?: (everyone: Recipient[]) => Recipient[];
  subjectFor?: (contactId: string) => { subject: string; variant: 'a' | 'b' } | null;
};

export type SendRunOptions = {
  store: LocalStore;
  mutate: (edits: LocalEdit[]) => void;
  campaign: CampaignRow;
  runId: string;
  sender: Sender;
  smtp: Pick<SmtpSettings, 'fromEmail' | 'fromName'>;
  transport: Pick<MailTransport, 'sendMail'>;
  runs: RunClient;
  /** Resolves when sync has caught up (newest suppressions present). */
  syncBarrier?: () => Promise<void>;
  now?: () => Date;
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
  retry?: { attempts: number; baseDelayMs: number };
  leaseSeconds?: number;
  pageSize?: number;
  /** Messages handed to the mail server at once (default 4, the pool's connections). */
  concurrency?: number;
  /** Test instrumentation: called at exact points of a message's life (crash injection). */
  hooks?: { afterLogged?(contactId: string): void | Promise<void>; afterAccepted?(contactId: string): void | Promise<void>; afterRecorded?(contactId: string): void | Promise<void> };
  plan?: RunPlan;
};

const validEmail = z.email();

/** Recipients reserved per request: small, because after a crash on another device a reserved page is in doubt. */
export const DEFAULT_PAGE_SIZE = 20;

/** Deterministic ids: both devices and every retry name the same row for (run, contact). */
export const sendRowId = (runId: string, contactId: string) => `cs-${createHash('sha256').update(`${runId}\u0000${contactId}`).digest('hex').slice(0, 40)}`;

export function messageIdFor(runId: string, contactId: string, fromEmail: string): string {
  const domain = fromEmail.split('@')[1]?.replace(/[^A-Za-z0-9.-]/g, '') || 'roidesk.invalid';
  return `<${createHash('sha256').update(`${runId}\u0000${contactId}`).digest('hex').slice(0, 32)}.roi@${domain}>`;
}

/** One id per (brokerage, address): two devices recording the same bounce name the same row. */
export const bounceSuppressionId = (brokerageId: string | null, email: string) =>
  `sup-bounce-${createHash('sha256').update(`${brokerageId ?? ''}\u0000${email.trim().toLowerCase()}`).digest('hex').slice(0, 32)}`;

type SmtpError = { responseCode?: number; response?: string; code?: string; command?: string; message?: string };

/**
 * Transient: a 4xx reply, or a connection that failed before the message was handed over (retried).
 * Bounce: a 5xx reply to the recipient (RCPT TO) or to the message (DATA): the address is refused for
 * good, so it is suppressed. Other permanent: a 5xx elsewhere (MAIL FROM, AUTH: the sender's problem,
 * not the recipient's) — failed, the address is left alone.
 */
export function classifySmtpError(error: unknown): { kind: 'transient' | 'bounce' | 'permanent' | 'ambiguous'; reason: string } {
  const e = (error ?? {}) as SmtpError;
  const reason = (e.response ?? e.message ?? String(error)).replace(/\s+/g, ' ').trim().slice(0, 1900);
  if (typeof e.responseCode === 'number') {
    if (e.responseCode >= 400 && e.responseCode < 500) return { kind: 'transient', reason };
    if (e.responseCode >= 500 && e.responseCode < 600 && (e.command?.startsWith('RCPT') || e.command?.startsWith('DATA'))) return { kind: 'bounce', reason };
    return { kind: 'permanent', reason };
  }
  // Without a reply code: safe to retry only when the failure came before DATA (connect, greeting, auth, envelope).
  if (['CONN', 'EHLO', 'HELO', 'STARTTLS', 'AUTH PLAIN', 'AUTH LOGIN', 'MAIL FROM', 'RCPT TO'].some((c) => e.command?.startsWith(c)) || e.code === 'ECONNECTION' || e.code === 'EDNS') {
    return { kind: 'transient', reason };
  }
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return { kind: 'permanent', reason };
  return { kind: 'ambiguous', reason };
}

const cleanName = (name: string) => name.replace(CONTROL_CHARACTERS, ' ').trim().slice(0, 100);

type ExistingRow = { contact_id: string; status: string };

export async function sendRun(options: SendRunOptions): Promise<RunResult> {
  const now = options.now ?? (() => new Date());
  const leaseSeconds = options.leaseSeconds ?? 120;
  const retry = options.retry ?? { attempts: 4, baseDelayMs: 2_000 };
  const { store, campaign, runId } = options;
  const progress: RunProgress = {
    campaignId: campaign.id,
    runId,
    state: 'preparing',
    total: 0,
    sent: 0,
    failed: 0,
    skipped: 0,
    unknown: 0,
    alreadyDone: 0,
    message: null,
  };
  const report = () => options.onProgress?.({ ...progress });
  report();

  await options.syncBarrier?.();

  let lease: RunLease;
  try {
    lease = await options.runs.claim(runId, campaign.id, leaseSeconds);
  } catch (error) {
    if (error instanceof RunRefused) {
      progress.state = 'refused';
      progress.message = error.message;
      report();
      return { ...progress };
    }
    throw error;
  }

  // Renew the lease while sending; a lost lease stops the run before the next message.
  let leaseLost: string | null = null;
  let leaseUntil = Date.parse(lease.leaseExpiresAt);
  const renewEvery = Math.max(1_000, (leaseSeconds * 1000) / 3);
  const renewer = setInterval(() => {
    options.runs.renew(runId, lease.generation, leaseSeconds).then(
      (renewed) => {
        leaseUntil = Date.parse(renewed.leaseExpiresAt);
      },
      (error: unknown) => {
        if (error instanceof RunRefused) leaseLost = error.message;
        // Unreachable: keep going while the lease we hold is still comfortably valid (checked per message).
      },
    );
  }, renewEvery);
  renewer.unref?.();

  const write = (edit: LocalEdit) => options.mutate([edit]);
  try {
    // A crash left rows 'sending': the handoff's outcome is unknown. Never resend; ask the user to review.
    const stranded = store.sqlite.prepare(`SELECT id, message_id FROM campaign_sends WHERE run_id = ? AND status = 'sending'`).all(runId) as { id: string; message_id: string | null }[];
    for (const row of stranded) {
      write({
        table: 'campaign_sends',
        op: 'update',
        id: row.id,
        changes: {
          status: 'unknown',
          error: `The app stopped while handing this message to the mail server, so it may or may not have been sent. It was not resent. Look for Message-ID ${row.message_id ?? '(none)'} in your Sent folder.`,
        },
      });
    }

    const handled = new Map(
      (store.sqlite.prepare('SELECT contact_id, status FROM campaign_sends WHERE run_id = ?').all(runId) as ExistingRow[]).map((r) => [r.contact_id, r.status]),
    );
    const segment = segmentRecipients(store, parseStoredSegment(campaign.segment), { ownerId: campaign.ownerId ?? options.sender.id, now: now() });
    const everyone = options.plan?.recipients ? options.plan.recipients(segment) : segment;
    const todo: Recipient[] = everyone.filter((r) => !handled.has(r.contactId));
    progress.alreadyDone = everyone.length - todo.length;
    progress.unknown = stranded.length;
    progress.total = everyone.length;
    progress.state = 'sending';
    report();

    const trackedLinks = trackableLinks(campaign.body);
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    const concurrency = Math.max(1, options.concurrency ?? 4);
    const inFlight = new Set<Promise<void>>();
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    for (let start = 0; start < todo.length; start += pageSize) {
      if (options.signal?.aborted || leaseLost) break;
      const page = todo.slice(start, start + pageSize);
      // Not reserved ahead: the server's answer includes the newest suppressions, so an unsubscribe that
      // arrives while the previous page goes out still wins.
      const { tokens: tracking, suppressed: suppressedOnServer, elsewhere } = await options.runs.reserve(runId, lease.generation, page.map((r) => r.contactId), trackedLinks);

      for (const recipient of page) {
        if (options.signal?.aborted) break;
        if (leaseLost) break;
        if (Date.now() > leaseUntil - 10_000) {
          leaseLost = 'The lease on this run could not be renewed (offline?); sending paused and resumes when the server answers.';
          break;
        }
        const id = sendRowId(runId, recipient.contactId);
        const messageId = messageIdFor(runId, recipient.contactId, options.smtp.fromEmail);
        const other = elsewhere[recipient.contactId];
        if (other?.state === 'done') {
          // Sent (or settled) by another device; its send log row arrives by sync.
          progress.alreadyDone += 1;
          report();
          continue;
        }
        if (other) {
          write({
            table: 'campaign_sends',
            op: 'insert',
            id,
            changes: {
              campaign_id: campaign.id,
              run_id: runId,
              contact_id: recipient.contactId,
              email: recipient.email,
              message_id: messageId,
              status: 'unknown',
              error: `${other.deviceName} took this message at ${other.reservedAt} and stopped before reporting whether it went out, so it was not resent. Look for Message-ID ${messageId} in that device's Sent folder.`,
            },
          });
          progress.unknown += 1;
          report();
          continue;
        }
        if (!validEmail.safeParse(recipient.email).success) {
          progress.failed += 1;
          report();
          continue;
        }
        const variant = options.plan?.subjectFor?.(recipient.contactId) ?? null;
        const base = { campaign_id: campaign.id, run_id: runId, contact_id: recipient.contactId, email: recipient.email, message_id: messageId, ...(variant ? { variant: variant.variant } : {}) };

        // The unsubscribe may have arrived while earlier messages were going out.
        const suppressed = suppressedOnServer[recipient.contactId] ?? suppressionOf(store, recipient.email);
        const links = tracking[recipient.contactId];
        const context = links && !suppressed ? recipientContext(store.sqlite, recipient.contactId, options.sender, now(), links.unsubscribe) : null;
        if (suppressed || !context || !links) {
          write({ table: 'campaign_sends', op: 'insert', id, changes: { ...base, status: 'skipped', error: suppressed ? `Not sent: ${suppressed}.` : 'Not sent: the contact is gone.' } });
          progress.skipped += 1;
          report();
          continue;
        }

        const message = renderMessage({ subject: variant?.subject ?? campaign.subject, body: campaign.body }, context, {
          trackLink: (url) => links.clicks[url] ?? url,
          openPixelUrl: links.open,
        });
        write({ table: 'campaign_sends', op: 'insert', id, changes: { ...base, status: 'sending' } });
        await options.hooks?.afterLogged?.(recipient.contactId);

        // The SMTP handoff runs while the next messages are prepared: up to `concurrency` in flight (the
        // pool's connections). Each has its own 'sending' row already, so a crash leaves every in-flight
        // one marked for review, none resent.
        const handoff = (async () => {
          let outcome: { status: SendStatus; error: string | null };
          for (let attempt = 1; ; attempt += 1) {
            try {
              await options.transport.sendMail({
                from: { name: cleanName(options.smtp.fromName || options.sender.name), address: options.smtp.fromEmail },
                to: { name: cleanName(`${context.contact.firstName} ${context.contact.lastName}`), address: recipient.email },
                subject: message.subject,
                text: message.text,
                html: message.html,
                messageId,
                headers: {
                  'List-Unsubscribe': `<${links.unsubscribe}>`,
                  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
                  'List-Id': `<${campaign.id}.campaigns.roidesk>`,
                  'X-ROI-Campaign-Run': runId,
                },
              });
              outcome = { status: 'sent', error: null };
              break;
            } catch (error) {
              const { kind, reason } = classifySmtpError(error);
              if (kind === 'transient' && attempt < retry.attempts && !options.signal?.aborted) {
                await sleep(retry.baseDelayMs * 4 ** (attempt - 1));
                continue;
              }
              outcome =
                kind === 'ambiguous'
                  ? { status: 'unknown', error: `The connection failed while the message was being handed over, so it may or may not have been sent (${reason}). Not resent.` }
                  : kind === 'bounce'
                    ? { status: 'bounced', error: reason }
                    : { status: 'failed', error: kind === 'transient' ? `${reason} (gave up after ${attempt} attempts)` : reason };
              break;
            }
          }
          if (outcome.status === 'sent') await options.hooks?.afterAccepted?.(recipient.contactId);
          write({ table: 'campaign_sends', op: 'update', id, changes: { status: outcome.status, error: outcome.error, sent_at: outcome.status === 'sent' ? now().toISOString() : null } });
          // A refused address is suppressed (synced), so no later run of any campaign tries it again.
          if (outcome.status === 'bounced' && !suppressionOf(store, recipient.email)) {
            write({ table: 'suppressions', op: 'insert', id: bounceSuppressionId(options.sender.brokerageId, recipient.email), changes: { email: recipient.email.trim().toLowerCase(), contact_id: recipient.contactId, reason: 'bounced' } });
          }
          await options.hooks?.afterRecorded?.(recipient.contactId);
          if (outcome.status === 'sent') progress.sent += 1;
          else if (outcome.status === 'unknown') progress.unknown += 1;
          else progress.failed += 1;
          report();
        })();
        const tracked: Promise<void> = handoff.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
        if (inFlight.size >= concurrency) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    }
    await Promise.all(inFlight);

    const finished = !options.signal?.aborted && !leaseLost;
    progress.state = finished ? 'done' : 'stopped';
    progress.message = leaseLost ?? (options.signal?.aborted ? 'Sending was stopped; it resumes where it left off.' : null);
    await options.runs.release(runId, lease.generation, finished).catch(() => {});
    report();
    return { ...progress };
  } finally {
    clearInterval(renewer);
  }
}

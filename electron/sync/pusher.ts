// Sends the outbox to POST /v1/mutations in order, a batch at a time, and records the answers. Network
// failures, 5xx and 429 back off exponentially (with jitter, honouring Retry-After) and retry the same
// batch: the server recognises replayed mutation ids, so a response lost in transit costs nothing.
import type { MutationBatchResponse } from '../../db/sync/mutations.ts';
import type { Replica } from './replica.ts';

export type PusherOptions = {
  serverUrl: string;
  replica: Replica;
  clientId: () => string;
  accessToken: () => Promise<string>;
  refreshAccessToken: () => Promise<string>;
  batchSize?: number;
  /** Backoff bounds; tests shorten them. */
  minDelayMs?: number;
  maxDelayMs?: number;
  onPushed?: (count: number) => void;
  onError?: (error: Error) => void;
};

export type Pusher = { kick(): void; stop(): void; idle(): Promise<void> };

class HttpError extends Error {
  readonly status: number;
  readonly retryAfterMs: number | null;
  constructor(status: number, message: string, retryAfterMs: number | null) {
    super(message);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

export function startPusher(options: PusherOptions): Pusher {
  const batchSize = options.batchSize ?? 200;
  const minDelay = options.minDelayMs ?? 1_000;
  const maxDelay = options.maxDelayMs ?? 60_000;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;

  const post = async (token: string, body: unknown): Promise<MutationBatchResponse> => {
    const response = await fetch(`${options.serverUrl}/v1/mutations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after'));
      let message = `HTTP ${response.status}`;
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // not our JSON error shape (a proxy, say): keep the status
      }
      throw new HttpError(response.status, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null);
    }
    return JSON.parse(text) as MutationBatchResponse;
  };

  const pushOnce = async (): Promise<boolean> => {
    const mutations = options.replica.nextBatch(batchSize);
    if (mutations.length === 0) return false;
    const body = { clientId: options.clientId(), mutations };
    let response: MutationBatchResponse;
    try {
      response = await post(await options.accessToken(), body);
    } catch (error) {
      if (error instanceof HttpError && error.status === 401) {
        response = await post(await options.refreshAccessToken(), body);
      } else throw error;
    }
    // Stopped meanwhile (signed out, app closing): the replica may be closed. The server keeps what it
    // applied and answers "duplicate" when these are sent again after the next start.
    if (stopped) return false;
    options.replica.recordResults(response.results);
    options.onPushed?.(mutations.length);
    return true;
  };

  const run = async () => {
    do {
      again = false;
      try {
        while (!stopped && (await pushOnce())) failures = 0;
      } catch (error) {
        if (stopped) return;
        const err = error as Error;
        const ids = options.replica.nextBatch(batchSize).map((m) => m.id);
        options.replica.recordPushFailure(ids, err.message);
        options.onError?.(err);
        failures += 1;
        // A refused batch (400/403) will not pass by retrying soon: keep the edits, retry rarely.
        const refused = error instanceof HttpError && (error.status === 400 || error.status === 403);
        const backoff = refused ? maxDelay : Math.min(maxDelay, minDelay * 2 ** (failures - 1));
        const delay = error instanceof HttpError && error.retryAfterMs ? Math.max(error.retryAfterMs, backoff) : backoff * (0.5 + Math.random() / 2);
        if (!stopped) {
          timer = setTimeout(() => {
            timer = null;
            kick();
          }, delay);
          timer.unref();
        }
        return;
      }
    } while (again && !stopped);
  };

  const kick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    if (timer) return; // backing off: the timer will kick
    running = run().finally(() => {
      running = null;
    });
  };

  kick();
  return {
    kick,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    idle: async () => {
      while (running) await running;
    },
  };
}

// The device's side of the sync server's run leases and tracking tokens (sync-server/campaigns). The
// server signs every tracking link; this device never holds the key.
import type { ReservedElsewhere, RunLease } from '../../../db/sync/campaign-runs.ts';
import { AppError } from '../../ipc/errors.ts';

export type RecipientLinks = { open: string; unsubscribe: string; clicks: Record<string, string> };

/** A refusal from the server about the run itself (another device holds it, it is done, the lease lapsed). */
export class RunRefused extends Error {
  readonly code: 'run_claimed' | 'run_completed' | 'lease_lost' | 'forbidden' | 'not_found';
  constructor(code: RunRefused['code'], message: string) {
    super(message);
    this.name = 'RunRefused';
    this.code = code;
  }
}

export type RunClient = {
  claim(runId: string, campaignId: string, leaseSeconds: number): Promise<RunLease>;
  renew(runId: string, generation: number, leaseSeconds: number): Promise<RunLease>;
  release(runId: string, generation: number, completed: boolean): Promise<void>;
  /**
   * Reserves recipients for this device before their messages go out. Answers their tracking links, the
   * ones the server knows to be suppressed, and the ones another device reserved first (no links for either).
   */
  reserve(runId: string, generation: number, contactIds: string[], links: string[]): Promise<Reservation>;
};

export type Reservation = {
  tokens: Record<string, RecipientLinks>;
  suppressed: Record<string, string>;
  elsewhere: Record<string, ReservedElsewhere>;
};

export function createRunClient(options: {
  serverUrl: string;
  accessToken: () => Promise<string>;
  refreshAccessToken: () => Promise<string>;
  fetch?: typeof fetch;
}): RunClient {
  const doFetch = options.fetch ?? fetch;
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    for (let attempt = 0; ; attempt += 1) {
      const token = attempt === 0 ? await options.accessToken() : await options.refreshAccessToken();
      let response: Response;
      try {
        response = await doFetch(`${options.serverUrl}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        throw new AppError('server_unreachable', 'The sync server cannot be reached; the campaign waits and sends once this device is back online.', { cause: error });
      }
      if (response.status === 401 && attempt === 0) continue;
      const text = await response.text();
      const parsed = text ? (JSON.parse(text) as { error?: { code: string; message: string } } & T) : ({} as T & { error?: undefined });
      if (response.ok) return parsed;
      const error = parsed.error ?? { code: 'server_error', message: `The sync server answered HTTP ${response.status}.` };
      if (['run_claimed', 'run_completed', 'lease_lost', 'forbidden', 'not_found'].includes(error.code)) throw new RunRefused(error.code as RunRefused['code'], error.message);
      if (response.status === 401) throw new AppError('unauthenticated', error.message);
      throw new AppError('server_error', error.message);
    }
  };
  const run = (runId: string) => `/v1/campaign-runs/${encodeURIComponent(runId)}`;
  return {
    claim: (runId, campaignId, leaseSeconds) => post(`${run(runId)}/claim`, { campaignId, leaseSeconds }),
    renew: (runId, generation, leaseSeconds) => post(`${run(runId)}/renew`, { generation, leaseSeconds }),
    release: async (runId, generation, completed) => void (await post(`${run(runId)}/release`, { generation, completed })),
    reserve: (runId, generation, contactIds, links) => post<Reservation>(`${run(runId)}/reserve`, { generation, contactIds, links }),
  };
}

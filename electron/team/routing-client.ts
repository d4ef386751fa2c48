// The sync server's routing endpoints (GET/PUT /v1/routing), called from the main process, which holds
// the access token. Every failure becomes an AppError saying what happened and what to do.
import { z } from 'zod';
import { AppError } from '../ipc/errors.ts';
import { routingStateSchema, type RoutingSettings, type RoutingState } from './team-contract.ts';

const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const REQUEST_TIMEOUT_MS = 10_000;

export type RoutingClient = {
  get(): Promise<RoutingState>;
  save(settings: RoutingSettings): Promise<RoutingState>;
};

export type RoutingClientOptions = {
  serverUrl: string;
  /** The current access token (refreshed when missing). */
  accessToken: () => Promise<string>;
  /** A new access token after the server said the current one expired. */
  refreshAccessToken: () => Promise<string>;
  fetch?: typeof fetch;
};

export function createRoutingClient(options: RoutingClientOptions): RoutingClient {
  const doFetch = options.fetch ?? fetch;
  const url = new URL('/v1/routing', options.serverUrl).toString();

  const send = async (method: 'GET' | 'PUT', body: unknown, token: string): Promise<Response> => {
    try {
      return await doFetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (cause) {
      throw new AppError(
        'server_unreachable',
        `Routing settings live on the sync server at ${options.serverUrl}, which can't be reached right now. Reconnect and try again; the team figures keep working offline.`,
        { cause },
      );
    }
  };

  const call = async (method: 'GET' | 'PUT', body?: unknown): Promise<RoutingState> => {
    let response = await send(method, body, await options.accessToken());
    if (response.status === 401) response = await send(method, body, await options.refreshAccessToken());
    const json: unknown = await response.json().catch(() => null);
    if (response.ok) {
      const parsed = routingStateSchema.safeParse(json);
      if (parsed.success) return parsed.data;
      throw new AppError('server_error', `The sync server answered ${method} /v1/routing in an unexpected format; it may be an older version. Ask your administrator to update it.`);
    }
    const error = errorBodySchema.safeParse(json);
    const message = error.success ? error.data.error.message : `HTTP ${response.status}`;
    if (response.status === 403) throw new AppError('forbidden', message);
    if (response.status === 400) throw new AppError('invalid_input', message);
    if (response.status === 401) throw new AppError('unauthenticated', `${message} Sign in again to change routing.`);
    throw new AppError('server_error', `The sync server could not ${method === 'GET' ? 'load' : 'save'} the routing settings (${response.status}): ${message}`);
  };

  return { get: () => call('GET'), save: (settings) => call('PUT', settings) };
}

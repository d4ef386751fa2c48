// The routing settings form's path through the IPC boundary: dispatch validates the input, the handler
// calls GET/PUT /v1/routing with the session's token (refreshing it once on 401), and every answer the
// server can give becomes a clear AppError. A fake server stands in for the sync server here (the app may
// not import the server); sync-server/routing/routing.test.ts proves the real endpoints.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperationHandlers, Session } from '../ipc/contract.ts';
import { dispatch } from '../ipc/dispatch.ts';
import { openLocalStore, type LocalStore } from '../store/local-store.ts';
import { createReplica } from '../sync/replica.ts';
import { teamHandlers } from './team-handlers.ts';

const SERVER = 'http://sync.test:7300';
const managerSession: Session = {
  user: { id: 'manager', brokerageId: 'brk-1', role: 'manager', name: 'Morgan', email: 'm@one.test' },
  deviceId: 'desk',
  serverUrl: SERVER,
  offline: false,
};
const agentSession: Session = { ...managerSession, user: { ...managerSession.user, id: 'agent', role: 'agent' } };

const STATE = {
  routing: { mode: 'manual', fallback: 'round_robin', escalateAfterMinutes: 60 },
  agents: [{ id: 'agent-a', name: 'Avery', email: 'a@one.test', territories: ['98101'], openAlerts: 3 }],
};

type Call = { method: string; url: string; authorization: string | null; body: unknown };

let store: LocalStore;
let calls: Call[];
let answer: (call: Call) => Response | Promise<Response>;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const fakeFetch: typeof fetch = async (input, init) => {
  const headers = new Headers(init?.headers);
  const call: Call = { method: init?.method ?? 'GET', url: String(input), authorization: headers.get('authorization'), body: init?.body ? JSON.parse(String(init.body)) : undefined };
  calls.push(call);
  return answer(call);
};

function handlersFor(session: Session | null): OperationHandlers {
  const replica = createReplica(store.sqlite, { nodeId: 'desk', userId: session?.user.id ?? 'nobody', brokerageId: 'brk-1' });
  let token = 'token-1';
  const team = teamHandlers({
    session: () => session,
    store: () => store,
    replica: () => replica,
    accessToken: async () => token,
    refreshAccessToken: async () => (token = 'token-2'),
    fetch: fakeFetch,
  });
  // Only the team operations are called here.
  return team as unknown as OperationHandlers;
}

beforeEach(() => {
  store = openLocalStore(':memory:');
  calls = [];
  answer = (call) => json(200, call.method === 'PUT' ? { ...STATE, routing: call.body } : STATE);
});
afterEach(() => store.close());

describe('routing settings through the IPC operation', () => {
  it('loads and saves the settings with the session’s token', async () => {
    const handlers = handlersFor(managerSession);
    expect(await dispatch(handlers, 'getRoutingSettings', undefined)).toEqual({ ok: true, value: STATE });
    const saved = await dispatch(handlers, 'saveRoutingSettings', { mode: 'territory', fallback: 'unassigned', escalateAfterMinutes: 15 });
    expect(saved).toEqual({ ok: true, value: { ...STATE, routing: { mode: 'territory', fallback: 'unassigned', escalateAfterMinutes: 15 } } });
    expect(calls).toEqual([
      { method: 'GET', url: `${SERVER}/v1/routing`, authorization: 'Bearer token-1', body: undefined },
      { method: 'PUT', url: `${SERVER}/v1/routing`, authorization: 'Bearer token-1', body: { mode: 'territory', fallback: 'unassigned', escalateAfterMinutes: 15 } },
    ]);
  });

  it('refuses bad input at the boundary without calling the server', async () => {
    const handlers = handlersFor(managerSession);
    for (const input of [
      { mode: 'random', fallback: 'round_robin', escalateAfterMinutes: 60 },
      { mode: 'manual', fallback: 'round_robin', escalateAfterMinutes: 0 },
      { mode: 'manual', fallback: 'round_robin', escalateAfterMinutes: 1.5 },
      { mode: 'manual', fallback: 'round_robin', escalateAfterMinutes: 20_000 },
      { mode: 'manual', fallback: 'round_robin' },
      { mode: 'manual', fallback: 'round_robin', escalateAfterMinutes: 60, brokerageId: 'brk-2' },
      'manual',
    ]) {
      const result = await dispatch(handlers, 'saveRoutingSettings', input);
      expect(result, JSON.stringify(input)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    expect(calls).toEqual([]);
  });

  it('refuses agents before any request', async () => {
    const handlers = handlersFor(agentSession);
    for (const [operation, input] of [
      ['getRoutingSettings', undefined],
      ['saveRoutingSettings', { mode: 'round_robin', fallback: 'round_robin', escalateAfterMinutes: 60 }],
      ['getTeamOverview', { period: '90' }],
      ['reassignOpenAlerts', { fromAgentId: 'agent-a', toAgentId: 'agent-b' }],
    ] as const) {
      expect(await dispatch(handlers, operation, input)).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/manager/) } });
    }
    expect(calls).toEqual([]);
  });

  it('asks to sign in when nobody is', async () => {
    expect(await dispatch(handlersFor(null), 'getRoutingSettings', undefined)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
  });

  it('refreshes an expired token once, then reports the server’s refusals and outages clearly', async () => {
    const handlers = handlersFor(managerSession);
    answer = (call) => (call.authorization === 'Bearer token-1' ? json(401, { error: { code: 'token_expired', message: 'expired' } }) : json(200, STATE));
    expect(await dispatch(handlers, 'getRoutingSettings', undefined)).toEqual({ ok: true, value: STATE });
    expect(calls.map((call) => call.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);

    const cases: [() => Response | Promise<Response>, string, RegExp][] = [
      [() => json(403, { error: { code: 'forbidden', message: 'Only a manager can see or change how alerts are routed.' } }), 'forbidden', /manager/],
      [() => json(400, { error: { code: 'invalid_request', message: 'The request body is invalid — mode: bad.' } }), 'invalid_input', /mode/],
      [() => json(500, { error: { code: 'internal', message: 'boom (request id 7)' } }), 'server_error', /500.*request id 7/],
      [() => json(200, { routing: { mode: 'teleport' } }), 'server_error', /unexpected format/],
      [() => Promise.reject(new TypeError('fetch failed')), 'server_unreachable', /can't be reached/],
    ];
    for (const [respond, code, message] of cases) {
      answer = respond;
      const result = await dispatch(handlers, 'saveRoutingSettings', { mode: 'manual', fallback: 'round_robin', escalateAfterMinutes: 60 });
      expect(result).toMatchObject({ ok: false, error: { code, message: expect.stringMatching(message) } });
    }
  });
});

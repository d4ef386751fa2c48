import { vi, type Mock } from 'vitest';
import { fakeInboxHandlers } from '../features/inbox/__tests__/fakeInboxHandlers.ts';
import { fakeCampaignHandlers } from '../features/campaigns/__tests__/fakeCampaignHandlers.ts';
import { ApiError } from '../shared/api/ApiError.ts';
import { buildRendererApi } from '../shared/api/buildRendererApi.ts';
import type {
  AppInfo,
  EventName,
  EventPayload,
  OperationInput,
  OperationName,
  OperationOutput,
  Session,
  SyncStatus,
} from '../shared/api/ipcContract.ts';
import { OPERATION_NAMES } from '../shared/api/ipcContract.ts';
import type { RendererApiClient } from '../shared/api/RendererApiClient.ts';

type Handler<N extends OperationName> = (input?: OperationInput<N>) => Promise<OperationOutput<N>>;
export type FakeHandlers = { [N in OperationName]: Mock<Handler<N>> };

export type FakeApiClient = RendererApiClient & {
  handlers: FakeHandlers;
  /** Pushes an event to the renderer as the main process would. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Simulates the browser-mode socket dropping (false) or coming back (true, which also fires onReconnect). */
  setConnected(connected: boolean): void;
  /** Simulates the browser-mode socket coming back. */
  reconnect(): void;
};

export const sampleAppInfo: AppInfo = {
  version: '0.1.0',
  shell: 'electron',
  serverUrl: 'https://sync.brokerage.test',
  platform: 'linux',
  keychainAvailable: true,
};

export const sampleSession = (overrides: Partial<Session> & { role?: Session['user']['role'] } = {}): Session => {
  const { role = 'agent', ...rest } = overrides;
  return {
    user: { id: 'user-1', brokerageId: 'brokerage-1', role, name: 'Avery Quinn', email: 'avery@brokerage.test' },
    deviceId: 'device-1',
    serverUrl: 'https://sync.brokerage.test',
    offline: false,
    ...rest,
  };
};

export const sampleSyncStatus = (overrides: Partial<SyncStatus> = {}): SyncStatus => ({
  online: true,
  pendingChanges: 0,
  failedChanges: 0,
  lastSyncAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  error: null,
  catchUp: null,
  ...overrides,
});

const noProperty = async (): Promise<never> => {
  throw new ApiError('not_found', 'There is no such property on this device.');
};

/** A RendererApiClient whose operations are vi.fn()s with harmless defaults, and whose events tests push. */
export function createFakeApiClient(overrides: Partial<{ [N in OperationName]: Handler<N> }> = {}): FakeApiClient {
  // Every operation exists; one without a harmless default below rejects as a failed call would, unless overridden.
  const notStubbed = (name: OperationName) => async (): Promise<never> => {
    throw new ApiError('not_stubbed', `${name} has no fake answer in this test.`);
  };
  const everyOperation = Object.fromEntries(
    OPERATION_NAMES.map((name) => [name, vi.fn((overrides[name] as Handler<typeof name> | undefined) ?? notStubbed(name))]),
  ) as unknown as FakeHandlers;
  const handlers: FakeHandlers = {
    ...everyOperation,
    getAppInfo: vi.fn<Handler<'getAppInfo'>>(overrides.getAppInfo ?? (async () => sampleAppInfo)),
    getSession: vi.fn<Handler<'getSession'>>(overrides.getSession ?? (async () => null)),
    signIn: vi.fn<Handler<'signIn'>>(overrides.signIn ?? (async () => sampleSession())),
    signOut: vi.fn<Handler<'signOut'>>(overrides.signOut ?? (async () => ({ pendingChangesKept: 0 }))),
    getSyncStatus: vi.fn<Handler<'getSyncStatus'>>(overrides.getSyncStatus ?? (async () => sampleSyncStatus())),
    listRejectedChanges: vi.fn<Handler<'listRejectedChanges'>>(overrides.listRejectedChanges ?? (async () => [])),
    dismissRejectedChange: vi.fn<Handler<'dismissRejectedChange'>>(overrides.dismissRejectedChange ?? (async () => ({ dismissed: false }))),
    listProperties: vi.fn<Handler<'listProperties'>>(overrides.listProperties ?? (async () => ({ total: 0, items: [] }))),
    getProperty: vi.fn<Handler<'getProperty'>>(overrides.getProperty ?? noProperty),
    updatePropertyFacts: vi.fn<Handler<'updatePropertyFacts'>>(overrides.updatePropertyFacts ?? noProperty),
    revalueProperty: vi.fn<Handler<'revalueProperty'>>(overrides.revalueProperty ?? noProperty),
    analyzeRefinance: vi.fn<Handler<'analyzeRefinance'>>(overrides.analyzeRefinance ?? (async () => null)),
    createMaintenanceTask: vi.fn<Handler<'createMaintenanceTask'>>(overrides.createMaintenanceTask ?? noProperty),
    ...fakeInboxHandlers(overrides),
    ...fakeCampaignHandlers(overrides),
  };
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const reconnectListeners = new Set<() => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let connected = true;

  const api = buildRendererApi(
    (operation, input) => (handlers[operation] as (input?: unknown) => Promise<unknown>)(input),
    (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  );

  return {
    api,
    transport: 'ipc',
    handlers,
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    isConnected: () => connected,
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close() {},
    setConnected(next) {
      connected = next;
      for (const listener of [...connectionListeners]) listener(next);
      if (next) this.reconnect();
    },
    emit(event, payload) {
      for (const listener of [...(listeners.get(event) ?? [])]) listener(payload);
    },
    reconnect() {
      for (const listener of [...reconnectListeners]) listener();
    },
  };
}

export const apiError = (code: string, message: string): ApiError => new ApiError(code, message);

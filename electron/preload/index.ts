// The sandboxed preload: exposes `window.api`, one function per IPC operation plus `on(event, listener)`,
// and nothing else — never ipcRenderer, never an IpcRendererEvent. It imports only operations.ts at run
// time (plain data): a sandboxed preload is bundled to one CommonJS file and cannot load zod or anything
// from disk, so contract.ts is imported for its types alone.
import { contextBridge, ipcRenderer } from 'electron';
import type { EventPayload, IpcResult, OperationInput, OperationOutput, RendererApi } from '../ipc/contract.ts';
import { CHANNEL_PREFIX, EVENT_NAMES, type EventName, type OperationName } from '../ipc/operations.ts';

/** Must equal EVENT_CHANNEL in electron/main/ipc.ts (a test checks it); the preload cannot import main code. */
export const EVENT_CHANNEL = `${CHANNEL_PREFIX}event`;

/**
 * How a failed call rejects. Deliberately a plain object, not an Error: contextBridge copies only the
 * `message` of an Error into the page, so an Error's `code` would never reach the renderer, while a
 * plain object's fields survive. The renderer turns it into its own ApiError (renderer/src/shared/api).
 */
export type IpcFailure = { name: 'IpcError'; code: string; message: string };

/** The slice of ipcRenderer the API uses, so tests can pass a fake. */
export type IpcRendererPort = {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
};

const failure = (code: string, message: string): IpcFailure => ({ name: 'IpcError', code, message });

function isIpcResult(value: unknown): value is IpcResult<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  if (value.ok === true) return 'value' in value;
  if (value.ok !== false || !('error' in value)) return false;
  const error = value.error as { code?: unknown; message?: unknown } | null;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

const isEventName = (name: unknown): name is EventName => typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);

/**
 * Events worth keeping until someone listens. The main process delivers openAlert (a deep link or a
 * notification click that launched the app) as soon as the page has loaded, which can be before React
 * has mounted the component that subscribes; the latest one is held here and handed to the first
 * subscriber. State events (session, sync status) are not kept: the page reads current state on start.
 */
const KEPT_UNTIL_HEARD: ReadonlySet<EventName> = new Set<EventName>(['openAlert']);

export function createRendererApi(ipc: IpcRendererPort): RendererApi {
  const call =
    <N extends OperationName>(operation: N) =>
    async (input?: OperationInput<N>): Promise<OperationOutput<N>> => {
      let result: unknown;
      try {
        result = await ipc.invoke(`${CHANNEL_PREFIX}${operation}`, input);
      } catch {
        // Only when the main process has no handler (still starting, or shutting down) or crashed in IPC.
        throw failure('internal', `ROI Desk could not run ${operation}. Restart the app; if it keeps happening, the details are in the app log.`);
      }
      if (!isIpcResult(result)) throw failure('internal', `ROI Desk sent an unreadable answer to ${operation}. Restart the app.`);
      if (!result.ok) throw failure(result.error.code, result.error.message);
      return result.value as OperationOutput<N>;
    };

  const listeners = new Map<EventName, Set<(payload: unknown) => void>>(EVENT_NAMES.map((name) => [name, new Set()]));
  const kept = new Map<EventName, unknown>();

  // One failing listener must not stop the others; its error goes where the page's uncaught errors go.
  const deliver = (listener: (payload: unknown) => void, payload: unknown) => {
    try {
      listener(payload);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  };

  // Subscribed once, at preload time, so nothing sent after the page loads is missed. The
  // IpcRendererEvent (which carries `sender`, i.e. ipcRenderer) stays here; the page gets payloads only.
  ipc.on(EVENT_CHANNEL, (_event, message) => {
    if (typeof message !== 'object' || message === null) return;
    const { event, payload } = message as { event?: unknown; payload?: unknown };
    if (!isEventName(event)) return;
    const current = [...listeners.get(event)!];
    if (current.length === 0 && KEPT_UNTIL_HEARD.has(event)) kept.set(event, payload);
    for (const listener of current) deliver(listener, payload);
  });

  const on = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): (() => void) => {
    if (!isEventName(event)) throw new TypeError(`Unknown event ${JSON.stringify(String(event)).slice(0, 80)}; expected one of ${EVENT_NAMES.join(', ')}.`);
    if (typeof listener !== 'function') throw new TypeError(`The listener for ${event} must be a function.`);
    const registered = listener as (payload: unknown) => void;
    listeners.get(event)!.add(registered);
    if (kept.has(event)) {
      const payload = kept.get(event);
      kept.delete(event);
      // After on() has returned, so the subscriber holds its unsubscribe function first.
      queueMicrotask(() => {
        if (listeners.get(event)!.has(registered)) deliver(registered, payload);
      });
    }
    // Unsubscribing is a closure rather than off(listener): contextBridge hands the preload a fresh proxy
    // of the page's function on every call, so removing "the same" listener by identity would never match.
    return () => {
      listeners.get(event)!.delete(registered);
    };
  };

  // Listed by hand so `satisfies` proves, at compile time, one function per operation and no extras.
  return {
    getAppInfo: call('getAppInfo'),
    getSession: call('getSession'),
    signIn: call('signIn'),
    signOut: call('signOut'),
    getSyncStatus: call('getSyncStatus'),
    listRejectedChanges: call('listRejectedChanges'),
    dismissRejectedChange: call('dismissRejectedChange'),
    listProperties: call('listProperties'),
    getProperty: call('getProperty'),
    updatePropertyFacts: call('updatePropertyFacts'),
    revalueProperty: call('revalueProperty'),
    analyzeRefinance: call('analyzeRefinance'),
    createMaintenanceTask: call('createMaintenanceTask'),
    // alert inbox
    listInbox: call('listInbox'),
    listInboxViews: call('listInboxViews'),
    saveInboxView: call('saveInboxView'),
    deleteInboxView: call('deleteInboxView'),
    getAlert: call('getAlert'),
    changeAlerts: call('changeAlerts'),
    assignAlerts: call('assignAlerts'),
    undoAlertChanges: call('undoAlertChanges'),
    logAlertOutcome: call('logAlertOutcome'),
    listAlertAssignees: call('listAlertAssignees'),
    getNotificationPreferences: call('getNotificationPreferences'),
    saveNotificationPreferences: call('saveNotificationPreferences'),
    // contacts, notes, tasks, activities, import/export, search
    listContacts: call('listContacts'),
    getContact: call('getContact'),
    createContact: call('createContact'),
    updateContact: call('updateContact'),
    tagContacts: call('tagContacts'),
    assignContacts: call('assignContacts'),
    deleteContact: call('deleteContact'),
    restoreContact: call('restoreContact'),
    listContactOwners: call('listContactOwners'),
    findDuplicateContacts: call('findDuplicateContacts'),
    previewContactMerge: call('previewContactMerge'),
    mergeContacts: call('mergeContacts'),
    addNote: call('addNote'),
    deleteNote: call('deleteNote'),
    listTasks: call('listTasks'),
    createTask: call('createTask'),
    updateTask: call('updateTask'),
    deleteTask: call('deleteTask'),
    logActivity: call('logActivity'),
    uploadImportChunk: call('uploadImportChunk'),
    validateImport: call('validateImport'),
    runImport: call('runImport'),
    getImportProgress: call('getImportProgress'),
    cancelImport: call('cancelImport'),
    exportCsv: call('exportCsv'),
    search: call('search'),
    // campaigns
    listCampaigns: call('listCampaigns'),
    getCampaign: call('getCampaign'),
    saveCampaign: call('saveCampaign'),
    deleteCampaign: call('deleteCampaign'),
    countSegment: call('countSegment'),
    listMergeTags: call('listMergeTags'),
    previewCampaign: call('previewCampaign'),
    sendTestEmail: call('sendTestEmail'),
    scheduleCampaign: call('scheduleCampaign'),
    stopCampaign: call('stopCampaign'),
    getCampaignStats: call('getCampaignStats'),
    getSmtpSettings: call('getSmtpSettings'),
    saveSmtpSettings: call('saveSmtpSettings'),
    deleteSmtpSettings: call('deleteSmtpSettings'),
    // team and routing
    getTeamOverview: call('getTeamOverview'),
    reassignOpenAlerts: call('reassignOpenAlerts'),
    getRoutingSettings: call('getRoutingSettings'),
    saveRoutingSettings: call('saveRoutingSettings'),
    on,
  } satisfies RendererApi;
}

contextBridge.exposeInMainWorld('api', createRendererApi(ipcRenderer));

// The inbox operations of the renderer's fake API client (renderer/src/testing/createFakeApiClient.ts):
// an empty inbox by default; tests override what they need.
import { vi, type Mock } from 'vitest';
import type { OperationInput, OperationName, OperationOutput } from '../../../shared/api/ipcContract.ts';
import type { NotificationPreferences } from '../utils/inboxTypes.ts';

type Handler<N extends OperationName> = (input?: OperationInput<N>) => Promise<OperationOutput<N>>;
type InboxOperation =
  | 'listInbox'
  | 'listInboxViews'
  | 'saveInboxView'
  | 'deleteInboxView'
  | 'getAlert'
  | 'changeAlerts'
  | 'assignAlerts'
  | 'undoAlertChanges'
  | 'logAlertOutcome'
  | 'listAlertAssignees'
  | 'getNotificationPreferences'
  | 'saveNotificationPreferences';

export const sampleNotificationPreferences: NotificationPreferences = {
  minPriority: 'HIGH',
  doNotDisturb: false,
  quietHours: { enabled: false, start: '21:00', end: '07:00' },
};

const notHere = async (): Promise<never> => {
  throw Object.assign(new Error('This alert is not on this device.'), { code: 'not_found' });
};

export function fakeInboxHandlers(overrides: Partial<{ [N in InboxOperation]: Handler<N> }> = {}): { [N in InboxOperation]: Mock<Handler<N>> } {
  return {
    listInbox: vi.fn<Handler<'listInbox'>>(overrides.listInbox ?? (async () => ({ rows: [], nextCursor: null, total: 0 }))),
    listInboxViews: vi.fn<Handler<'listInboxViews'>>(overrides.listInboxViews ?? (async () => [])),
    saveInboxView: vi.fn<Handler<'saveInboxView'>>(overrides.saveInboxView ?? (async (input) => ({ id: 'view:1', name: input?.name ?? 'View', builtIn: false, filters: input?.filters ?? {}, count: 0 }))),
    deleteInboxView: vi.fn<Handler<'deleteInboxView'>>(overrides.deleteInboxView ?? (async () => ({ deleted: true }))),
    getAlert: vi.fn<Handler<'getAlert'>>(overrides.getAlert ?? notHere),
    changeAlerts: vi.fn<Handler<'changeAlerts'>>(overrides.changeAlerts ?? (async (input) => ({ changed: input?.ids.length ?? 0, undoId: 'undo-1' }))),
    assignAlerts: vi.fn<Handler<'assignAlerts'>>(overrides.assignAlerts ?? (async (input) => ({ changed: input?.ids.length ?? 0, undoId: 'undo-1' }))),
    undoAlertChanges: vi.fn<Handler<'undoAlertChanges'>>(overrides.undoAlertChanges ?? (async () => ({ restored: 1, skipped: 0 }))),
    logAlertOutcome: vi.fn<Handler<'logAlertOutcome'>>(overrides.logAlertOutcome ?? notHere),
    listAlertAssignees: vi.fn<Handler<'listAlertAssignees'>>(overrides.listAlertAssignees ?? (async () => [])),
    getNotificationPreferences: vi.fn<Handler<'getNotificationPreferences'>>(overrides.getNotificationPreferences ?? (async () => sampleNotificationPreferences)),
    saveNotificationPreferences: vi.fn<Handler<'saveNotificationPreferences'>>(overrides.saveNotificationPreferences ?? (async (input) => input ?? sampleNotificationPreferences)),
  };
}

// The inbox's shapes, as the IPC contract defines them (the renderer sees only the contract's types).
import type { OperationInput, OperationOutput } from '../../../shared/api/ipcContract.ts';

export type InboxFilters = NonNullable<NonNullable<OperationInput<'listInbox'>>['filters']>;
export type InboxItem = OperationOutput<'listInbox'>['rows'][number];
export type InboxView = OperationOutput<'listInboxViews'>[number];
export type AlertDetail = OperationOutput<'getAlert'>;
export type AlertAction = NonNullable<OperationInput<'changeAlerts'>>['action'];
export type AlertOutcome = NonNullable<OperationInput<'logAlertOutcome'>>['outcome'];
export type NotificationPreferences = OperationOutput<'getNotificationPreferences'>;
export type AlertAssignee = OperationOutput<'listAlertAssignees'>[number];

// The names of every IPC operation and event, as plain data: the sandboxed preload bundles only this
// file (no zod), and contract.ts proves at compile time that it lists exactly the contract's keys.
export const OPERATION_NAMES = [
  'getAppInfo',
  'getSession',
  'signIn',
  'signOut',
  'getSyncStatus',
  'listRejectedChanges',
  'dismissRejectedChange',
  'listProperties',
  'getProperty',
  'updatePropertyFacts',
  'revalueProperty',
  'analyzeRefinance',
  'createMaintenanceTask',
  // -- alert inbox (electron/inbox) --
  // -- contacts, notes, tasks, activities, import/export, search (electron/contacts, electron/search) --
  // -- team and routing (electron/team) --
] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

export const EVENT_NAMES = ['sessionChanged', 'syncStatusChanged', 'dataChanged', 'openAlert'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/** Prefix of every IPC channel; the main process ignores anything else. */
export const CHANNEL_PREFIX = 'roi:';

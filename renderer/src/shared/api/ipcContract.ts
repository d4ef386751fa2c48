// The renderer's only doorway to the IPC contract: types, plus the operation and event names (plain
// data). Everything else in the renderer imports from here so the long relative path lives in one place.
import type { Session } from '../../../../electron/ipc/contract.ts';

export type {
  AppInfo,
  ComparableSale,
  EventPayload,
  IpcResult,
  LoanPosition,
  MaintenanceItem,
  MarketStats,
  OperationInput,
  OperationOutput,
  PropertyDetail,
  PropertyFactName,
  PropertyFacts,
  PropertyFactsChanges,
  PropertySort,
  PropertySummary,
  RefinanceAnalysis,
  RejectedChange,
  RendererApi,
  Session,
  SyncStatus,
  ValuationDetail,
  ValueHistoryPoint,
} from '../../../../electron/ipc/contract.ts';
export { EVENT_NAMES, OPERATION_NAMES } from '../../../../electron/ipc/operations.ts';
export type { EventName, OperationName } from '../../../../electron/ipc/operations.ts';

export type Role = Session['user']['role'];

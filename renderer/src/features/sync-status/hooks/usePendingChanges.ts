import { useSyncStatusState } from '../states/syncStatusState.ts';

/** Changes on this device not yet accepted by the server (pending + failed); null while unknown. */
export const usePendingChanges = (): number | null =>
  useSyncStatusState((state) => (state.status ? state.status.pendingChanges + state.status.failedChanges : null));

import { create } from 'zustand';
import type { SyncStatus } from '../../../shared/api/ipcContract.ts';

type SyncStatusStateData = {
  /** null until the first getSyncStatus() answer or syncStatusChanged event. */
  status: SyncStatus | null;
  /** Why getSyncStatus() failed, while no status has arrived yet. */
  loadError: string | null;
};

export type SyncStatusState = SyncStatusStateData & {
  statusReceived(status: SyncStatus): void;
  loadFailed(message: string): void;
  reset(): void;
};

const initialSyncStatusState: SyncStatusStateData = { status: null, loadError: null };

export const useSyncStatusState = create<SyncStatusState>()((set) => ({
  ...initialSyncStatusState,
  statusReceived: (status) => set({ status, loadError: null }),
  // A failed refresh does not hide a status we already have: it would show "unknown" for a blip.
  loadFailed: (message) => set((state) => (state.status ? {} : { loadError: message })),
  reset: () => set(initialSyncStatusState),
}));

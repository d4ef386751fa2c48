import { useEffect } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import type { RendererApi } from '../../../shared/api/ipcContract.ts';
import { useApi, useApiReconnect } from '../../../shared/api/useApi.ts';
import { useSyncStatusState } from '../states/syncStatusState.ts';

const loadSyncStatus = (api: RendererApi, isCurrent: () => boolean = () => true): Promise<void> =>
  api.getSyncStatus().then(
    (status) => {
      if (isCurrent()) useSyncStatusState.getState().statusReceived(status);
    },
    (error: unknown) => {
      if (isCurrent()) useSyncStatusState.getState().loadFailed(errorMessage(error));
    },
  );

/** Mirrors the main process's sync status while mounted (i.e. while signed in). */
export function SyncStatusEffect() {
  const api = useApi();

  useEffect(() => {
    let current = true;
    // Subscribe before asking, so a change between the two is not missed.
    const unsubscribe = api.on('syncStatusChanged', (status) => useSyncStatusState.getState().statusReceived(status));
    void loadSyncStatus(api, () => current);
    return () => {
      current = false;
      unsubscribe();
      useSyncStatusState.getState().reset();
    };
  }, [api]);

  useApiReconnect(() => void loadSyncStatus(api));

  return null;
}

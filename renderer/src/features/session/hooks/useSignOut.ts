import { useCallback } from 'react';
import { useApi } from '../../../shared/api/useApi.ts';
import { useSessionState } from '../states/sessionState.ts';

/** Signs out; rejects (and stays signed in) when the main process refuses. */
export function useSignOut(): () => Promise<void> {
  const api = useApi();
  return useCallback(async () => {
    useSessionState.getState().signOutStarted();
    try {
      const { pendingChangesKept } = await api.signOut();
      useSessionState.getState().signOutFinished(pendingChangesKept);
    } catch (error) {
      useSessionState.getState().signOutFailed();
      throw error;
    }
  }, [api]);
}

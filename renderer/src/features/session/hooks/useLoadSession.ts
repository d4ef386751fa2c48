import { useCallback } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useSessionState } from '../states/sessionState.ts';

/** Asks the main process for the current session; `silent` keeps the screen as is while it runs. */
export function useLoadSession(): (options?: { silent?: boolean }) => Promise<void> {
  const api = useApi();
  return useCallback(
    async ({ silent = false } = {}) => {
      const state = useSessionState.getState();
      if (!silent) state.loadStarted();
      try {
        useSessionState.getState().sessionReceived(await api.getSession());
      } catch (error) {
        if (!silent) useSessionState.getState().loadFailed(errorMessage(error));
      }
    },
    [api],
  );
}

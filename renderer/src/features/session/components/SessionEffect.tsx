import { useEffect } from 'react';
import { useApi, useApiReconnect } from '../../../shared/api/useApi.ts';
import { useLoadSession } from '../hooks/useLoadSession.ts';
import { useSessionState } from '../states/sessionState.ts';

/** Mirrors the main process's session: loads it at start, follows sessionChanged, refetches on reconnect. */
export function SessionEffect() {
  const api = useApi();
  const loadSession = useLoadSession();

  useEffect(() => {
    // Subscribe before asking, so a change between the two is not missed.
    const unsubscribe = api.on('sessionChanged', (session) => useSessionState.getState().sessionReceived(session));
    void loadSession();
    return unsubscribe;
  }, [api, loadSession]);

  useApiReconnect(() => {
    const { phase } = useSessionState.getState();
    void loadSession({ silent: phase === 'signedIn' || phase === 'signedOut' });
  });

  return null;
}

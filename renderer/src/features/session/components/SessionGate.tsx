import type { ReactNode } from 'react';
import type { Session } from '../../../shared/api/ipcContract.ts';
import { FullPageLoader } from '../../../shared/ui/FullPageLoader.tsx';
import { useLoadSession } from '../hooks/useLoadSession.ts';
import { useSessionState } from '../states/sessionState.ts';
import { SignInScreen } from './SignInScreen.tsx';
import { StartupErrorScreen } from './StartupErrorScreen.tsx';

export type SessionGateProps = {
  /** What a signed-in user sees. */
  children: (session: Session) => ReactNode;
};

export function SessionGate({ children }: SessionGateProps) {
  const phase = useSessionState((state) => state.phase);
  const session = useSessionState((state) => state.session);
  const loadError = useSessionState((state) => state.loadError);
  const loadSession = useLoadSession();

  if (phase === 'signedIn' && session) return children(session);
  if (phase === 'signedOut') return <SignInScreen />;
  if (phase === 'unavailable') {
    return <StartupErrorScreen message={loadError ?? 'ROI Desk did not answer.'} onRetry={() => void loadSession()} />;
  }
  return <FullPageLoader label="Starting ROI Desk…" />;
}

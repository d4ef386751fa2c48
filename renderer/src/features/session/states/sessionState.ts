import { create } from 'zustand';
import type { Session } from '../../../shared/api/ipcContract.ts';

export type SessionPhase = 'loading' | 'unavailable' | 'signedOut' | 'signedIn';

/** Why the sign-in screen is showing, when it is not the first start. */
export type SignedOutNotice =
  | { kind: 'signedOut'; pendingChangesKept: number }
  /** The main process dropped the session on its own: device revoked, or the refresh token expired. */
  | { kind: 'ended' };

type SessionStateData = {
  phase: SessionPhase;
  session: Session | null;
  /** Why getSession() failed at start (browser mode: the host is not reachable). */
  loadError: string | null;
  notice: SignedOutNotice | null;
  /** Set while the user's own sign-out runs, so its sessionChanged(null) is not taken for a revocation. */
  signingOut: boolean;
};

type SessionStateActions = {
  loadStarted(): void;
  loadFailed(message: string): void;
  /** From getSession(), signIn() or a sessionChanged event. */
  sessionReceived(session: Session | null): void;
  signOutStarted(): void;
  signOutFailed(): void;
  signOutFinished(pendingChangesKept: number): void;
  dismissNotice(): void;
};

export type SessionState = SessionStateData & SessionStateActions;

const initialSessionState: SessionStateData = {
  phase: 'loading',
  session: null,
  loadError: null,
  notice: null,
  signingOut: false,
};

export const useSessionState = create<SessionState>()((set) => ({
  ...initialSessionState,
  loadStarted: () => set({ phase: 'loading', loadError: null }),
  loadFailed: (message) => set({ phase: 'unavailable', loadError: message }),
  sessionReceived: (session) =>
    set((state) => {
      if (session) return { phase: 'signedIn', session, notice: null, loadError: null };
      const endedUnasked = state.phase === 'signedIn' && !state.signingOut;
      return { phase: 'signedOut', session: null, loadError: null, notice: endedUnasked ? { kind: 'ended' } : state.notice };
    }),
  signOutStarted: () => set({ signingOut: true }),
  signOutFailed: () => set({ signingOut: false }),
  signOutFinished: (pendingChangesKept) =>
    set({ phase: 'signedOut', session: null, signingOut: false, notice: { kind: 'signedOut', pendingChangesKept } }),
  dismissNotice: () => set({ notice: null }),
}));

/** Back to the first-start state; for tests. */
export const resetSessionState = (): void => useSessionState.setState(initialSessionState);

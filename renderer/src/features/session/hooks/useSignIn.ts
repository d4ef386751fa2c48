import { useCallback } from 'react';
import type { OperationInput } from '../../../shared/api/ipcContract.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useSessionState } from '../states/sessionState.ts';

export type SignInInput = OperationInput<'signIn'>;

/** Signs in; rejects with the ApiError (invalid_credentials, server_unreachable…) for the form to show. */
export function useSignIn(): (input: SignInInput) => Promise<void> {
  const api = useApi();
  return useCallback(
    async (input) => {
      const session = await api.signIn(input);
      useSessionState.getState().sessionReceived(session);
    },
    [api],
  );
}

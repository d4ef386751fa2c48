import { useCallback, useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useDataChanged } from '../../../shared/hooks/useDataChanged.ts';
import type { AlertDetail } from '../utils/inboxTypes.ts';

export type AlertDetailState =
  | { state: 'loading' }
  | { state: 'loaded'; detail: AlertDetail }
  | { state: 'failed'; error: ApiError };

/** One alert's detail (opening it marks a new alert viewed), reloaded when its data changes. */
export function useAlertDetail(id: string) {
  const api = useApi();
  const [result, setResult] = useState<AlertDetailState>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    api.getAlert({ id }).then(
      (detail) => current && setResult({ state: 'loaded', detail }),
      (cause: unknown) => current && setResult({ state: 'failed', error: toApiError(cause, 'getAlert') }),
    );
    return () => {
      current = false;
    };
  }, [api, id, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  useDataChanged(['alerts', 'alert_outcomes', 'notes', 'activities', 'contacts', 'properties'], reload, 300);
  return { result, setDetail: (detail: AlertDetail) => setResult({ state: 'loaded', detail }), reload };
}

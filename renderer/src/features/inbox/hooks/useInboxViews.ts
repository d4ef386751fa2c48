import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useDataChanged } from '../../../shared/hooks/useDataChanged.ts';
import type { InboxView } from '../utils/inboxTypes.ts';

/** The saved views (built-in and the user's) with their counts, kept current as alerts change. */
export function useInboxViews() {
  const api = useApi();
  const [views, setViews] = useState<InboxView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    api.listInboxViews().then(
      (next) => current && (setViews(next), setError(null)),
      (cause: unknown) => current && setError(errorMessage(cause)),
    );
    return () => {
      current = false;
    };
  }, [api, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  useDataChanged(['alerts', 'contacts'], reload, 500);
  return { views, error, reload };
}

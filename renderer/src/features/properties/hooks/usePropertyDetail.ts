import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import type { PropertyDetail } from '../../../shared/api/ipcContract.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useDataChanged } from '../../../shared/hooks/useDataChanged.ts';

export type PropertyDetailState = {
  detail: PropertyDetail | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
  /** A fresher detail from an operation that returned one (a facts correction, a revaluation). */
  replace: (detail: PropertyDetail) => void;
};

/** One property with its valuation and evidence; refreshed when the property or its tasks change. Mount one per id. */
export function usePropertyDetail(id: string): PropertyDetailState {
  const api = useApi();
  const [detail, setDetail] = useState<PropertyDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let current = true;
    setLoading(true);
    api.getProperty({ id }).then(
      (next) => {
        if (!current) return;
        setDetail(next);
        setError(null);
        setLoading(false);
      },
      (cause: unknown) => {
        if (!current) return;
        setError(errorMessage(cause));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [api, id, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  useDataChanged(['properties', 'tasks'], reload);
  return { detail, error, loading, reload, replace: setDetail };
}

import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import type { OperationInput, OperationOutput } from '../../../shared/api/ipcContract.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useDataChanged } from '../../../shared/hooks/useDataChanged.ts';

export type TaskItem = OperationOutput<'listTasks'>['items'][number];

/** Tasks of a view (open, overdue, …), reloaded when tasks change (here or synced). */
export function useTasks(input: NonNullable<OperationInput<'listTasks'>>) {
  const api = useApi();
  const key = JSON.stringify(input);
  const [data, setData] = useState<OperationOutput<'listTasks'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    api.listTasks(JSON.parse(key) as typeof input).then(
      (result) => {
        if (!live) return;
        setData(result);
        setError(null);
      },
      (cause: unknown) => live && setError(errorMessage(cause)),
    );
    return () => {
      live = false;
    };
  }, [api, key, generation]);
  const refresh = useCallback(() => setGeneration((n) => n + 1), []);
  useDataChanged(['tasks', 'contacts'], refresh, 200);
  // Overdue is relative to now: re-evaluate every minute.
  useEffect(() => {
    const timer = setInterval(refresh, 60_000);
    return () => clearInterval(timer);
  }, [refresh]);
  return { data, error, refresh };
}

import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import type { OperationOutput } from '../../../shared/api/ipcContract.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useDataChanged } from '../../../shared/hooks/useDataChanged.ts';

export type ContactDetail = OperationOutput<'getContact'>;

const TABLES = ['contacts', 'notes', 'tasks', 'activities', 'alerts', 'alert_outcomes', 'properties', 'events', 'campaign_sends', 'users'];

export function useContactDetail(id: string) {
  const api = useApi();
  const [detail, setDetail] = useState<ContactDetail | null>(null);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    api.getContact({ id }).then(
      (result) => {
        if (!live) return;
        setDetail(result);
        setError(null);
      },
      (cause: unknown) => live && setError({ code: (cause as { code?: string }).code ?? 'internal', message: errorMessage(cause) }),
    );
    return () => {
      live = false;
    };
  }, [api, id, generation]);
  const refresh = useCallback(() => setGeneration((n) => n + 1), []);
  useDataChanged(TABLES, refresh, 150);
  return { detail, error, refresh };
}

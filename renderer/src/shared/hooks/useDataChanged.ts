import { useEffect, useEffectEvent } from 'react';
import { useApi } from '../api/useApi.ts';

/**
 * Calls `onChange` when rows of any of `tables` changed (a synced batch or a local edit), at most once per
 * `delayMs`: sync delivers a table in many batches, and one reload after the burst is enough.
 */
export function useDataChanged(tables: readonly string[], onChange: () => void, delayMs = 300): void {
  const api = useApi();
  const handle = useEffectEvent(onChange);
  const key = tables.join(',');
  useEffect(() => {
    const watched = new Set(key.split(','));
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = api.on('dataChanged', ({ tables: changed }) => {
      if (!changed.some((table) => watched.has(table)) || timer) return;
      timer = setTimeout(() => {
        timer = null;
        handle();
      }, delayMs);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [api, key, delayMs]);
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useDataChanged } from '../../../shared/hooks/useDataChanged.ts';
import type { InboxFilters, InboxItem } from '../utils/inboxTypes.ts';

const PAGE_SIZE = 50;
/** A refresh reloads what is on screen in one call (the contract's page limit). */
const MAX_RELOAD = 200;

export type InboxListState = {
  /** Null until the first page arrived. */
  total: number | null;
  rows: InboxItem[];
  /** Loads further keyset pages until row `index` is loaded (the virtual list asks for what is on screen). */
  ensureRows: (index: number) => void;
  error: string | null;
  reload: () => void;
};

/** The alerts matching `filters`, best first, loaded page by page as the list scrolls; reloaded when alerts change. */
export function useInboxList(filters: InboxFilters): InboxListState {
  const api = useApi();
  const key = JSON.stringify(filters);
  const [state, setState] = useState<{ key: string; total: number | null; rows: InboxItem[]; cursor: string | null; error: string | null }>({
    key,
    total: null,
    rows: [],
    cursor: null,
    error: null,
  });
  if (state.key !== key) setState({ key, total: null, rows: [], cursor: null, error: null });
  const loading = useRef(false);
  const generation = useRef(0);
  const [reloads, setReloads] = useState(0);
  const loadedCount = useRef(0);
  loadedCount.current = state.rows.length;

  useEffect(() => {
    const run = ++generation.current;
    loading.current = true;
    const limit = Math.min(MAX_RELOAD, Math.max(PAGE_SIZE, loadedCount.current));
    api.listInbox({ filters: JSON.parse(key) as InboxFilters, limit }).then(
      (page) => {
        if (run !== generation.current) return;
        loading.current = false;
        setState({ key, total: page.total, rows: page.rows, cursor: page.nextCursor, error: null });
      },
      (cause: unknown) => {
        if (run !== generation.current) return;
        loading.current = false;
        setState((current) => ({ ...current, error: errorMessage(cause) }));
      },
    );
  }, [api, key, reloads]);

  const ensureRows = useCallback(
    (index: number) => {
      if (loading.current || !state.cursor || index < state.rows.length - 10) return;
      const run = generation.current;
      loading.current = true;
      api.listInbox({ filters: JSON.parse(key) as InboxFilters, cursor: state.cursor, limit: PAGE_SIZE }).then(
        (page) => {
          if (run !== generation.current) return;
          loading.current = false;
          setState((current) => ({ ...current, total: page.total, rows: [...current.rows, ...page.rows], cursor: page.nextCursor }));
        },
        (cause: unknown) => {
          if (run !== generation.current) return;
          loading.current = false;
          setState((current) => ({ ...current, error: errorMessage(cause) }));
        },
      );
    },
    [api, key, state.cursor, state.rows.length],
  );

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  useDataChanged(['alerts', 'contacts', 'properties'], reload, 300);

  return { total: state.total, rows: state.rows, ensureRows, error: state.error, reload };
}

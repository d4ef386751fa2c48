import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import type { PropertySort, PropertySummary } from '../../../shared/api/ipcContract.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useDataChanged } from '../../../shared/hooks/useDataChanged.ts';

export const PROPERTY_PAGE_SIZE = 100;

export type PropertyListState = {
  /** Null until the first page arrived. */
  total: number | null;
  /** The row at `index`, or undefined while its page loads. */
  rowAt: (index: number) => PropertySummary | undefined;
  /** Loads the pages covering rows `from`…`to` (the virtual list calls it with what is on screen). */
  ensureRows: (from: number, to: number) => void;
  error: string | null;
  retry: () => void;
};

/** The properties matching `search`, in `sort` order, fetched page by page as the list scrolls. */
export function usePropertyList(search: string, sort: PropertySort): PropertyListState {
  const api = useApi();
  const [pages, setPages] = useState<ReadonlyMap<number, PropertySummary[]>>(new Map());
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const requested = useRef(new Set<number>());
  const queryRef = useRef<{ search: string; sort: PropertySort; generation: number } | null>(null);
  /** Pages delivered for the current search and order (`loadedKey`). */
  const loaded = useRef(new Set<number>());
  const loadedKey = useRef('');

  const loadPage = useCallback(
    (page: number, query: { search: string; sort: PropertySort; generation: number }) => {
      requested.current.add(page);
      api.listProperties({ search: query.search || undefined, sort: query.sort, offset: page * PROPERTY_PAGE_SIZE, limit: PROPERTY_PAGE_SIZE }).then(
        (result) => {
          if (queryRef.current !== query) return; // answered for an earlier search
          loaded.current.add(page);
          setTotal(result.total);
          setPages((current) => new Map(current).set(page, result.items));
          setError(null);
        },
        (cause: unknown) => {
          if (queryRef.current !== query) return;
          requested.current.delete(page);
          setError(errorMessage(cause));
        },
      );
    },
    [api],
  );

  // A new search or order starts from an empty list; a refresh (synced changes) reloads the pages already
  // shown, which stay on screen meanwhile.
  const [shownQuery, setShownQuery] = useState(`${sort}\u0000${search}`);
  if (shownQuery !== `${sort}\u0000${search}`) {
    setShownQuery(`${sort}\u0000${search}`);
    setPages(new Map());
    setTotal(null);
  }

  useEffect(() => {
    const key = `${sort}\u0000${search}`;
    if (loadedKey.current !== key) {
      loadedKey.current = key;
      loaded.current = new Set();
    }
    const query = { search, sort, generation };
    queryRef.current = query;
    requested.current = new Set();
    for (const page of new Set([0, ...loaded.current])) loadPage(page, query);
  }, [search, sort, generation, loadPage]);

  const ensureRows = useCallback(
    (from: number, to: number) => {
      const query = queryRef.current;
      if (!query) return;
      for (let page = Math.floor(from / PROPERTY_PAGE_SIZE); page <= Math.floor(to / PROPERTY_PAGE_SIZE); page++) {
        if (!requested.current.has(page)) loadPage(page, query);
      }
    },
    [loadPage],
  );

  const refresh = useCallback(() => setGeneration((n) => n + 1), []);
  useDataChanged(['properties', 'contacts'], refresh, 500);

  return {
    total,
    rowAt: (index) => pages.get(Math.floor(index / PROPERTY_PAGE_SIZE))?.[index % PROPERTY_PAGE_SIZE],
    ensureRows,
    error,
    retry: refresh,
  };
}

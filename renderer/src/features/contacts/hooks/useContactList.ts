import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../../shared/api/ApiError.ts';
import type { OperationInput, OperationOutput } from '../../../shared/api/ipcContract.ts';
import { useApi } from '../../../shared/api/useApi.ts';
import { useDataChanged } from '../../../shared/hooks/useDataChanged.ts';

export const CONTACT_PAGE_SIZE = 200;
export type ContactQuery = Omit<NonNullable<OperationInput<'listContacts'>>, 'offset' | 'limit'>;
export type ContactRowData = OperationOutput<'listContacts'>['items'][number];

/** The contacts matching `query`, fetched page by page as the virtual list scrolls; reloads on changes. */
export function useContactList(query: ContactQuery) {
  const api = useApi();
  const key = JSON.stringify(query);
  const [pages, setPages] = useState<ReadonlyMap<number, ContactRowData[]>>(new Map());
  const [total, setTotal] = useState<number | null>(null);
  const [tags, setTags] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const current = useRef({ key, generation });
  const requested = useRef(new Set<number>());
  const loaded = useRef(new Set<number>());

  const loadPage = useCallback(
    (page: number, ticket: { key: string; generation: number }) => {
      requested.current.add(page);
      api.listContacts({ ...(JSON.parse(ticket.key) as ContactQuery), offset: page * CONTACT_PAGE_SIZE, limit: CONTACT_PAGE_SIZE }).then(
        (result) => {
          if (current.current !== ticket) return;
          loaded.current.add(page);
          setTotal(result.total);
          setTags(result.tags);
          setPages((shown) => new Map(shown).set(page, result.items));
          setError(null);
        },
        (cause: unknown) => {
          if (current.current !== ticket) return;
          requested.current.delete(page);
          setError(errorMessage(cause));
        },
      );
    },
    [api],
  );

  const [shownKey, setShownKey] = useState(key);
  if (shownKey !== key) {
    setShownKey(key);
    setPages(new Map());
    setTotal(null);
  }

  useEffect(() => {
    const ticket = { key, generation };
    const sameQuery = current.current.key === key;
    current.current = ticket;
    requested.current = new Set();
    if (!sameQuery) loaded.current = new Set();
    for (const page of new Set([0, ...loaded.current])) loadPage(page, ticket);
  }, [key, generation, loadPage]);

  const ensureRows = useCallback(
    (from: number, to: number) => {
      for (let page = Math.floor(from / CONTACT_PAGE_SIZE); page <= Math.floor(to / CONTACT_PAGE_SIZE); page++) {
        if (!requested.current.has(page)) loadPage(page, current.current);
      }
    },
    [loadPage],
  );
  const refresh = useCallback(() => setGeneration((n) => n + 1), []);
  useDataChanged(['contacts', 'alerts', 'users'], refresh, 400);

  return {
    total,
    tags,
    error,
    refresh,
    ensureRows,
    rowAt: (index: number) => pages.get(Math.floor(index / CONTACT_PAGE_SIZE))?.[index % CONTACT_PAGE_SIZE],
  };
}

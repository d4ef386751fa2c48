import { useSyncExternalStore } from 'react';
import { DEFAULT_PAGE_ID, findPage, type PageId } from './appPages.ts';

// Pages live in the URL hash (#/contacts, #/inbox/<alertId>): it survives a reload, gives Back/Forward
// for free, and works the same under app:// and http:// without a server-side fallback route.

export type Route = {
  pageId: PageId;
  /** Path segments after the page, for the page itself to interpret (e.g. an alert id). */
  params: string[];
};

const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a stray "%" typed into the address bar
  }
};

export function parseRouteHash(hash: string): Route {
  const [first = '', ...params] = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decode);
  const page = findPage(first);
  return page ? { pageId: page.id, params } : { pageId: DEFAULT_PAGE_ID, params: [] };
}

export const routeHref = (pageId: PageId, ...params: string[]): string =>
  `#/${[pageId, ...params].map(encodeURIComponent).join('/')}`;

export function navigateTo(pageId: PageId, ...params: string[]): void {
  window.location.hash = routeHref(pageId, ...params);
}

const subscribe = (onChange: () => void): (() => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};

const readHash = (): string => window.location.hash;

export function useRoute(): Route {
  return parseRouteHash(useSyncExternalStore(subscribe, readHash));
}

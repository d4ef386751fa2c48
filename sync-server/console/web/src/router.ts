// The console's pages live at /console/<page>; navigation uses the History API (no reloads).
import { useSyncExternalStore } from 'react';

export type PageId = 'people' | 'devices' | 'health' | 'conflicts' | 'models' | 'ingestion' | 'audit';
export type PageInfo = { id: PageId; label: string; adminOnly: boolean };

export const PAGES: PageInfo[] = [
  { id: 'people', label: 'Brokerages & users', adminOnly: false },
  { id: 'devices', label: 'Devices', adminOnly: false },
  { id: 'health', label: 'Sync health', adminOnly: true },
  { id: 'conflicts', label: 'Conflicts', adminOnly: false },
  { id: 'models', label: 'Models', adminOnly: false },
  { id: 'ingestion', label: 'Ingestion', adminOnly: false },
  { id: 'audit', label: 'Audit log', adminOnly: false },
];

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((listener) => listener()));

export function navigate(path: string): void {
  window.history.pushState(null, '', `/console/${path}`);
  listeners.forEach((listener) => listener());
}

export function usePath(): string {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => window.location.pathname.replace(/^\/console\/?/, '').replace(/\/$/, ''),
  );
}

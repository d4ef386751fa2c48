import { useEffect, useEffectEvent } from 'react';
import type { AppPage, PageId } from './appPages.ts';

/** How long after "g" the second key still counts. */
const SEQUENCE_WINDOW_MS = 1500;

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) ||
    target.closest('[aria-modal="true"]') !== null);

const digitOf = (event: KeyboardEvent): number | null => {
  const match = /^Digit([1-9])$/.exec(event.code) ?? /^([1-9])$/.exec(event.key);
  return match ? Number(match[1]) : null;
};

export type PageShortcutsOptions = {
  /** The pages this user sees, in navbar order. */
  pages: readonly AppPage[];
  onNavigate: (pageId: PageId) => void;
  onShowHelp: () => void;
};

/**
 * "g" then a page's key (g i → Inbox), Ctrl/⌘+1…9 for the n-th page, "?" for the list. Ignored while
 * typing in a field or working in a modal dialog, so the letters keep their meaning there.
 */
export function usePageShortcuts({ pages, onNavigate, onShowHelp }: PageShortcutsOptions): void {
  const handleKeyDown = useEffectEvent((event: KeyboardEvent, sequence: { armedAt: number | null }) => {
    if (event.defaultPrevented || event.isComposing || isTyping(event.target)) return;
    const modifier = event.ctrlKey || event.metaKey;
    const armed = sequence.armedAt !== null && Date.now() - sequence.armedAt < SEQUENCE_WINDOW_MS;
    sequence.armedAt = null;

    if (modifier && !event.altKey && !event.shiftKey) {
      const digit = digitOf(event);
      const page = digit === null ? undefined : pages[digit - 1];
      if (page) {
        event.preventDefault();
        onNavigate(page.id);
      }
      return;
    }
    if (modifier || event.altKey) return;

    const key = event.key.toLowerCase();
    if (armed) {
      const page = pages.find((candidate) => candidate.goKey === key);
      if (page) {
        event.preventDefault();
        onNavigate(page.id);
      }
      return;
    }
    if (key === 'g' && !event.shiftKey) {
      sequence.armedAt = Date.now();
      return;
    }
    if (event.key === '?') {
      event.preventDefault();
      onShowHelp();
    }
  });

  useEffect(() => {
    const sequence = { armedAt: null as number | null };
    const listener = (event: KeyboardEvent) => handleKeyDown(event, sequence);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}

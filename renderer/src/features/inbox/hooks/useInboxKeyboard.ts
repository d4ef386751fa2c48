import { useEffect, useEffectEvent } from 'react';

const isToggle = (target: HTMLElement) => target instanceof HTMLInputElement && (target.type === 'checkbox' || target.type === 'radio');

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  ((target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) && !isToggle(target) ||
    target.closest('[aria-modal="true"], [role="dialog"], [role="menu"], [role="listbox"]') !== null);

/** Enter on a button or link does what that control does; only elsewhere does it open the focused alert. */
const isControl = (target: EventTarget | null): boolean => target instanceof HTMLElement && target.closest('a, button, [role="button"], [role="tab"]') !== null;

export type InboxKeyHandlers = {
  next(): void;
  previous(): void;
  open(): void;
  toggleSelected(): void;
  contacted(): void;
  dismiss(): void;
  focusSearch(): void;
  escape(): void;
};

/** The inbox's single-letter keys (j/k, Enter, x, e, d, /, Esc); ignored while typing or in a dialog or menu. */
export function useInboxKeyboard(handlers: InboxKeyHandlers): void {
  const onKey = useEffectEvent((event: KeyboardEvent) => {
    if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'Escape') {
      if (!isTyping(event.target)) handlers.escape();
      return;
    }
    if (isTyping(event.target)) return;
    const run = (handler: () => void) => {
      event.preventDefault();
      handler();
    };
    switch (event.key) {
      case 'j':
      case 'ArrowDown':
        return run(handlers.next);
      case 'k':
      case 'ArrowUp':
        return run(handlers.previous);
      case 'Enter':
        if (isControl(event.target)) return;
        return run(handlers.open);
      case 'x':
        return run(handlers.toggleSelected);
      case 'e':
        return run(handlers.contacted);
      case 'd':
        return run(handlers.dismiss);
      case '/':
        return run(handlers.focusSearch);
    }
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}

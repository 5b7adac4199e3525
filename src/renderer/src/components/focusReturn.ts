import { type RefObject, useEffect } from 'react';

/*
 * Where the person was working, so a dialog that interrupted them (the leave guard's "Keep editing",
 * the lock screen) gives the focus back there, not to the header button that opened it (issue 12
 * item 10: the next Tab landed on Lock / Sign out).
 */
let last: HTMLElement | null = null;

/** Remembers the last element focused in the screen's main area (not the header, not a dialog). */
export function trackFocusInMain(main: HTMLElement): () => void {
  const onFocus = (e: FocusEvent) => {
    if (e.target instanceof HTMLElement && !e.target.closest('dialog')) last = e.target;
  };
  main.addEventListener('focusin', onFocus);
  return () => main.removeEventListener('focusin', onFocus);
}

/** The element to give the focus back to, if it is still on the page. */
export function lastFocusInMain(): HTMLElement | null {
  return last?.isConnected ? last : null;
}

/**
 * A step that replaces the one whose button was pressed (Import → its progress → its result), or an
 * error shown once the pressed button went or was disabled, takes the focus that dropped on the
 * page's body; a keyboard user would start over from the top. It leaves alone a focus the person has
 * put somewhere. `shown`: for an element that comes and goes, whether it is there (or what it says,
 * so that a new message is focused again).
 */
export function useFocusIfLost(target: RefObject<HTMLElement | null>, shown: unknown = true): void {
  useEffect(() => {
    if (shown && (!document.activeElement || document.activeElement === document.body)) target.current?.focus();
  }, [target, shown]);
}

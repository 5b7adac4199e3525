import { useEffectEvent, useLayoutEffect } from 'react';

/**
 * Ctrl+S (⌘S on a Mac) runs `save` while `active`, unless a dialog is open. Where nothing saves, the
 * counter's own shortcuts keep the browser's "save the page" from running (App.tsx).
 */
export function useSaveShortcut(active: boolean, save: () => void) {
  const onKey = useEffectEvent((e: KeyboardEvent) => {
    if (!active || !isSaveKey(e)) return;
    e.preventDefault();
    if (!document.querySelector('dialog[open]')) save();
  });
  // From the commit, not after the paint (see App's shortcuts).
  useLayoutEffect(() => {
    const listener = (e: KeyboardEvent) => onKey(e);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}

/** Ctrl+S, or ⌘S on a Mac. */
export function isSaveKey(e: KeyboardEvent): boolean {
  return (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's';
}

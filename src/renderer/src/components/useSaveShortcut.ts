import { useEffectEvent, useLayoutEffect } from 'react';

/**
 * Ctrl+S (⌘S on a Mac) runs `save` while `active`, unless a dialog is open. `keepPage`: the browser's
 * own "save the page" is kept from running even while inactive (a screen whose other tab saves).
 */
export function useSaveShortcut(active: boolean, save: () => void, { keepPage = false } = {}) {
  const onKey = useEffectEvent((e: KeyboardEvent) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || e.key.toLowerCase() !== 's') return;
    if (!active && !keepPage) return;
    e.preventDefault();
    if (active && !document.querySelector('dialog[open]')) save();
  });
  // From the commit, not after the paint (see App's shortcuts).
  useLayoutEffect(() => {
    const listener = (e: KeyboardEvent) => onKey(e);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}

import { useLayoutEffect, useRef } from 'react';

/**
 * Shows a native <dialog> as a modal for as long as the component is mounted: the browser gives it
 * the dialog role, traps focus and makes the page behind inert. `focusFirst` picks what gets the
 * focus when it opens (read once, at mount); when it closes, the focus goes back to what opened it.
 */
export function useModalDialog(focusFirst: (dialog: HTMLDialogElement) => void, returnFocus?: () => HTMLElement | null) {
  const ref = useRef<HTMLDialogElement>(null);
  const focus = useRef(focusFirst);
  const back = useRef(returnFocus);
  // Opened in the commit, as the counter's shortcuts and focus are: opened after the paint, keys
  // typed meanwhile reached the screen behind it (a lock screen; review 33).
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    // The focus is given back by hand, not left to close(): the dialog may already be out of the
    // page when React removes it (the browser then gives it to nothing and keyboard users land on
    // the page itself), and the person's own place may not be what opened it.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const returnTo = back.current;
    if (!dialog.open) dialog.showModal();
    focus.current(dialog);
    return () => {
      dialog.close();
      // Where the person was working, when the dialog says so; else what opened it.
      const target = returnTo?.() ?? opener;
      if (target?.isConnected) target.focus();
      // That place behind another modal (the lock screen): what opened this one instead.
      if (document.activeElement !== target && opener?.isConnected) opener.focus();
    };
  }, []);
  return ref;
}

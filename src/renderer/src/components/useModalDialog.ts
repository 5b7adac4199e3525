import { useEffect, useRef } from 'react';

/**
 * Shows a native <dialog> as a modal for as long as the component is mounted: the browser gives it
 * the dialog role, traps focus and makes the page behind inert. `focusFirst` picks what gets the
 * focus when it opens (read once, at mount).
 */
export function useModalDialog(focusFirst: (dialog: HTMLDialogElement) => void) {
  const ref = useRef<HTMLDialogElement>(null);
  const focus = useRef(focusFirst);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    focus.current(dialog);
    return () => dialog.close();
  }, []);
  return ref;
}

import { useCallback, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from './ConfirmDialog';
import { lastFocusInMain } from './focusReturn';

/** Asked before leaving: true to leave now, false if it will call `proceed` itself once confirmed. */
export type LeaveGuard = (proceed: () => void) => boolean;

/**
 * "Discard your changes?" before leaving something with unsaved typing (the customer's screen, the
 * prescription grid). `isDirty` is read when asked, so it may be a ref's current value. `texts` is
 * the i18n group holding title, body, confirm and cancel.
 */
export function useLeaveGuard(isDirty: () => boolean, texts: 'discard' | 'rx.discard'): { guard: LeaveGuard; dialog: ReactNode } {
  const { t } = useTranslation();
  const [pending, setPending] = useState<(() => void) | null>(null);
  const dirty = useRef(isDirty);
  useLayoutEffect(() => {
    dirty.current = isDirty;
  });
  const guard = useCallback<LeaveGuard>((proceed) => {
    if (!dirty.current()) return true;
    setPending(() => proceed);
    return false;
  }, []);
  const dialog = pending ? (
    <ConfirmDialog
      title={t(`${texts}.title`)}
      body={t(`${texts}.body`)}
      confirmLabel={t(`${texts}.confirm`)}
      cancelLabel={t(`${texts}.cancel`)}
      danger
      // "Keep editing" goes back to the field, whatever opened the question (a header button).
      returnFocus={lastFocusInMain}
      onConfirm={() => {
        setPending(null);
        pending();
      }}
      onCancel={() => setPending(null)}
    />
  ) : null;
  return { guard, dialog };
}

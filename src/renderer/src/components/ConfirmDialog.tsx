import { type ReactNode, useId, useRef } from 'react';
import { DialogActions, ModalDialog } from './ModalDialog';
import { FormError } from './FormError';

type Props = {
  title: string;
  /** Text, or paragraphs and lists when there is more to say. */
  body: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
  /** Where the focus goes when it closes, if not back to what opened it. */
  returnFocus?: () => HTMLElement | null;
};

/**
 * A modal confirmation on the native <dialog>: the browser gives it the dialog role, traps focus,
 * makes the page behind inert and closes on Esc. Mounted only while it is shown.
 */
export function ConfirmDialog({ title, body, confirmLabel, cancelLabel, danger, busy, error, onConfirm, onCancel, returnFocus }: Props) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();

  return (
    // The safe choice has the focus: Enter on an unexpected dialog must not destroy anything.
    <ModalDialog className="dialog" focusFirst={() => cancelRef.current?.focus()} labelledBy={titleId} describedBy={bodyId} onEsc={busy ? undefined : onCancel} returnFocus={returnFocus}>
      <h2 id={titleId}>{title}</h2>
      {typeof body === 'string' ? <p id={bodyId}>{body}</p> : <div id={bodyId}>{body}</div>}
      <FormError>{error}</FormError>
      <DialogActions cancelLabel={cancelLabel} onCancel={onCancel} cancelRef={cancelRef} confirmLabel={confirmLabel} onConfirm={onConfirm} danger={danger} busy={busy} />
    </ModalDialog>
  );
}

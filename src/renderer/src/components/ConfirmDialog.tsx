import { type ReactNode, useId, useRef } from 'react';
import { useModalDialog } from './useModalDialog';
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
};

/**
 * A modal confirmation on the native <dialog>: the browser gives it the dialog role, traps focus,
 * makes the page behind inert and closes on Esc. Mounted only while it is shown.
 */
export function ConfirmDialog({ title, body, confirmLabel, cancelLabel, danger, busy, error, onConfirm, onCancel }: Props) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  // The safe choice has the focus: Enter on an unexpected dialog must not destroy anything.
  const ref = useModalDialog(() => cancelRef.current?.focus());
  const titleId = useId();
  const bodyId = useId();

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(e) => {
        // Esc: let React state close it, so it stays in step with what the parent renders.
        e.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {typeof body === 'string' ? <p id={bodyId}>{body}</p> : <div id={bodyId}>{body}</div>}
      <FormError>{error}</FormError>
      <div className="dialog-actions">
        <button ref={cancelRef} type="button" onClick={onCancel} disabled={busy}>
          {cancelLabel}
        </button>
        <button type="button" className={danger ? 'danger' : 'primary'} onClick={onConfirm} disabled={busy}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

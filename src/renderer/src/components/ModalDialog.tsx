import type { ReactNode, Ref } from 'react';
import { useModalDialog } from './useModalDialog';

type Props = {
  className: string;
  /** What gets the focus when it opens (read once). */
  focusFirst: (dialog: HTMLDialogElement) => void;
  labelledBy: string;
  describedBy?: string;
  /** Esc asks for this; without it (or while busy) Esc does nothing. */
  onEsc?: () => void;
  /** Where the focus goes when it closes, if not back to what opened it (read once). */
  returnFocus?: () => HTMLElement | null;
  children: ReactNode;
};

/**
 * A native <dialog> shown as a modal while mounted (useModalDialog). Esc goes through React state, so
 * the dialog stays in step with what its parent renders.
 */
export function ModalDialog({ className, focusFirst, labelledBy, describedBy, onEsc, returnFocus, children }: Props) {
  const ref = useModalDialog(focusFirst, returnFocus);
  return (
    <dialog
      ref={ref}
      className={className}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      onCancel={(e) => {
        e.preventDefault();
        onEsc?.();
      }}
    >
      {children}
    </dialog>
  );
}

type ActionsProps = {
  cancelLabel: string;
  onCancel: () => void;
  cancelRef?: Ref<HTMLButtonElement>;
  confirmLabel: string;
  /** Without it, the confirm button submits the dialog's form. */
  onConfirm?: () => void;
  danger?: boolean;
  busy?: boolean;
};

/** Cancel, then the dialog's action (red when it destroys something); both wait while it runs. */
export function DialogActions({ cancelLabel, onCancel, cancelRef, confirmLabel, onConfirm, danger, busy }: ActionsProps) {
  return (
    <div className="dialog-actions">
      <button ref={cancelRef} type="button" onClick={onCancel} disabled={busy}>
        {cancelLabel}
      </button>
      <button type={onConfirm ? 'button' : 'submit'} className={danger ? 'danger' : 'primary'} onClick={onConfirm} disabled={busy}>
        {confirmLabel}
      </button>
    </div>
  );
}

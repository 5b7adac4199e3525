import { useId, type ReactNode } from 'react';
import { DialogActions, ModalDialog } from './ModalDialog';
import { FormError } from './FormError';

type Props = {
  title: string;
  description?: string;
  submitLabel: string;
  cancelLabel: string;
  busy?: boolean;
  danger?: boolean;
  error?: string | null;
  onSubmit: () => void;
  onCancel: () => void;
  children: ReactNode;
};

/**
 * A small form in a modal <dialog> (the browser gives it the dialog role, traps focus and closes it
 * on Esc): the first field has the focus, Enter submits. Mounted only while it is shown.
 */
export function FormDialog({ title, description, submitLabel, cancelLabel, busy, danger, error, onSubmit, onCancel, children }: Props) {
  const titleId = useId();
  const bodyId = useId();

  return (
    <ModalDialog
      className="dialog form-dialog"
      focusFirst={(dialog) => dialog.querySelector<HTMLElement>('input, select, textarea')?.focus()}
      labelledBy={titleId}
      describedBy={description ? bodyId : undefined}
      onEsc={busy ? undefined : onCancel}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) onSubmit();
        }}
      >
        <h2 id={titleId}>{title}</h2>
        {description ? <p id={bodyId}>{description}</p> : null}
        <FormError>{error}</FormError>
        <div className="dialog-fields">{children}</div>
        <DialogActions cancelLabel={cancelLabel} onCancel={onCancel} confirmLabel={submitLabel} danger={danger} busy={busy} />
      </form>
    </ModalDialog>
  );
}

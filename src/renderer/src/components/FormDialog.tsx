import { useId, type ReactNode } from 'react';
import { useModalDialog } from './useModalDialog';
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
  const ref = useModalDialog((dialog) => dialog.querySelector<HTMLElement>('input, select, textarea')?.focus());
  const titleId = useId();
  const bodyId = useId();

  return (
    <dialog
      ref={ref}
      className="dialog form-dialog"
      aria-labelledby={titleId}
      aria-describedby={description ? bodyId : undefined}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onCancel();
      }}
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
        <div className="dialog-actions">
          <button type="button" onClick={onCancel} disabled={busy}>
            {cancelLabel}
          </button>
          <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}

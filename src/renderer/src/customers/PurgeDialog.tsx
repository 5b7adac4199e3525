import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/errors';
import { usePurgeCustomer } from '../api/queries';
import { useModalDialog } from '../components/useModalDialog';

type Props = {
  customerId: string;
  name: string;
  onPurged: () => void;
  onCancel: () => void;
};

/**
 * The owner's erasure of a customer (a right-to-erasure request): deletes them if they are not yet,
 * then purges. It says exactly what happens to the backups, which are not rewritten (each is sealed
 * by its checksum): they keep the data until they age out, and a restore of one erases the customer
 * again at once (the purge ledger, src/main/privacy/ledger.ts).
 */
export function PurgeDialog({ customerId, name, onPurged, onCancel }: Props) {
  const { t } = useTranslation();
  const purge = usePurgeCustomer();
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  // The safe choice has the focus: Enter on an unexpected dialog must not erase anyone.
  const ref = useModalDialog(() => cancelRef.current?.focus());
  const titleId = useId();
  const bodyId = useId();

  const onConfirm = async () => {
    setError(null);
    try {
      await purge.mutateAsync(customerId);
      onPurged();
    } catch (err) {
      setError(t('purge.error', { message: errorMessage(err, t) }));
    }
  };

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(e) => {
        e.preventDefault();
        if (!purge.isPending) onCancel();
      }}
    >
      <h2 id={titleId}>{t('purge.title')}</h2>
      <div id={bodyId}>
        <p>{t('purge.body', { name })}</p>
        <ul>
          <li>{t('purge.backups', { name })}</li>
          <li>{t('purge.restore', { name })}</li>
          <li>{t('purge.cloud')}</li>
        </ul>
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button ref={cancelRef} type="button" onClick={onCancel} disabled={purge.isPending}>
          {t('common.cancel')}
        </button>
        <button type="button" className="danger" onClick={() => void onConfirm()} disabled={purge.isPending}>
          {purge.isPending ? t('purge.erasing') : t('purge.confirm')}
        </button>
      </div>
    </dialog>
  );
}

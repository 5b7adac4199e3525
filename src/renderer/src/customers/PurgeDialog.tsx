import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/errors';
import { usePurgeCustomer } from './queries';
import { ConfirmDialog } from '../components/ConfirmDialog';

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
    <ConfirmDialog
      title={t('purge.title')}
      body={
        <>
          <p>{t('purge.body', { name })}</p>
          <ul>
            <li>{t('purge.backups', { name })}</li>
            <li>{t('purge.restore', { name })}</li>
            <li>{t('purge.cloud')}</li>
          </ul>
        </>
      }
      confirmLabel={purge.isPending ? t('purge.erasing') : t('purge.confirm')}
      cancelLabel={t('common.cancel')}
      danger
      busy={purge.isPending}
      error={error}
      onConfirm={() => void onConfirm()}
      onCancel={onCancel}
    />
  );
}

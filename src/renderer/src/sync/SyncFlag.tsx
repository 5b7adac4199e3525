import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSyncConflicts } from './queries';
import { useSignedIn } from '../auth/AuthProvider';

/** The customers with something to settle (an open conflict or a parked change). */
export function useSyncFlagged(): Set<string> {
  const { locked } = useSignedIn();
  const { data } = useSyncConflicts(!locked);
  return useMemo(() => new Set([...(data?.conflicts ?? []), ...(data?.parked ?? [])].map((c) => c.customerId)), [data]);
}

/** The mark of a customer sync needs staff for (an open conflict or a parked change), in a result row. */
export function SyncFlag() {
  const { t } = useTranslation();
  return (
    <span className="badge sync-flag" title={t('sync.flag.hint')}>
      {t('sync.flag.label')}
    </span>
  );
}

/** On the customer's screen: the same mark, a button to the sync screen where it is settled. */
export function CustomerSyncFlag({ customerId, onOpen }: { customerId: string; onOpen: () => void }) {
  const { t } = useTranslation();
  const flagged = useSyncFlagged();
  if (!flagged.has(customerId)) return null;
  return (
    <button type="button" className="badge sync-flag" title={t('sync.flag.hint')} onClick={onOpen}>
      {t('sync.flag.label')}
    </button>
  );
}

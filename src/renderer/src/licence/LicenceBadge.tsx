import { useTranslation } from 'react-i18next';
import { useLicenceStatus } from './queries';

/** Small, in the footer: the trial's days left, or that the counter is read-only. */
export function LicenceBadge() {
  const { t } = useTranslation();
  const { data } = useLicenceStatus();
  if (!data || data.state === 'active') return null;
  if (data.state === 'trial') {
    return (
      <span className="licence-badge trial">
        {t('licence.badge.trial', { count: data.trialDaysLeft ?? 0 })}
      </span>
    );
  }
  return (
    <span className="licence-badge readonly">
      {t('licence.badge.readOnly')}
    </span>
  );
}

import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppInfo } from '../update/queries';
import { LicenceBadge } from '../licence/LicenceBadge';

// Memoised, as the header: nothing here changes with a keystroke.
export const Footer = memo(function Footer() {
  const { t } = useTranslation();
  const info = useAppInfo();
  return (
    <footer className="app-footer">
      <span>{t('app.shortcuts')}</span>
      <LicenceBadge />
      {info.data ? <span title={info.data.dataDir}>{t('app.version', { version: info.data.version })}</span> : null}
    </footer>
  );
});

import { useTranslation } from 'react-i18next';
import { useAppInfo } from '../api/queries';

export function Footer() {
  const { t } = useTranslation();
  const info = useAppInfo();
  return (
    <footer className="app-footer">
      <span>{t('app.shortcuts')}</span>
      {info.data ? <span title={info.data.dataDir}>{t('app.version', { version: info.data.version })}</span> : null}
    </footer>
  );
}

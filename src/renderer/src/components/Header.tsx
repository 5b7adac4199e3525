import { useTranslation } from 'react-i18next';
import { currentLanguage, languages, setLanguage, type Language } from '../i18n';

export function Header({ screenTitle }: { screenTitle: string }) {
  const { t } = useTranslation();
  return (
    <header className="app-header">
      <span className="app-name">{t('app.name')}</span>
      <span className="screen-title" aria-live="polite">
        {screenTitle}
      </span>
      <label className="language">
        <span className="visually-hidden">{t('app.language')}</span>
        <select value={currentLanguage()} onChange={(e) => setLanguage(e.target.value as Language)} title={t('app.language')}>
          {languages.map((lng) => (
            <option key={lng} value={lng}>
              {lng.toUpperCase()}
            </option>
          ))}
        </select>
      </label>
    </header>
  );
}

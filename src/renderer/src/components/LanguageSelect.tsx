import { useTranslation } from 'react-i18next';
import { currentLanguage, languageNames, languages, setLanguage, type Language } from '../i18n';

export function LanguageSelect() {
  const { t } = useTranslation();
  return (
    <label className="language">
      <span className="visually-hidden">{t('app.language')}</span>
      <select value={currentLanguage()} onChange={(e) => setLanguage(e.target.value as Language)} title={t('app.language')}>
        {languages.map((lng) => (
          <option key={lng} value={lng} lang={lng}>
            {languageNames[lng]}
          </option>
        ))}
      </select>
    </label>
  );
}

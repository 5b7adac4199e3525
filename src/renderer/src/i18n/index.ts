import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import fr from './fr.json';
import ar from './ar.json';

export const languages = ['en', 'fr', 'ar'] as const;
export type Language = (typeof languages)[number];
/** Each language in its own words (an autonym is the same in every UI language: not translated). */
export const languageNames: Record<Language, string> = { en: 'English', fr: 'Français', ar: 'العربية' };
const STORAGE_KEY = 'opticounter.language';

function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

/** A choice made with the header's switch wins; otherwise the system's language, else English. */
function initialLanguage(): Language {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(saved)) return saved;
  } catch {
    // Storage may be unavailable (privacy settings); the system language still works.
  }
  const wanted = (navigator.languages?.length ? navigator.languages : [navigator.language]).map((l) => l.slice(0, 2).toLowerCase());
  return wanted.find(isLanguage) ?? 'en';
}

export function setLanguage(lang: Language): void {
  void i18n.changeLanguage(lang);
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered, but switched for this session.
  }
}

export function currentLanguage(): Language {
  return isLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, fr: { translation: fr }, ar: { translation: ar } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: languages,
  // React already escapes what it renders.
  interpolation: { escapeValue: false },
  initAsync: false,
  showSupportNotice: false,
});

/** `<html lang dir>`: Arabic lays the page out right to left (the Rx grid keeps `dir="ltr"` itself). */
function markDocument(lng: string): void {
  document.documentElement.lang = lng;
  document.documentElement.dir = i18n.dir(lng);
}
markDocument(i18n.language);
i18n.on('languageChanged', markDocument);

export default i18n;

import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import ar from '../i18n/ar.json';
import en from '../i18n/en.json';
import fr from '../i18n/fr.json';
import { missingFieldsText } from './missingFields';

const i18n = i18next.createInstance();
await i18n.init({ resources: { en: { translation: en }, fr: { translation: fr }, ar: { translation: ar } }, lng: 'en' });

describe('missingFieldsText', () => {
  it.each([
    ['en', ['email'], 'email'],
    ['en', ['email', 'dateOfBirth', 'sex'], 'email, date of birth, and sex'],
    ['fr', ['phoneNumber', 'dateOfBirth'], 'téléphone et date de naissance'],
    ['ar', ['email', 'sex'], 'البريد الإلكتروني والجنس'],
  ] as const)('%s %j -> %s', (lng, missing, text) => {
    expect(missingFieldsText(missing, i18n.getFixedT(lng), lng)).toBe(text);
  });
});

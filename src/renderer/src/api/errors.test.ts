import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { say } from '../../../shared/messages';
import ar from '../i18n/ar.json';
import en from '../i18n/en.json';
import fr from '../i18n/fr.json';
import { errorMessage, fieldErrorText } from './errors';

const i18n = i18next.createInstance();
void i18n.init({ resources: { en: { translation: en }, fr: { translation: fr }, ar: { translation: ar } }, lng: 'fr', fallbackLng: 'en', interpolation: { escapeValue: false }, initAsync: false, showSupportNotice: false });
const inFrench = i18n.getFixedT('fr');

describe('a refusal of the core, in the staff’s language', () => {
  it('says a code by its errors.<code> words, a number of seconds in the plural the language needs', () => {
    expect(errorMessage(new AppError('backup.notFound', 'Backup not found'), inFrench)).toBe('Cette sauvegarde n’existe plus.');
    expect(errorMessage(new AppError('auth.rateLimited', 'Too many attempts: wait 30 s', undefined, { retryAfterSeconds: 30 }), inFrench)).toMatch(/30 secondes/);
  });

  it('says a validation error by its first field message, and a field by its own', () => {
    const err = AppError.fields({ 'customerData.firstName': [say('field.required', { field: 'firstName' }, 'First name is required')] });
    expect(errorMessage(err, inFrench)).toBe('Le champ « Prénom » est obligatoire');
    expect(fieldErrorText(err, 'customerData.firstName', inFrench)).toBe('Le champ « Prénom » est obligatoire');
    expect(fieldErrorText(err, 'customerData.lastName', inFrench)).toBeUndefined();
  });

  it('keeps the core’s English for a code this renderer does not know (a newer core), and for a field sent without a code', () => {
    const newer = AppError.fromShape({ code: 'cloud.newThing', message: 'A new kind of trouble', status: 409 });
    expect(errorMessage(newer, inFrench)).toBe('A new kind of trouble');
    const old = AppError.fromShape({ code: 'validation', message: 'x', status: 400, fieldErrors: { username: ['Username is taken'] } });
    expect(fieldErrorText(old, 'username', inFrench)).toBe('Username is taken');
  });
});

import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { errorStatus } from '../../../shared/errors';
import { messageCodes, messageFromIssue, messageParams, messageTerms, say } from '../../../shared/messages';
import { CustomerCreateInput } from '../../../shared/customers/schema';
import { rxLineErrorCodes } from '../../../shared/prescriptions/line';
import { checkRx } from '../../../shared/prescriptions/rules';
import ar from './ar.json';
import en from './en.json';
import fr from './fr.json';
import { messageText } from './messages';

/*
 * Every code the core can emit, enumerated from the tables that declare them (messages.ts,
 * errors.ts, line.ts), has its words in every language, with the placeholders its parameters fill.
 */

type Resources = { [key: string]: string | Resources };
const resources = { en, fr, ar } as Record<string, Resources>;

function lookup(root: Resources, key: string): string | undefined {
  let node: string | Resources | undefined = root;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

const placeholders = (text: string) => [...new Set([...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]))].sort();

describe('every message the core can emit is translated', () => {
  it.each(['en', 'fr', 'ar'])('%s says each code of the messages table, with exactly its parameters', (lng) => {
    const problems = messageCodes.flatMap((code) => {
      const text = lookup(resources[lng]!, `messages.${code}`);
      if (text === undefined) return [`${code}: missing`];
      const want = Object.keys(messageParams[code]).sort();
      return JSON.stringify(placeholders(text)) === JSON.stringify(want) ? [] : [`${code}: ${placeholders(text).join(',')} instead of ${want.join(',')}`];
    });
    expect(problems).toEqual([]);
  });

  it.each(['en', 'fr', 'ar'])('%s names each term a message may hold', (lng) => {
    expect(messageTerms.filter((term) => lookup(resources[lng]!, `messages.terms.${term}`) === undefined)).toEqual([]);
  });

  it.each(['en', 'fr', 'ar'])('%s says each error code errors.ts declares', (lng) => {
    const said = (code: string) => lookup(resources[lng]!, `errors.${code}`) ?? lookup(resources[lng]!, `errors.${code}_other`);
    expect(Object.keys(errorStatus).filter((code) => said(code) === undefined)).toEqual([]);
  });

  it('has a message for each error of the line reader', () => {
    expect(rxLineErrorCodes.filter((code) => !(code in messageParams))).toEqual([]);
  });
});

describe('a message in the staff’s language', () => {
  const t = i18next.createInstance();
  void t.init({ resources: { en: { translation: en }, fr: { translation: fr }, ar: { translation: ar } }, lng: 'en', fallbackLng: 'en', interpolation: { escapeValue: false }, initAsync: false, showSupportNotice: false });
  const inLanguage = (lng: string) => t.getFixedT(lng);

  it('says a missing first name in French and Arabic, the field named in that language', () => {
    const parsed = CustomerCreateInput.safeParse({ customerData: { firstName: ' ', lastName: 'Alaoui', phoneNumber: '0612345678' } });
    const issue = parsed.success ? undefined : parsed.error.issues[0];
    const message = messageFromIssue(issue!);
    expect(message).toEqual({ code: 'field.required', params: { field: 'firstName' }, message: 'First name is required' });
    expect(messageText(message, inLanguage('fr'), 'fr')).toBe('Le champ « Prénom » est obligatoire');
    expect(messageText(message, inLanguage('ar'), 'ar')).toBe('الحقل «الاسم الشخصي» إلزامي');
    expect(messageText(message, inLanguage('en'), 'en')).toBe('First name is required');
  });

  it('says an Rx error with its values kept left to right, and a number in the language’s form', () => {
    const check = checkRx({ kind: 'spectacles', examDate: '2026-01-10', distanceVision: { rightEye: { sph: '1.30' }, leftEye: { sph: '-1.00' } } }, { today: '2026-02-01' });
    const sph = check.errors['distanceVision.rightEye.sph']!;
    expect(sph.code).toBe('rx.diopter');
    expect(messageText(sph, inLanguage('fr'), 'fr')).toBe('SPH : un nombre de -30.00 à +30.00 par pas de 0,25, par ex. -1.25, +2.00 or PL');
    expect(messageText(sph, inLanguage('ar'), 'ar')).toBe('SPH: عدد من \u2066-30.00\u2069 إلى \u2066+30.00\u2069 بخطوات 0.25، مثل -1.25, +2.00 or PL');
    const pd = say('rx.measure', { measure: 'binocular', min: 40, max: 80, step: 0.5 }, 'Binocular PD must be a number from 40 to 80 mm');
    expect(messageText(pd, inLanguage('fr'), 'fr')).toBe('EP binoculaire : un nombre de 40 à 80, par pas de 0,5');
  });

  it('falls back to the core’s English for a code or a term it does not know (a newer core)', () => {
    expect(messageText({ code: 'rx.newRule', params: {}, message: 'A rule from the future' }, inLanguage('fr'), 'fr')).toBe('A rule from the future');
    expect(messageText({ code: 'field.required', params: { field: 'nickname' }, message: 'Nickname is required' }, inLanguage('fr'), 'fr')).toBe('Nickname is required');
  });
});

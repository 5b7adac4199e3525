import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { errorStatus } from '../../../shared/errors';
import { messageCodes, messageContexts, messageFromIssue, messageParams, messageTerms, say } from '../../../shared/messages';
import { CustomerCreateInput } from '../../../shared/customers/schema';
import { rxLineErrorCodes } from '../../../shared/prescriptions/line';
import { checkRx } from '../../../shared/prescriptions/rules';
import { ADD, CYL, SPH } from '../../../shared/prescriptions/values';
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

  it.each(['en', 'fr', 'ar'])('%s words each message whose wording follows a term for each of its terms, with exactly its parameters', (lng) => {
    const problems = Object.entries(messageContexts).flatMap(([code, context]) =>
      context.terms.flatMap((term) => {
        const text = lookup(resources[lng]!, `messages.${code}_${term}`);
        const want = Object.keys(messageParams[code as keyof typeof messageParams]).sort();
        return text !== undefined && JSON.stringify(placeholders(text)) === JSON.stringify(want) ? [] : [`${code}_${term}`];
      }),
    );
    expect(problems).toEqual([]);
    // Every measure the core reads as a diopter has its example.
    expect([SPH, CYL, ADD].map((f) => f.term).filter((term) => !messageContexts['rx.diopter']?.terms.includes(term))).toEqual([]);
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
    expect(messageText(sph, inLanguage('fr'), 'fr')).toBe('SPH : un nombre de -30.00 à +30.00 par pas de 0,25, par ex. -1.25, +2.00 ou PL');
    expect(messageText(sph, inLanguage('ar'), 'ar')).toBe('SPH: عدد من \u2066-30.00\u2069 إلى \u2066+30.00\u2069 بخطوات 0.25، مثل \u2066-1.25\u2069 أو \u2066+2.00\u2069 أو PL');
    const pd = say('rx.measure', { measure: 'binocular', min: 40, max: 80, step: 0.5 }, 'Binocular PD must be a number from 40 to 80 mm');
    expect(messageText(pd, inLanguage('fr'), 'fr')).toBe('EP binoculaire : un nombre de 40 à 80, par pas de 0,5');
  });

  // Outside review: the example was a parameter the core wrote in English ("par ex. -0.75 or DS").
  it('gives each measure its own example, in the staff’s language, with no English word in it', () => {
    const check = checkRx(
      { kind: 'spectacles', examDate: '2026-01-10', distanceVision: { rightEye: { sph: '-1.00', cyl: '-0.30', axis: '90', add: '5' }, leftEye: { sph: '-1.00' } } },
      { today: '2026-02-01' },
    );
    const cyl = check.errors['distanceVision.rightEye.cyl']!;
    const add = check.errors['distanceVision.rightEye.add']!;
    expect([cyl.code, add.code]).toEqual(['rx.diopter', 'rx.diopter']);
    expect(Object.keys(cyl.params).sort()).toEqual(['max', 'measure', 'min']);
    expect(messageText(cyl, inLanguage('en'), 'en')).toBe('CYL must be a number from -10.00 to +10.00 in 0.25 steps, like -0.75 or DS');
    expect(messageText(cyl, inLanguage('fr'), 'fr')).toBe('CYL : un nombre de -10.00 à +10.00 par pas de 0,25, par ex. -0.75 ou DS');
    expect(messageText(cyl, inLanguage('ar'), 'ar')).toBe('CYL: عدد من \u2066-10.00\u2069 إلى \u2066+10.00\u2069 بخطوات 0.25، مثل \u2066-0.75\u2069 أو DS');
    expect(messageText(add, inLanguage('fr'), 'fr')).toBe('ADD : un nombre de +0.25 à +4.00 par pas de 0,25, par ex. +2.00');
    expect(messageText(add, inLanguage('ar'), 'ar')).toBe('ADD: عدد من \u2066+0.25\u2069 إلى \u2066+4.00\u2069 بخطوات 0.25، مثل \u2066+2.00\u2069');
    for (const lng of ['fr', 'ar']) expect(messageText(cyl, inLanguage(lng), lng)).not.toMatch(/\bor\b|like/);
  });

  it('falls back to the core’s English for a code or a term it does not know (a newer core)', () => {
    expect(messageText({ code: 'rx.newRule', params: {}, message: 'A rule from the future' }, inLanguage('fr'), 'fr')).toBe('A rule from the future');
    expect(messageText({ code: 'field.required', params: { field: 'nickname' }, message: 'Nickname is required' }, inLanguage('fr'), 'fr')).toBe('Nickname is required');
  });
});

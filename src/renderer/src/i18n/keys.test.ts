import { describe, expect, it } from 'vitest';
import ar from './ar.json';
import en from './en.json';
import fr from './fr.json';

/*
 * Every language holds every text of the English resources, no more, with the same placeholders:
 * a key missing in French or Arabic would show English (or the key itself) to the staff.
 */

type Resources = { [key: string]: string | Resources };
const PLURAL = /^(.*)_(zero|one|two|few|many|other)$/;

function flatten(resources: Resources, prefix = ''): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(resources)) {
    if (typeof value === 'string') flat[prefix + key] = value;
    else Object.assign(flat, flatten(value, `${prefix}${key}.`));
  }
  return flat;
}

/**
 * The plural forms i18next asks a language for, for the counts a store sees (below a million: French
 * only says "many" from a million on, Arabic says it from 11).
 */
function pluralForms(lng: string): Set<string> {
  const rules = new Intl.PluralRules(lng);
  const forms = new Set<string>();
  for (let n = 0; n < 1_000_000; n += n < 1000 ? 1 : 997) forms.add(rules.select(n));
  return forms;
}

function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*([^}\s,]+)[^}]*\}\}/g)].map((m) => m[1] ?? ''))].sort();
}

const show = (names: string[]) => (names.length ? names.map((n) => `{{${n}}}`).join(' ') : '(none)');

/** Why `other` is not a complete translation of `base` (English), one line per problem. */
function compareResources(base: Resources, other: Resources, lng: string): string[] {
  const want = flatten(base);
  const have = flatten(other);
  const forms = pluralForms(lng);
  // A plural key stands for its stem: each language has its own set of forms.
  const stemOf = (key: string) => PLURAL.exec(key)?.[1];
  const pluralStems = new Set(Object.keys(want).map(stemOf).filter((s): s is string => s !== undefined));
  const problems: string[] = [];
  for (const key of Object.keys(want)) if (!stemOf(key) && !(key in have)) problems.push(`${key}: missing`);
  for (const stem of pluralStems) for (const form of forms) if (!(`${stem}_${form}` in have)) problems.push(`${stem}_${form}: missing plural form`);
  for (const key of Object.keys(have)) {
    const stem = stemOf(key);
    const known = stem !== undefined && pluralStems.has(stem) ? forms.has(PLURAL.exec(key)?.[2] ?? '') : key in want;
    if (!known) problems.push(`${key}: not in en`);
  }
  for (const [key, text] of Object.entries(have)) {
    const m = PLURAL.exec(key);
    const reference = m && pluralStems.has(m[1] ?? '') ? want[`${m[1]}_other`] : want[key];
    if (reference === undefined) continue;
    let expected = placeholders(reference);
    // "one car", "two cars" (Arabic's dual) may say the number in words.
    if (m && ['zero', 'one', 'two'].includes(m[2] ?? '')) expected = expected.filter((p) => p !== 'count');
    const got = m && ['zero', 'one', 'two'].includes(m[2] ?? '') ? placeholders(text).filter((p) => p !== 'count') : placeholders(text);
    if (show(got) !== show(expected)) problems.push(`${key}: placeholders ${show(got)} instead of ${show(expected)}`);
  }
  return problems;
}

describe('the language resources are complete', () => {
  it.each([
    ['fr', fr],
    ['ar', ar],
  ] as const)('%s has every key of en, no extra one, the plural forms its language needs and the same placeholders', (lng, resources) => {
    expect(compareResources(en, resources, lng)).toEqual([]);
  });

  it('names a missing key, an extra key, a missing plural form and a changed placeholder', () => {
    const base = { a: { b: 'Hello {{name}}', gone: 'x' }, n_one: '{{count}} file', n_other: '{{count}} files' };
    expect(compareResources(base, { a: { b: 'Bonjour {{nom}}', extra: 'y' }, n_one: 'un fichier', n_other: 'fichiers' }, 'fr')).toEqual([
      'a.gone: missing',
      'a.extra: not in en',
      'a.b: placeholders {{nom}} instead of {{name}}',
      'n_other: placeholders (none) instead of {{count}}',
    ]);
    expect(compareResources(base, { a: { b: '{{name}}', gone: 'x' }, n_one: 'ملف', n_many: '{{count}} ملفًا', n_other: '{{count}} ملف', n_ordinal: 'x' }, 'ar')).toEqual([
      'n_zero: missing plural form',
      'n_two: missing plural form',
      'n_few: missing plural form',
      'n_ordinal: not in en',
    ]);
    expect(compareResources(base, { a: { b: '{{name}}', gone: 'x' }, n_one: 'x', n_other: '{{count}}', n_many: '{{count}}' }, 'en')).toEqual(['n_many: not in en']);
  });

  it('reads nested resources as dotted keys', () => {
    expect(flatten({ a: { b: 'x', c: { d: 'y' } }, e: 'z' })).toEqual({ 'a.b': 'x', 'a.c.d': 'y', e: 'z' });
  });
});

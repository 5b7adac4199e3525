import type { ImportField, ImportMapping } from '../../shared/import/schema';

/*
 * Which field a column holds, guessed from its header in English or French, whatever its accents,
 * case, spaces and punctuation ("Né(e) le", "SPH OD", "Sphère OD", "R Sph"). A person checks the guess
 * on the mapping screen. Pure.
 */

/** A header as words: accents and case folded, punctuation read as spaces. */
export function headerWords(header: string): string[] {
  return header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w.length > 0);
}

const RIGHT = new Set(['od', 'r', 'right', 'droit', 'droite', 're', 'd']);
const LEFT = new Set(['og', 'l', 'left', 'gauche', 'le', 'os', 'g']);
const MEASURES: Record<string, 'sph' | 'cyl' | 'axis' | 'add'> = {
  sph: 'sph', sphere: 'sph', spherique: 'sph', sp: 'sph',
  cyl: 'cyl', cylindre: 'cyl', cylinder: 'cyl', cy: 'cyl',
  axe: 'axis', axis: 'axis', ax: 'axis', a: 'axis',
  add: 'add', addition: 'add', ad: 'add',
};

/** "Sph OD", "OD Sph", "Sphère OD", "R Sph", "Axe OG": one eye word and one measure word. */
function eyeField(words: string[]): ImportField | null {
  const eye = words.some((w) => RIGHT.has(w)) ? 'rightEye' : words.some((w) => LEFT.has(w)) ? 'leftEye' : null;
  const measure = words.map((w) => MEASURES[w]).find((m) => m !== undefined);
  if (!eye || !measure || words.length > 4) return null;
  return `rx.${eye}.${measure}` as ImportField;
}

const phrase = (words: string[]) => words.join(' ');

/** Each field's headers, in the order they are tried: "adresse email" is an email before it is an address. */
const RULES: [ImportField, (p: string, words: string[]) => boolean][] = [
  ['email', (p) => /^(e ?mail|courriel|mail|adresse (e )?mail|email address|adresse electronique|e mail address)$/.test(p)],
  ['dateOfBirth', (p) => /^(date (de )?naissance|ddn|nee? (e )?le|ne e le|dob|d o b|birth ?date|date of birth|birthday|naissance|anniversaire)$/.test(p)],
  ['rx.examDate', (p) => /^(date (de l |d )?(examen|exam|ordonnance|visite|consultation)|exam(ination)? date|date of (exam|examination)|date examen|prescription date|rx date)$/.test(p)],
  ['fullName', (p) => /^(nom complet|nom et prenom|nom prenom|name|full ?name|client|customer|patient|nom du client|customer name|patient name)$/.test(p)],
  ['firstName', (p) => /^(prenom|first ?name|given ?name|forename|prenoms)$/.test(p)],
  ['lastName', (p) => /^(nom|last ?name|surname|family name|nom de famille|nom de naissance)$/.test(p)],
  ['phoneNumber', (p) => /^(tel|tel portable|tel mobile|telephone|portable|mobile|phone|phone number|gsm|cell|cellphone|numero de telephone|num tel|n tel|tel 1|telephone 1|mobile phone)$/.test(p)],
  ['sex', (p) => /^(sexe|sex|gender|genre|civilite|title|titre)$/.test(p)],
  ['zipCode', (p) => /^(cp|code postal|zip|zip ?code|postal code|postcode|post code)$/.test(p)],
  ['city', (p) => /^(ville|city|localite|commune|town)$/.test(p)],
  ['state', (p) => /^(state|province|etat)$/.test(p)],
  ['street', (p) => /^(adresse|adresse 1|rue|street|address|address 1|adresse postale|street address)$/.test(p)],
  ['consentMarketing', (p) => /^(consentement|consentement marketing|marketing|opt ?in|newsletter|accepte (la )?publicite)$/.test(p)],
  ['consentSms', (p) => /^(sms|consentement sms|accepte (les )?sms|sms opt ?in)$/.test(p)],
];

/** The field one header names, or null. */
export function guessField(header: string): ImportField | null {
  // camelCase ("phoneNumber", another program's export) is words too; headerKey keeps them joined,
  // so a mapping saved for such a file is still found.
  const words = headerWords(header.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2'));
  if (words.length === 0) return null;
  const p = phrase(words);
  return RULES.find(([, matches]) => matches(p, words))?.[0] ?? eyeField(words);
}

/** A mapping for the whole header row: each field given to the first column that names it. */
export function guessMapping(headers: readonly string[]): ImportMapping {
  const taken = new Set<ImportField>();
  const mapping: ImportMapping = {};
  for (const header of headers) {
    const field = guessField(header);
    mapping[header] = field && !taken.has(field) ? field : null;
    if (field) taken.add(field);
  }
  // A full name beside a first and a last name is read from those two.
  if (taken.has('firstName') && taken.has('lastName')) for (const h of headers) if (mapping[h] === 'fullName') mapping[h] = null;
  return mapping;
}

/** The key a saved mapping is kept under: the file's set of headers, folded, in any order. */
export function headerKey(headers: readonly string[]): string {
  return [...headers].map((h) => headerWords(h).join(' ')).sort().join('|');
}

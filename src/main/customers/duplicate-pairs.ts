import type { DuplicateReason } from '../../shared/customers/schema';
import { phoneDigits, samePhone } from './duplicates';
import { foldText } from './fold';
import { likenessOfWords, type NameLikeness, type NameWords, nameWords } from './name-similarity';
import { phoneE164 } from './phone';
import { runNow } from './slices';

/*
 * Which of the store's customers may be one person entered twice (issue 13, item 3). Never all
 * pairs: customers are put in buckets by email, by phone and by date of birth, and only those
 * sharing a bucket are compared. Pure.
 */

export interface PairRow {
  id: string;
  first_name: string;
  last_name: string;
  email_key: string;
  phone_number: string;
  date_of_birth: string;
  updated_at: string;
}

export interface FoundPair {
  aId: string;
  bId: string;
  reasons: DuplicateReason[];
  names: NameLikeness;
  strength: number;
  /** The later of the two's last changes: among equally strong pairs, the fresher first. */
  updatedAt: string;
}

/**
 * What each reason weighs. One email or phone shared is strong (a family shares a phone, so a bit
 * less); the same birthday counts only with a similar name, the same name more than a similar one.
 * Names alike add a little to any pair, so a shared phone with the same name outranks one without.
 */
const WEIGHT = { email: 40, phone: 30, sameNameAndBirth: 35, similarNameAndBirth: 25, sameName: 10, similarName: 5 } as const;

export function pairStrength(reasons: DuplicateReason[], names: NameLikeness): number {
  let s = 0;
  if (reasons.includes('email')) s += WEIGHT.email;
  if (reasons.includes('phone')) s += WEIGHT.phone;
  if (reasons.includes('nameAndBirth')) s += names === 'same' ? WEIGHT.sameNameAndBirth : WEIGHT.similarNameAndBirth;
  else if (names) s += names === 'same' ? WEIGHT.sameName : WEIGHT.similarName;
  return s;
}

/**
 * A bucket holding more than this many customers is no sign of a duplicate (a store's own phone typed
 * for walk-ins, a placeholder birthday of an old system): it is split by the names' first letters
 * (birthdays) or left out (a phone or email shared by so many).
 */
export const MAX_BUCKET = 60;
/** Phones are bucketed by their last digits (E.164 or not), then compared by the one phone rule. */
const PHONE_TAIL = 8;

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** The pairs among `rows`, strongest first; `dismissed` holds pairKey()s an owner set aside. */
export function findPairs(rows: PairRow[], country: string | null, dismissed: ReadonlySet<string> = new Set()): FoundPair[] {
  return runNow(findPairsSteps(rows, country, dismissed));
}

// Rows bucketed, or pairs compared, between two places the search may pause.
const STEP = 256;

/**
 * findPairs() as steps the caller may pause between (slices.ts): at 100,000 customers it held the
 * event loop ~3 s in one piece, every counter's search and save waiting on an owner's Duplicates screen.
 */
export function* findPairsSteps(rows: PairRow[], country: string | null, dismissed: ReadonlySet<string> = new Set()): Generator<void, FoundPair[]> {
  const byId = new Map<string, PairRow>();
  // Customers sharing an email, a phone or a birthday; their pairs are compared bucket by bucket, never
  // gathered first: at 1,000,000 customers (~34 a birthday) that set passed 16,000,000 pairs, the
  // engine's limit for one Set (a RangeError after a 2 s block to grow it).
  const buckets: string[][] = [];
  // Each number is read once (libphonenumber-js takes a few microseconds a number), not once per pair.
  const read = new Map<string, string | null>();
  const e164 = (phone: string) => {
    if (!read.has(phone)) read.set(phone, phoneE164(phone, country));
    return read.get(phone)!;
  };
  const samePhoneOf = (x: string, y: string) => {
    const ex = e164(x);
    const ey = e164(y);
    return ex && ey ? ex === ey : samePhone(x, y, country);
  };
  const email = new Map<string, string[]>();
  const phone = new Map<string, string[]>();
  const birth = new Map<string, string[]>();
  const push = (m: Map<string, string[]>, key: string, id: string) => {
    const list = m.get(key);
    if (list) list.push(id);
    else m.set(key, [id]);
  };
  let done = 0;
  for (const r of rows) {
    if (++done % STEP === 0) yield;
    byId.set(r.id, r);
    if (r.email_key) push(email, r.email_key, r.id);
    const p = e164(r.phone_number) ?? phoneDigits(r.phone_number).replace(/^0+/, '');
    if (p.replace(/\D/g, '').length >= 6) push(phone, p.replace(/\D/g, '').slice(-PHONE_TAIL), r.id);
    const day = r.date_of_birth.slice(0, 10);
    if (/^\d{4}-\d{2}-\d{2}$/.test(day)) push(birth, day, r.id);
  }
  for (const m of [email, phone]) {
    for (const members of m.values()) {
      if (++done % STEP === 0) yield;
      if (members.length <= MAX_BUCKET) buckets.push(members);
    }
  }
  for (const [day, members] of birth) {
    if (++done % STEP === 0) yield;
    if (members.length <= MAX_BUCKET) buckets.push(members);
    else for (const sub of splitByInitials(day, members, byId).values()) if (sub.length <= MAX_BUCKET) buckets.push(sub);
  }

  const folded = new Map<string, NameWords>();
  const wordsOf = (r: PairRow) => {
    let w = folded.get(r.id);
    if (!w) folded.set(r.id, (w = nameWords({ firstName: r.first_name, lastName: r.last_name })));
    return w;
  };
  const out: FoundPair[] = [];
  // A pair may share two or three buckets: found once, listed once.
  const listed = new Set<string>();
  for (const members of buckets) {
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        if (++done % STEP === 0) yield;
        const [aId, bId] = members[i]! < members[j]! ? [members[i]!, members[j]!] : [members[j]!, members[i]!];
        const key = pairKey(aId, bId);
        if (listed.has(key) || dismissed.has(key)) continue;
        const a = byId.get(aId)!;
        const b = byId.get(bId)!;
        const found = comparePair(a, b, country, samePhoneOf, wordsOf);
        if (!found) continue;
        listed.add(key);
        out.push({ aId, bId, ...found, updatedAt: a.updated_at > b.updated_at ? a.updated_at : b.updated_at });
      }
    }
  }
  return out.sort((x, y) => y.strength - x.strength || y.updatedAt.localeCompare(x.updatedAt) || (x.aId + x.bId).localeCompare(y.aId + y.bId));
}

/** Why two customers may be one, and how strongly; null when they share nothing that counts. */
export function comparePair(
  a: PairRow,
  b: PairRow,
  country: string | null,
  phones: (x: string, y: string) => boolean = (x, y) => samePhone(x, y, country),
  wordsOf: (r: PairRow) => NameWords = (r) => nameWords({ firstName: r.first_name, lastName: r.last_name }),
): { reasons: DuplicateReason[]; names: NameLikeness; strength: number } | null {
  const names = likenessOfWords(wordsOf(a), wordsOf(b));
  const reasons: DuplicateReason[] = [];
  const dayA = a.date_of_birth.slice(0, 10);
  if (names && dayA.length === 10 && dayA === b.date_of_birth.slice(0, 10)) reasons.push('nameAndBirth');
  if (a.phone_number && b.phone_number && phones(a.phone_number, b.phone_number)) reasons.push('phone');
  if (a.email_key && a.email_key === b.email_key) reasons.push('email');
  if (reasons.length === 0) return null;
  return { reasons, names, strength: pairStrength(reasons, names) };
}

/** A crowded birthday's customers, by the first letter of each of their names (a slip rarely hits it). */
function splitByInitials(day: string, members: string[], byId: Map<string, PairRow>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const id of members) {
    const r = byId.get(id)!;
    const initials = new Set(
      foldText(`${r.first_name} ${r.last_name}`)
        .split(/[\s'’.-]+/u)
        .filter((w) => w.length > 0)
        .map((w) => w[0]!),
    );
    for (const i of initials) {
      const key = `${day}:${i}`;
      const list = out.get(key);
      if (list) list.push(id);
      else out.set(key, [id]);
    }
  }
  return out;
}

import { westernDigits } from '../../../shared/western-digits';
/*
 * Reading a date as staff type it (issue 12, item 6), in the order of the UI's language: day first
 * in French and Arabic (07/04/1958 is 7 April), month first in English. Digits alone ("12031985",
 * "120385"), or parts split by / . - or spaces ("12/3/85", "12.03.1985"); an ISO day (1985-03-12)
 * reads as itself in every language. Pure: today is passed in.
 */

export type DateOrder = 'dmy' | 'mdy';
/** What the date is: a birth (never in the future) or an event near today (an exam, an expiry). */
export type DateKind = 'birth' | 'event';

export type DateProblem =
  | { code: 'unreadable' }
  | { code: 'noSuchMonth'; month: number }
  | { code: 'noSuchDay'; day: number; month: number; year: number }
  | { code: 'future' }
  | { code: 'tooOld' };

export type TypedDate = { ok: true; iso: string } | ({ ok: false } & DateProblem);

export function dateOrderOf(language: string): DateOrder {
  return language.startsWith('en') ? 'mdy' : 'dmy';
}

/** A birth before this year is a typing mistake (the core refuses it too). */
const FIRST_BIRTH_YEAR = 1900;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Today as `YYYY-MM-DD` on this PC. */
export function isoToday(now = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The three parts as typed, by position; null when the text has no date's shape. */
function splitParts(text: string): { parts: [string, string, string]; iso: boolean } | null {
  // An Arabic keyboard types ٠٧/٠٤/١٩٥٨: the same date.
  const t = westernDigits(text).trim();
  if (/^\d{8}$/.test(t)) return { parts: [t.slice(0, 2), t.slice(2, 4), t.slice(4)], iso: false };
  if (/^\d{6}$/.test(t)) return { parts: [t.slice(0, 2), t.slice(2, 4), t.slice(4)], iso: false };
  const m = /^(\d{1,4})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{1,4})$/.exec(t);
  if (!m) return null;
  const [a, b, c] = [m[1] ?? '', m[2] ?? '', m[3] ?? ''];
  if (a.length === 4) return c.length <= 2 ? { parts: [a, b, c], iso: true } : null;
  if (a.length > 2 || (c.length !== 2 && c.length !== 4)) return null;
  return { parts: [a, b, c], iso: false };
}

/**
 * The century of a two-digit year: a birth is the latest such year not after today's; an event the
 * one nearest today (an exam last year, an expiry next year).
 */
function fullYear(yy: number, kind: DateKind, today: string): number {
  const thisYear = Number(today.slice(0, 4));
  const century = Math.floor(thisYear / 100) * 100;
  if (kind === 'birth') return century + yy > thisYear ? century - 100 + yy : century + yy;
  const candidates = [century - 100 + yy, century + yy, century + 100 + yy];
  return candidates.reduce((best, y) => (Math.abs(y - thisYear) < Math.abs(best - thisYear) ? y : best));
}

function daysIn(month: number, year: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Reads what was typed into `YYYY-MM-DD`, or says why it is not a date. */
export function readTypedDate(text: string, order: DateOrder, kind: DateKind, today: string): TypedDate {
  const split = splitParts(text);
  if (!split) return { ok: false, code: 'unreadable' };
  const [p1, p2, p3] = split.parts;
  const [d, mo, y] = split.iso ? [p3, p2, p1] : order === 'dmy' ? [p1, p2, p3] : [p2, p1, p3];
  const day = Number(d);
  const month = Number(mo);
  const year = y.length === 2 ? fullYear(Number(y), kind, today) : Number(y);
  if (month < 1 || month > 12) return { ok: false, code: 'noSuchMonth', month };
  if (day < 1 || day > daysIn(month, year)) return { ok: false, code: 'noSuchDay', day, month, year };
  const iso = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (kind === 'birth' && iso > today) return { ok: false, code: 'future' };
  if (kind === 'birth' && year < FIRST_BIRTH_YEAR) return { ok: false, code: 'tooOld' };
  return { ok: true, iso };
}

/** `YYYY-MM-DD` (or seed 001's midnight ISO) written as staff type it: 07/04/1958 or 04/07/1958. */
export function formatTypedDate(iso: string, order: DateOrder): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return null;
  const [, y, mo, d] = m;
  return order === 'dmy' ? `${d}/${mo}/${y}` : `${mo}/${d}/${y}`;
}

/** Whole years from a birth day to today, or null for no date. */
export function ageOn(birthIso: string, today: string): number | null {
  const b = /^(\d{4})-(\d{2})-(\d{2})/.exec(birthIso);
  const t = /^(\d{4})-(\d{2})-(\d{2})/.exec(today);
  if (!b || !t) return null;
  const years = Number(t[1]) - Number(b[1]);
  const beforeBirthday = `${t[2]}-${t[3]}` < `${b[2]}-${b[3]}`;
  const age = years - (beforeBirthday ? 1 : 0);
  return age >= 0 ? age : null;
}

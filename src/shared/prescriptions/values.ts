import { westernDigits } from '../western-digits';
import { type Message, type MessageTerm, say } from '../messages';

/*
 * Reading prescription values the way counter staff type them, and writing them the way opticians
 * read them. Pure functions; the limits are the ones a careful optician checks.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: Message };

export interface DiopterField {
  label: string;
  term: MessageTerm;
  min: number;
  max: number;
  /** What "PL"/"plano"/"DS" stand for in this field, if anything. */
  words: readonly string[];
  /** For the English text of the logs only: the screen says the example its translation gives. */
  example: string;
}

export const SPH: DiopterField = { label: 'SPH', term: 'sph', min: -30, max: 30, words: ['pl', 'plano', 'pl.'], example: '-1.25, +2.00 or PL' };
export const CYL: DiopterField = { label: 'CYL', term: 'cyl', min: -10, max: 10, words: ['ds', 'sph', 'sphere', 'pl', 'plano'], example: '-0.75 or DS' };
export const ADD: DiopterField = { label: 'ADD', term: 'add', min: 0.25, max: 4, words: [], example: '+2.00' };

const STEP = 0.25;
const isStep = (v: number) => Math.abs(v / STEP - Math.round(v / STEP)) < 1e-9;

/** Unicode minus and dashes, `=` typed for `+` (same key), a comma for the decimal point, Arabic-Indic digits. */
function clean(raw: string): string {
  return westernDigits(raw)
    .trim()
    .toLowerCase()
    .replace(/[\u2212\u2012\u2013\u2014]/g, '-')
    .replace(/^=/, '+')
    .replace(/,/g, '.')
    .replace(/\s+/g, '')
    .replace(/d$/, '');
}

function accepted(f: DiopterField): Message {
  const [min, max] = [fmt(f.min), fmt(f.max)];
  return say('rx.diopter', { measure: f.term, min, max }, `${f.label} must be a number from ${min} to ${max} in 0.25 steps, like ${f.example}`);
}

const fmt = (v: number) => (v > 0 ? '+' : v < 0 ? '-' : '') + Math.abs(v).toFixed(2);

/**
 * Reads a sphere, cylinder or addition. Empty gives null. `-125` is read as -1.25: a whole number
 * beyond the field's range is taken as hundredths when that fits (staff skip the point), `2` for an
 * ADD is +2.00.
 */
export function parseDiopter(input: unknown, f: DiopterField): Parsed<number | null> {
  if (input === undefined || input === null) return { ok: true, value: null };
  let value: number;
  if (typeof input === 'number') {
    value = input;
  } else if (typeof input === 'string') {
    const s = clean(input);
    if (s === '') return { ok: true, value: null };
    if (f.words.includes(s)) return { ok: true, value: 0 };
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s)) return { ok: false, message: accepted(f) };
    value = Number(s);
    if (!s.includes('.') && Math.abs(value) > f.max && Math.abs(value / 100) <= f.max) value = value / 100;
  } else {
    return { ok: false, message: accepted(f) };
  }
  if (!Number.isFinite(value)) return { ok: false, message: accepted(f) };
  if (value === 0 && f.min > 0) return { ok: true, value: null }; // an ADD of zero is no ADD
  if (value < f.min || value > f.max || !isStep(value)) return { ok: false, message: accepted(f) };
  return { ok: true, value: value === 0 ? 0 : value };
}

/** Reads an axis: a whole number of degrees 1..180 (`x90`, `090` accepted; 0 is read as 180). */
export function parseAxis(input: unknown): Parsed<number | null> {
  const message = say('rx.axis', {}, 'Axis must be a whole number of degrees from 1 to 180, like 90 or 180');
  if (input === undefined || input === null) return { ok: true, value: null };
  const s = typeof input === 'number' ? String(input) : typeof input === 'string' ? clean(input).replace(/^[x×@]/, '') : null;
  if (s === null) return { ok: false, message };
  if (s === '') return { ok: true, value: null };
  if (!/^\d{1,3}$/.test(s)) return { ok: false, message };
  const n = Number(s);
  if (n > 180) return { ok: false, message };
  return { ok: true, value: n === 0 ? 180 : n };
}

/** Reads a plain decimal within limits (prism in Δ, PD in mm, contact lens curves). */
export function parseMeasure(input: unknown, label: string, term: MessageTerm, min: number, max: number, unit: string, step = 0.01): Parsed<number | null> {
  const message = say('rx.measure', { measure: term, min, max, step }, `${label} must be a number from ${min} to ${max} ${unit}`);
  if (input === undefined || input === null) return { ok: true, value: null };
  const s = typeof input === 'number' ? String(input) : typeof input === 'string' ? clean(input) : null;
  if (s === null || (s !== '' && !/^\d+(\.\d+)?$/.test(s))) return { ok: false, message };
  if (s === '') return { ok: true, value: null };
  const n = Number(s);
  if (n < min || n > max || Math.abs(n / step - Math.round(n / step)) > 1e-9) return { ok: false, message };
  return { ok: true, value: n };
}

/** `+1.50`, `-0.25`; a zero sphere is `PL`. */
export function formatDiopter(v: number, zero: 'PL' | '0.00' = '0.00'): string {
  if (v === 0) return zero;
  return fmt(Math.round(v * 100) / 100);
}

/** Three digits, as written on a prescription: `090`. */
export function formatAxis(axis: number): string {
  return String(axis).padStart(3, '0');
}

/** Rounds to the 0.25 grid lenses are made in (half a step rounds away from zero). */
export function toStep(v: number): number {
  const q = Math.round(Math.abs(v) / STEP) * STEP;
  return v < 0 ? -q : q;
}

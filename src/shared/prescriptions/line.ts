import { westernDigits } from '../western-digits';
import { ADD, CYL, SPH, formatAxis, formatDiopter, parseAxis, parseDiopter, type DiopterField } from './values';

/*
 * One eye's prescription typed on one line, as staff write it on a card: `-1.25 -0.50 x 90 add +2.00`,
 * `+2.00/-0.75x180`, `pl/-0.50x45`, `-3.50 DS`. Minus- and plus-cylinder forms are both read as
 * written (the grid keeps what was prescribed; Transpose is a separate action). Each value goes
 * through values.ts, so the line accepts exactly the shorthand a single cell accepts (`-125`, `x090`,
 * `PL`, commas for the decimal point).
 */

/** One eye's values in the grid's canonical text; null where the line says nothing (or "no cylinder"). */
/** `add`: null when the line states none; '' when it states a zero ADD (there is none: clear the cell). */
export type RxLine = { sph: string | null; cyl: string | null; axis: string | null; add: string | null };

export const rxLineErrorCodes = ['rx.line.empty', 'rx.line.unreadable', 'rx.line.badValue', 'rx.line.tooMany', 'rx.line.axisWithoutCylinder', 'rx.line.addMissing', 'rx.line.axisNotWhole', 'rx.line.addPlano'] as const;
export type RxLineErrorCode = (typeof rxLineErrorCodes)[number];

/** Why a line cannot be read: a code the renderer translates, English for logs, and where (index in the text). */
export type RxLineError = { error: RxLineErrorCode; message: string; at: number; token: string };

type Token = { kind: 'num' | 'axis' | 'word'; text: string; at: number };

/**
 * Same length as the text, so token positions are positions in what was typed: lower case, the
 * Unicode minus and dashes as `-`, `×`/`@` as `x`, `=` (the `+` key unshifted) before a digit as `+`,
 * Arabic-Indic and Persian digits as ASCII ones, and a comma between digits as the decimal point.
 */
function clean(text: string): string {
  return westernDigits(text)
    .replace(/[A-Z]/g, (c) => c.toLowerCase())
    .replace(/[\u2212\u2012\u2013\u2014]/g, '-')
    .replace(/[×@]/g, 'x')
    .replace(/=(?=\s*[\d.])/g, '+')
    .replace(/(\d),(?=\d)/g, '$1.');
}

const TOKEN = /x\s*\d+(?:\.\d+)?|(?:[+-]\s?)?(?:\d+(?:\.\d*)?|\.\d+)|[a-z]+\.?|[^\s/,;]/g;

function tokens(text: string): Token[] {
  return [...clean(text).matchAll(TOKEN)].map((m) => {
    const t = m[0];
    const kind = /^x/.test(t) && t !== 'x' && /\d/.test(t) ? 'axis' : /\d/.test(t) ? 'num' : 'word';
    return { kind, text: t.replace(/\s+/g, ''), at: m.index };
  });
}

const fail = (error: RxLineErrorCode, tok: { text: string; at: number }, message: string): RxLineError => ({ error, message, at: tok.at, token: tok.text });

const SPHERE_WORDS = ['pl', 'plano', 'pl.'];
const NO_CYLINDER = ['ds', 'sph', 'sphere', 'ds.'];
/** Units and fillers staff add that say nothing: `-1.25 D`, `dpt`. */
const IGNORED = ['d', 'dpt', 'dt'];

function diopter(tok: Token, f: DiopterField): string | RxLineError {
  const r = parseDiopter(tok.text, f);
  if (!r.ok) return fail('rx.line.badValue', tok, r.message.message);
  return r.value === null ? '' : formatDiopter(r.value, f === SPH ? 'PL' : '0.00');
}

/** Takes the ADD out of the token list: `add +2.00` or `+2.00 add` (the value beside the word). */
function takeAdd(list: Token[]): { rest: Token[]; add: string | null } | RxLineError {
  const i = list.findIndex((t) => t.kind === 'word' && (t.text === 'add' || t.text === 'add.'));
  if (i < 0) return { rest: list, add: null };
  const after = list[i + 1];
  const before = list[i - 1];
  const j = after?.kind === 'num' ? i + 1 : before?.kind === 'num' && i === list.length - 1 ? i - 1 : -1;
  const value = list[j];
  // A plano ADD means no ADD at all: say so rather than "needs a value".
  if (!value && after?.kind === 'word' && SPHERE_WORDS.includes(after.text)) return fail('rx.line.addPlano', after, 'An ADD cannot be plano: leave the ADD out, or type add 0 to remove it');
  if (!value) return fail('rx.line.addMissing', list[i]!, 'ADD needs a value, like add +2.00');
  const add = diopter(value, ADD);
  if (typeof add !== 'string') return add;
  return { rest: list.filter((_, k) => k !== i && k !== j), add };
}

/** Reads one eye's line; the first thing it cannot read is named with its position. */
export function readRxLine(text: string): RxLine | RxLineError {
  const all = tokens(text);
  if (all.length === 0) return fail('rx.line.empty', { text: '', at: 0 }, 'Type a prescription, like -1.25 -0.50 x 90 add +2.00');
  const taken = takeAdd(all);
  if ('error' in taken) return taken;
  const line: RxLine = { sph: null, cyl: null, axis: null, add: taken.add };
  let noCylinder = false;
  let diopters = 0;
  for (const tok of taken.rest) {
    if (tok.kind === 'word' && IGNORED.includes(tok.text)) continue;
    if (tok.kind === 'word' && SPHERE_WORDS.includes(tok.text) && diopters < 2) {
      // "pl" first is a plano sphere; second it says there is no cylinder.
      if (diopters === 0) line.sph = 'PL';
      else noCylinder = true;
      diopters += 1;
      continue;
    }
    if (tok.kind === 'word' && NO_CYLINDER.includes(tok.text) && diopters === 1) {
      noCylinder = true;
      diopters = 2;
      continue;
    }
    if ((tok.kind === 'axis' || (tok.kind === 'num' && diopters === 2 && line.axis === null)) && /^x?\d{1,3}\.\d+$/.test(tok.text)) {
      // `x 090.5`, `-0.50 90.5`: an axis in degrees with a fraction, not one value too many.
      return fail('rx.line.axisNotWhole', tok, 'The axis must be a whole number of degrees, like 90');
    }
    if (tok.kind === 'axis' || (tok.kind === 'num' && diopters === 2 && /^\d{1,3}$/.test(tok.text) && line.axis === null)) {
      // `x90`, or a bare whole number after the cylinder (`-1.00 -0.50 90`).
      if (line.axis !== null) return fail('rx.line.tooMany', tok, 'The line has two axes');
      const r = parseAxis(tok.text);
      if (!r.ok) return fail('rx.line.badValue', tok, r.message.message);
      line.axis = r.value === null ? null : formatAxis(r.value);
      continue;
    }
    if (tok.kind === 'num' && diopters < 2) {
      const v = diopter(tok, diopters === 0 ? SPH : CYL);
      if (typeof v !== 'string') return v;
      if (diopters === 0) line.sph = v;
      else if (v === '' || v === '0.00') noCylinder = true;
      else line.cyl = v;
      diopters += 1;
      continue;
    }
    if (tok.kind === 'num') return fail('rx.line.tooMany', tok, 'A line has a sphere, a cylinder, an axis and an ADD, no more');
    return fail('rx.line.unreadable', tok, `"${tok.text}" is not part of a prescription`);
  }
  if (line.axis !== null && (line.cyl === null || noCylinder)) {
    const at = all.find((t) => t.kind === 'axis') ?? all[all.length - 1]!;
    return fail('rx.line.axisWithoutCylinder', at, 'An axis needs a cylinder');
  }
  return line;
}

/** True when the text is more than one value: a line to read rather than a cell to tidy. */
export function looksLikeRxLine(text: string): boolean {
  return tokens(text).filter((t) => !(t.kind === 'word' && IGNORED.includes(t.text))).length > 1;
}

import {
  type EyeRx,
  type PrismBase,
  type Rx,
  type RxCheck,
  type RxInput,
  type RxProblem,
  type RxWarning,
  prismBases,
} from './schema';
import {
  ADD,
  CYL,
  SPH,
  formatAxis,
  formatDiopter,
  parseAxis,
  parseDiopter,
  parseMeasure,
  toStep,
} from './values';
import { type Message, type MessageTerm, say } from '../messages';

/*
 * The prescription rules: reading, checking, deriving and warning. Pure functions, shared by the core
 * (which enforces them) and the renderer (which shows them as staff type).
 */

/** A sphero-cylinder: what transposition and the spherical equivalent work on. */
export interface Lens {
  sph: number;
  cyl: number;
  axis: number | null;
}

interface Eye extends Lens {
  add: number | null;
  prism: number | null;
  base: PrismBase | null;
}

const eyes = ['rightEye', 'leftEye'] as const;
type EyeKey = (typeof eyes)[number];
const visions = ['distanceVision', 'intermediateVision', 'nearVision'] as const;

/** Plus- and minus-cylinder forms of one lens: sph + cyl, -cyl, axis turned 90°. */
export function transpose(l: Lens): Lens {
  if (l.cyl === 0 || l.axis === null) return { sph: l.sph, cyl: 0, axis: null };
  return { sph: round2(l.sph + l.cyl), cyl: -l.cyl, axis: l.axis <= 90 ? l.axis + 90 : l.axis - 90 };
}

export function sphericalEquivalent(l: Lens): number {
  return l.sph + l.cyl / 2;
}

/** The spherical equivalent as written, to the hundredth, halves away from zero for plus and minus alike. */
export function formatSphericalEquivalent(l: Lens): string {
  const se = sphericalEquivalent(l);
  return formatDiopter((Math.sign(se) * Math.round(Math.abs(se) * 100)) / 100 || 0);
}

export function formatLens(l: Lens): { sph: string; cyl: string; axis: string } {
  return { sph: formatDiopter(l.sph, 'PL'), cyl: formatDiopter(l.cyl), axis: l.axis === null ? '' : formatAxis(l.axis) };
}

/** Reads one lens from typed values; errors are keyed sph/cyl/axis. */
export function readLens(raw: { sph?: unknown; cyl?: unknown; axis?: unknown }): { lens: Lens | null; errors: Record<string, Message> } {
  const errors: Record<string, Message> = {};
  const eye = readEye({ sph: raw.sph, cyl: raw.cyl, axis: raw.axis }, '', true, errors);
  return { lens: eye && Object.keys(errors).length === 0 ? { sph: eye.sph, cyl: eye.cyl, axis: eye.axis } : null, errors };
}

/** The usual near addition by age (a guide to double-check against, not a rule). */
const ADD_BY_AGE: { from: number; min: number; max: number }[] = [
  { from: 0, min: 0, max: 1.0 },
  { from: 40, min: 0.75, max: 1.5 },
  { from: 45, min: 1.0, max: 1.75 },
  { from: 50, min: 1.25, max: 2.25 },
  { from: 55, min: 1.75, max: 2.5 },
  { from: 60, min: 2.0, max: 3.0 },
];

export interface RxContext {
  /** YYYY-MM-DD, for the exam date and expiry checks. */
  today: string;
  dateOfBirth?: string | null;
  previous?: Rx | null;
}

/** Reads and checks a prescription; fills near/intermediate from the ADD and the ADD from a near Rx. */
export function checkRx(input: RxInput, ctx: RxContext): RxCheck {
  const errors: Record<string, Message> = {};
  const warnings: RxWarning[] = [];
  const normalized: RxCheck['normalized'] = { kind: input.kind };

  const examDate = readDate(input.examDate, 'Exam date', errors, 'examDate', true);
  if (examDate && examDate > ctx.today) errors.examDate = say('rx.examFuture', {}, 'Exam date cannot be in the future');
  if (examDate) normalized.examDate = examDate;
  const expiresAt = readDate(input.expiresAt, 'Expiry date', errors, 'expiresAt', false);
  if (expiresAt && examDate && expiresAt <= examDate) errors.expiresAt = say('rx.expiryBeforeExam', {}, 'Expiry date must be after the exam date');
  if (expiresAt) normalized.expiresAt = expiresAt;
  if (input.prescriber?.trim()) normalized.prescriber = input.prescriber.trim();
  if (input.notes?.trim()) normalized.notes = input.notes.trim();
  if (input.customerNote?.trim()) normalized.customerNote = input.customerNote.trim();

  // Distance: both eyes, sphere required. Intermediate and near: only when something was typed.
  const read: Partial<Record<(typeof visions)[number], Record<EyeKey, Eye | null>>> = {};
  for (const v of visions) {
    const vision = input[v];
    const typed = v === 'distanceVision' || eyes.some((e) => hasValue(vision?.[e]));
    if (!typed) continue;
    const pair = {} as Record<EyeKey, Eye | null>;
    for (const e of eyes) {
      const path = `${v}.${e}`;
      const raw = vision?.[e] ?? {};
      if (v !== 'distanceVision' && hasText(raw.add)) errors[`${path}.add`] = say('rx.addDistanceOnly', {}, 'ADD goes with the distance prescription');
      pair[e] = readEye(raw, path, true, errors);
    }
    read[v] = pair;
  }

  const distance = read.distanceVision as Record<EyeKey, Eye | null>;
  for (const e of eyes) {
    const d = distance[e];
    const near = read.nearVision?.[e];
    // A full near Rx typed without an ADD: the ADD is the difference, when the cylinder matches.
    if (d && near && d.add === null && near.cyl === d.cyl && near.axis === d.axis) {
      const add = round2(near.sph - d.sph);
      if (add >= ADD.min && add <= ADD.max) d.add = add;
    }
  }

  for (const e of eyes) {
    if (distance[e]?.add != null) agreeWithAdd(distance[e], read, e, errors);
    else agreeWithoutAdd(distance[e], read, e, errors);
  }

  for (const v of visions) {
    const pair = read[v];
    const derivable = v !== 'distanceVision' && !pair && eyes.every((e) => distance[e]?.add != null);
    if (derivable) {
      const factor = v === 'nearVision' ? 1 : 0.5;
      normalized[v] = {
        rightEye: formatEye(nearFrom(distance.rightEye as Eye, factor)),
        leftEye: formatEye(nearFrom(distance.leftEye as Eye, factor)),
      };
    } else if (pair && pair.rightEye && pair.leftEye) {
      normalized[v] = { rightEye: formatEye(pair.rightEye), leftEye: formatEye(pair.leftEye) };
    }
  }

  readPd(input.pd, normalized, errors);
  readContacts(input, normalized, errors);

  const right = distance.rightEye;
  const left = distance.leftEye;
  const se = { right: right ? sphericalEquivalent(right) : null, left: left ? sphericalEquivalent(left) : null };
  if (se.right !== null && se.left !== null && Math.abs(se.right - se.left) >= 2) {
    const difference = Math.abs(se.right - se.left).toFixed(2);
    warnings.push(
      warn('anisometropia', 'distanceVision', { difference }, `Anisometropia: the eyes' spherical equivalents differ by ${difference} D — check before ordering`),
    );
  }
  warnings.push(...addForAgeWarnings(distance, ctx.dateOfBirth ?? null, examDate ?? ctx.today));
  if (ctx.previous) warnings.push(...previousWarnings(distance, ctx.previous));
  if (expiresAt && expiresAt < ctx.today) {
    warnings.push(warn('expired', 'expiresAt', { date: expiresAt }, `This prescription expired on ${expiresAt}`));
  }

  return {
    valid: Object.keys(errors).length === 0,
    normalized,
    errors,
    warnings,
    derived: {
      sphericalEquivalent: {
        right: right ? formatSphericalEquivalent(right) : null,
        left: left ? formatSphericalEquivalent(left) : null,
      },
    },
  };
}

/** Reads a canonical eye back into numbers (for comparing versions). */
export function lensOf(e: EyeRx): Lens & { add: number | null } {
  const num = (s: string | undefined) => (s === undefined || s === 'PL' ? 0 : Number(s));
  return { sph: num(e.sph), cyl: num(e.cyl), axis: e.axis ? Number(e.axis) : null, add: e.add ? Number(e.add) : null };
}

function readEye(raw: Record<string, unknown>, path: string, sphRequired: boolean, errors: Record<string, Message>): Eye | null {
  const at = (f: string) => (path ? `${path}.${f}` : f);
  let sphInput = raw.sph;
  let sphericalOnly = false;
  // "-1.00 DS": a sphere with no cylinder, typed in one field.
  if (typeof sphInput === 'string' && /\s*(ds|sph)\s*$/i.test(sphInput)) {
    sphInput = sphInput.replace(/\s*(ds|sph)\s*$/i, '');
    sphericalOnly = true;
  }
  const sph = parseDiopter(sphInput, SPH);
  const cyl = sphericalOnly && !hasText(raw.cyl) ? ({ ok: true, value: 0 } as const) : parseDiopter(raw.cyl, CYL);
  const add = parseDiopter(raw.add, ADD);
  const prism = parseMeasure(raw.prism, 'Prism', 'prism', 0, 20, 'Δ in 0.25 steps', 0.25);
  let ok = true;
  if (!sph.ok) [errors[at('sph')], ok] = [sph.message, false];
  else if (sph.value === null && sphRequired) [errors[at('sph')], ok] = [say('rx.sphRequired', {}, 'SPH is required (PL for zero)'), false];
  if (!cyl.ok) [errors[at('cyl')], ok] = [cyl.message, false];
  if (!add.ok) [errors[at('add')], ok] = [add.message, false];
  if (!prism.ok) [errors[at('prism')], ok] = [prism.message, false];

  const cylValue = cyl.ok ? (cyl.value ?? 0) : 0;
  let axis: number | null = null;
  if (cyl.ok && cylValue !== 0) {
    const a = parseAxis(raw.axis);
    if (!a.ok) [errors[at('axis')], ok] = [a.message, false];
    else if (a.value === null) [errors[at('axis')], ok] = [say('rx.axisRequired', {}, 'Axis is required when CYL is not zero (1 to 180)'), false];
    else axis = a.value;
  }

  const prismValue = prism.ok && prism.value ? prism.value : null;
  let base: PrismBase | null = null;
  if (prismValue) {
    base = readBase(raw.base);
    if (!base) [errors[at('base')], ok] = [say('rx.baseRequired', {}, 'Base must be up, down, in or out when a prism is given'), false];
  } else if (typeof raw.base === 'string' && raw.base.trim() !== '') {
    // A base alone says nothing: dropping it quietly would lose what was typed.
    [errors[at('base')], ok] = [say('rx.baseWithoutPrism', {}, 'Base needs a prism amount: type the prism, or clear the base'), false];
  }
  if (!ok || !sph.ok || sph.value === null) return null;
  return { sph: sph.value, cyl: cylValue, axis, add: add.ok ? add.value : null, prism: prismValue, base };
}

/** Reads a prism base as staff type it: `up`, `U`, `BU`, `base up`. */
export function readBase(raw: unknown): PrismBase | null {
  if (typeof raw !== 'string') return null;
  const s = raw.trim().toLowerCase().replace(/^base\s*/, '').replace(/^b(?=[udio])/, '');
  const short: Record<string, PrismBase> = { u: 'up', d: 'down', i: 'in', o: 'out' };
  const base = short[s] ?? s;
  return (prismBases as readonly string[]).includes(base) ? (base as PrismBase) : null;
}

/**
 * With an ADD (typed, or derived from the near row just above), the near row is distance + ADD and
 * an intermediate row lies between distance and near, both with the distance cylinder: a row that
 * says otherwise contradicts the ADD, and which of the two the prescriber meant is not ours to
 * guess. The error goes on the row's field (the ADD may be the one that is wrong, but the row is
 * what staff can leave empty to follow it).
 */
function agreeWithAdd(d: Eye | null, read: Partial<Record<(typeof visions)[number], Record<EyeKey, Eye | null>>>, e: EyeKey, errors: Record<string, Message>) {
  if (!d || d.add === null) return;
  const nearSph = toStep(d.sph + d.add);
  const cylinder = (label: string, path: string, row: Eye) => {
    const [cyl, rowTerm] = [formatDiopter(d.cyl), rowOf(label)];
    if (row.cyl !== d.cyl) errors[`${path}.cyl`] = say('rx.rowCylWithAdd', { row: rowTerm, cyl }, `${label} CYL must be the distance CYL (${d.cyl === 0 ? 'none' : cyl}) when an ADD is given`);
    if (row.cyl !== 0 && d.axis !== null && row.axis !== d.axis) {
      const axis = formatAxis(d.axis);
      errors[`${path}.axis`] = say('rx.rowAxisWithAdd', { row: rowTerm, axis }, `${label} AXIS must be the distance AXIS (${axis}) when an ADD is given`);
    }
  };
  const near = read.nearVision?.[e];
  if (near) {
    const path = `nearVision.${e}`;
    const sph = formatDiopter(nearSph, 'PL');
    if (near.sph !== nearSph) errors[`${path}.sph`] = say('rx.nearIsDistancePlusAdd', { sph }, `Near SPH must be distance SPH + ADD (${sph}); leave the near row empty to follow the ADD`);
    cylinder('Near', path, near);
  }
  const mid = read.intermediateVision?.[e];
  if (mid) {
    const path = `intermediateVision.${e}`;
    if (mid.sph < Math.min(d.sph, nearSph) || mid.sph > Math.max(d.sph, nearSph)) {
      const [from, to] = [formatDiopter(d.sph, 'PL'), formatDiopter(nearSph, 'PL')];
      errors[`${path}.sph`] = say('rx.intermediateBetween', { from, to }, `Intermediate SPH must be from the distance SPH (${from}) to the near SPH (${to})`);
    }
    cylinder('Intermediate', path, mid);
  }
}

/**
 * Without an ADD (none typed, and none the near row could give), a typed near row is the
 * prescriber's reading Rx, but it must still be one: above the distance row by an ADD the rules
 * accept (a near row below it is a sign typo or the wrong row), with the distance cylinder. A near
 * row stating no cylinder under a distance cylinder is kept as a reading sphere: seed 001's own
 * example writes near rows so (`"cyl": "0"` under a -0.25 distance), and in that form "no cylinder"
 * cannot be told from "not written". An intermediate row lies between distance and near (or within an
 * ADD of the distance row when there is no near row). With no distance row to compare with (its own
 * error is shown), nothing is said.
 */
function agreeWithoutAdd(d: Eye | null, read: Partial<Record<(typeof visions)[number], Record<EyeKey, Eye | null>>>, e: EyeKey, errors: Record<string, Message>) {
  if (!d) return;
  const cylinder = (label: string, path: string, row: Eye) => {
    if (row.cyl === 0) return;
    const [cyl, rowTerm] = [formatDiopter(d.cyl), rowOf(label)];
    if (row.cyl !== d.cyl) errors[`${path}.cyl`] = say('rx.rowCyl', { row: rowTerm, cyl }, `${label} CYL must be the distance CYL (${d.cyl === 0 ? 'none' : cyl})`);
    else if (d.axis !== null && row.axis !== d.axis) {
      const axis = formatAxis(d.axis);
      errors[`${path}.axis`] = say('rx.rowAxis', { row: rowTerm, axis }, `${label} AXIS must be the distance AXIS (${axis})`);
    }
  };
  const near = read.nearVision?.[e];
  if (near) {
    const path = `nearVision.${e}`;
    const add = round2(near.sph - d.sph);
    if (add < ADD.min || add > ADD.max) {
      const [from, to] = [d.sph + ADD.min, d.sph + ADD.max].map((v) => formatDiopter(v, 'PL')) as [string, string];
      const [sph, minAdd, maxAdd] = [formatDiopter(d.sph, 'PL'), formatDiopter(ADD.min), formatDiopter(ADD.max)];
      errors[`${path}.sph`] = say(
        'rx.nearAboveDistance',
        { sph, minAdd, maxAdd, from, to },
        `Near SPH must be above the distance SPH (${sph}) by an ADD of ${minAdd} to ${maxAdd} (from ${from} to ${to})`,
      );
    }
    cylinder('Near', path, near);
  }
  const mid = read.intermediateVision?.[e];
  if (mid) {
    const path = `intermediateVision.${e}`;
    const top = near ? near.sph : d.sph + ADD.max;
    if (mid.sph < Math.min(d.sph, top) || mid.sph > Math.max(d.sph, top)) {
      const [from, to, maxAdd] = [formatDiopter(d.sph, 'PL'), formatDiopter(top, 'PL'), formatDiopter(ADD.max)];
      errors[`${path}.sph`] = near
        ? say('rx.intermediateBetween', { from, to }, `Intermediate SPH must be from the distance SPH (${from}) to the near SPH (${to})`)
        : say('rx.intermediateUpTo', { from, to, maxAdd }, `Intermediate SPH must be from the distance SPH (${from}) to ${to} (distance + ADD ${maxAdd})`);
    }
    cylinder('Intermediate', path, mid);
  }
}

function nearFrom(d: Eye, factor: number): Eye {
  return { ...d, sph: toStep(d.sph + (d.add ?? 0) * factor), add: null };
}

function formatEye(e: Eye): EyeRx {
  const out: EyeRx = { sph: formatDiopter(e.sph, 'PL') };
  if (e.cyl !== 0 && e.axis !== null) {
    out.cyl = formatDiopter(e.cyl);
    out.axis = formatAxis(e.axis);
  }
  if (e.add !== null) out.add = formatDiopter(e.add);
  if (e.prism !== null && e.base !== null) {
    out.prism = e.prism.toFixed(2);
    out.base = e.base;
  }
  return out;
}

function readPd(pd: RxInput['pd'], normalized: RxCheck['normalized'], errors: Record<string, Message>) {
  if (!pd) return;
  const limits = { right: [20, 40], left: [20, 40], binocular: [40, 80], nearBinocular: [40, 80] } as const;
  const out: NonNullable<Rx['pd']> = {};
  for (const key of Object.keys(limits) as (keyof typeof limits)[]) {
    const [min, max] = limits[key];
    const label = { right: 'Right PD', left: 'Left PD', binocular: 'Binocular PD', nearBinocular: 'Near PD' }[key];
    const r = parseMeasure(pd[key], label, key, min, max, 'mm, in 0.5 mm steps', 0.5);
    if (!r.ok) errors[`pd.${key}`] = r.message;
    else if (r.value !== null) out[key] = r.value.toFixed(1);
  }
  // Both monocular PDs and no binocular one: the binocular PD is their sum (20..40 each, so 40..80).
  if (out.right && out.left && !hasText(pd.binocular)) out.binocular = (Number(out.right) + Number(out.left)).toFixed(1);
  if (Object.keys(out).length > 0) normalized.pd = out;
}

function readContacts(input: RxInput, normalized: RxCheck['normalized'], errors: Record<string, Message>) {
  const c = input.contacts;
  if (!c) return;
  const out: NonNullable<Rx['contacts']> = {};
  const bc = parseMeasure(c.baseCurve, 'Base curve', 'baseCurve', 7, 10, 'mm');
  const dia = parseMeasure(c.diameter, 'Diameter', 'diameter', 12, 16, 'mm');
  if (!bc.ok) errors['contacts.baseCurve'] = bc.message;
  else if (bc.value !== null) out.baseCurve = bc.value.toFixed(2);
  if (!dia.ok) errors['contacts.diameter'] = dia.message;
  else if (dia.value !== null) out.diameter = dia.value.toFixed(2);
  if (c.brand?.trim()) out.brand = c.brand.trim();
  if (Object.keys(out).length > 0) normalized.contacts = out;
}

function addForAgeWarnings(distance: Record<EyeKey, Eye | null>, dateOfBirth: string | null, on: string): RxWarning[] {
  if (!dateOfBirth) return [];
  const age = yearsBetween(dateOfBirth.slice(0, 10), on);
  const band = [...ADD_BY_AGE].reverse().find((b) => age >= b.from) as (typeof ADD_BY_AGE)[number];
  const out: RxWarning[] = [];
  for (const e of eyes) {
    const add = distance[e]?.add;
    if (add == null || (add >= band.min && add <= band.max)) continue;
    const [typed, min, max] = [formatDiopter(add), formatDiopter(band.min), formatDiopter(band.max)];
    out.push(warn('addForAge', `distanceVision.${e}.add`, { add: typed, age, min, max }, `ADD ${typed} is unusual at ${age} (usually ${min} to ${max})`));
  }
  return out;
}

function previousWarnings(distance: Record<EyeKey, Eye | null>, previous: Rx): RxWarning[] {
  const out: RxWarning[] = [];
  const old = { rightEye: lensOf(previous.distanceVision.rightEye), leftEye: lensOf(previous.distanceVision.leftEye) };
  for (const e of eyes) {
    const now = distance[e];
    if (now && now.sph !== 0 && old[e].sph !== 0 && Math.sign(now.sph) !== Math.sign(old[e].sph)) {
      const [from, to] = [formatDiopter(old[e].sph, 'PL'), formatDiopter(now.sph, 'PL')];
      out.push(warn('signChanged', `distanceVision.${e}.sph`, { eye: e, from, to }, `SPH changed sign since the last prescription (${from} → ${to})`));
    }
  }
  const r = distance.rightEye;
  const l = distance.leftEye;
  if (r && l) {
    const [nr, nl, or, ol] = [r, l, old.rightEye, old.leftEye].map(sphericalEquivalent) as [number, number, number, number];
    const straight = Math.abs(nr - or) + Math.abs(nl - ol);
    const crossed = Math.abs(nr - ol) + Math.abs(nl - or);
    // Only meaningful when the old eyes differed enough to tell them apart.
    if (Math.abs(or - ol) >= 0.75 && crossed + 0.25 < straight) {
      out.push(warn('eyesSwapped', 'distanceVision', {}, 'Right and left may be swapped: each eye is closer to the other eye of the last prescription'));
    }
  }
  return out;
}

function readDate(raw: unknown, label: string, errors: Record<string, Message>, path: 'examDate' | 'expiresAt', required: boolean): string | null {
  const s = typeof raw === 'string' ? raw.trim() : raw == null ? '' : null;
  const example = '2026-03-14';
  if (s === null) {
    errors[path] = say('date.shape', { field: path, example }, `${label} must be a date like ${example}`);
    return null;
  }
  if (s === '') {
    if (required) errors[path] = say('field.required', { field: path }, `${label} is required`);
    return null;
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(T.*)?$/.exec(s);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    errors[path] = say('date.notReal', { field: path, example }, `${label} must be a real date like ${example}`);
    return null;
  }
  return `${m[1]}-${m[2]}-${m[3]}`;
}

function yearsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
}

function hasText(v: unknown): boolean {
  return v !== undefined && v !== null && String(v).trim() !== '';
}

function hasValue(eye: Record<string, unknown> | undefined): boolean {
  return !!eye && Object.values(eye).some(hasText);
}

/** The grid row a rule speaks of ('Near', 'Intermediate'), as a term the screen translates. */
function rowOf(label: string): MessageTerm {
  return label === 'Near' ? 'near' : 'intermediate';
}

/** A warning: its kind, the field it concerns, and what it says (code and parameters, English text). */
function warn<C extends RxWarning['code']>(code: C, path: string, params: Parameters<typeof say<`rx.warning.${C}`>>[1], message: string): RxWarning {
  return { code, path, params: say(`rx.warning.${code}`, params, message).params, message };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100 || 0;
}

/**
 * The Rx as staff entered it: near/intermediate rows that were only derived are left out, and so is
 * an ADD that was only derived from the near row, so that a later change of the distance row keeps
 * the written near row and derives the ADD again, instead of keeping a stale ADD that contradicts it.
 */
export function enteredRx(input: RxInput, normalized: Rx): Rx {
  const out: Rx = { ...normalized };
  for (const v of ['intermediateVision', 'nearVision'] as const) {
    if (!eyes.some((e) => hasValue(input[v]?.[e]))) delete out[v];
  }
  const distance = { ...normalized.distanceVision };
  for (const e of eyes) {
    if (distance[e].add !== undefined && !hasText(input.distanceVision[e]?.add)) {
      const { add: _derived, ...eye } = distance[e];
      distance[e] = eye;
    }
  }
  out.distanceVision = distance;
  // A binocular PD that is only the sum of the monocular ones is derived again on read.
  if (out.pd?.binocular !== undefined && !hasText(input.pd?.binocular)) {
    const { binocular: _derived, ...pd } = out.pd;
    out.pd = pd;
  }
  return out;
}

/**
 * A saved version read back: its near/intermediate rows derived again, and where it contradicts
 * itself by today's rules (checked as of its exam date, so time passing is no problem). A field the
 * rules cannot read any more keeps its stored value rather than vanishing from the grid.
 */
export function readSaved(stored: Rx): { rx: Rx; problems: RxProblem[] } {
  const check = checkRx(rxInputOf(stored), { today: stored.examDate });
  return {
    rx: { ...stored, ...check.normalized } as Rx,
    problems: Object.entries(check.errors).map(([field, message]) => ({ field, ...message })),
  };
}

/** Turns a canonical Rx back into checkRx input, e.g. to re-derive or to merge an edit into it. */
export function rxInputOf(rx: Rx): RxInput {
  return JSON.parse(JSON.stringify(rx)) as RxInput;
}

/** Every value of an Rx by dotted path, for comparing versions. */
export function flattenRx(rx: Rx): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (value: unknown, path: string) => {
    if (value === undefined || value === null) return;
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, path ? `${path}.${k}` : k);
    } else {
      out.set(path, String(value));
    }
  };
  walk(rx, '');
  return out;
}

/** What changed between two versions, field by field. */
export function diffRx(before: Rx | null, after: Rx): { path: string; from: string | null; to: string | null }[] {
  const a = before ? flattenRx(before) : new Map<string, string>();
  const b = flattenRx(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  return paths.filter((p) => a.get(p) !== b.get(p)).map((p) => ({ path: p, from: a.get(p) ?? null, to: b.get(p) ?? null }));
}

import type { TFunction } from 'i18next';
import { checkRx, formatLens, readBase, readLens, transpose } from '../../../shared/prescriptions/rules';
import { looksLikeRxLine, readRxLine, type RxLineError } from '../../../shared/prescriptions/line';
import type { EyeRx, Rx, RxInput } from '../../../shared/prescriptions/schema';
import { defaultExpiry } from '../../../shared/prescriptions/expiry';
import type { RxExpiryMonths } from '../../../shared/store-profile/schema';
import { ADD, CYL, SPH, formatAxis, formatDiopter, parseAxis, parseDiopter, parseMeasure } from '../../../shared/prescriptions/values';

/*
 * The prescription being typed, as the grid holds it: every cell a string, exactly as staff typed
 * it (or as it was normalised on blur). The core's `prescriptions.check` reads it as an RxInput and
 * is the authority on what is valid; the helpers here only tidy one cell at a time, transpose and
 * copy, with the same shared rules the core uses.
 */

export const rxVisions = ['distanceVision', 'intermediateVision', 'nearVision'] as const;
export const rxEyes = ['rightEye', 'leftEye'] as const;
export const rxMeasures = ['sph', 'cyl', 'axis', 'add', 'prism', 'base'] as const;
export const pdKeys = ['right', 'left', 'binocular', 'nearBinocular'] as const;
export const contactKeys = ['baseCurve', 'diameter', 'brand'] as const;

export type RxVision = (typeof rxVisions)[number];
export type RxEye = (typeof rxEyes)[number];
export type RxMeasure = (typeof rxMeasures)[number];
export type PdKey = (typeof pdKeys)[number];
export type ContactKey = (typeof contactKeys)[number];

export type EyeDraft = Record<RxMeasure, string>;
export type VisionDraft = Record<RxEye, EyeDraft>;
export type RxDraft = {
  kind: 'spectacles' | 'contacts';
  examDate: string;
  prescriber: string;
  expiresAt: string;
  notes: string;
  /** Printed on the card, unlike `notes`. */
  customerNote: string;
  distanceVision: VisionDraft;
  intermediateVision: VisionDraft;
  nearVision: VisionDraft;
  pd: Record<PdKey, string>;
  contacts: Record<ContactKey, string>;
};

/** Today on this PC, as a date input wants it (the store's day, not UTC's). */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const emptyEye = (): EyeDraft => ({ sph: '', cyl: '', axis: '', add: '', prism: '', base: '' });
const emptyVision = (): VisionDraft => ({ rightEye: emptyEye(), leftEye: emptyEye() });

export function emptyDraft(today = localToday()): RxDraft {
  return {
    kind: 'spectacles',
    examDate: today,
    prescriber: '',
    expiresAt: '',
    notes: '',
    customerNote: '',
    distanceVision: emptyVision(),
    intermediateVision: emptyVision(),
    nearVision: emptyVision(),
    pd: { right: '', left: '', binocular: '', nearBinocular: '' },
    contacts: { baseCurve: '', diameter: '', brand: '' },
  };
}

function eyeDraft(e: EyeRx | undefined): EyeDraft {
  return { sph: e?.sph ?? '', cyl: e?.cyl ?? '', axis: e?.axis ?? '', add: e?.add ?? '', prism: e?.prism ?? '', base: e?.base ?? '' };
}

/**
 * A saved version, back in the grid for a correction. `prescriptions.list` answers the Rx with the
 * near and intermediate rows filled in when derivable from the ADD; a row that is exactly what the
 * ADD gives is left empty here, so it stays derived (and follows a corrected ADD).
 */
export function draftFromRx(rx: Rx): RxDraft {
  const draft = emptyDraft(rx.examDate);
  draft.kind = rx.kind;
  draft.prescriber = rx.prescriber ?? '';
  draft.expiresAt = rx.expiresAt ?? '';
  draft.notes = rx.notes ?? '';
  draft.customerNote = rx.customerNote ?? '';
  for (const v of rxVisions) {
    const vision = rx[v];
    if (!vision) continue;
    if (v !== 'distanceVision' && isDerivedRow(rx, v)) continue;
    draft[v] = { rightEye: eyeDraft(vision.rightEye), leftEye: eyeDraft(vision.leftEye) };
  }
  for (const k of pdKeys) draft.pd[k] = rx.pd?.[k] ?? '';
  // A binocular PD that is the sum of the monocular ones stays derived, so it follows a corrected one.
  if (rx.pd?.right && rx.pd.left && rx.pd.binocular === (Number(rx.pd.right) + Number(rx.pd.left)).toFixed(1)) draft.pd.binocular = '';
  for (const k of contactKeys) draft.contacts[k] = rx.contacts?.[k] ?? '';
  return draft;
}

/**
 * A new exam starts from the current version: most of a customer's Rx carries over, and staff change
 * what the exam found (the grid marks what differs). Its own date; no expiry or notes carried over:
 * the expiry is the store's default for its kind (see withDefaultExpiry), when the store sets one.
 */
export function newExamDraft(current: Rx | null, today = localToday(), months?: RxExpiryMonths): RxDraft {
  const draft = current ? { ...draftFromRx(current), examDate: today, expiresAt: '', notes: '', customerNote: '' } : emptyDraft(today);
  return months ? { ...draft, expiresAt: defaultExpiry(draft.examDate, draft.kind, months) } : draft;
}

type ExpiryFacts = Pick<RxDraft, 'examDate' | 'kind' | 'expiresAt'>;

/**
 * The expiry once the exam date or the kind changed: the store's default follows them while the
 * expiry is still the default (or empty); one typed by hand is kept. null: leave it as it is.
 */
export function followDefaultExpiry(before: ExpiryFacts, after: Pick<RxDraft, 'examDate' | 'kind'>, months: RxExpiryMonths): string | null {
  if (before.examDate === after.examDate && before.kind === after.kind) return null;
  const wasDefault = before.expiresAt === '' || before.expiresAt === defaultExpiry(before.examDate, before.kind, months);
  if (!wasDefault) return null;
  const next = defaultExpiry(after.examDate, after.kind, months);
  return next === before.expiresAt ? null : next;
}

/** True when a near or intermediate row of a saved Rx is only what its ADD gives (not typed). */
export function isDerivedRow(rx: Rx, v: 'intermediateVision' | 'nearVision'): boolean {
  const without: RxInput = { ...(JSON.parse(JSON.stringify(rx)) as RxInput) };
  delete without[v];
  const derived = checkRx(without, { today: rx.examDate }).normalized[v];
  return !!derived && JSON.stringify(derived) === JSON.stringify(rx[v]);
}

const filled = (s: string) => s.trim() !== '';

export function eyeTyped(eye: EyeDraft): boolean {
  return rxMeasures.some((m) => filled(eye[m]));
}

export function rowTyped(draft: RxDraft, v: RxVision): boolean {
  return rxEyes.some((e) => eyeTyped(draft[v][e]));
}

/** What the core is sent: empty cells and untyped rows left out. */
export function rxInputFromDraft(draft: RxDraft): RxInput {
  const eye = (d: EyeDraft) => Object.fromEntries(rxMeasures.flatMap((m) => (filled(d[m]) ? [[m, d[m].trim()]] : [])));
  const rx: RxInput = {
    kind: draft.kind,
    examDate: draft.examDate.trim(),
    distanceVision: { rightEye: eye(draft.distanceVision.rightEye), leftEye: eye(draft.distanceVision.leftEye) },
  };
  for (const v of ['intermediateVision', 'nearVision'] as const) {
    if (rowTyped(draft, v)) rx[v] = { rightEye: eye(draft[v].rightEye), leftEye: eye(draft[v].leftEye) };
  }
  if (filled(draft.prescriber)) rx.prescriber = draft.prescriber.trim();
  if (filled(draft.expiresAt)) rx.expiresAt = draft.expiresAt.trim();
  if (filled(draft.notes)) rx.notes = draft.notes.trim();
  if (filled(draft.customerNote)) rx.customerNote = draft.customerNote.trim();
  const pd = Object.fromEntries(pdKeys.flatMap((k) => (filled(draft.pd[k]) ? [[k, draft.pd[k].trim()]] : [])));
  if (Object.keys(pd).length > 0) rx.pd = pd;
  if (draft.kind === 'contacts') {
    const contacts = Object.fromEntries(contactKeys.flatMap((k) => (filled(draft.contacts[k]) ? [[k, draft.contacts[k].trim()]] : [])));
    if (Object.keys(contacts).length > 0) rx.contacts = contacts;
  }
  return rx;
}

// ---- one cell, tidied on blur ----

const DS_SUFFIX = /\s*(ds|sph)\s*$/i;


export type CellTidy = {
  text: string;
  clearCylinder?: true;
  /** A whole line typed in the sphere: the rest of that eye (the ADD only when the line states one). */
  line?: { cyl: string; axis: string; add?: string };
  /** A line typed in the sphere that cannot be read: the cell keeps the text, and says why. */
  lineError?: RxLineError;
};

/**
 * The canonical text of one eye cell, or null to leave what was typed (the core's check then says
 * what is wrong). `clearCylinder`: "-3.50 DS" typed in the sphere says there is no cylinder. A whole
 * line typed in the sphere (`-1.25 -0.50 x 90 add +2.00`) gives the eye's other cells in `line`.
 */
export function normaliseEyeCell(measure: RxMeasure, raw: string): CellTidy | null {
  if (!filled(raw)) return raw === '' ? null : { text: '' };
  switch (measure) {
    case 'sph': {
      const ds = DS_SUFFIX.test(raw);
      const r = parseDiopter(raw.replace(DS_SUFFIX, ''), SPH);
      if (r.ok && r.value !== null) return ds ? { text: formatDiopter(r.value, 'PL'), clearCylinder: true } : { text: formatDiopter(r.value, 'PL') };
      return looksLikeRxLine(raw) ? sphereLine(raw) : null;
    }
    case 'cyl': {
      const r = parseDiopter(raw, CYL);
      if (!r.ok) return null;
      // No cylinder (DS, PL, 0) is an empty cell, as the canonical Rx has it; the axis goes too.
      return r.value === null || r.value === 0 ? { text: '', clearCylinder: true } : { text: formatDiopter(r.value) };
    }
    case 'axis': {
      const r = parseAxis(raw);
      return r.ok && r.value !== null ? { text: formatAxis(r.value) } : null;
    }
    case 'add': {
      const r = parseDiopter(raw, ADD);
      return r.ok ? { text: r.value === null ? '' : formatDiopter(r.value) } : null;
    }
    case 'prism': {
      const r = parseMeasure(raw, 'Prism', 'prism', 0, 20, 'Δ', 0.25);
      return r.ok ? { text: r.value ? r.value.toFixed(2) : '' } : null;
    }
    case 'base': {
      const base = readBase(raw);
      return base ? { text: base } : null;
    }
  }
}

function sphereLine(raw: string): CellTidy {
  const line = readRxLine(raw);
  if ('error' in line) return { text: raw, lineError: line };
  return { text: line.sph ?? '', line: { cyl: line.cyl ?? '', axis: line.axis ?? '', ...(line.add !== null ? { add: line.add } : {}) } };
}

/**
 * Where the focus goes when staff leave a sphere cell holding a whole line (Tab, or Enter): the line
 * fills the eye, so on to the other eye's sphere, not the cylinder it just filled (a second line
 * typed straight on went there: outside review). After the left eye, the next row staff type in (a
 * row the ADD gives is skipped; the line's own ADD counts, as the ADD cell is filled only on leaving),
 * then the PD. Candidate fields in order, the first on screen taking it; null: Tab as usual.
 */
export function focusAfterLine(draft: RxDraft, path: string, raw: string): string[] | null {
  const [v, e, m] = path.split('.') as [RxVision, RxEye, string];
  if (m !== 'sph' || !rxVisions.includes(v) || !rxEyes.includes(e)) return null;
  const tidy = normaliseEyeCell('sph', raw);
  if (!tidy?.line) return null;
  if (e === 'rightEye') return [`${v}.leftEye.sph`];
  const addTyped = (v === 'distanceVision' && tidy.line.add !== undefined) || rxEyes.some((x) => filled(draft.distanceVision[x].add));
  const later = rxVisions.slice(rxVisions.indexOf(v) + 1).filter((w) => !addTyped || rowTyped(draft, w));
  return [...later.map((w) => `${w}.rightEye.sph`), 'pd.right'];
}

const pdLimits: Record<PdKey, [number, number]> = { right: [20, 40], left: [20, 40], binocular: [40, 80], nearBinocular: [40, 80] };

export function normalisePd(key: PdKey, raw: string): string | null {
  const [min, max] = pdLimits[key];
  const r = parseMeasure(raw, 'PD', key, min, max, 'mm', 0.5);
  return r.ok && r.value !== null ? r.value.toFixed(1) : null;
}

export function normaliseContact(key: ContactKey, raw: string): string | null {
  if (key === 'brand') return raw.trim();
  const r = key === 'baseCurve' ? parseMeasure(raw, 'BC', 'baseCurve', 7, 10, 'mm') : parseMeasure(raw, 'DIA', 'diameter', 12, 16, 'mm');
  return r.ok && r.value !== null ? r.value.toFixed(2) : null;
}

// ---- whole-grid actions ----

/**
 * Every typed lens in the other cylinder form (both eyes, every row, so the rows stay consistent).
 * Lenses that cannot be read are left as they are and named, so staff can fix them first.
 */
export function transposeDraft(draft: RxDraft): { draft: RxDraft; unreadable: string[] } {
  const next = structuredClone(draft);
  const unreadable: string[] = [];
  for (const v of rxVisions) {
    for (const e of rxEyes) {
      const eye = next[v][e];
      if (!filled(eye.sph) && !filled(eye.cyl)) continue;
      const { lens } = readLens({ sph: eye.sph.replace(DS_SUFFIX, ''), cyl: DS_SUFFIX.test(eye.sph) ? '' : eye.cyl, axis: eye.axis });
      if (!lens) {
        unreadable.push(`${v}.${e}`);
        continue;
      }
      const t = formatLens(transpose(lens));
      eye.sph = t.sph;
      eye.cyl = t.cyl === '0.00' ? '' : t.cyl;
      eye.axis = t.axis;
    }
  }
  return { draft: next, unreadable };
}

/** The right eye's cells of every row, copied onto the left eye. */
export function copyRightToLeft(draft: RxDraft): RxDraft {
  const next = structuredClone(draft);
  for (const v of rxVisions) next[v].leftEye = { ...next[v].rightEye };
  const right = next.pd.right;
  if (filled(right)) next.pd.left = right;
  return next;
}

export function leftEyeTyped(draft: RxDraft): boolean {
  return rxVisions.some((v) => eyeTyped(draft[v].leftEye));
}

// ---- readable names for the paths the core uses ----

/** "OD distance SPH", "PD binocular", "Exam date"… for a path like `distanceVision.rightEye.sph`. */
export function pathLabel(path: string, t: TFunction): string {
  const parts = path.split('.');
  const [a, b, c] = parts;
  if (parts.length === 3 && (rxVisions as readonly string[]).includes(a ?? '') && (rxEyes as readonly string[]).includes(b ?? '')) {
    return t('rx.cellLabel', { eye: t(`rx.eye.${b}`), vision: t(`rx.visionInLabel.${a}`), measure: t(`rx.measure.${c}`) });
  }
  if (parts.length === 2 && (rxVisions as readonly string[]).includes(a ?? '') && (rxEyes as readonly string[]).includes(b ?? '')) {
    return t('rx.rowLabel', { eye: t(`rx.eye.${b}`), vision: t(`rx.visionInLabel.${a}`) });
  }
  if (parts.length === 1 && (rxVisions as readonly string[]).includes(a ?? '')) return t(`rx.vision.${a}`);
  if (a === 'pd' && parts.length === 2) return t(`rx.pd.${b}`);
  if (a === 'contacts' && parts.length === 2) return t(`rx.contacts.${b}`);
  if (parts.length === 1 && ['kind', 'examDate', 'expiresAt', 'prescriber', 'notes', 'customerNote'].includes(a ?? '')) return t(`rx.field.${a}`);
  return path;
}

/** A stored value as shown in a change line: kinds and prism bases in the staff's language. */
export function valueLabel(path: string, value: string | null, t: TFunction): string {
  if (value === null || value === '') return '—';
  if (path === 'kind') return t(`rx.kind.${value}`, { defaultValue: value });
  if (path.endsWith('.base')) return t(`rx.base.${value}`, { defaultValue: value });
  return value;
}

/** One eye on one line, as written on a prescription: `-1.25 -0.50 ×090 ADD +2.00`. */
export function eyeLine(e: EyeRx | undefined, t: TFunction): string {
  if (!e) return '—';
  const parts = [e.sph, e.cyl && e.axis ? `${e.cyl} ×${e.axis}` : t('rx.ds')];
  if (e.add) parts.push(`${t('rx.measure.add')} ${e.add}`);
  if (e.prism && e.base) parts.push(`${e.prism}Δ ${t(`rx.base.${e.base}`)}`);
  return parts.join(' ');
}

import type { OpticValues } from '../customers/schema';
import type { EyeRx, Rx, RxInput } from './schema';
import { CYL, SPH, formatAxis, formatDiopter, parseAxis, parseDiopter } from './values';

/*
 * Seed 001's opticData (distance/intermediate/near × right/left × sph/cyl/axis as plain number
 * strings) is what syncs; the local Rx keeps more. These convert between the two.
 */
const visions = ['distanceVision', 'intermediateVision', 'nearVision'] as const;
const eyes = ['rightEye', 'leftEye'] as const;

/** The seed's form: "-1.25", "0" for no cylinder, axis without leading zeros. */
export function opticDataOf(rx: Rx): OpticValues {
  const out: OpticValues = {};
  for (const v of visions) {
    const vision = rx[v];
    if (!vision) continue;
    out[v] = { rightEye: seedEye(vision.rightEye), leftEye: seedEye(vision.leftEye) };
  }
  return out;
}

function seedEye(e: EyeRx) {
  return {
    sph: e.sph === 'PL' ? '0' : e.sph,
    cyl: e.cyl ?? '0',
    axis: e.axis ? String(Number(e.axis)) : '0',
  };
}

export type OpticPatch = Partial<Record<(typeof visions)[number], Partial<Record<(typeof eyes)[number], Record<string, unknown> | undefined>> | undefined>>;

/**
 * Applies seed-shaped optic values onto an Rx being edited: a value that is sent replaces the stored
 * one (null or '' clears it); values not sent, and the fields the seed does not carry (ADD, prism,
 * PD, …), stay.
 */
export function mergeOpticPatch(base: RxInput, patch: OpticPatch): RxInput {
  const out = JSON.parse(JSON.stringify(base)) as RxInput;
  for (const v of visions) {
    const pv = patch[v];
    if (!pv) continue;
    const vision = (out[v] ??= {});
    for (const e of eyes) {
      const pe = pv[e];
      if (!pe) continue;
      const eye = (vision[e] ??= {}) as Record<string, unknown>;
      for (const key of ['sph', 'cyl', 'axis'] as const) {
        if (!(key in pe)) continue;
        const value = pe[key];
        if (value === null || value === undefined || value === '') delete eye[key];
        else eye[key] = value;
      }
    }
  }
  return out;
}

/**
 * A seed-shaped value as the app shows every prescription value (the Prescription tab's canonical
 * form, values.ts): axis `010`, sphere `PL`, `+1.50`; no cylinder (`0`) and its axis are blank. One
 * formatter, so the Details tab and the Prescription tab never show the same axis two ways.
 */
export function displayOpticValue(measure: 'sph' | 'cyl' | 'axis', value: string | undefined, eye?: { cyl?: string | undefined }): string {
  if (value === undefined || value.trim() === '') return '';
  if (measure === 'axis') {
    const cyl = eye?.cyl === undefined ? null : parseDiopter(eye.cyl, CYL);
    if (cyl && cyl.ok && !cyl.value) return '';
    const r = parseAxis(value);
    return r.ok && r.value !== null ? formatAxis(r.value) : value;
  }
  const r = parseDiopter(value, measure === 'sph' ? SPH : CYL);
  if (!r.ok || r.value === null) return value;
  return measure === 'sph' ? formatDiopter(r.value, 'PL') : r.value === 0 ? '' : formatDiopter(r.value);
}

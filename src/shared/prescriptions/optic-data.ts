import type { OpticValues } from '../customers/schema';
import type { EyeRx, Rx, RxInput } from './schema';

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

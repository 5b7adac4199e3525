import { z } from 'zod';
import type { ChannelInput, ChannelOutput } from '../../../shared/contract';
import { CustomerCreateInput, eyeKeys, visionKeys } from '../../../shared/customers/schema';
import { CYL, SPH, parseAxis, parseDiopter, type Parsed } from '../../../shared/prescriptions/values';

/*
 * The customer form edits seed 001's create payload, validated by the shared schema: the form's
 * values are the schema's input, a valid submit yields its output (trimmed, date as ISO). The
 * prescription cells are read with the core's own rules (shared/prescriptions), one cell at a time,
 * so a typo is caught before asking the core; the rules across cells (an axis for a cylinder) are
 * the core's to check on save.
 */
function cell(read: (text: string) => Parsed<unknown>) {
  return z.string().superRefine((text, ctx) => {
    const parsed = read(text);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  });
}
const opticEye = z
  .strictObject({
    // "-1.00 DS" in the sphere cell means "no cylinder", as the core reads it.
    sph: cell((s) => parseDiopter(s.replace(/\s*(ds|sph)\s*$/i, ''), SPH)),
    cyl: cell((s) => parseDiopter(s, CYL)),
    axis: cell(parseAxis),
  })
  .partial();
const opticVision = z.strictObject({ rightEye: opticEye.optional(), leftEye: opticEye.optional() });
export const customerFormSchema = CustomerCreateInput.extend({
  opticData: z
    .strictObject({ distanceVision: opticVision.optional(), intermediateVision: opticVision.optional(), nearVision: opticVision.optional() })
    .optional(),
});
export type CustomerFormValues = z.input<typeof customerFormSchema>;
export type CustomerFormOutput = z.output<typeof customerFormSchema>;
type Detail = ChannelOutput<'customers.get'>;

export const personalFields = ['firstName', 'lastName', 'email', 'phoneNumber', 'dateOfBirth', 'sex'] as const;
export const addressFields = ['street', 'city', 'zipCode', 'state'] as const;
export const measureKeys = ['sph', 'cyl', 'axis'] as const;
export { eyeKeys, visionKeys };
export type VisionKey = (typeof visionKeys)[number];
export type EyeKey = (typeof eyeKeys)[number];
export type MeasureKey = (typeof measureKeys)[number];

/** Every path the form has an input for: server field errors on these go inline, others to a banner. */
export const consentFields = ['marketing', 'sms'] as const;

export const formFieldPaths: ReadonlySet<string> = new Set([
  ...personalFields.map((f) => `customerData.${f}`),
  ...consentFields.map((f) => `consent.${f}`),
  ...addressFields.map((f) => `address.${f}`),
  ...visionKeys.flatMap((v) => eyeKeys.flatMap((e) => measureKeys.map((m) => `opticData.${v}.${e}.${m}`))),
]);

type Optic = NonNullable<CustomerFormValues['opticData']>;

function emptyOptic(source?: Detail['opticData']): Optic {
  const optic: Optic = {};
  for (const v of visionKeys) {
    const vision: NonNullable<Optic[VisionKey]> = {};
    for (const e of eyeKeys) {
      const eye = source?.[v]?.[e];
      vision[e] = { sph: eye?.sph ?? '', cyl: eye?.cyl ?? '', axis: eye?.axis ?? '' };
    }
    optic[v] = vision;
  }
  return optic;
}

/** Every input controlled from the start (empty strings), so reset() and dirty tracking are exact. */
export function emptyFormValues(): CustomerFormValues {
  return {
    // '' is not a valid sex: the select starts on "Choose…" and the schema asks for a choice.
    customerData: { firstName: '', lastName: '', email: '', phoneNumber: '', dateOfBirth: '', sex: '' as 'female' },
    address: { street: '', city: '', zipCode: '', state: '' },
    opticData: emptyOptic(),
    consent: { marketing: false, sms: false },
  };
}

/** `customers.get` answers the date as `1992-05-12T00:00:00.000Z`; a date input wants `1992-05-12`. */
export function dateInputValue(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso;
}

export function formValuesFromDetail(detail: Detail): CustomerFormValues {
  const { localData: d, address: a } = detail;
  return {
    customerData: {
      firstName: d.firstName,
      lastName: d.lastName,
      email: d.email,
      phoneNumber: d.phoneNumber,
      dateOfBirth: dateInputValue(d.dateOfBirth),
      sex: d.sex,
    },
    address: { street: a?.street ?? '', city: a?.city ?? '', zipCode: a?.zipCode ?? '', state: a?.state ?? '' },
    opticData: emptyOptic(detail.opticData),
    // A box is ticked when consent was given; the date it was given is shown beside it.
    consent: { marketing: detail.consent.marketingAt !== null, sms: detail.consent.smsAt !== null },
  };
}

type OpticOut = NonNullable<CustomerFormOutput['opticData']>;

const blank = (v: string | undefined) => v === undefined || v.trim() === '';

/** Drops empty cells, eyes and visions, so an empty grid sends nothing (a new customer). */
export function pruneOptic(optic: CustomerFormOutput['opticData']): OpticOut | undefined {
  if (!optic) return undefined;
  const out: OpticOut = {};
  for (const v of visionKeys) {
    const vision: NonNullable<OpticOut[VisionKey]> = {};
    for (const e of eyeKeys) {
      const eye = optic[v]?.[e];
      if (!eye) continue;
      const kept = Object.fromEntries(measureKeys.flatMap((m) => (blank(eye[m]) ? [] : [[m, eye[m]]])));
      if (Object.keys(kept).length > 0) vision[e] = kept;
    }
    if (Object.keys(vision).length > 0) out[v] = vision;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The whole grid as it is shown, every cell sent, '' for an emptied one: `customers.update` merges
 * field by field (a value not sent stays), so only '' can clear a cell. An unchanged grid records
 * no new version; a changed one records a correction of the current prescription.
 */
export function wholeOptic(optic: CustomerFormOutput['opticData']): OpticOut {
  const out: OpticOut = {};
  for (const v of visionKeys) {
    const vision: NonNullable<OpticOut[VisionKey]> = {};
    for (const e of eyeKeys) {
      const eye = optic?.[v]?.[e];
      vision[e] = Object.fromEntries(measureKeys.map((m) => [m, eye?.[m]?.trim() ?? '']));
    }
    out[v] = vision;
  }
  return out;
}

function pruneAddress(address: CustomerFormOutput['address']) {
  if (!address) return undefined;
  const kept = Object.fromEntries(addressFields.flatMap((f) => (address[f] == null ? [] : [[f, address[f]]])));
  return Object.keys(kept).length > 0 ? kept : undefined;
}

export function createPayload(values: CustomerFormOutput): ChannelInput<'customers.create'> {
  const address = pruneAddress(values.address);
  const opticData = pruneOptic(values.opticData);
  // Only consent given is sent: not giving it is the default.
  const consent = Object.fromEntries(consentFields.flatMap((f) => (values.consent?.[f] ? [[f, true]] : [])));
  return {
    customerData: values.customerData,
    ...(address ? { address } : {}),
    ...(opticData ? { opticData } : {}),
    ...(Object.keys(consent).length > 0 ? { consent } : {}),
  };
}

/** The dirty-field map react-hook-form keeps (true per changed leaf). */
type Dirty = {
  customerData?: Partial<Record<string, boolean>>;
  address?: Partial<Record<string, boolean>>;
  opticData?: unknown;
  consent?: Partial<Record<string, boolean>>;
};

function anyDirty(node: unknown): boolean {
  if (node === true) return true;
  if (node && typeof node === 'object') return Object.values(node).some(anyDirty);
  return false;
}

/**
 * `customers.update` is a partial update: send only what staff changed. Personal fields go one by
 * one (an untouched email is not re-checked for duplicates); a changed address is sent whole with
 * cleared fields as null; a changed prescription is sent whole, as the grid now shows it, with ''
 * for emptied cells; a consent only when its box changed.
 */
export function updatePayload(id: string, values: CustomerFormOutput, dirty: Dirty): ChannelInput<'customers.update'> | null {
  const customerData = Object.fromEntries(personalFields.flatMap((f) => (dirty.customerData?.[f] ? [[f, values.customerData[f]]] : [])));
  const payload: ChannelInput<'customers.update'> = { id };
  let changed = false;
  if (Object.keys(customerData).length > 0) {
    payload.customerData = customerData;
    changed = true;
  }
  if (anyDirty(dirty.address) && values.address) {
    payload.address = Object.fromEntries(addressFields.map((f) => [f, values.address?.[f] ?? null]));
    changed = true;
  }
  if (anyDirty(dirty.opticData)) {
    payload.opticData = wholeOptic(values.opticData);
    changed = true;
  }
  // A consent is sent only when its box changed: the date it was first given stays otherwise.
  const consent = Object.fromEntries(consentFields.flatMap((f) => (dirty.consent?.[f] ? [[f, values.consent?.[f] === true]] : [])));
  if (Object.keys(consent).length > 0) {
    payload.consent = consent;
    changed = true;
  }
  return changed ? payload : null;
}

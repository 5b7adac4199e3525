import type { z } from 'zod';
import type { ChannelInput, ChannelOutput } from '../../../shared/contract';
import { CustomerCreateInput, eyeKeys, visionKeys } from '../../../shared/customers/schema';

/*
 * The customer form edits seed 001's create payload, validated by the shared schema: the form's
 * values are the schema's input, a valid submit yields its output (trimmed, date as ISO, empty
 * prescription cells dropped).
 */
export const customerFormSchema = CustomerCreateInput;
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
export const formFieldPaths: ReadonlySet<string> = new Set([
  ...personalFields.map((f) => `customerData.${f}`),
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
  };
}

type OpticOut = NonNullable<CustomerFormOutput['opticData']>;

/** Drops eyes and visions with no value at all, so an empty grid sends nothing. */
export function pruneOptic(optic: CustomerFormOutput['opticData']): OpticOut | undefined {
  if (!optic) return undefined;
  const out: OpticOut = {};
  for (const v of visionKeys) {
    const vision: NonNullable<OpticOut[VisionKey]> = {};
    for (const e of eyeKeys) {
      const eye = optic[v]?.[e];
      if (!eye) continue;
      const kept = Object.fromEntries(measureKeys.flatMap((m) => (eye[m] === undefined ? [] : [[m, eye[m]]])));
      if (Object.keys(kept).length > 0) vision[e] = kept;
    }
    if (Object.keys(vision).length > 0) out[v] = vision;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function pruneAddress(address: CustomerFormOutput['address']) {
  if (!address) return undefined;
  const kept = Object.fromEntries(addressFields.flatMap((f) => (address[f] == null ? [] : [[f, address[f]]])));
  return Object.keys(kept).length > 0 ? kept : undefined;
}

export function createPayload(values: CustomerFormOutput): ChannelInput<'customers.create'> {
  const address = pruneAddress(values.address);
  const opticData = pruneOptic(values.opticData);
  return {
    customerData: values.customerData,
    ...(address ? { address } : {}),
    ...(opticData ? { opticData } : {}),
  };
}

/** The dirty-field map react-hook-form keeps (true per changed leaf). */
type Dirty = { customerData?: Partial<Record<string, boolean>>; address?: Partial<Record<string, boolean>>; opticData?: unknown };

function anyDirty(node: unknown): boolean {
  if (node === true) return true;
  if (node && typeof node === 'object') return Object.values(node).some(anyDirty);
  return false;
}

/**
 * `customers.update` is a partial update: send only what staff changed. Personal fields go one by
 * one (an untouched email is not re-checked for duplicates); a changed address is sent whole with
 * cleared fields as null; a changed prescription is sent whole, as the grid now shows it.
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
    payload.opticData = pruneOptic(values.opticData) ?? {};
    changed = true;
  }
  return changed ? payload : null;
}

import type { CustomerDetail, OpticValues } from '../../shared/customers/schema';
import type { CloudCustomer } from './cloud-client';

/*
 * A customer as sync sees it: a flat set of field paths with string values, the same whether read
 * from the local store or from the cloud, so the two sides and the last-synced copy (the shadow) can
 * be compared field by field. opticData is one field: the cloud keeps only the current prescription,
 * and prescriptions here are versions (never merged value by value).
 */
export const customerDataFields = ['firstName', 'lastName', 'email', 'phoneNumber', 'dateOfBirth', 'sex'] as const;
export const addressFields = ['street', 'city', 'zipCode', 'state'] as const;
const visions = ['distanceVision', 'intermediateVision', 'nearVision'] as const;
const eyes = ['rightEye', 'leftEye'] as const;
const measures = ['sph', 'cyl', 'axis'] as const;
const EMPTY_EYE = { sph: '', cyl: '', axis: '' };

export const fieldPaths = [
  ...customerDataFields.map((f) => `customerData.${f}` as const),
  ...addressFields.map((f) => `address.${f}` as const),
  'opticData',
] as const;
export type FieldPath = (typeof fieldPaths)[number];
/** null: no value (an empty address field, no prescription). */
export type Fields = Record<FieldPath, string | null>;

/** Seed 001's customer shape, as both sides can produce it (ids and timestamps aside). */
export interface CustomerDocument {
  customerData: Partial<Record<(typeof customerDataFields)[number], string>> & Record<string, unknown>;
  address?: Partial<Record<(typeof addressFields)[number], string | null>> & Record<string, unknown>;
  opticData?: OpticValues | null;
}

export function fieldsOf(doc: CustomerDocument): Fields {
  const out = {} as Fields;
  for (const f of customerDataFields) out[`customerData.${f}`] = text(doc.customerData[f]);
  for (const f of addressFields) out[`address.${f}`] = text(doc.address?.[f]);
  out.opticData = opticKey(doc.opticData ?? null);
  return out;
}

/**
 * The JSON body the cloud gets: the cloud's own copy (so keys this app does not know travel back
 * untouched) with the given fields laid over it. opticData goes as one side wrote it ("-2.00", not
 * the comparison form "-2").
 */
export function documentOf(fields: Fields, cloudCopy: CustomerDocument | null, local: CustomerDocument | null): CustomerDocument {
  const customerData: CustomerDocument['customerData'] = { ...(cloudCopy?.customerData ?? {}) };
  for (const f of customerDataFields) customerData[f] = fields[`customerData.${f}`] ?? '';
  const doc: CustomerDocument = { customerData };
  const address: NonNullable<CustomerDocument['address']> = { ...(cloudCopy?.address ?? {}) };
  let anyAddress = Object.keys(address).length > 0;
  for (const f of addressFields) {
    address[f] = fields[`address.${f}`];
    if (fields[`address.${f}`] !== null) anyAddress = true;
  }
  if (anyAddress) doc.address = address;
  if (fields.opticData !== null) {
    const written = [local, cloudCopy].find((d) => d && opticKey(d.opticData ?? null) === fields.opticData);
    const optic: OpticValues = { ...(written?.opticData ?? (JSON.parse(fields.opticData) as OpticValues)) };
    // The cloud replaces only the visions it is sent: one we no longer have is sent empty, so an
    // old near vision cannot linger there next to a new distance one.
    for (const v of visions) {
      if (!optic[v] && cloudCopy?.opticData?.[v]) optic[v] = { rightEye: EMPTY_EYE, leftEye: EMPTY_EYE };
    }
    doc.opticData = optic;
  }
  return doc;
}

/**
 * Only the fields a write changes. The cloud's PUT leaves absent fields as they are (seed 001), and
 * it has no optimistic concurrency: a field another PC wrote after we read it must not be sent back
 * with the value we read. (The cloud keeps, too, the keys it has that this app does not know.)
 */
export function changesOnly(doc: CustomerDocument, changed: FieldPath[]): CustomerDocument {
  const has = new Set<string>(changed);
  const customerData = Object.fromEntries(Object.entries(doc.customerData).filter(([k]) => has.has(`customerData.${k}`)));
  const out: CustomerDocument = { customerData };
  const address = Object.fromEntries(Object.entries(doc.address ?? {}).filter(([k]) => has.has(`address.${k}`)));
  if (Object.keys(address).length > 0) out.address = address as NonNullable<CustomerDocument['address']>;
  if (doc.opticData && has.has('opticData')) out.opticData = doc.opticData;
  return out;
}

/** The fields that differ between two sets. */
export function changedFields(from: Fields, to: Fields): FieldPath[] {
  return fieldPaths.filter((f) => from[f] !== to[f]);
}

function text(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
}

/**
 * opticData as one comparable value: sph/cyl/axis of every vision and eye, numbers written one way
 * ("-1.250" and "-1.25" are the same prescription), empty eyes and visions left out.
 */
function opticKey(optic: OpticValues | null): string | null {
  if (!optic) return null;
  const out: Record<string, Record<string, Record<string, string>>> = {};
  for (const v of visions) {
    for (const e of eyes) {
      const eye = optic[v]?.[e];
      if (!eye) continue;
      const values: Record<string, string> = {};
      for (const m of measures) {
        const raw = text(eye[m]);
        if (raw === null) continue;
        const n = Number(raw.replace(',', '.'));
        values[m] = Number.isFinite(n) ? String(n) : raw;
      }
      if (Object.keys(values).length > 0) (out[v] ??= {})[e] = values;
    }
  }
  return Object.keys(out).length > 0 ? JSON.stringify(out) : null;
}

/** The document sync compares and sends (seed 001's shape, no ids), from a local or a cloud customer. */
export function documentOfCustomer(c: Pick<CustomerDetail | CloudCustomer, 'localData' | 'address' | 'opticData'>): CustomerDocument {
  const { id: _id, customerId: _c, ...customerData } = c.localData;
  const doc: CustomerDocument = { customerData };
  if (c.address) {
    const { id: _a, customerId: _ac, ...address } = c.address;
    doc.address = address;
  }
  if (c.opticData) {
    const { id: _o, customerId: _oc, ...opticData } = c.opticData;
    doc.opticData = opticData;
  }
  return doc;
}

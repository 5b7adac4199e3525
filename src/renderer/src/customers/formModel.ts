import type { z } from 'zod';
import type { FieldPath } from 'react-hook-form';
import type { ChannelInput, ChannelOutput } from '../../../shared/contract';
import { CustomerCreateInput } from '../../../shared/customers/schema';

/*
 * The customer form edits seed 001's create payload, validated by the shared schema: the form's
 * values are the schema's input, a valid submit yields its output (trimmed, date as ISO). The
 * prescription is not part of it: there is one prescription editor, the Prescription tab's grid,
 * whose rules keep the near row and the ADD from contradicting each other.
 */
export const customerFormSchema = CustomerCreateInput.omit({ opticData: true });
export type CustomerFormValues = z.input<typeof customerFormSchema>;
export type CustomerFormOutput = z.output<typeof customerFormSchema>;
type Detail = ChannelOutput<'customers.get'>;

export const personalFields = ['firstName', 'lastName', 'email', 'phoneNumber', 'dateOfBirth', 'sex'] as const;
export const addressFields = ['street', 'city', 'zipCode', 'state'] as const;

/** Every path the form has an input for: server field errors on these go inline, others to a banner. */
export const consentFields = ['marketing', 'sms'] as const;

export const formFieldPaths: ReadonlySet<string> = new Set([
  ...personalFields.map((f) => `customerData.${f}`),
  ...consentFields.map((f) => `consent.${f}`),
  ...addressFields.map((f) => `address.${f}`),
]);

/** Every input controlled from the start (empty strings), so reset() and dirty tracking are exact. */
export function emptyFormValues(prefill: Prefill = {}): CustomerFormValues {
  return {
    // '' is "not given": the select starts on "Choose…"; a walk-in may leave it for later (issue 12).
    customerData: { firstName: '', lastName: '', email: '', phoneNumber: '', dateOfBirth: '', sex: '', ...prefill },
    address: { street: '', city: '', zipCode: '', state: '' },
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
    // A box is ticked when consent was given; the date it was given is shown beside it.
    consent: { marketing: detail.consent.marketingAt !== null, sms: detail.consent.smsAt !== null },
  };
}

function pruneAddress(address: CustomerFormOutput['address']) {
  if (!address) return undefined;
  const kept = Object.fromEntries(addressFields.flatMap((f) => (address[f] == null ? [] : [[f, address[f]]])));
  return Object.keys(kept).length > 0 ? kept : undefined;
}

export function createPayload(values: CustomerFormOutput): ChannelInput<'customers.create'> {
  const address = pruneAddress(values.address);
  // Only consent given is sent: not giving it is the default.
  const consent = Object.fromEntries(consentFields.flatMap((f) => (values.consent?.[f] ? [[f, true]] : [])));
  return {
    customerData: values.customerData,
    ...(address ? { address } : {}),
    ...(Object.keys(consent).length > 0 ? { consent } : {}),
  };
}

/** The dirty-field map react-hook-form keeps (true per changed leaf). */
type Dirty = {
  customerData?: Partial<Record<string, boolean>>;
  address?: Partial<Record<string, boolean>>;
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
 * cleared fields as null; a consent only when its box changed.
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
  // A consent is sent only when its box changed: the date it was first given stays otherwise.
  const consent = Object.fromEntries(consentFields.flatMap((f) => (dirty.consent?.[f] ? [[f, values.consent?.[f] === true]] : [])));
  if (Object.keys(consent).length > 0) {
    payload.consent = consent;
    changed = true;
  }
  return changed ? payload : null;
}

/**
 * Where a refused save's field errors go: onto the form's fields it has (the first takes the focus),
 * the rest into the banner. A duplicate email belongs on the email field, whether or not the core
 * named the field.
 */
export function placeServerErrors(
  fieldErrors: Record<string, string[]> | undefined,
  code: string,
  emailTakenMessage: string,
): { path: FieldPath<CustomerFormValues>; message: string }[] {
  const errors = { ...fieldErrors };
  if (code === 'customer.emailTaken') errors['customerData.email'] = [emailTakenMessage];
  return Object.entries(errors).flatMap(([path, messages]) =>
    messages[0] && formFieldPaths.has(path) ? [{ path: path as FieldPath<CustomerFormValues>, message: messages[0] }] : [],
  );
}

/** What a search that found nobody gives the new customer's form (Ctrl+N right after it). */
export type Prefill = Partial<Record<'firstName' | 'lastName' | 'email' | 'phoneNumber', string>>;

const PHONE_LIKE = /^\+?[\d\s()./-]+$/;

/** "leila alaoui" → "Leila Alaoui"; a search typed with any capital is kept as typed ("Tour de la"). */
function capitalised(words: string[], allLower: boolean): string {
  return words.map((w) => (allLower ? w.charAt(0).toLocaleUpperCase() + w.slice(1) : w)).join(' ');
}

/**
 * The fields a search that found nobody fills in: an email, a phone, or names. One word is the last
 * name (what staff search by); more are first then last, unless one is written in capitals, which
 * is the last name as French forms write it ("ALAOUI Leïla").
 */
export function prefillFromSearch(search: string): Prefill {
  const text = search.trim().replace(/\s+/g, ' ');
  if (!text) return {};
  if (text.includes('@')) return { email: text };
  if (PHONE_LIKE.test(text) && text.replace(/\D/g, '').length >= 6) return { phoneNumber: text };
  const words = text.split(' ');
  const lower = text === text.toLocaleLowerCase();
  if (words.length === 1) return { lastName: capitalised(words, lower) };
  const caps = words.filter((w) => /\p{Lu}{2,}/u.test(w) && w === w.toLocaleUpperCase());
  if (caps.length > 0 && caps.length < words.length) return { firstName: words.filter((w) => !caps.includes(w)).join(' '), lastName: caps.join(' ') };
  return { firstName: capitalised(words.slice(0, 1), lower), lastName: capitalised(words.slice(1), lower) };
}

/** Where the cursor starts on a new customer's form: the first personal field still empty. */
export function firstEmptyField(values: CustomerFormValues): FieldPath<CustomerFormValues> {
  const empty = personalFields.find((f) => !values.customerData[f]);
  return `customerData.${empty ?? 'firstName'}`;
}

const MIN_PHONE_DIGITS = 6;

/**
 * What the duplicate check is asked while a new customer is typed (issue 12, item 4): the names with
 * a date of birth, a phone, an email, as far as each can match; null while there is nothing to go on.
 */
export function duplicateProbe(data: CustomerFormValues['customerData']): ChannelInput<'customers.duplicates'> | null {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const [firstName, lastName, email, phoneNumber, dateOfBirth] = [data.firstName, data.lastName, data.email, data.phoneNumber, data.dateOfBirth].map(text);
  const probe: ChannelInput<'customers.duplicates'>['customerData'] = {};
  // The date input holds YYYY-MM-DD once what was typed reads as a date.
  if (firstName && lastName && /^\d{4}-\d{2}-\d{2}$/.test(dateOfBirth ?? '')) Object.assign(probe, { firstName, lastName, dateOfBirth });
  if ((phoneNumber ?? '').replace(/\D/g, '').length >= MIN_PHONE_DIGITS) probe.phoneNumber = phoneNumber;
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email ?? '')) probe.email = email;
  return Object.keys(probe).length > 0 ? { customerData: probe } : null;
}

/** The customer who already has the email a save was refused for, when the core named them. */
export function emailHolder(code: string, details: Record<string, unknown> | undefined): string | null {
  const id = details?.customerId;
  return code === 'customer.emailTaken' && typeof id === 'string' && id !== '' ? id : null;
}

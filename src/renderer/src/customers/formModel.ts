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
export function emptyFormValues(): CustomerFormValues {
  return {
    // '' is "not given": the select starts on "Choose…"; a walk-in may leave it for later (issue 12).
    customerData: { firstName: '', lastName: '', email: '', phoneNumber: '', dateOfBirth: '', sex: '' },
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

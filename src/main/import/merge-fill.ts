import type { CustomerCreate } from './row-rules';

/*
 * Merging a row into a customer already here fills only what that customer lacks: their own values
 * are never overwritten by an old file. What was filled is kept with its value before (empty), so an
 * undo gives the customer back as they were. Pure.
 */

export interface CustomerColumns {
  email: string;
  phone_number: string;
  date_of_birth: string;
  sex: '' | 'male' | 'female';
}
export interface AddressColumns {
  street: string | null;
  city: string | null;
  zip_code: string | null;
  state: string | null;
}

export interface Fill {
  customer: Partial<CustomerColumns>;
  /** null: no address to add to; otherwise the columns to set (a new address row when there was none). */
  address: Partial<AddressColumns> | null;
  /** What the filled fields held before (the customer's, and the address row or 'none'). */
  before: {
    customer: Partial<CustomerColumns>;
    address: Partial<AddressColumns> | 'none' | null;
    /** The customer's updated_at before the batch first merged into them (set by the chunk writer; see undo.ts). */
    stampBefore?: string;
  };
}

export function fillEmpty(current: CustomerColumns, currentAddress: AddressColumns | null, row: CustomerCreate, emailFree: boolean): Fill {
  const d = row.customerData;
  const incoming: CustomerColumns = { email: emailFree ? d.email : '', phone_number: d.phoneNumber, date_of_birth: d.dateOfBirth, sex: d.sex };
  const customer: Partial<CustomerColumns> = {};
  const beforeCustomer: Partial<CustomerColumns> = {};
  for (const k of ['email', 'phone_number', 'date_of_birth', 'sex'] as const) {
    if (current[k] === '' && incoming[k] !== '') {
      Object.assign(customer, { [k]: incoming[k] });
      Object.assign(beforeCustomer, { [k]: current[k] });
    }
  }
  const a = row.address;
  const rowAddress: AddressColumns = { street: a?.street ?? null, city: a?.city ?? null, zip_code: a?.zipCode ?? null, state: a?.state ?? null };
  const address: Partial<AddressColumns> = {};
  const beforeAddress: Partial<AddressColumns> = {};
  for (const k of ['street', 'city', 'zip_code', 'state'] as const) {
    if ((currentAddress?.[k] ?? null) === null && rowAddress[k] !== null) {
      address[k] = rowAddress[k];
      beforeAddress[k] = null;
    }
  }
  const addressChanged = Object.keys(address).length > 0;
  return {
    customer,
    address: addressChanged ? address : null,
    before: { customer: beforeCustomer, address: addressChanged ? (currentAddress ? beforeAddress : 'none') : null },
  };
}

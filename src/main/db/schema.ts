import type { Generated } from 'kysely';

/** The tables as kysely sees them; migrations.ts is what creates them. */
export interface Database {
  customers: CustomersTable;
  customer_addresses: CustomerAddressesTable;
  customer_optic_data: CustomerOpticDataTable;
}

export interface CustomersTable {
  id: string;
  local_data_id: string;
  is_active: Generated<number>;
  first_name: string;
  last_name: string;
  email: string;
  /** lower(trim(email)): unique among non-deleted customers of the store. */
  email_key: string;
  phone_number: string;
  date_of_birth: string;
  sex: 'male' | 'female';
  /** Accent- and case-folded names, email and phone digits, for search as you type. */
  search_text: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface CustomerAddressesTable {
  id: string;
  customer_id: string;
  street: string | null;
  city: string | null;
  zip_code: string | null;
  state: string | null;
}

export interface CustomerOpticDataTable {
  id: string;
  customer_id: string;
  /** Seed 001's opticData object (distance/intermediate/near × right/left × sph/cyl/axis), as JSON. */
  data: string;
}

import { type Selectable, sql } from 'kysely';
import type { z } from 'zod';
import type {
  Address,
  CustomerDetail,
  CustomerGroup,
  CustomerListItem,
  CustomerRecord,
  LocalData,
} from '../../shared/customers/schema';
import type { CustomerAddressesTable, CustomersTable } from '../db/schema';
import { completeness } from './completeness';
import { foldText } from './fold';
import type { IndexEntry } from './index-columns';

/** Row <-> seed 001 shapes. Pure: no I/O here. */
export type CustomerRow = Selectable<CustomersTable>;
export type AddressRow = Selectable<CustomerAddressesTable>;

export function customerRecord(row: CustomerRow): z.infer<typeof CustomerRecord> {
  return {
    id: row.id,
    isActive: row.is_active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

export function localData(row: CustomerRow): z.infer<typeof LocalData> {
  return {
    id: row.local_data_id,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phoneNumber: row.phone_number,
    dateOfBirth: row.date_of_birth,
    // '' is not given yet (a walk-in) or purged (purged customers are deleted: they never get here).
    sex: row.sex as 'male' | 'female' | '',
    customerId: row.id,
  };
}

export function address(row: AddressRow): z.infer<typeof Address> {
  return {
    id: row.id,
    street: row.street,
    city: row.city,
    zipCode: row.zip_code,
    state: row.state,
    customerId: row.customer_id,
  };
}

export function customerDetail(row: CustomerRow & SeenAt, addr: AddressRow | undefined, opticData: CustomerDetail['opticData'], groups: CustomerGroup[] = []): CustomerDetail {
  return {
    seenAt: lastSeenAt(row),
    ...customerRecord(row),
    localData: localData(row),
    address: addr ? address(addr) : null,
    opticData,
    consent: { marketingAt: row.marketing_consent_at, smsAt: row.sms_consent_at },
    ...completeness(row),
    groups,
  };
}

/** Seed 001's name fallback: first + last name, else the user name (email), else a placeholder. */
export function displayName(row: Pick<CustomerRow, 'first_name' | 'last_name' | 'email'>): string {
  return `${row.first_name} ${row.last_name}`.trim() || row.email || 'Unnamed customer';
}

/** What the list shows of a customer; city and exam day are read beside the row (address, prescriptions). */
export function listItem(row: CustomerRow, more: { city: string | null; lastExamDate: string | null; groups?: CustomerGroup[] }): CustomerListItem {
  return {
    id: row.id,
    name: displayName(row),
    userName: row.email,
    groups: more.groups ?? [],
    isLocal: true,
    status: row.is_active === 1 ? 'active' : 'unactive',
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...completeness(row),
    // An empty value is "not given" (a walk-in may have no phone yet).
    phoneNumber: row.phone_number || null,
    dateOfBirth: row.date_of_birth || null,
    city: more.city,
    lastExamDate: more.lastExamDate,
  };
}

/** The columns indexEntry() reads. */
export const INDEX_COLUMNS = ['id', 'first_name', 'search_text', 'is_active', 'created_at', 'updated_at'] as const satisfies readonly (keyof CustomerRow)[];

/**
 * `seen_at`: the customer's latest prescription version or document, when the query read it. A
 * customer is seen when their file changes, not only their own row (bumping it would resend them).
 */
export interface SeenAt {
  seen_at?: string | null;
}

/** When the customer was last seen: their row's last change, or a later prescription or document. */
export function lastSeenAt(row: Pick<CustomerRow, 'updated_at'> & SeenAt): string {
  return row.seen_at && row.seen_at > row.updated_at ? row.seen_at : row.updated_at;
}

/** SeenAt's column, read beside INDEX_COLUMNS. */
export const seenAtColumn = sql<string | null>`max(
  coalesce((select max(created_at) from prescriptions where customer_id = customers.id), ''),
  coalesce((select max(coalesce(removed_at, created_at)) from attachments where customer_id = customers.id), '')
)`.as('seen_at');

/** A row as the index reads it: INDEX_COLUMNS and SeenAt's column. */
export type IndexRow = Pick<CustomerRow, (typeof INDEX_COLUMNS)[number]> & SeenAt;

export function indexEntry(row: IndexRow): IndexEntry {
  const text = row.search_text;
  // searchTextOf() starts with the folded "first last" line.
  const lineEnd = text.indexOf('\n');
  const nameEnd = lineEnd === -1 ? text.length : lineEnd;
  return {
    id: row.id,
    text,
    nameEnd,
    lastStart: Math.min(foldText(row.first_name).length + 1, nameEnd),
    active: row.is_active === 1,
    createdAt: row.created_at,
    seenAt: lastSeenAt(row),
  };
}

export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}


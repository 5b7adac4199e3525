import type { Kysely, Transaction } from 'kysely';
import type { Tables } from './tables.generated';

/*
 * The tables as kysely sees them. Their columns are not written here: tables.generated.ts is read from
 * a freshly migrated database (`npm run db:types`; a test fails when it is stale), CHECK constraints
 * giving the values a column allows. The few columns the app keeps to fewer values than SQLite checks
 * are narrowed below, each checked to name a real column and to fit its generated type.
 */
type Narrowings = Checked<{
  sync_links: { entity: 'customer' | 'attachment' };
  sync_conflicts: { resolution: 'mine' | 'theirs' | null };
}>;

/** A narrowing naming a table or column that does not exist, or a type wider than the column's, does not compile. */
type Checked<N extends { [T in keyof N]: T extends keyof Tables ? { [C in keyof N[T]]: C extends keyof Tables[T] ? Tables[T][C] : never } : never }> = N;

type Narrowed<T extends keyof Tables> = {
  [C in keyof Tables[T]]: T extends keyof Narrowings ? (C extends keyof Narrowings[T] ? Narrowings[T][C] : Tables[T][C]) : Tables[T][C];
};

export type Database = { [T in keyof Tables]: Narrowed<T> };

export type CustomersTable = Database['customers'];
export type CustomerAddressesTable = Database['customer_addresses'];
export type CustomerOpticDataTable = Database['customer_optic_data'];
export type PrescriptionsTable = Database['prescriptions'];
export type AttachmentsTable = Database['attachments'];
export type StaffTable = Database['staff'];
export type AuditLogTable = Database['audit_log'];
export type SettingsTable = Database['settings'];
export type SyncOutboxTable = Database['sync_outbox'];
export type SyncLinksTable = Database['sync_links'];
export type SyncConflictsTable = Database['sync_conflicts'];
export type SyncRefusedTable = Database['sync_refused'];

/** The store, or a transaction on it: what a read that may run inside a write takes. */
export type Db = Kysely<Database> | Transaction<Database>;

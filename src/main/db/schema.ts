import type { Generated } from 'kysely';

/** The tables as kysely sees them; migrations.ts is what creates them. */
export interface Database {
  customers: CustomersTable;
  customer_addresses: CustomerAddressesTable;
  customer_optic_data: CustomerOpticDataTable;
  prescriptions: PrescriptionsTable;
  attachments: AttachmentsTable;
  staff: StaffTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  sync_outbox: SyncOutboxTable;
  sync_links: SyncLinksTable;
  sync_conflicts: SyncConflictsTable;
  sync_refused: SyncRefusedTable;
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
  /** '' only once the customer is purged. */
  sex: 'male' | 'female' | '';
  /** Accent- and case-folded names, email and phone digits, for search as you type. */
  search_text: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  /** When marketing consent was given; null when not given. */
  marketing_consent_at: Generated<string | null>;
  sms_consent_at: Generated<string | null>;
  /** Personal data erased for good (after a soft delete). */
  purged_at: Generated<string | null>;
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

export interface PrescriptionsTable {
  id: string;
  customer_id: string;
  /** 1, 2, 3… per customer, in the order versions were saved. */
  version: number;
  /** YYYY-MM-DD; the current prescription is the latest exam. */
  exam_date: string;
  /** The Rx as entered, in canonical strings (JSON); near/intermediate derived on reading. */
  rx: string;
  corrects_id: string | null;
  created_at: string;
  created_by: string;
}

export interface AttachmentsTable {
  id: string;
  customer_id: string;
  /** Seed 001's multipart field name: prescription, idCard, or other. */
  field: string;
  file_name: string;
  mime_type: string;
  size: number;
  /** The file's content address under <dataDir>/attachments. */
  sha256: string;
  created_at: string;
  created_by: string;
  removed_at: string | null;
}

export interface StaffTable {
  id: string;
  username: string;
  /** lower(trim(username)): unique. */
  username_key: string;
  display_name: string;
  role: 'owner' | 'staff';
  /** argon2id, PHC string. */
  password_hash: string;
  pin_hash: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  staff_id: string | null;
  staff_name: string;
  entity: string;
  entity_id: string;
  action: string;
  /** JSON of the values before and after the change; null when there is none (or after a purge). */
  before: string | null;
  after: string | null;
  redacted: Generated<number>;
  /** The audit chain (audit/chain.ts, migration 0005): the values' salt (null once purged), their salted digest, the row's seal. */
  salt: string | null;
  values_digest: string | null;
  hash: string | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface SyncOutboxTable {
  id: Generated<number>;
  entity: 'customer' | 'attachment';
  /** The local id of the customer or attachment. */
  entity_id: string;
  customer_id: string;
  op: 'create' | 'update' | 'delete';
  /** Bumped by every write coalesced into this entry. */
  revision: Generated<number>;
  /** When the latest local write was made: "later edit wins" compares it with the cloud's updatedAt. */
  changed_at: string;
  tried_at: string | null;
  /**
   * JSON of the fields last sent (a create, or an update's merged values). When the answer was
   * lost, the cloud holding exactly these values means they are ours: not a conflict, and how a
   * create is found again (by its email).
   */
  sent_fields: string | null;
  parked_at: string | null;
  parked_error: string | null;
}

export interface SyncLinksTable {
  local_id: string;
  entity: 'customer' | 'attachment';
  cloud_id: string;
  /** JSON of the cloud copy last in sync (customers): the base of a three-way merge. */
  shadow: string | null;
  remote_updated_at: string | null;
  synced_at: string;
}

/** A cloud customer the local rules refused, at the cloud version it was refused at. */
export interface SyncRefusedTable {
  cloud_id: string;
  remote_updated_at: string;
  /** First and last name, as the cloud has them: what staff recognise on the Sync screen. */
  name: string;
  field: string | null;
  value: string | null;
  reason: string;
  detected_at: string;
}

export interface SyncConflictsTable {
  id: string;
  customer_id: string;
  /** A field path such as customerData.phoneNumber, address.city, opticData; '*' for edit vs delete. */
  field: string;
  kind: 'field' | 'deleted';
  /** JSON values. */
  mine: string | null;
  theirs: string | null;
  kept: 'mine' | 'theirs';
  detected_at: string;
  resolved_at: string | null;
  resolution: 'mine' | 'theirs' | null;
  resolved_by: string | null;
}

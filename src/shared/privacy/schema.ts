import { z } from 'zod';
import { attachmentFields } from '../attachments/schema';
import { CustomerDetail, CustomerIdInput } from '../customers/schema';
import { PrescriptionVersion } from '../prescriptions/schema';
import { AuditEntry } from '../staff/schema';

// ---- channels: customers.export / customers.purge ----

export const CustomerExportInput = CustomerIdInput;
export const CustomerExportOutput = z.object({
  /** A suggested file name; it holds the customer's id, not their name (file names end up in logs). */
  fileName: z.string(),
  /** The zip, base64-encoded (JSON carries no binary). */
  bytes: z.string(),
});
export const CustomerPurgeInput = CustomerIdInput;
export const CustomerPurgeOutput = z.object({ message: z.string(), customerId: z.string() });

// ---- customer.json, the heart of a subject-access export ----

export const SUBJECT_ACCESS_FORMAT = 'opticounter.subject-access/1';

export const ExportedPrescription = PrescriptionVersion.pick({ id: true, version: true, correctsId: true, createdAt: true, createdBy: true }).extend({
  examDate: z.string(),
  /** The prescription as recorded (the JSON kept in the store). */
  rx: z.unknown(),
});

export const ExportedDocument = z.object({
  id: z.string(),
  field: z.enum(attachmentFields),
  fileName: z.string(),
  mimeType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  /** Set when staff removed the document; its file is exported all the same. */
  removedAt: z.string().nullable(),
  /** Where the file is in the zip; null when it could not be exported (see problem). */
  file: z.string().nullable(),
  problem: z.enum(['missing', 'damaged']).nullable(),
});

/** An audit entry as the person reads it: no row ids or staff ids of the store's own. */
// The export keeps what the trail recorded (the sign-in name), not today's display name.
export const ExportedHistoryEntry = AuditEntry.omit({ id: true, staffId: true, staffDisplayName: true });

export const SubjectAccessExport = z.object({
  format: z.literal(SUBJECT_ACCESS_FORMAT),
  exportedAt: z.string(),
  /** As customers.get shows it (deletedAt set for a deleted customer). */
  customer: CustomerDetail,
  /** When consent was given; null when it was not. */
  consent: z.object({ marketingConsentAt: z.string().nullable(), smsConsentAt: z.string().nullable() }),
  /** Every version, oldest first. */
  prescriptions: z.array(ExportedPrescription),
  /** Every document, removed ones included, oldest first. */
  documents: z.array(ExportedDocument),
  /** The audit trail about the customer, their prescriptions and documents, oldest first. */
  history: z.array(ExportedHistoryEntry),
});
export type SubjectAccessExport = z.infer<typeof SubjectAccessExport>;

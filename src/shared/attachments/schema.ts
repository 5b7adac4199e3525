import { z } from 'zod';

/** Seed 001's multipart field names for a customer's files. */
export const attachmentFields = ['prescription', 'idCard', 'other'] as const;
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
export const attachmentMimeTypes = ['application/pdf', 'image/jpeg', 'image/png'] as const;

const Id = z.string({ error: 'id is required' }).trim().min(1, 'id is required').max(100, 'id is too long');

export const AttachmentAddInput = z.strictObject({
  customerId: Id,
  field: z.enum(attachmentFields, { error: `field must be one of ${attachmentFields.join(', ')}` }),
  fileName: z.string({ error: 'fileName is required' }).trim().min(1, 'fileName is required').max(255, 'fileName must be at most 255 characters'),
  /** The file's bytes, base64-encoded (JSON carries no binary). */
  bytes: z.string({ error: 'bytes must be the file in base64' }).min(1, 'The file is empty'),
});

export const Attachment = z.object({
  id: z.string(),
  customerId: z.string(),
  field: z.enum(attachmentFields),
  fileName: z.string(),
  mimeType: z.enum(attachmentMimeTypes),
  size: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type Attachment = z.infer<typeof Attachment>;

export const AttachmentListInput = z.strictObject({ customerId: Id });
export const AttachmentIdInput = z.strictObject({ id: Id });
/** What a document is (staff picked the wrong type when adding it, or the scan was both). */
export const AttachmentSetTypeInput = z.strictObject({
  id: Id,
  field: z.enum(attachmentFields, { error: `field must be one of ${attachmentFields.join(', ')}` }),
});
export const AttachmentRemoveOutput = z.object({ message: z.string(), id: z.string() });
export const AttachmentReadOutput = z.object({ attachment: Attachment, bytes: z.string() });

import { existsSync } from 'node:fs';
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { Attachment, AttachmentAddInput } from '../../shared/attachments/schema';
import { AppError } from '../../shared/errors';
import type { Actor } from '../audit/log';
import type { UnitOfWork } from '../unit-of-work';
import type { Clock } from '../clock';
import type { AttachmentsTable, Database, Db } from '../db/schema';
import { attachmentBaseName, decodeAttachmentBytes, detectAttachmentType, withoutInvisibles } from './content';
import type { ContentStore } from './file-store';

type AttachmentRow = Selectable<AttachmentsTable>;

/**
 * A customer's documents (prescription scan, ID card, other): the bytes live content-addressed under
 * `<dataDir>/attachments`, a row says whose they are and what they are. Removing is soft, and a
 * file stays on disk while any row, removed or not, may still point at it (purge is a later step).
 * Nothing here logs a file's bytes or name.
 */
export class AttachmentService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly files: ContentStore,
    private readonly clock: Clock,
    private readonly writes: UnitOfWork,
  ) {}

  async add(input: z.output<typeof AttachmentAddInput>, actor: Actor): Promise<Attachment> {
    const fileName = attachmentBaseName(input.fileName);
    const bytes = decodeAttachmentBytes(input.bytes, fileName);
    const mimeType = detectAttachmentType(bytes, fileName);
    await this.assertCustomerLive(this.db, input.customerId);

    // The file is safely on disk before any row points at it; if the insert then fails, an
    // unreferenced content-addressed file is harmless and the next identical add reuses it.
    const sha256 = await this.files.put(bytes);
    const row: AttachmentRow = {
      id: uuidv7(),
      customer_id: input.customerId,
      field: input.field,
      file_name: fileName,
      mime_type: mimeType,
      size: bytes.length,
      sha256,
      created_at: this.clock.now().toISOString(),
      created_by: actor.username,
      removed_at: null,
    };
    await this.writes.run(actor, async ({ trx, record }) => {
      // Again inside the transaction: the customer may have been deleted while the file was written,
      // and a purge (which deletes unreferenced files in its transaction) may have removed the file.
      await this.assertCustomerLive(trx, input.customerId);
      if (!existsSync(this.files.pathOf(sha256))) await this.files.put(bytes);
      await trx.insertInto('attachments').values(row).execute();
      record({ entity: 'attachment', entityId: row.id, customerId: row.customer_id, action: 'add', after: attachment(row) });
    });
    return attachment(row);
  }

  /** The customer's documents, newest first; removed ones are left out. */
  async list(customerId: string): Promise<Attachment[]> {
    await this.assertCustomerLive(this.db, customerId);
    const rows = await this.db
      .selectFrom('attachments')
      .selectAll()
      .where('customer_id', '=', customerId)
      .where('removed_at', 'is', null)
      // UUIDv7 ids grow with time, so they order documents added within the same millisecond.
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(attachment);
  }

  /** Soft: the row is marked removed and the file stays on disk. */
  async remove(id: string, actor: Actor): Promise<{ message: string; id: string }> {
    await this.writes.run(actor, async ({ trx, record }) => {
      const removedAt = this.clock.now().toISOString();
      const res = await trx
        .updateTable('attachments')
        .set({ removed_at: removedAt })
        .where('id', '=', id)
        .where('removed_at', 'is', null)
        .where((eb) => eb.exists(liveCustomerOf(eb)))
        .returning('customer_id')
        .executeTakeFirst();
      if (!res) throw notFound();
      record({ entity: 'attachment', entityId: id, customerId: res.customer_id, action: 'remove', before: { removedAt: null }, after: { removedAt } });
    });
    return { message: 'Attachment successfully removed', id };
  }

  /** Changes what the document is; the same type again records nothing. */
  async setType(id: string, field: Attachment['field'], actor: Actor): Promise<Attachment> {
    return this.writes.run(actor, async ({ trx, record }) => {
      const row = await liveAttachment(trx, id);
      if (!row) throw notFound();
      if (row.field === field) return attachment(row);
      await trx.updateTable('attachments').set({ field }).where('id', '=', id).execute();
      record({ entity: 'attachment', entityId: id, customerId: row.customer_id, action: 'setType', before: { field: row.field }, after: { field } });
      return attachment({ ...row, field });
    });
  }

  /** The document's details and bytes (base64), after checking the bytes are the ones stored. */
  async read(id: string): Promise<{ attachment: Attachment; bytes: string }> {
    const row = await liveAttachment(this.db, id);
    if (!row) throw notFound();
    const stored = await this.files.get(row.sha256);
    if (!stored.ok) {
      // Never hand out bytes that are not the ones attached: a wrong scan is worse than none.
      const why = stored.problem === 'missing' ? 'is missing from this computer' : 'is damaged (its checksum does not match)';
      throw new AppError('internal', `The stored copy of "${row.file_name}" ${why}; attach the file again to restore it.`);
    }
    return { attachment: attachment(row), bytes: stored.bytes.toString('base64') };
  }

  private async assertCustomerLive(db: Db, customerId: string): Promise<void> {
    const found = await db
      .selectFrom('customers')
      .select('id')
      .where('id', '=', customerId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!found) throw new AppError('customer.notFound', 'Customer not found');
  }
}

/** A (soft-)deleted customer's documents are out of reach like the customer, until it is purged. */
function liveCustomerOf(eb: ExpressionBuilder<Database, 'attachments'>) {
  return eb
    .selectFrom('customers')
    .select('customers.id')
    .whereRef('customers.id', '=', 'attachments.customer_id')
    .where('customers.deleted_at', 'is', null);
}

function attachment(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    customerId: row.customer_id,
    // Written only by add() and setType(), from the contract's enums.
    field: row.field as Attachment['field'],
    // Rows stored before names were cleaned may still hold bidi overrides and controls.
    fileName: withoutInvisibles(row.file_name),
    mimeType: row.mime_type as Attachment['mimeType'],
    size: row.size,
    sha256: row.sha256,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

function notFound(): AppError {
  return new AppError('attachment.notFound', 'Attachment not found');
}

/** A document not removed, of a customer not deleted. */
function liveAttachment(db: Db, id: string) {
  return db
    .selectFrom('attachments')
    .selectAll()
    .where('id', '=', id)
    .where('removed_at', 'is', null)
    .where((eb) => eb.exists(liveCustomerOf(eb)))
    .executeTakeFirst();
}

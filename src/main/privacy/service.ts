import { unlink } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { zipSync, strToU8, type Zippable } from 'fflate';
import { type Kysely, type Transaction, sql } from 'kysely';
import type { OpticValues } from '../../shared/customers/schema';
import { AppError } from '../../shared/errors';
import { SUBJECT_ACCESS_FORMAT, type SubjectAccessExport } from '../../shared/privacy/schema';
import { documentFileName, sniffAttachmentType, withoutInvisibles } from '../attachments/content';
import type { ContentStore } from '../attachments/file-store';
import { type Actor, type AuditLog, SYSTEM_ACTOR } from '../audit/log';
import type { Unit, UnitOfWork } from '../unit-of-work';
import type { Clock } from '../clock';
import { customerDetail } from '../customers/records';
import type { Database } from '../db/schema';
import type { CustomerService } from '../customers/service';
import type { PrescriptionService } from '../prescriptions/service';
import type { PurgeLedger } from './ledger';

type ExportedDocument = SubjectAccessExport['documents'][number];

/** Who erases again, in the audit trail, a customer a restore brought back (the ledger names no one). */

/**
 * The customer's rights over their data: a subject-access export of everything held on them, and a
 * purge that erases a (soft-)deleted customer's personal data and files for good, leaving only an
 * anonymous trace that a purge happened.
 */
export class PrivacyService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly files: ContentStore,
    private readonly prescriptions: PrescriptionService,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly ledger: PurgeLedger,
    private readonly writes: UnitOfWork,
  ) {}

  /**
   * Everything held on a customer, active or soft-deleted, as a zip: `customer.json` and
   * `documents/<field>-<name>.<pdf|jpg|png>` for every document (removed ones too). With an actor, the
   * export itself is recorded in the audit trail. Unknown or purged: customer.notFound.
   */
  async export(customerId: string, actor?: Actor): Promise<{ fileName: string; bytes: string }> {
    const exportedAt = this.clock.now();
    // One transaction: a consistent snapshot, and the audit row commits with the reads it describes.
    const held = await this.writes.run(actor ?? SYSTEM_ACTOR, async ({ trx, record }) => {
      const row = await trx.selectFrom('customers').selectAll().where('id', '=', customerId).where('purged_at', 'is', null).executeTakeFirst();
      if (!row) throw notFound();
      const addr = await trx.selectFrom('customer_addresses').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
      const current = await this.prescriptions.currentOpticData(customerId, trx);
      const legacy = await trx.selectFrom('customer_optic_data').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
      const opticData = current
        ? { ...current, customerId }
        : legacy
          ? { id: legacy.id, ...(JSON.parse(legacy.data) as OpticValues), customerId }
          : null;
      const prescriptions = await trx.selectFrom('prescriptions').selectAll().where('customer_id', '=', customerId).orderBy('version').execute();
      const attachments = await trx.selectFrom('attachments').selectAll().where('customer_id', '=', customerId).orderBy('created_at').orderBy('id').execute();
      const history = await this.historyOf(trx, customerId, prescriptions.map((p) => p.id), attachments.map((a) => a.id));
      if (actor) record({ entity: 'customer', entityId: customerId, customerId, action: 'export' });
      // Last seen, as customers.get computes it: the newest prescription version or document counts.
      const seen = [...prescriptions.map((p) => p.created_at), ...attachments.map((a) => a.removed_at ?? a.created_at)].reduce((a, b) => (b > a ? b : a), '');
      return { row, detail: customerDetail({ ...row, seen_at: seen || null }, addr, opticData), prescriptions, attachments, history };
    });

    const zip: Zippable = {};
    const documents: ExportedDocument[] = [];
    const taken = new Set<string>();
    for (const a of held.attachments) {
      const stored = await this.files.get(a.sha256);
      // Never hand out bytes that are not the ones attached: a damaged file is reported, not sent.
      // Named from what the bytes are, not the extension typed (a PDF named scan.bat leaves as .pdf).
      const file = stored.ok ? uniquePath(`documents/${documentFileName(`${a.field}-${a.file_name}`, sniffAttachmentType(stored.bytes))}`, taken) : null;
      if (stored.ok && file) zip[file] = [new Uint8Array(stored.bytes), { level: 0 }]; // scans are compressed already
      documents.push({
        id: a.id,
        field: a.field as ExportedDocument['field'],
        // Rows stored before names were cleaned may still hold bidi overrides and controls.
        fileName: withoutInvisibles(a.file_name),
        mimeType: a.mime_type,
        size: a.size,
        sha256: a.sha256,
        createdAt: a.created_at,
        createdBy: a.created_by,
        removedAt: a.removed_at,
        file,
        problem: stored.ok ? null : stored.problem,
      });
    }

    const doc: SubjectAccessExport = {
      format: SUBJECT_ACCESS_FORMAT,
      exportedAt: exportedAt.toISOString(),
      customer: held.detail,
      consent: { marketingConsentAt: held.row.marketing_consent_at, smsConsentAt: held.row.sms_consent_at },
      prescriptions: held.prescriptions.map((p) => ({
        id: p.id,
        version: p.version,
        examDate: p.exam_date,
        rx: JSON.parse(p.rx) as unknown,
        correctsId: p.corrects_id,
        createdAt: p.created_at,
        createdBy: p.created_by,
      })),
      documents,
      history: held.history,
    };
    zip['customer.json'] = strToU8(`${JSON.stringify(doc, null, 2)}\n`);
    const bytes = zipSync(zip, { level: 6, mtime: exportedAt });
    return { fileName: `customer-export-${customerId}-${exportedAt.toISOString().slice(0, 10)}.zip`, bytes: Buffer.from(bytes).toString('base64') };
  }

  /**
   * Erases a soft-deleted customer's personal data for good, in one transaction: the customer row
   * is blanked (and stays, soft-deleted, so ids elsewhere still resolve), its address, legacy optic
   * data, prescriptions and document rows are deleted, the audit trail about them is redacted, and
   * one anonymous `purge` row records who purged and when. Then the document files no remaining row
   * refers to are deleted (another customer may have attached the same bytes).
   * The purge is also written to the ledger outside the database (ledger.ts), so that restoring a
   * backup made before it erases the customer again; the backups themselves are left as they are.
   * A live customer: customer.notDeleted; unknown or already purged: customer.notFound.
   */
  async purge(customerId: string, actor: Actor): Promise<{ message: string; customerId: string }> {
    const now = this.clock.now().toISOString();
    const shas = await this.withSecureDelete(() =>
      this.writes.run(actor, async (unit) => {
        const row = await unit.trx.selectFrom('customers').select(['id', 'deleted_at', 'purged_at']).where('id', '=', customerId).executeTakeFirst();
        if (!row || row.purged_at !== null) throw notFound();
        if (row.deleted_at === null) throw new AppError('customer.notDeleted', 'Delete the customer first; purge erases a deleted customer for good');
        // Durable before the erasure commits: a crash in between is finished at the next start.
        this.ledger.record({ customerId, purgedAt: now });
        return this.eraseIn(unit, customerId, now);
      }),
    );

    const kept = await this.deleteUnreferencedFiles(shas);
    const compacted = await this.compact();
    const notes = [
      ...(kept > 0 ? [`${kept} document file(s) could not be deleted from this computer now (in use?); they are no longer linked to anyone`] : []),
      ...(compacted ? [] : ['the database file could not be compacted now, so erased values may linger in its free space until the next purge']),
    ];
    return { message: notes.length ? `Customer data erased for good; ${notes.join('; ')}` : 'Customer data erased for good', customerId };
  }

  /**
   * Erases again every customer of the purge ledger that the open database still holds (a restore
   * of a backup made before the purge brought them back): deleted first when the backup had them
   * live (queued for the cloud like any delete, so a PC that restored does not keep them there
   * either), then erased as purge() does, documents included. Returns the ids erased.
   */
  async reapplyLedger(customers: CustomerService): Promise<string[]> {
    const ids = [...new Set(this.ledger.entries().map((e) => e.customerId))];
    const back: { id: string; deleted_at: string | null }[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      back.push(...(await this.db.selectFrom('customers').select(['id', 'deleted_at']).where('id', 'in', chunk).where('purged_at', 'is', null).execute()));
    }
    if (back.length === 0) return [];
    const now = this.clock.now().toISOString();
    const shas = await this.withSecureDelete(() =>
      this.writes.run(SYSTEM_ACTOR, async (unit) => {
        const live = back.filter((r) => r.deleted_at === null).map((r) => r.id);
        if (live.length > 0) await customers.deleteIn(unit, live);
        const all: string[] = [];
        for (const r of back) all.push(...(await this.eraseIn(unit, r.id, now)));
        return [...new Set(all)];
      }),
    );
    await this.deleteUnreferencedFiles(shas);
    await this.compact();
    return back.map((r) => r.id);
  }

  /** The erasure itself, inside the caller's transaction; returns the content addresses of the documents it unlinked. */
  private async eraseIn({ trx, record }: Unit, customerId: string, now: string): Promise<string[]> {
    const prescriptionIds = (await trx.selectFrom('prescriptions').select('id').where('customer_id', '=', customerId).execute()).map((p) => p.id);
    const attachments = await trx.selectFrom('attachments').select(['id', 'sha256']).where('customer_id', '=', customerId).execute();

    const blank = `purged-${customerId}@invalid`;
    await trx
      .updateTable('customers')
      .set({
        first_name: '',
        last_name: '',
        email: blank,
        email_key: blank,
        phone_number: '',
        date_of_birth: '',
        sex: '',
        search_text: '',
        marketing_consent_at: null,
        sms_consent_at: null,
        purged_at: now,
        updated_at: now,
      })
      .where('id', '=', customerId)
      .execute();
    await trx.deleteFrom('customer_addresses').where('customer_id', '=', customerId).execute();
    await trx.deleteFrom('customer_optic_data').where('customer_id', '=', customerId).execute();
    // Corrections point at the versions they correct: unlink the chain, then delete it whole.
    await trx.updateTable('prescriptions').set({ corrects_id: null }).where('customer_id', '=', customerId).execute();
    await trx.deleteFrom('prescriptions').where('customer_id', '=', customerId).execute();
    await trx.deleteFrom('attachments').where('customer_id', '=', customerId).execute();
    // Recall calls and their notes are about the person too (recalls/service.ts).
    await trx.deleteFrom('recall_outcomes').where('customer_id', '=', customerId).execute();
    await trx.deleteFrom('recall_overrides').where('customer_id', '=', customerId).execute();
    // Sync keeps copies too: the last-synced values, conflicts' losing values, the email a create
    // was sent with. A pending cloud delete stays (it needs only the cloud id).
    await trx.updateTable('sync_links').set({ shadow: null }).where('local_id', '=', customerId).execute();
    await trx.deleteFrom('sync_conflicts').where('customer_id', '=', customerId).execute();
    await trx.updateTable('sync_outbox').set({ sent_fields: null }).where('customer_id', '=', customerId).execute();
    // A merge record keeps the values a merge changed: erased too (the merge can no longer be undone).
    await trx.updateTable('customer_merges').set({ kept_before: '{}', kept_after: '{}' }).where((eb) => eb.or([eb('keep_id', '=', customerId), eb('merge_id', '=', customerId)])).execute();

    const redactedAuditRows = await this.audit.redact(trx, 'customer', customerId);
    for (const id of prescriptionIds) redactedAuditRows.push(...(await this.audit.redact(trx, 'prescription', id)));
    for (const a of attachments) redactedAuditRows.push(...(await this.audit.redact(trx, 'attachment', a.id)));
    // Row ids only: the audit chain checks every blanked row was blanked by a purge (audit/chain.ts).
    record({ entity: 'customer', entityId: customerId, customerId, action: 'purge', after: { redactedAuditRows } });
    return [...new Set(attachments.map((a) => a.sha256))];
  }

  /** Audit rows about the customer, its prescriptions and documents, oldest first. */
  private async historyOf(trx: Transaction<Database>, customerId: string, prescriptionIds: string[], attachmentIds: string[]) {
    const rows = await trx
      .selectFrom('audit_log')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('entity', '=', 'customer'), eb('entity_id', '=', customerId)]),
          ...(prescriptionIds.length ? [eb.and([eb('entity', '=', 'prescription'), eb('entity_id', 'in', prescriptionIds)])] : []),
          ...(attachmentIds.length ? [eb.and([eb('entity', '=', 'attachment'), eb('entity_id', 'in', attachmentIds)])] : []),
        ]),
      )
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      at: r.at,
      staffName: r.staff_name,
      entity: r.entity,
      entityId: r.entity_id,
      action: r.action,
      before: r.before === null ? null : (JSON.parse(r.before) as unknown),
      after: r.after === null ? null : (JSON.parse(r.after) as unknown),
    }));
  }

  /**
   * Deletes the files of `shas` that no attachment row (any customer's, removed or not) refers to,
   * checked and deleted inside a transaction so no new row can start referring to one meanwhile.
   * Returns how many could not be deleted.
   */
  private async deleteUnreferencedFiles(shas: string[]): Promise<number> {
    if (shas.length === 0) return 0;
    return this.db.transaction().execute(async (trx) => {
      const used = new Set((await trx.selectFrom('attachments').select('sha256').where('sha256', 'in', shas).execute()).map((r) => r.sha256));
      let kept = 0;
      for (const sha of shas) {
        if (!used.has(sha) && !(await unlinkWithRetry(this.files.pathOf(sha)))) kept++;
      }
      return kept;
    });
  }

  /**
   * Erased values must not survive in the file either. secure_delete zeroes what the purge itself
   * frees, but older copies may linger in free space: the cells the customer's earlier edits and
   * deletion freed, index entries, page reorganisations. VACUUM rewrites the file from live rows only;
   * the checkpoint then folds the write-ahead log in and empties it. Rare and owner-only, so the cost
   * (a full rewrite, a few seconds on a big store) is acceptable. False when it could not be done.
   */
  private async compact(): Promise<boolean> {
    try {
      await sql`vacuum`.execute(this.db);
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  /** Runs `fn` with SQLite overwriting deleted content with zeros, so erased values leave no trace in the file. */
  private async withSecureDelete<T>(fn: () => Promise<T>): Promise<T> {
    const before = await sql<{ secure_delete: number }>`pragma secure_delete`.execute(this.db);
    const was = before.rows[0]?.secure_delete ?? 0;
    await sql`pragma secure_delete = 1`.execute(this.db);
    try {
      return await fn();
    } finally {
      await sql.raw(`pragma secure_delete = ${was === 1 ? 1 : 0}`).execute(this.db);
    }
  }
}

/** Windows may hold a file a moment (an antivirus scan, a viewer): a few tries before giving up. */
async function unlinkWithRetry(path: string): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await unlink(path);
      return true;
    } catch (err) {
      const code = err instanceof Error && 'code' in err ? err.code : undefined;
      if (code === 'ENOENT') return true;
      if (attempt >= 5) return false;
      await delay(100 * attempt);
    }
  }
}

/** `documents/prescription-scan.png`, then `…-scan (2).png` for the next one of the same name. */
function uniquePath(path: string, taken: Set<string>): string {
  let candidate = path;
  const dot = path.lastIndexOf('.');
  const [stem, ext] = dot > path.lastIndexOf('/') + 1 ? [path.slice(0, dot), path.slice(dot)] : [path, ''];
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

function notFound(): AppError {
  return new AppError('customer.notFound', 'Customer not found');
}

import type { z } from 'zod';
import { AppError } from '../../shared/errors';
import { say } from '../../shared/messages';
import { RecallOverride, RecallSettings, defaultRecallSettings } from '../../shared/recalls/schema';
import type { RecallCustomer, RecallExportInput, RecallListInput, RecallListOutput, RecallOutcomeEntry, RecallRecordInput, RecallSetOverrideInput } from '../../shared/recalls/schema';
import { v7 as uuidv7 } from 'uuid';
import type { Actor } from '../audit/log';
import type { Clock } from '../clock';
import type { Db } from '../db/schema';
import { readSetting, writeSetting } from '../settings';
import type { UnitOfWork } from '../unit-of-work';
import { callListCsv } from './call-list';
import { queryRecalls } from './query';

const SETTINGS_KEY = 'recalls.settings';

/** Customers' recalls: the store's intervals, each customer's override, the list, the calls' outcomes. */
export class RecallService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly writes: UnitOfWork,
  ) {}

  async settings(): Promise<RecallSettings> {
    const raw = await readSetting(this.db, SETTINGS_KEY);
    const stored = RecallSettings.safeParse({ ...defaultRecallSettings, ...(raw && typeof raw === 'object' ? raw : {}) });
    return stored.success ? stored.data : { ...defaultRecallSettings };
  }

  async setSettings(next: RecallSettings, actor: Actor): Promise<RecallSettings> {
    const before = await this.settings();
    if (JSON.stringify(before) === JSON.stringify(next)) return next;
    await this.writes.run(actor, async ({ trx, record }) => {
      await writeSetting(trx, SETTINGS_KEY, next, this.clock.now().toISOString());
      record({ entity: 'setting', entityId: SETTINGS_KEY, action: 'update', before, after: next });
    });
    return next;
  }

  async list(input: z.output<typeof RecallListInput>): Promise<z.output<typeof RecallListOutput>> {
    const today = this.today();
    return { ...(await queryRecalls(this.db, await this.settings(), today, input)), today };
  }

  async record(input: z.output<typeof RecallRecordInput>, actor: Actor): Promise<z.output<typeof RecallOutcomeEntry>> {
    // A call dated ahead would answer the recall until the next exam before anyone called.
    if (input.date !== undefined && input.date > this.today()) throw AppError.field('date', say('recall.dateFuture', {}, 'A call cannot be dated in the future'));
    const entry = { id: uuidv7(), customerId: input.customerId, outcome: input.outcome, date: input.date ?? this.today(), note: input.note ?? '', recordedAt: this.clock.now().toISOString() };
    await this.writes.run(actor, async ({ trx, record }) => {
      await this.requireCustomer(trx, input.customerId);
      await trx
        .insertInto('recall_outcomes')
        .values({ id: entry.id, customer_id: entry.customerId, outcome: entry.outcome, date: entry.date, note: entry.note, recorded_at: entry.recordedAt, recorded_by: actor.username })
        .execute();
      record({ entity: 'customer', entityId: input.customerId, customerId: input.customerId, action: 'recall.record', after: { id: entry.id, outcome: entry.outcome, date: entry.date, note: entry.note } });
    });
    return entry;
  }

  async setOverride(input: z.output<typeof RecallSetOverrideInput>, actor: Actor): Promise<z.output<typeof RecallCustomer>> {
    await this.writes.run(actor, async ({ trx, record }) => {
      await this.requireCustomer(trx, input.customerId);
      const before = await this.overrideOf(trx, input.customerId);
      const next = input.override;
      if (JSON.stringify(before) === JSON.stringify(next)) return;
      if (next === null) await trx.deleteFrom('recall_overrides').where('customer_id', '=', input.customerId).execute();
      else {
        const row = {
          type: next.type,
          months: next.type === 'months' ? next.months : null,
          due_date: next.type === 'date' ? next.date : null,
          set_at: this.clock.now().toISOString(),
          set_by: actor.username,
        };
        await trx
          .insertInto('recall_overrides')
          .values({ customer_id: input.customerId, ...row })
          .onConflict((oc) => oc.column('customer_id').doUpdateSet(row))
          .execute();
      }
      record({ entity: 'customer', entityId: input.customerId, customerId: input.customerId, action: 'recall.override', before: { override: before }, after: { override: next } });
    });
    return this.customer(input.customerId);
  }

  /** One customer's recall for their screen: the override, the due date (null: not recalled) and every outcome, newest first. */
  async customer(customerId: string): Promise<z.output<typeof RecallCustomer>> {
    await this.requireCustomer(this.db, customerId);
    const today = this.today();
    const { items } = await queryRecalls(this.db, await this.settings(), today, { status: 'all', consentOnly: false, limit: 1, offset: 0, customerId });
    const outcomes = await this.db.selectFrom('recall_outcomes').selectAll().where('customer_id', '=', customerId).orderBy('date', 'desc').orderBy('recorded_at', 'desc').execute();
    return {
      customerId,
      override: await this.overrideOf(this.db, customerId),
      dueDate: items[0]?.dueDate ?? null,
      state: items[0]?.state ?? null,
      outcomes: outcomes.map((o) => ({ id: o.id, customerId: o.customer_id, outcome: o.outcome, date: o.date, note: o.note, recordedAt: o.recorded_at })),
    };
  }

  /** The call list as CSV (every matching customer, not one page). */
  async exportCalls(input: z.output<typeof RecallExportInput>, actor: Actor): Promise<{ fileName: string; bytes: string }> {
    const today = this.today();
    const { items } = await queryRecalls(this.db, await this.settings(), today, { status: input.status, consentOnly: input.consentOnly, limit: -1, offset: 0 });
    // Names and phones leaving the app: audited, as the list export is.
    await this.writes.run(actor, async ({ record }) =>
      record({ entity: 'store', entityId: 'recalls', action: 'recalls.exportCalls', after: { status: input.status, consentOnly: input.consentOnly ?? false, rows: items.length } }),
    );
    return { fileName: `recalls-${input.status}-${today}.csv`, bytes: Buffer.from(callListCsv(items, input.language), 'utf8').toString('base64') };
  }

  private async overrideOf(db: Db, customerId: string): Promise<RecallOverride | null> {
    const row = await db.selectFrom('recall_overrides').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
    if (!row) return null;
    const parsed = RecallOverride.safeParse(row.type === 'months' ? { type: 'months', months: row.months } : row.type === 'date' ? { type: 'date', date: row.due_date } : { type: 'none' });
    return parsed.success ? parsed.data : null;
  }

  private async requireCustomer(db: Db, customerId: string): Promise<void> {
    const row = await db.selectFrom('customers').select('id').where('id', '=', customerId).where('deleted_at', 'is', null).where('purged_at', 'is', null).executeTakeFirst();
    if (!row) throw new AppError('customer.notFound', 'Customer not found');
  }

  /** Today where the counter is: the month a recall is due in is the store's month. */
  private today(): string {
    const d = this.clock.now();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  }
}

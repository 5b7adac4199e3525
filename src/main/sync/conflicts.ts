import type { Kysely, Selectable, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { SyncConflict } from '../../shared/sync/schema';
import type { Database, SyncConflictsTable } from '../db/schema';
import type { Fields } from './document';
import type { FieldConflict } from './merge';

type Row = Selectable<SyncConflictsTable>;

/** The losing side of every merge, kept until staff choose (keep mine / keep theirs). */
export class Conflicts {
  constructor(private readonly db: Kysely<Database>) {}

  async recordFields(trx: Transaction<Database>, customerId: string, conflicts: FieldConflict[], now: string): Promise<void> {
    if (conflicts.length === 0) return;
    await trx
      .insertInto('sync_conflicts')
      .values(
        conflicts.map((c) => ({
          id: uuidv7(),
          customer_id: customerId,
          field: c.field,
          kind: 'field' as const,
          mine: JSON.stringify(c.mine),
          theirs: JSON.stringify(c.theirs),
          kept: c.kept,
          detected_at: now,
        })),
      )
      .execute();
  }

  /**
   * An edit here met a delete there: the delete wins, the edited values are kept here. (`kept`
   * 'mine': the customer stayed here and goes back to the cloud, sync/kept-in-merge.ts.)
   */
  async recordDeleted(trx: Transaction<Database>, customerId: string, mine: Fields, now: string, kept: 'mine' | 'theirs' = 'theirs'): Promise<void> {
    await trx
      .insertInto('sync_conflicts')
      .values({ id: uuidv7(), customer_id: customerId, field: '*', kind: 'deleted', mine: JSON.stringify(mine), theirs: null, kept, detected_at: now })
      .execute();
  }

  async open(customerId?: string): Promise<(SyncConflict & { raw: Row })[]> {
    let q = this.db
      .selectFrom('sync_conflicts as k')
      .leftJoin('customers as c', 'c.id', 'k.customer_id')
      .selectAll('k')
      .select(['c.first_name', 'c.last_name'])
      .where('k.resolved_at', 'is', null)
      .orderBy('k.detected_at', 'desc');
    if (customerId) q = q.where('k.customer_id', '=', customerId);
    const rows = await q.execute();
    return rows.map((r) => ({
      id: r.id,
      customerId: r.customer_id,
      customerName: `${r.first_name ?? ''} ${r.last_name ?? ''}`.trim(),
      field: r.field,
      kind: r.kind,
      mine: r.mine === null ? null : JSON.parse(r.mine),
      theirs: r.theirs === null ? null : JSON.parse(r.theirs),
      kept: r.kept,
      detectedAt: r.detected_at,
      raw: r,
    }));
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('sync_conflicts').select((eb) => eb.fn.countAll<number>().as('n')).where('resolved_at', 'is', null).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  get(id: string, db: Kysely<Database> | Transaction<Database> = this.db): Promise<Row | undefined> {
    return db.selectFrom('sync_conflicts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async markResolved(trx: Transaction<Database>, id: string, resolution: 'mine' | 'theirs', by: string, now: string): Promise<void> {
    await trx.updateTable('sync_conflicts').set({ resolved_at: now, resolution, resolved_by: by }).where('id', '=', id).execute();
  }
}

import type { Kysely, Transaction } from 'kysely';
import type { RefusedCustomer } from '../../shared/sync/schema';
import type { Database, Db } from '../db/schema';


/**
 * Cloud customers the local rules refused (say a sphere of -1.13, not in 0.25 steps), each at the
 * cloud version it was refused at. Without this record such a customer was fetched again at every
 * pull and kept the counts apart, so the whole list was read again every minute; and staff never
 * knew. It is fetched again only once its updatedAt in the cloud moves (someone corrected it).
 */
export class RefusedCustomers {
  constructor(private readonly db: Kysely<Database>) {}

  async record(trx: Transaction<Database>, r: { cloudId: string; remoteUpdatedAt: string; name: string; field: string | null; value: string | null; reason: string }, now: string): Promise<void> {
    const values = { remote_updated_at: r.remoteUpdatedAt, name: r.name, field: r.field, value: r.value, reason: r.reason, detected_at: now };
    await trx
      .insertInto('sync_refused')
      .values({ cloud_id: r.cloudId, ...values })
      .onConflict((oc) => oc.column('cloud_id').doUpdateSet(values))
      .execute();
  }

  /** Copied here after all, or gone from the cloud. */
  async forget(db: Db, cloudIds: string[]): Promise<void> {
    if (cloudIds.length === 0) return;
    await db.deleteFrom('sync_refused').where('cloud_id', 'in', cloudIds).execute();
  }

  /** cloud id → the cloud updatedAt it was refused at. */
  async versions(cloudIds: string[]): Promise<Map<string, string>> {
    if (cloudIds.length === 0) return new Map();
    const rows = await this.db.selectFrom('sync_refused').select(['cloud_id', 'remote_updated_at']).where('cloud_id', 'in', cloudIds).execute();
    return new Map(rows.map((r) => [r.cloud_id, r.remote_updated_at]));
  }

  async cloudIds(): Promise<string[]> {
    return (await this.db.selectFrom('sync_refused').select('cloud_id').execute()).map((r) => r.cloud_id);
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('sync_refused').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async list(): Promise<RefusedCustomer[]> {
    const rows = await this.db.selectFrom('sync_refused').selectAll().orderBy('detected_at', 'desc').execute();
    return rows.map((r) => ({ cloudId: r.cloud_id, customerName: r.name, field: r.field, value: r.value, reason: r.reason, cloudUpdatedAt: r.remote_updated_at, detectedAt: r.detected_at }));
  }

  /** Moving to another cloud: what this one refused means nothing there. */
  async clear(trx: Transaction<Database>): Promise<void> {
    await trx.deleteFrom('sync_refused').execute();
  }
}

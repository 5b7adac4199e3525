import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, Db, SyncLinksTable } from '../db/schema';
import type { Fields } from './document';

export type Link = Selectable<SyncLinksTable>;

/**
 * Which cloud customer a local one is, and the copy of it both sides last agreed on (the shadow,
 * the base of the next three-way merge). Written in the same transaction as the outbox entry it
 * completes, so a crash can never leave a pushed customer unlinked.
 */
export class Links {
  constructor(private readonly db: Kysely<Database>) {}

  get(localId: string, db: Db = this.db): Promise<Link | undefined> {
    return db.selectFrom('sync_links').selectAll().where('local_id', '=', localId).executeTakeFirst();
  }

  byCloudIds(cloudIds: string[], db: Db = this.db): Promise<Link[]> {
    if (cloudIds.length === 0) return Promise.resolve([]);
    return db.selectFrom('sync_links').selectAll().where('entity', '=', 'customer').where('cloud_id', 'in', cloudIds).execute();
  }

  async countCustomers(): Promise<number> {
    const row = await this.db.selectFrom('sync_links').select((eb) => eb.fn.countAll<number>().as('n')).where('entity', '=', 'customer').executeTakeFirstOrThrow();
    return Number(row.n);
  }

  customers(): Promise<Pick<Link, 'local_id' | 'cloud_id'>[]> {
    return this.db.selectFrom('sync_links').select(['local_id', 'cloud_id']).where('entity', '=', 'customer').execute();
  }

  async put(trx: Transaction<Database>, link: { localId: string; entity: Link['entity']; cloudId: string; shadow: Partial<Fields> | null; remoteUpdatedAt: string | null }, now: string) {
    const values = {
      entity: link.entity,
      cloud_id: link.cloudId,
      shadow: link.shadow ? JSON.stringify(link.shadow) : null,
      remote_updated_at: link.remoteUpdatedAt,
      synced_at: now,
    };
    await trx
      .insertInto('sync_links')
      .values({ local_id: link.localId, ...values })
      .onConflict((oc) => oc.column('local_id').doUpdateSet(values))
      .execute();
  }

  async remove(trx: Transaction<Database>, localId: string): Promise<void> {
    await trx.deleteFrom('sync_links').where('local_id', '=', localId).execute();
  }
}

/** The merge base; fields missing from it are unknown (a link made by finding the customer by email). */
export function shadowOf(link: Link | undefined | null): Partial<Fields> | null {
  return link?.shadow ? (JSON.parse(link.shadow) as Partial<Fields>) : null;
}

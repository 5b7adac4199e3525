import { type Kysely, type Transaction, sql } from 'kysely';
import type { CustomerGroup, CustomerListQuery } from '../../shared/customers/schema';
import type { Database, Db } from '../db/schema';
import { foldText, searchTokens } from './fold';

/*
 * The groups the store's cloud puts customers in (seed 001's list carries `groups: [{id, name}]`;
 * issue 13 item 5). They are the cloud's: kept as its list sends them, never edited or sent from
 * here, so a local edit of a customer cannot drop one. Filtering by group reads SQLite (a group's
 * members, by its index) rather than the in-memory search index, which knows nothing of groups.
 */

/** The groups of each of these customers, by name. */
export async function groupsOf(db: Db, ids: string[]): Promise<Map<string, CustomerGroup[]>> {
  const out = new Map<string, CustomerGroup[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('customer_groups')
    .innerJoin('cloud_groups', 'cloud_groups.id', 'customer_groups.group_id')
    .select(['customer_groups.customer_id', 'cloud_groups.id', 'cloud_groups.name'])
    .where(sql<boolean>`customer_groups.customer_id in (select value from json_each(${JSON.stringify(ids)}))`)
    .orderBy('cloud_groups.name')
    .execute();
  for (const r of rows) out.set(r.customer_id, [...(out.get(r.customer_id) ?? []), { id: r.id, name: r.name }]);
  return out;
}

/** Every group the cloud sent, with its live customers counted, by name. */
export async function groupCounts(db: Kysely<Database>): Promise<(CustomerGroup & { count: number })[]> {
  const rows = await db
    .selectFrom('cloud_groups')
    .leftJoin('customer_groups', 'customer_groups.group_id', 'cloud_groups.id')
    .leftJoin('customers', (j) => j.onRef('customers.id', '=', 'customer_groups.customer_id').on('customers.deleted_at', 'is', null))
    .select(['cloud_groups.id', 'cloud_groups.name', (eb) => eb.fn.count<number>('customers.id').as('count')])
    .groupBy(['cloud_groups.id', 'cloud_groups.name'])
    .orderBy('cloud_groups.name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, count: Number(r.count) }));
}

/** Puts the customer in exactly these groups (the cloud's list says so); true when that changed anything. */
export async function setGroups(trx: Transaction<Database>, customerId: string, groups: CustomerGroup[]): Promise<boolean> {
  const had = (await groupsOf(trx, [customerId])).get(customerId) ?? [];
  for (const g of groups) {
    await trx.insertInto('cloud_groups').values(g).onConflict((oc) => oc.column('id').doUpdateSet({ name: g.name }).where('cloud_groups.name', '!=', g.name)).execute();
  }
  const key = (list: CustomerGroup[]) => JSON.stringify(list.map((g) => [g.id, g.name]).sort());
  if (key(had) === key(groups)) return false;
  await trx.deleteFrom('customer_groups').where('customer_id', '=', customerId).execute();
  if (groups.length > 0) {
    await trx.insertInto('customer_groups').values([...new Map(groups.map((g) => [g.id, { customer_id: customerId, group_id: g.id }])).values()]).execute();
  }
  return true;
}

/** The group's page of customers.list: the same filters, ranked searches newest first. */
export async function groupPage(db: Kysely<Database>, q: CustomerListQuery & { groupId: string }): Promise<{ ids: string[]; total: number }> {
  let base = db
    .selectFrom('customer_groups')
    .innerJoin('customers', 'customers.id', 'customer_groups.customer_id')
    .where('customer_groups.group_id', '=', q.groupId)
    .where('customers.deleted_at', 'is', null);
  for (const word of q.search ? searchTokens(q.search) : []) base = base.where(sql<boolean>`instr(customers.search_text, ${word}) > 0`);
  for (const word of q.name ? foldText(q.name).split(/\s+/).filter(Boolean) : []) base = base.where(sql<boolean>`instr(customers.search_text, ${word}) > 0`);
  if (q.isActive !== undefined) base = base.where('customers.is_active', '=', q.isActive ? 1 : 0);
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const dir = q.sortOrder === 'asc' ? 'asc' : 'desc';
  const column = q.sortBy === 'name' ? 'customers.search_text' : q.sortBy === 'createdAt' ? 'customers.created_at' : q.sortBy === 'status' ? 'customers.is_active' : 'customers.updated_at';
  // Ranked or unsorted: most recently changed first, as the index does for ties.
  const order = q.sortBy === undefined || q.sortBy === 'relevance' ? 'desc' : dir;
  const rows = await base
    .select('customers.id')
    .orderBy(column, order)
    .orderBy('customers.id', order)
    .limit(q.limit)
    .offset((q.page - 1) * q.limit)
    .execute();
  return { ids: rows.map((r) => r.id), total };
}

import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { CustomerMergeInput, DuplicatePair, MergeField, MergeRecord, MergeSide, PairCustomer } from '../../shared/customers/merge';
import { mergeFields } from '../../shared/customers/merge';
import { AppError } from '../../shared/errors';
import type { Actor } from '../audit/log';
import type { Clock } from '../clock';
import type { Database, Db } from '../db/schema';
import { type MovedRecalls, moveRecalls, moveRecallsBack } from '../recalls/merge';
import type { Links } from '../sync/links';
import type { LocalChange } from '../sync/outbox';
import type { Unit, UnitOfWork } from '../unit-of-work';
import { findPairsSteps, type FoundPair, type PairRow, pairKey } from './duplicate-pairs';
import { runInSlices } from './slices';
import { nextTurn } from '../turns';
import { searchTextOf } from './fold';
import { type CustomerRow, displayName, emailKey } from './records';
import type { CustomerService } from './service';

/*
 * Possible duplicates, merge and undo (issue 13, item 3). A merge is one unit of work and one audit
 * entry on the kept customer; the merged-away customer is soft-deleted with its own values intact,
 * so an undo brings it back as it was. The cloud hears: the kept customer updated, then the other
 * deleted (its delete waits for the update in the outbox, sync/outbox.ts).
 */

type Address = { street: string | null; city: string | null; zipCode: string | null; state: string | null };
/** The values a merge chooses between. */
export type MergeValues = Record<Exclude<MergeField, 'address'>, string> & { address: Address | null };

function isEmpty(v: MergeValues[MergeField]): boolean {
  if (v === null || v === '') return true;
  return typeof v === 'object' && Object.values(v).every((x) => x === null || x === '');
}

/**
 * Which side each field takes: as asked, else the kept customer's, filled from the other's when
 * the kept one has none. Answers the kept customer's values after the merge and the fields it
 * changes (before and after). Pure.
 */
export function chooseFields(keep: MergeValues, other: MergeValues, asked: Partial<Record<MergeField, MergeSide>> = {}) {
  const after = { ...keep };
  const changed: MergeField[] = [];
  for (const f of mergeFields) {
    const side = asked[f] ?? (isEmpty(keep[f]) && !isEmpty(other[f]) ? 'merge' : 'keep');
    if (side === 'merge' && JSON.stringify(keep[f]) !== JSON.stringify(other[f])) {
      (after as Record<MergeField, unknown>)[f] = other[f];
      changed.push(f);
    }
  }
  const pick = (v: MergeValues) => Object.fromEntries(changed.map((f) => [f, v[f]])) as Partial<MergeValues>;
  return { after, changed, before: pick(keep), afterChanged: pick(after) };
}

const PAIR_COLUMNS = ['id', 'first_name', 'last_name', 'email_key', 'phone_number', 'date_of_birth', 'updated_at'] as const;
// Customers read per statement while pairs are looked for (each page on a turn of its own).
const PAIR_PAGE = 2000;

export class MergeService {
  /** The pairs found last, for the country they were read in, until the next committed change (an owner pages through one list). */
  private pairs: { country: string | null; found: FoundPair[] } | null = null;
  /** Counts commits: a list found across turns while one landed is answered, not kept. */
  private generation = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly writes: UnitOfWork,
    private readonly customers: CustomerService,
    private readonly links: Links,
    private readonly country: () => Promise<string | null>,
  ) {
    writes.onCommitted(() => {
      this.pairs = null;
      this.generation++;
    });
  }

  /** customers.duplicatePairs: strongest first, a page at a time. */
  async duplicatePairs(page: number, limit: number) {
    const country = await this.country();
    // The store's country read phones: another one (Settings → Store) is another list.
    const all = this.pairs?.country === country ? this.pairs.found : await this.findAll(country);
    const slice = all.slice((page - 1) * limit, page * limit);
    const ids = [...new Set(slice.flatMap((p) => [p.aId, p.bId]))];
    const sides = await this.pairCustomers(ids);
    const pairs: DuplicatePair[] = slice.flatMap((p) => {
      const a = sides.get(p.aId);
      const b = sides.get(p.bId);
      return a && b ? [{ a, b, reasons: p.reasons, names: p.names, strength: p.strength }] : [];
    });
    return { pairs, pagination: { page, limit, total: all.length, totalPages: Math.ceil(all.length / limit) } };
  }

  /**
   * Every live customer read a page at a time and compared in slices (findPairsSteps), the event loop
   * given back between them. The list found is kept only if nothing was committed meanwhile.
   */
  private async findAll(country: string | null): Promise<FoundPair[]> {
    const generation = this.generation;
    const rows: PairRow[] = [];
    for (let after = ''; ; ) {
      await nextTurn();
      const page = await this.db.selectFrom('customers').select(PAIR_COLUMNS).where('deleted_at', 'is', null).where('id', '>', after).orderBy('id').limit(PAIR_PAGE).execute();
      rows.push(...page);
      if (page.length < PAIR_PAGE) break;
      after = (page[page.length - 1] as PairRow).id;
    }
    const dismissed = await this.db.selectFrom('customer_pair_dismissals').select(['a_id', 'b_id']).execute();
    const found = await runInSlices(findPairsSteps(rows, country, new Set(dismissed.map((d) => pairKey(d.a_id, d.b_id)))));
    if (generation === this.generation) this.pairs = { country, found };
    return found;
  }

  private async pairCustomers(ids: string[]): Promise<Map<string, PairCustomer>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('customers')
      .selectAll()
      .select((eb) => [
        eb.selectFrom('prescriptions').select((e) => e.fn.countAll<number>().as('n')).whereRef('prescriptions.customer_id', '=', 'customers.id').as('prescriptions'),
        eb.selectFrom('attachments').select((e) => e.fn.countAll<number>().as('n')).whereRef('attachments.customer_id', '=', 'customers.id').where('attachments.removed_at', 'is', null).as('documents'),
      ])
      .where('id', 'in', ids)
      .execute();
    return new Map(
      rows.map((r) => [
        r.id,
        { id: r.id, firstName: r.first_name, lastName: r.last_name, email: r.email, phoneNumber: r.phone_number, dateOfBirth: r.date_of_birth, sex: r.sex, updatedAt: r.updated_at, prescriptions: Number(r.prescriptions ?? 0), documents: Number(r.documents ?? 0) },
      ]),
    );
  }

  /** "Not the same person": the pair stays out of the list. */
  async dismissPair(aId: string, bId: string, actor: Actor) {
    if (aId === bId) throw sameCustomer();
    const [a, b] = aId < bId ? [aId, bId] : [bId, aId];
    return this.writes.run(actor, async ({ trx, record }) => {
      const found = await trx.selectFrom('customers').select('id').where('id', 'in', [a, b]).execute();
      if (found.length < 2) throw notFound();
      const now = this.clock.now().toISOString();
      const res = await trx.insertInto('customer_pair_dismissals').values({ a_id: a, b_id: b, dismissed_at: now, dismissed_by: actor.username }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      const dismissed = Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
      if (dismissed) record({ entity: 'customer', entityId: a, customerId: a, action: 'dismissPair', after: { notSameAs: b } });
      this.pairs = null;
      return { dismissed };
    });
  }

  /** customers.merge: one unit of work, one audit entry on the kept customer. */
  async merge(input: CustomerMergeInput, actor: Actor) {
    if (input.keepId === input.mergeId) throw sameCustomer();
    const out = await this.writes.run(actor, (unit) => this.mergeIn(unit, input));
    return { ...out, customer: await this.customers.get(input.keepId) };
  }

  private async mergeIn(unit: Unit, input: CustomerMergeInput) {
    const { trx } = unit;
    const keep = await live(trx, input.keepId);
    const other = await live(trx, input.mergeId);
    // A customer made from the cloud's list has only a name and an email here: merged (and undone) it
    // would lose what the cloud holds of it. Its details arrive within minutes of a first sync.
    const arriving = [keep, other].find((c) => c.summary_at !== null);
    if (arriving) {
      throw new AppError('customer.detailsArriving', `${displayName(arriving)}’s details are still arriving from the cloud: merge once they are here`, undefined, { customerId: arriving.id });
    }
    const chosen = chooseFields(await valuesOf(trx, keep), await valuesOf(trx, other), input.fields);
    const now = this.clock.now().toISOString();

    // The merged-away customer goes first: its email is then free for the kept one to take.
    await trx.updateTable('customers').set({ deleted_at: now, updated_at: now }).where('id', '=', other.id).execute();
    await writeValues(trx, keep, chosen.after, now);

    // Its prescriptions follow, numbered after the kept customer's (the old numbers are kept for an undo).
    const top = await trx.selectFrom('prescriptions').select((eb) => eb.fn.max('version').as('v')).where('customer_id', '=', keep.id).executeTakeFirst();
    const rx = await trx.selectFrom('prescriptions').select(['id', 'version']).where('customer_id', '=', other.id).orderBy('version').execute();
    for (const [i, p] of rx.entries()) {
      await trx.updateTable('prescriptions').set({ customer_id: keep.id, version: Number(top?.v ?? 0) + i + 1 }).where('id', '=', p.id).execute();
    }
    const docs = await trx.selectFrom('attachments').select(['id', 'removed_at']).where('customer_id', '=', other.id).execute();
    if (docs.length > 0) await trx.updateTable('attachments').set({ customer_id: keep.id }).where('customer_id', '=', other.id).execute();
    const recalls = await moveRecalls(trx, other.id, keep.id);

    // A kept customer the cloud has never had takes the other's cloud record: the cloud then ends
    // with one customer, the kept one, and no email clash between a create and the delete.
    const keepLink = await this.links.get(keep.id, trx);
    const otherLink = await this.links.get(other.id, trx);
    const keepEntry = await trx.selectFrom('sync_outbox').select('tried_at').where('entity', '=', 'customer').where('entity_id', '=', keep.id).executeTakeFirst();
    const linkMoved = !keepLink && otherLink !== undefined && !keepEntry?.tried_at;
    if (linkMoved) await trx.updateTable('sync_links').set({ local_id: keep.id }).where('local_id', '=', other.id).execute();

    const id = uuidv7();
    await trx
      .insertInto('customer_merges')
      .values({
        id,
        keep_id: keep.id,
        merge_id: other.id,
        merged_at: now,
        merged_by: unit.actor.username,
        kept_before: JSON.stringify(chosen.before),
        kept_after: JSON.stringify(chosen.afterChanged),
        moved_prescriptions: JSON.stringify(rx),
        moved_documents: JSON.stringify(docs.map((d) => d.id)),
        link_moved: linkMoved ? 1 : 0,
        moved_recalls: JSON.stringify(recalls),
      })
      .execute();
    const sends: LocalChange[] = [
      ...docs.filter((d) => d.removed_at === null).map((d) => ({ entity: 'attachment' as const, entityId: d.id, customerId: keep.id, op: 'update' as const })),
      { entity: 'customer', entityId: other.id, customerId: other.id, op: 'delete', waitsFor: keep.id },
    ];
    unit.record({
      entity: 'customer',
      entityId: keep.id,
      customerId: keep.id,
      action: 'merge',
      before: chosen.before,
      after: { ...chosen.afterChanged, mergeRecordId: id, mergedId: other.id, mergedName: displayName(other), prescriptions: rx.length, documents: docs.length },
      sends,
    });
    return { mergeRecordId: id, moved: { prescriptions: rx.length, documents: docs.length } };
  }

  /** customers.unmerge: the merged-away customer back as it was; the kept one's merged fields back unless changed since. */
  async unmerge(mergeRecordId: string, actor: Actor) {
    const keptId = await this.writes.run(actor, (unit) => this.unmergeIn(unit, mergeRecordId));
    const rec = await this.db.selectFrom('customer_merges').select('merge_id').where('id', '=', mergeRecordId).executeTakeFirstOrThrow();
    return { mergeRecordId, keptId, restored: await this.customers.get(rec.merge_id) };
  }

  private async unmergeIn(unit: Unit, mergeRecordId: string): Promise<string> {
    const { trx } = unit;
    const rec = await trx.selectFrom('customer_merges').selectAll().where('id', '=', mergeRecordId).executeTakeFirst();
    if (!rec) throw new AppError('merge.notFound', 'No such merge');
    if (rec.unmerged_at !== null) throw new AppError('merge.alreadyUndone', 'This merge was already undone');
    const other = await trx.selectFrom('customers').selectAll().where('id', '=', rec.merge_id).executeTakeFirst();
    const keep = await trx.selectFrom('customers').selectAll().where('id', '=', rec.keep_id).executeTakeFirst();
    if (!other || !keep || other.purged_at !== null || keep.purged_at !== null) {
      throw new AppError('merge.purged', 'A customer of this merge was erased for good since: it cannot be undone');
    }
    if (other.deleted_at === null) throw new AppError('merge.alreadyUndone', 'The merged customer is already back');
    // Undos go newest first along a chain: once the kept customer was merged away in turn, what this
    // merge moved now sits with a third customer, and only that later merge's undo knows where; once
    // it was kept again in a later merge, that merge's "before" holds this one's values.
    const later = await laterMergeOf(trx, keep.id, rec.id);
    if (later) throw new AppError('merge.undoLaterFirst', 'A later merge changed this customer since: undo that later merge first', undefined, { mergeRecordId: later });
    const now = this.clock.now().toISOString();

    // The kept customer's fields the merge changed go back, unless changed since (then they stay).
    const before = JSON.parse(rec.kept_before) as Partial<MergeValues>;
    const after = JSON.parse(rec.kept_after) as Partial<MergeValues>;
    const reverted: MergeField[] = [];
    if (keep.deleted_at === null) {
      const current = await valuesOf(trx, keep);
      const next = { ...current };
      for (const f of Object.keys(after) as MergeField[]) {
        if (JSON.stringify(current[f]) === JSON.stringify(after[f])) {
          (next as Record<MergeField, unknown>)[f] = before[f] ?? (f === 'address' ? null : '');
          reverted.push(f);
        }
      }
      // Its old email may be someone else's since (freed by the merge): refused, naming them, as for the other's.
      if (reverted.includes('email')) await refuseTakenEmail(trx, emailKey(next.email), keep.id);
      if (reverted.length > 0) await writeValues(trx, keep, next, now);
    }
    await refuseTakenEmail(trx, other.email_key, other.id);
    await trx.updateTable('customers').set({ deleted_at: null, updated_at: now }).where('id', '=', other.id).execute();
    const rx = JSON.parse(rec.moved_prescriptions) as { id: string; version: number }[];
    for (const p of rx) await trx.updateTable('prescriptions').set({ customer_id: other.id, version: p.version }).where('id', '=', p.id).execute();
    const docIds = JSON.parse(rec.moved_documents) as string[];
    if (docIds.length > 0) await trx.updateTable('attachments').set({ customer_id: other.id }).where('id', 'in', docIds).execute();
    await moveRecallsBack(trx, JSON.parse(rec.moved_recalls) as MovedRecalls, keep.id, other.id);
    const liveDocs = docIds.length > 0 ? await trx.selectFrom('attachments').select('id').where('id', 'in', docIds).where('removed_at', 'is', null).execute() : [];

    // Back as a new cloud customer (a link to a cloud record deleted since went with that delete;
    // one whose delete never went is updated instead: push.ts sends a linked create as an update).
    // A cloud record the kept customer took from it goes back to it, and the kept one is sent as
    // new, once that record has its own values (and email) again.
    const handBack = rec.link_moved === 1 && (await this.links.get(keep.id, trx)) !== undefined && (await this.links.get(other.id, trx)) === undefined;
    if (handBack) await trx.updateTable('sync_links').set({ local_id: other.id }).where('local_id', '=', keep.id).execute();
    unit.record({
      entity: 'customer',
      entityId: keep.id,
      customerId: keep.id,
      action: 'unmerge',
      before: { ...pick(after, reverted), mergeRecordId },
      after: { ...pick(before, reverted), restoredId: other.id, restoredName: displayName(other) },
      sends: [
        // Its email goes back to it here; there, only once the kept customer's update has freed it.
        { entity: 'customer', entityId: other.id, customerId: other.id, op: 'create', ...(reverted.includes('email') && !handBack ? { waitsFor: keep.id } : {}) },
        ...liveDocs.map((d) => ({ entity: 'attachment' as const, entityId: d.id, customerId: other.id, op: 'create' as const })),
        ...(handBack
          ? [{ entity: 'customer' as const, entityId: keep.id, customerId: keep.id, op: 'create' as const, waitsFor: other.id }]
          : keep.deleted_at === null
            ? [{ entity: 'customer' as const, entityId: keep.id, customerId: keep.id, op: 'update' as const }]
            : []),
      ],
    });
    await trx.updateTable('customer_merges').set({ unmerged_at: now, unmerged_by: unit.actor.username }).where('id', '=', rec.id).execute();
    return keep.id;
  }

  /** Past merges, newest first, with whether each can still be undone. */
  async list(limit: number): Promise<MergeRecord[]> {
    const rows = await this.db
      .selectFrom('customer_merges as m')
      .innerJoin('customers as k', 'k.id', 'm.keep_id')
      .innerJoin('customers as o', 'o.id', 'm.merge_id')
      .select(['m.id', 'm.keep_id', 'm.merge_id', 'm.merged_at', 'm.merged_by', 'm.unmerged_at', 'm.moved_prescriptions', 'm.moved_documents'])
      .select(['k.first_name as k_first', 'k.last_name as k_last', 'k.email as k_email', 'k.purged_at as k_purged'])
      .select(['o.first_name as o_first', 'o.last_name as o_last', 'o.email as o_email', 'o.purged_at as o_purged'])
      .select((eb) =>
        eb
          .selectFrom('customer_merges as l')
          .select('l.id')
          .where((w) => w.or([w('l.merge_id', '=', w.ref('m.keep_id')), w.and([w('l.keep_id', '=', w.ref('m.keep_id')), w('l.id', '>', w.ref('m.id'))])]))
          .where('l.unmerged_at', 'is', null)
          .orderBy('l.merged_at', 'desc')
          .limit(1)
          .as('undo_first'),
      )
      .orderBy('m.merged_at', 'desc')
      .orderBy('m.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      keepId: r.keep_id,
      mergeId: r.merge_id,
      keptName: displayName({ first_name: r.k_first, last_name: r.k_last, email: r.k_email }),
      mergedName: displayName({ first_name: r.o_first, last_name: r.o_last, email: r.o_email }),
      mergedAt: r.merged_at,
      mergedBy: r.merged_by,
      prescriptions: (JSON.parse(r.moved_prescriptions) as unknown[]).length,
      documents: (JSON.parse(r.moved_documents) as unknown[]).length,
      unmergedAt: r.unmerged_at,
      undoFirst: r.unmerged_at === null ? (r.undo_first ?? null) : null,
      canUndo: r.unmerged_at === null && r.k_purged === null && r.o_purged === null && r.undo_first === null,
    }));
  }
}

function pick<T extends object>(o: T, keys: string[]): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k))) as Partial<T>;
}

/** A later merge, not undone, that merged this customer away or kept it again (ids are time-ordered UUIDv7). */
async function laterMergeOf(db: Db, customerId: string, mergeRecordId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('customer_merges')
    .select('id')
    .where((w) => w.or([w('merge_id', '=', customerId), w.and([w('keep_id', '=', customerId), w('id', '>', mergeRecordId)])]))
    .where('unmerged_at', 'is', null)
    .orderBy('merged_at', 'desc')
    .executeTakeFirst();
  return row?.id;
}

/** An undo gives an email back only when no other live customer holds it now. */
async function refuseTakenEmail(db: Db, key: string, ownerId: string): Promise<void> {
  if (key === '') return;
  const holder = await db.selectFrom('customers').select('id').where('email_key', '=', key).where('deleted_at', 'is', null).where('id', '!=', ownerId).executeTakeFirst();
  if (holder) throw new AppError('merge.emailTaken', 'Another customer has this email now: change it there first', undefined, { customerId: holder.id });
}

async function live(db: Db, id: string): Promise<CustomerRow> {
  const row = await db.selectFrom('customers').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  // Named: the pair an owner compares may be stale (one of them merged or deleted meanwhile).
  if (!row) throw notFound(id);
  return row;
}

async function valuesOf(db: Db, row: CustomerRow): Promise<MergeValues> {
  const a = await db.selectFrom('customer_addresses').select(['street', 'city', 'zip_code', 'state']).where('customer_id', '=', row.id).executeTakeFirst();
  return {
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phoneNumber: row.phone_number,
    dateOfBirth: row.date_of_birth,
    sex: row.sex,
    address: a && [a.street, a.city, a.zip_code, a.state].some((v) => v) ? { street: a.street, city: a.city, zipCode: a.zip_code, state: a.state } : null,
  };
}

/** Writes a customer's chosen values (the search text with them), dated `now`. */
async function writeValues(db: Db, row: CustomerRow, v: MergeValues, now: string): Promise<void> {
  await db
    .updateTable('customers')
    .set({
      first_name: v.firstName,
      last_name: v.lastName,
      email: v.email,
      email_key: emailKey(v.email),
      phone_number: v.phoneNumber,
      date_of_birth: v.dateOfBirth,
      sex: v.sex as CustomerRow['sex'],
      search_text: searchTextOf(v),
      updated_at: now,
    })
    .where('id', '=', row.id)
    .execute();
  const cols = { street: v.address?.street ?? null, city: v.address?.city ?? null, zip_code: v.address?.zipCode ?? null, state: v.address?.state ?? null };
  const has = await db.selectFrom('customer_addresses').select('id').where('customer_id', '=', row.id).executeTakeFirst();
  if (has) await db.updateTable('customer_addresses').set(cols).where('id', '=', has.id).execute();
  else if (v.address) await db.insertInto('customer_addresses').values({ id: uuidv7(), customer_id: row.id, ...cols }).execute();
}

function notFound(customerId?: string) {
  return new AppError('customer.notFound', 'Customer not found', undefined, customerId ? { customerId } : undefined);
}

function sameCustomer() {
  return new AppError('merge.sameCustomer', 'A customer cannot be merged with itself');
}


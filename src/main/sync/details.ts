import { sql } from 'kysely';
import type { CustomerGroup } from '../../shared/customers/schema';
import { setGroups } from '../customers/groups';
import type { CustomerSummary } from '../customers/summary';
import type { Unit } from '../unit-of-work';
import { refusalOfCloudCustomer } from './apply';
import type { CloudClient, CloudCustomer, CloudListItem } from './cloud-client';
import { CommitBatch } from './commit-batch';
import { type Fields, changedFields, documentOfCustomer, fieldsOf } from './document';
import type { Lane } from './limiter';
import { type PullDeps, deletedThereIn } from './pull';
import { iso, pool } from './push';

/*
 * A new PC's first sync, summaries first (issue 14). The cloud's list (100 a request) says enough to
 * find a customer by name and email: a customer first seen there is made from it at once, marked
 * "details arriving", and its detail (one request each, under the 100 a minute) is fetched after,
 * in the background, most recently updated there first; one staff open is fetched ahead of them.
 * The link's shadow is the customer as the summary made it (every field the list lacks empty), so
 * a local edit meanwhile merges as any other: the cloud's values fill what was empty here.
 */

/**
 * Details fetched per batch (a minute of the default budget), committed as they come back (in
 * batches of 25, none waiting over 250 ms); pushes waiting go out between batches.
 */
const BATCH = 100;
/** Requests queued at the limiter at once: it keeps a few on the wire; the others wait their turn there. */
const CONCURRENCY = 8;

/** What the cloud's list item says of the customer. */
export function summaryOf(item: CloudListItem): CustomerSummary {
  return { name: item.name ?? '', email: item.userName ?? null };
}

/** The item's groups; null when the list did not say (then they are left as they are). */
export function groupsOfItem(item: CloudListItem): CustomerGroup[] | null {
  return item.groups ? item.groups.map((g) => ({ id: g.id, name: g.name })) : null;
}

/**
 * A listed customer applied from its summary: made here (new), or its summary updated while the
 * detail is still to come. 'fetch': the local rules cannot hold the summary (an email used here by
 * another customer…): the caller fetches the detail, which is refused or kept as any other.
 */
export async function applySummary(deps: PullDeps, unit: Unit, item: CloudListItem): Promise<'applied' | 'skipped' | 'fetch'> {
  const { trx } = unit;
  const now = deps.clock.now().toISOString();
  const [link] = await deps.links.byCloudIds([item.id], trx);
  const summary = summaryOf(item);
  let localId: string;
  let shadow: Fields | null;
  if (link) {
    // A change waiting here: the push reads the cloud's full copy and merges (the detail with it).
    if (await deps.outbox.get('customer', link.local_id, trx)) return 'skipped';
    if (!(await isPending(deps, unit, link.local_id))) return 'fetch';
    await deps.local.updateSummary(unit, link.local_id, summary);
    localId = link.local_id;
    shadow = await deps.local.fields(trx, localId);
  } else {
    // Our own create whose answer was lost, or the same person waiting here to be pushed: the push links them.
    if (await deps.outbox.mayBeOurs(summary.email ?? '', trx)) return 'skipped';
    const made = await deps.local.insertSummary(unit, summary);
    if (!made) return 'fetch';
    localId = made.id;
    shadow = made.fields;
  }
  await deps.links.put(trx, { localId, entity: 'customer', cloudId: item.id, shadow, remoteUpdatedAt: iso(item.updatedAt) }, now);
  await deps.refused.forget(trx, [item.id]);
  const groups = groupsOfItem(item);
  // A customer just made is in no group yet: only groups to add.
  if (groups && (link || groups.length > 0)) await setGroups(trx, localId, groups);
  return 'applied';
}

async function isPending(deps: PullDeps, unit: Unit, localId: string): Promise<boolean> {
  const row = await unit.trx.selectFrom('customers').select('summary_at').where('id', '=', localId).where('deleted_at', 'is', null).executeTakeFirst();
  return row !== undefined && row.summary_at !== null;
}

/**
 * The cloud's full copy of a customer made from its summary, applied here: every field the cloud
 * has, the link's shadow now the whole customer. Nothing when it is no longer waiting for it (the
 * other lane brought it first) or a change of ours waits (the push merges it with the cloud's copy).
 */
export async function applyDetail(deps: PullDeps, unit: Unit, localId: string, cloudId: string, remote: CloudCustomer | null): Promise<boolean> {
  const { trx } = unit;
  const link = await deps.links.get(localId, trx);
  if (!link || link.cloud_id !== cloudId || !(await isPending(deps, unit, localId))) return false;
  if (await deps.outbox.get('customer', localId, trx)) return false;
  if (!remote) return deletedThereIn(deps, unit, localId);
  const mine = await deps.local.fields(trx, localId);
  if (!mine) return false;
  const doc = documentOfCustomer(remote);
  const theirs = fieldsOf(doc);
  const paths = changedFields(mine, theirs);
  // A customer the local rules refuse is not kept half here: as when a pull meets one whole, it is
  // left out and named on the Sync screen (sync_refused), fetched again once it changes there.
  const refusal = refusalOfCloudCustomer(doc);
  const refused = refusal ? paths : await deps.local.update(unit, localId, theirs, paths);
  if (refused.length > 0) {
    const first = refused[0]!;
    const why = refusal ?? { field: first, value: theirs[first], reason: 'The local rules refuse this value' };
    await deps.local.delete(unit, localId);
    await deps.links.remove(trx, localId);
    const name = `${String(doc.customerData.firstName ?? '')} ${String(doc.customerData.lastName ?? '')}`.trim();
    await deps.refused.record(trx, { cloudId, remoteUpdatedAt: iso(remote.updatedAt), name, ...why }, deps.clock.now().toISOString());
    return false;
  }
  await deps.local.detailsArrived(trx, localId);
  await deps.links.put(trx, { localId, entity: 'customer', cloudId, shadow: theirs, remoteUpdatedAt: iso(remote.updatedAt) }, deps.clock.now().toISOString());
  return true;
}

interface Waiting {
  localId: string;
  cloudId: string;
}

/** The next customers whose detail is still to fetch, most recently updated in the cloud first. */
async function nextWaiting(deps: PullDeps, limit: number, skip: Set<string>): Promise<Waiting[]> {
  const rows = await deps.db
    .selectFrom('sync_links')
    .innerJoin('customers', 'customers.id', 'sync_links.local_id')
    .select(['sync_links.local_id', 'sync_links.cloud_id'])
    .where('sync_links.entity', '=', 'customer')
    .where('customers.summary_at', 'is not', null)
    .where('customers.deleted_at', 'is', null)
    .where(sql<boolean>`sync_links.local_id not in (select value from json_each(${JSON.stringify([...skip])}))`)
    .orderBy('sync_links.remote_updated_at', 'desc')
    .orderBy('sync_links.local_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ localId: r.local_id, cloudId: r.cloud_id }));
}

/** Customers made from a summary whose detail has not arrived yet (live ones). */
export async function countWaitingDetails(deps: Pick<PullDeps, 'db'>): Promise<number> {
  const row = await deps.db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('summary_at', 'is not', null)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Fetches every missing detail, in batches, most recently updated first; after each batch
 * `between` runs (saves made meanwhile go out; a pull when one is due). Each customer is tried once
 * a pass: one that could not be applied (a change of ours waits: the push brings it) is not spun on.
 * `onApplied` hears of each one applied (the header's progress).
 */
export async function fetchDetails(deps: PullDeps, client: CloudClient, between: () => Promise<void>, onApplied: () => void): Promise<number> {
  const tried = new Set<string>();
  let applied = 0;
  for (;;) {
    const batch = await nextWaiting(deps, BATCH, tried);
    if (batch.length === 0) return applied;
    for (const w of batch) tried.add(w.localId);
    applied += await fetchAndApply(deps, client, batch, 'background', onApplied);
    await between();
  }
}

/** One customer's detail now, ahead of the background queue (staff opened them). */
export async function fetchDetailNow(deps: PullDeps, client: CloudClient, localId: string, onApplied: () => void): Promise<void> {
  const link = await deps.links.get(localId);
  if (!link || link.entity !== 'customer') return;
  await fetchAndApply(deps, client, [{ localId, cloudId: link.cloud_id }], 'priority', onApplied);
}

async function fetchAndApply(deps: PullDeps, client: CloudClient, batch: Waiting[], lane: Lane, onApplied: () => void): Promise<number> {
  const commits = new CommitBatch((work) => deps.local.fromCloud(work));
  let applied = 0;
  try {
    await pool(batch, CONCURRENCY, async (w) => {
      const remote = await client.getCustomer(w.cloudId, lane);
      commits.add(
        async (unit) => {
          if (await applyDetail(deps, unit, w.localId, w.cloudId, remote)) {
            applied++;
            onApplied();
          }
        },
        (err) => async () => deps.log.error(`sync: could not apply a customer's detail from the cloud (${w.cloudId})`, err),
      );
    });
  } finally {
    await commits.flush();
  }
  return applied;
}

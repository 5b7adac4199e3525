import { readSetting, writeSetting } from '../settings';
import type { Unit } from '../unit-of-work';
import { CommitBatch } from './commit-batch';
import type { CloudClient, CloudCustomer, CloudListItem } from './cloud-client';
import { changedFields, documentOfCustomer, fieldsOf } from './document';
import { type PushDeps, iso, pool } from './push';
import type { RefusedCustomers } from './refused';
import { setGroups } from '../customers/groups';
import { applySummary, groupsOfItem } from './details';
import { keepMergedCustomer } from './kept-in-merge';

/** A pull needs what a push does, but the conflicts and the document files; and what was refused here. */
export type PullDeps = Omit<PushDeps, 'files'> & { refused: RefusedCustomers };

const PAGE = 100;
/** Detail fetches in flight: a pull waits on the network, not on this PC. */
const CONCURRENCY = 16;
/** The cursor is re-read this far back: ties on updatedAt and clocks a little apart are normal. */
const OVERLAP_MS = 60_000;
export const CURSOR_KEY = 'sync.pullCursor';
/** Pages read again in one pass because the list shrank under it; past that, the cursor stays. */
const MAX_STEPS_BACK = 10;

/**
 * Brings others' changes here. The cloud has no change feed: its list is paged newest first by
 * updatedAt until past the cursor (minus an overlap); a customer whose updatedAt is not the one we
 * last synced is fetched in full and applied at once (its link and updatedAt with it). The cursor is
 * committed once a pass is complete, so a crash or a failure mid-way re-reads the list (and skips,
 * by updatedAt, what was already applied). `betweenPages` runs after each page but the last; it
 * answers true when it changed the cloud (pushed something), which may have shifted the pages.
 *
 * The list is paged by offset. A customer deleted (here or elsewhere) between two pages' listings
 * moves every later one up a place: the first of the next page ends up last of the page already
 * read, never seen. A list that shrank since the previous page's listing is that sign (a create or
 * an update moves customers down, never up: seen twice, harmless, and what moved to the top is past
 * the cursor for the next pass), so the pass steps back and reads the previous page again; what it
 * had applied is skipped by updatedAt, only the list request is spent.
 */
export async function pull(deps: PullDeps, client: CloudClient, betweenPages?: () => Promise<boolean>): Promise<{ applied: number; cloudTotal: number }> {
  const cursor = (await readSetting(deps.db, CURSOR_KEY)) as string | undefined;
  const floor = cursor ? new Date(Date.parse(cursor) - OVERLAP_MS).toISOString() : null;
  let newest: string | null = null;
  let applied = 0;
  let cloudTotal = 0;
  let shifted = false;
  let listedTotal: number | null = null;
  let stepsBack = 0;
  const listPage = (page: number) => client.listCustomers({ page, limit: PAGE, sortBy: 'updatedAt', sortOrder: 'desc' });
  let next = listPage(1);
  for (let page = 1; ; ) {
    const { data, pagination } = await next;
    if (listedTotal === null) newest = data[0] ? iso(data[0].updatedAt) : null;
    const shrank = listedTotal !== null && pagination.total < listedTotal;
    listedTotal = cloudTotal = pagination.total;
    const back = shrank && page > 1 && stepsBack < MAX_STEPS_BACK;
    if (shrank && !back) shifted = true;
    const inWindow = data.filter((item) => floor === null || iso(item.updatedAt) >= floor);
    const last = page >= pagination.totalPages || data.length === 0 || inWindow.length < data.length;
    // The next page is on its way while this one's customers are fetched and applied.
    if (!last && !back) {
      next = listPage(page + 1);
      next.catch(() => undefined); // awaited on the next turn; a failure there is handled there
    }
    // A pass whose pages may have shifted (a delete pushed between them moves every later customer up
    // one place) may have missed one: the cursor stays, and the next pass reads the list again.
    applied += await applyItems(deps, client, inWindow, last && !back && !shifted && newest && (!cursor || newest > cursor) ? newest : null);
    if (back) {
      stepsBack++;
      page--;
      next = listPage(page);
      continue;
    }
    if (last) break;
    // A first sync under the rate limit takes a minute per 100 customers: saves made meanwhile go
    // out between pages rather than after the whole store has come down.
    if (await betweenPages?.()) shifted = true;
    page++;
  }
  return { applied, cloudTotal };
}

/**
 * Compares the cloud's complete list with what is known here: a linked customer missing from it is
 * fetched, and a 404 means it was deleted there; a cloud customer neither linked nor refused here
 * (at its current version) is fetched and applied as a pull would (a possible create of ours is
 * still left to the push). Catches what a pull can miss: a page shifting under it more often than
 * it steps back, a pass cut short. Answers the cloud's count as listed.
 */
export async function reconcile(deps: PullDeps, client: CloudClient): Promise<{ removed: number; applied: number; cloudTotal: number }> {
  const seen = new Map<string, CloudListItem>();
  let cloudTotal = 0;
  for (let page = 1; ; page++) {
    const { data, pagination } = await client.listCustomers({ page, limit: PAGE, sortBy: 'createdAt', sortOrder: 'asc' });
    for (const item of data) seen.set(item.id, item);
    cloudTotal = pagination.total;
    if (page >= pagination.totalPages || data.length === 0) break;
  }
  const links = await deps.links.customers();
  const missing = links.filter((l) => !seen.has(l.cloud_id));
  let removed = 0;
  await pool(missing, CONCURRENCY, async (link) => {
    if (await client.getCustomer(link.cloud_id)) return;
    if (await deletedThere(deps, link.local_id)) removed++;
  });
  // Refused customers gone from the cloud need no explaining any more.
  await deps.refused.forget(deps.db, (await deps.refused.cloudIds()).filter((id) => !seen.has(id)));
  const linked = new Set(links.map((l) => l.cloud_id));
  const applied = await applyItems(deps, client, [...seen.values()].filter((i) => !linked.has(i.id)), null);
  return { removed, applied, cloudTotal };
}

/**
 * Applies a page's changed customers. One first seen here, or still waiting for its detail, is
 * made (or updated) from its list item at once (details.ts: findable now, its detail fetched after,
 * in the background); any other is fetched and applied as soon as it is back, with its link and
 * updatedAt, in batched commits: what was fetched is kept whatever happens next (a long pause for
 * the cloud's rate limit, a crash, the network gone), and the next pass skips it by its updatedAt.
 * Applying a whole page only once all of it had arrived meant a failure threw the page's work
 * away, and under the cloud's rate limit the same page was fetched again and again.
 */
async function applyItems(deps: PullDeps, client: CloudClient, items: CloudListItem[], cursorAfter: string | null): Promise<number> {
  const known = new Map((await deps.links.byCloudIds(items.map((i) => i.id))).map((l) => [l.cloud_id, l]));
  // Refused here at this very version: fetched again only once it changes in the cloud.
  const refusedAt = await deps.refused.versions(items.filter((i) => !known.has(i.id)).map((i) => i.id));
  const changed = items.filter((i) => {
    const at = iso(i.updatedAt);
    const link = known.get(i.id);
    return link ? link.remote_updated_at !== at : refusedAt.get(i.id) !== at;
  });
  // A page's summaries commit together (a durable commit costs milliseconds on a counter PC; a
  // 10,000-customer store is 100 pages); the details fetched after, as they come back.
  const summaries = new CommitBatch((work) => deps.local.fromCloud(work), Math.max(1, items.length));
  const commits = new CommitBatch((work) => deps.local.fromCloud(work));
  let applied = 0;
  const toFetch: CloudListItem[] = [];
  try {
    for (const item of changed) {
      summaries.add(
        async (unit) => {
          const outcome = await applySummary(deps, unit, item);
          if (outcome === 'applied') applied++;
          else if (outcome === 'fetch') toFetch.push(item);
        },
        (err) => async () => deps.log.error(`sync: could not apply a customer from the cloud's list (${item.id})`, err),
      );
    }
    // The list carries groups whether or not the customer changed otherwise.
    const unchanged = items.filter((i) => !changed.includes(i) && known.has(i.id) && groupsOfItem(i));
    if (unchanged.length > 0) summaries.add(async ({ trx }) => {
      for (const i of unchanged) await setGroups(trx, known.get(i.id)!.local_id, groupsOfItem(i)!);
    }, (err) => async () => deps.log.error('sync: could not keep the groups the cloud listed', err));
    await summaries.flush();
    await pool(toFetch, CONCURRENCY, async (item) => {
      const remote = await client.getCustomer(item.id);
      commits.add(
        async (unit) => {
          if (await applyOne(deps, unit, item, remote)) applied++;
        },
        // Not applied, so not linked either: the next pass fetches it again.
        (err) => async () => deps.log.error(`sync: could not apply a customer from the cloud (${item.id})`, err),
      );
    });
  } finally {
    await summaries.flush();
    await commits.flush();
  }
  // The pass is complete once everything it fetched is committed.
  if (cursorAfter) await writeSetting(deps.db, CURSOR_KEY, cursorAfter, deps.clock.now().toISOString());
  return applied;
}

/** One customer as the cloud has it now (null: deleted there), applied here; true when something changed here. */
async function applyOne(deps: PullDeps, unit: Unit, item: CloudListItem, remote: CloudCustomer | null): Promise<boolean> {
  const { trx } = unit;
  const now = deps.clock.now().toISOString();
  // Read again here: a push may have linked it since the page was listed.
  const [link] = await deps.links.byCloudIds([remote?.id ?? item.id], trx);
  // A customer with a change waiting here is merged by the push, which reads the cloud first:
  // a pull never overwrites a field with a pending local change.
  if (link && (await deps.outbox.get('customer', link.local_id, trx))) return false;
  if (!remote) {
    await deps.refused.forget(trx, [item.id]);
    return link ? deletedThereIn(deps, unit, link.local_id) : false;
  }
  const theirs = fieldsOf(documentOfCustomer(remote));
  const remoteUpdatedAt = iso(remote.updatedAt);
  const groups = groupsOfItem(item);
  if (link) {
    const mine = await deps.local.fields(trx, link.local_id);
    if (mine) await deps.local.update(unit, link.local_id, theirs, changedFields(mine, theirs));
    // A summary made here by an older pass: this is its detail.
    await deps.local.detailsArrived(trx, link.local_id);
    await deps.links.put(trx, { localId: link.local_id, entity: 'customer', cloudId: remote.id, shadow: theirs, remoteUpdatedAt }, now);
    if (groups) await setGroups(trx, link.local_id, groups);
    return true;
  }
  // New here. It may be our own create whose answer was lost, or the same person waiting here
  // to be pushed (entered on two PCs): the push links them (409 → find by email); until then,
  // nothing is copied.
  if (await deps.outbox.mayBeOurs(String(remote.localData.email ?? ''), trx)) return false;
  const inserted = await deps.local.insert(unit, documentOfCustomer(remote));
  if ('refused' in inserted) {
    // Kept, with the version refused, for staff to see (Sync screen) and for the pull to skip.
    const name = `${String(remote.localData.firstName ?? '')} ${String(remote.localData.lastName ?? '')}`.trim();
    await deps.refused.record(trx, { cloudId: remote.id, remoteUpdatedAt, name, ...inserted.refused }, now);
    return false;
  }
  await deps.links.put(trx, { localId: inserted.id, entity: 'customer', cloudId: remote.id, shadow: theirs, remoteUpdatedAt }, now);
  await deps.refused.forget(trx, [remote.id]);
  if (groups) await setGroups(trx, inserted.id, groups);
  return true;
}

async function deletedThere(deps: PullDeps, localId: string): Promise<boolean> {
  return deps.local.fromCloud((unit) => deletedThereIn(deps, unit, localId));
}

/** Deleted in the cloud, no change waiting here: delete here too. (With a change waiting, the push decides.) */
export async function deletedThereIn(deps: PullDeps, unit: Unit, localId: string): Promise<boolean> {
  const { trx } = unit;
  if (await deps.outbox.get('customer', localId, trx)) return false;
  if (await keepMergedCustomer(deps, unit, localId)) return true;
  if (await deps.local.fields(trx, localId)) await deps.local.delete(unit, localId);
  await deps.links.remove(trx, localId);
  return true;
}

import type { Kysely } from 'kysely';
import type { ContentStore } from '../attachments/file-store';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';
import type { Logger } from '../log';
import type { Unit } from '../unit-of-work';
import type { LocalApply } from './apply';
import { type CloudClient, type CloudCustomer, CloudError, type CloudFile } from './cloud-client';
import type { Conflicts } from './conflicts';
import { CommitBatch, type Work } from './commit-batch';
import { type CustomerDocument, changedFields, changesOnly, documentOf, documentOfCustomer, fieldsOf } from './document';
import { type Link, type Links, shadowOf } from './links';
import { baseOf, mergeFields } from './merge';
import { type Outbox, type OutboxEntry, sentFields } from './outbox';
import { keepMergedCustomer } from './kept-in-merge';

export interface PushDeps {
  db: Kysely<Database>;
  outbox: Outbox;
  links: Links;
  conflicts: Conflicts;
  local: LocalApply;
  files: ContentStore;
  clock: Clock;
  log: Logger;
}

/** Customers pushed at once: the cloud is a network away, so a few requests are kept in flight. */
const CONCURRENCY = 8;
const BATCH = 200;

interface Group {
  customerId: string;
  customer: OutboxEntry | undefined;
  files: OutboxEntry[];
}

/**
 * Sends queued changes to the cloud, oldest first, customer before its files. Returns how many
 * entries were handled; a network-level failure stops the round (the engine backs off), a change the
 * cloud refuses (400/403/409) is parked with the cloud's message and the rest goes on.
 */
export async function pushRound(deps: PushDeps, client: CloudClient): Promise<number> {
  const entries = await deps.outbox.ready(BATCH);
  if (entries.length === 0) return 0;
  const groups = groupByCustomer(entries);
  const deletes = groups.filter((g) => g.customer?.op === 'delete');
  const others = groups.filter((g) => g.customer?.op !== 'delete');

  const pusher = new Pusher(deps, client);
  try {
    if (deletes.length > 0) await pusher.deletes(deletes);
    const creates = await pusher.prepareCreates(others);
    await pool(others, CONCURRENCY, (g) => pusher.group(g, creates.get(g.customerId)));
  } finally {
    // What came back before a failure is kept, not pushed again.
    await pusher.commits.flush();
    await pusher.unmarkUnsent();
  }
  return entries.length;
}

interface PreparedCreate {
  doc: CustomerDocument;
  /** The entry as it was before this round marked it sent (was it tried before?). */
  before: OutboxEntry;
}

class Pusher {
  readonly commits: CommitBatch;
  /**
   * Creates marked sent by this round whose POST has not gone out (or got a 429: the cloud did
   * nothing). If the round ends before they go, they are unmarked: otherwise the next round would
   * look each one up by email first, two requests each out of the cloud's rate limit, for nothing.
   */
  private readonly unsent = new Map<string, OutboxEntry>();

  constructor(
    private readonly d: PushDeps,
    private readonly client: CloudClient,
  ) {
    this.commits = new CommitBatch((work) => d.local.fromCloud(work));
  }

  /**
   * Reads the round's new customers and marks them sent, all in one transaction (not one commit
   * each): from here on their outcome may be unknown, and a retry looks them up by email first.
   */
  async prepareCreates(groups: Group[]): Promise<Map<string, PreparedCreate>> {
    const out = new Map<string, PreparedCreate>();
    const linked = new Set((await this.d.db.selectFrom('sync_links').select('local_id').where('local_id', 'in', groups.map((g) => g.customerId).concat('')).execute()).map((l) => l.local_id));
    const candidates = groups.filter((g) => g.customer?.op === 'create' && !linked.has(g.customerId));
    if (candidates.length === 0) return out;
    await this.d.db.transaction().execute(async (trx) => {
      for (const g of candidates) {
        const doc = await this.d.local.document(trx, g.customerId);
        if (!doc) continue; // deleted meanwhile: its entry is a delete now
        out.set(g.customerId, { doc, before: g.customer! });
        // One tried before keeps what it was sent with until it has been looked for (create()).
        if (g.customer!.tried_at === null) {
          await this.d.outbox.markSending(g.customer!, fieldsOf(doc), trx);
          this.unsent.set(g.customerId, g.customer!);
        }
      }
    });
    return out;
  }

  async group(g: Group, prepared: PreparedCreate | undefined): Promise<void> {
    // Files whose customer has a change of its own waiting (in a later round, or parked) wait for
    // it: sent alone they would merge as if nothing had changed here, and undo that change.
    if (!g.customer && (await this.d.outbox.get('customer', g.customerId))) return;
    try {
      const link = prepared ? undefined : await this.d.links.get(g.customerId);
      if (link) await this.update(g, link, null);
      else if (prepared) await this.create(g, prepared);
    } catch (err) {
      if (!(err instanceof CloudError) || err.transient || err.kind === 'auth') throw err;
      // Deleted there between our read and our write.
      if (err.kind === 'notFound' && (await this.d.links.get(g.customerId))) return this.deletedThere(g);
      const entry = g.customer ?? g.files[0];
      if (entry) {
        this.d.log.warn(`sync: parked a ${entry.entity} change (${err.kind}): ${err.message}`);
        await this.d.outbox.park(entry, err.message);
      }
    }
  }

  private async create(g: Group, { doc, before }: PreparedCreate): Promise<void> {
    const entry = g.customer!;
    const email = String(doc.customerData.email ?? '');
    // A create tried before may have reached the cloud with no answer back: find it, never re-create.
    const sentEmail = sentFields(before)?.['customerData.email'];
    if (before.tried_at !== null) {
      const found = sentEmail ? await this.client.findByEmail(sentEmail) : null;
      if (found) return this.update({ ...g, customer: before }, null, found);
      await this.d.outbox.markSending(entry, fieldsOf(doc));
    }
    const { files, done } = await this.filesOf(g.customerId, g.files);
    let reply;
    try {
      reply = await this.client.createCustomer(doc, files, `opticounter-${g.customerId}-${entry.id}`);
      this.unsent.delete(g.customerId);
    } catch (err) {
      if (!(err instanceof CloudError && err.kind === 'rateLimited')) this.unsent.delete(g.customerId);
      if (!(err instanceof CloudError && err.kind === 'conflict')) throw err;
      // Email is unique per store: it is either our own earlier try or the same person entered on
      // another PC. Either way, link to it and merge.
      const found = await this.client.findByEmail(email);
      if (!found) throw new CloudError('conflict', `The cloud says ${email} is taken, but no customer with it can be found`);
      return this.update({ ...g, customer: before }, null, found);
    }
    const now = this.d.clock.now().toISOString();
    this.commit(g, async ({ trx }) => {
      await this.d.links.put(trx, { localId: g.customerId, entity: 'customer', cloudId: reply.customer.id, shadow: fieldsOf(doc), remoteUpdatedAt: iso(reply.customer.updatedAt) }, now);
      if (!this.d.outbox.complete(entry)) this.d.outbox.downgradeToUpdate(entry);
      this.d.outbox.completeAll(done);
    });
  }

  async unmarkUnsent(): Promise<void> {
    for (const entry of this.unsent.values()) await this.d.outbox.unmarkSending(entry);
    this.unsent.clear();
  }

  /** Queues a push's bookkeeping; if writing it fails here, the entry is parked with the reason. */
  private commit(g: Group, work: Work): void {
    this.commits.add(work, (err) => async ({ trx }) => {
      this.d.log.error('sync: could not record a pushed change here', err);
      const entry = g.customer ?? g.files[0];
      if (entry) await this.d.outbox.park(entry, 'This change reached the cloud but could not be recorded here; retry it', trx);
    });
  }

  /** Read the cloud's copy, merge per field against the shadow, write back only what differs. */
  private async update(g: Group, link: Link | null, known: CloudCustomer | null): Promise<void> {
    const cloudId = known?.id ?? link?.cloud_id;
    if (!cloudId) return;
    const remote = known ?? (await this.client.getCustomer(cloudId));
    if (!remote) return this.deletedThere(g);

    // Read with the outbox in one transaction: files sent alone merge as if nothing had changed
    // here, so an edit saved since the round began (while the cloud was read) makes them wait for
    // it; and an edit's merge takes the time of the latest change, not the round's.
    const { local, entry } = await this.d.db.transaction().execute(async (trx) => ({
      local: await this.d.local.document(trx, g.customerId),
      entry: await this.d.outbox.get('customer', g.customerId, trx),
    }));
    if (!local || (entry && !g.customer)) return;
    const cloudDoc = documentOfCustomer(remote);
    const mine = fieldsOf(local);
    const theirs = fieldsOf(cloudDoc);
    const shadow = shadowOf(link);
    const base = baseOf(shadow, sentFields(g.customer), theirs);
    if (!link || JSON.stringify(base) !== JSON.stringify(shadow)) {
      // What we now know is ours (a create found by email, a write whose answer was lost) is
      // recorded before the next attempt: if that one fails too, it is not forgotten.
      const now = this.d.clock.now().toISOString();
      await this.d.db.transaction().execute((trx) =>
        this.d.links.put(trx, { localId: g.customerId, entity: 'customer', cloudId, shadow: base ?? {}, remoteUpdatedAt: iso(remote.updatedAt) }, now),
      );
    }
    const { merged, conflicts } = mergeFields(base, mine, theirs, (entry ?? g.customer)?.changed_at ?? null, iso(remote.updatedAt));
    const { files, done } = await this.filesOf(g.customerId, g.files);
    let changed = changedFields(theirs, merged);
    // A merge gave this customer the email of the one it deletes next: the cloud (email unique per
    // store) would refuse it until that delete went, and the delete waits for this update. So the
    // rest goes now, the email in a change of its own once the delete is through.
    const emailLater = changed.includes('customerData.email') && (await this.d.outbox.isAwaited(g.customerId));
    if (emailLater) changed = changed.filter((f) => f !== 'customerData.email');
    if (changed.length > 0 || files.length > 0) {
      if (g.customer) await this.d.outbox.markSending(g.customer, merged);
      await this.client.updateCustomer(cloudId, changesOnly(documentOf(merged, cloudDoc, local), changed), files);
    }
    // The link keeps the version read, not the one written: another PC may have written other
    // fields in between, which the next pull then reads (one request) instead of never seeing them.
    const remoteUpdatedAt = iso(remote.updatedAt);

    const now = this.d.clock.now().toISOString();
    this.commit(g, async (unit) => {
      const { trx } = unit;
      await this.applyHere(unit, g.customerId, mine, merged, conflicts, now);
      const shadow = emailLater ? { ...merged, 'customerData.email': theirs['customerData.email'] } : merged;
      // The cloud's full copy was read and merged: a customer made from its summary has its detail now.
      await this.d.local.detailsArrived(trx, g.customerId);
      await this.d.links.put(trx, { localId: g.customerId, entity: 'customer', cloudId, shadow, remoteUpdatedAt }, now);
      if (g.customer && !this.d.outbox.complete(g.customer)) this.d.outbox.downgradeToUpdate(g.customer);
      this.d.outbox.completeAll(done);
      if (emailLater) this.d.outbox.requeue(g.customerId);
    });
  }

  /**
   * Writes the merge's result here: only fields still as they were when merged (staff may have
   * typed meanwhile; their edit is queued and merged next round). Refused values become conflicts.
   */
  private async applyHere(unit: Unit, customerId: string, mine: ReturnType<typeof fieldsOf>, merged: ReturnType<typeof fieldsOf>, conflicts: ReturnType<typeof mergeFields>['conflicts'], now: string) {
    const { trx } = unit;
    const current = await this.d.local.fields(trx, customerId);
    if (!current) return;
    const paths = changedFields(mine, merged).filter((f) => current[f] === mine[f]);
    const refused = await this.d.local.update(unit, customerId, merged, paths);
    const all = [...conflicts.filter((c) => !refused.includes(c.field))];
    for (const f of refused) all.push({ field: f, mine: current[f], theirs: merged[f], kept: 'mine' });
    await this.d.conflicts.recordFields(trx, customerId, all, now);
  }

  /** Edited here, deleted there: the delete wins; the edit is kept in a conflict record. */
  private async deletedThere(g: Group): Promise<void> {
    const now = this.d.clock.now().toISOString();
    await this.d.local.fromCloud(async (unit) => {
      const { trx } = unit;
      // A merge's kept customer stays and goes back as new (sync/kept-in-merge.ts).
      if (await keepMergedCustomer(this.d, unit, g.customerId)) return;
      const mine = await this.d.local.fields(trx, g.customerId);
      if (mine) {
        await this.d.conflicts.recordDeleted(trx, g.customerId, mine, now);
        await this.d.local.delete(unit, g.customerId);
      }
      await this.d.links.remove(trx, g.customerId);
      this.d.outbox.drop('customer', g.customerId);
      for (const f of g.files) this.d.outbox.drop('attachment', f.entity_id);
    });
  }

  /** Deletes, several in one bulk call. A create that never got an answer is looked up first. */
  async deletes(groups: Group[]): Promise<void> {
    const targets: { g: Group; cloudId: string | null }[] = [];
    for (const g of groups) {
      const link = await this.d.links.get(g.customerId);
      let cloudId = link?.cloud_id ?? null;
      const sentEmail = sentFields(g.customer)?.['customerData.email'];
      if (!cloudId && g.customer?.tried_at && sentEmail) cloudId = (await this.client.findByEmail(sentEmail))?.id ?? null;
      targets.push({ g, cloudId });
    }
    const ids = targets.flatMap((t) => (t.cloudId ? [t.cloudId] : []));
    if (ids.length > 1) await this.client.bulkDelete(ids);
    else if (ids.length === 1) await this.client.deleteCustomer(ids[0]!);
    await this.d.db.transaction().execute(async (trx) => {
      for (const { g } of targets) {
        await this.d.links.remove(trx, g.customerId);
        // Brought back while its delete was on the wire (a merge undone): the entry, now a create,
        // stays and sends it as a new cloud customer (the old one is gone there, its link with it).
        if (g.customer) this.d.outbox.complete(g.customer);
        for (const f of g.files) this.d.outbox.complete(f);
      }
    });
  }

  /**
   * The files to send with a customer's changed documents. The cloud replaces a type's files with
   * those sent under it, so every type a change touches is sent whole, as it is here (a retyped
   * document's old type is not known any more: then every type). A type with no document left here
   * cannot be emptied there (the cloud API has no call for it). A type with a file whose bytes are
   * missing here is not sent (the cloud keeps what it has) and its changes are parked.
   */
  private async filesOf(customerId: string, entries: OutboxEntry[]): Promise<{ files: CloudFile[]; done: OutboxEntry[] }> {
    if (entries.length === 0) return { files: [], done: [] };
    const rows = await this.d.db.selectFrom('attachments').selectAll().where('customer_id', '=', customerId).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const touched = new Set<string>();
    let everyType = false;
    for (const e of entries) {
      const row = byId.get(e.entity_id);
      if (e.op === 'update') everyType = true;
      else if (row) touched.add(row.field);
    }
    const files: CloudFile[] = [];
    const broken = new Map<string, string>();
    for (const row of rows.filter((r) => r.removed_at === null && (everyType || touched.has(r.field)))) {
      const content = await this.d.files.get(row.sha256);
      if (content.ok) files.push({ field: row.field, fileName: row.file_name, mimeType: row.mime_type, bytes: content.bytes });
      else if (!broken.has(row.field)) broken.set(row.field, `The file ${row.file_name} is ${content.problem} on this computer`);
    }
    const done: OutboxEntry[] = [];
    for (const e of entries) {
      const problem = broken.get(byId.get(e.entity_id)?.field ?? '');
      if (problem) await this.d.outbox.park(e, problem);
      else done.push(e);
    }
    return { files: files.filter((f) => !broken.has(f.field)), done };
  }

  /** Outbox statements run in a kysely transaction: that is what holds the one connection for us. */
  private completeFiles(entries: OutboxEntry[]): Promise<void> {
    return this.d.db.transaction().execute(async () => this.d.outbox.completeAll(entries));
  }
}

function groupByCustomer(entries: OutboxEntry[]): Group[] {
  const groups = new Map<string, Group>();
  for (const e of entries) {
    let g = groups.get(e.customer_id);
    if (!g) groups.set(e.customer_id, (g = { customerId: e.customer_id, customer: undefined, files: [] }));
    if (e.entity === 'customer') g.customer = e;
    else g.files.push(e);
  }
  return [...groups.values()];
}

/** Runs `work` over items with at most `limit` at once; the first failure stops new starts and is rethrown. */
export async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown = null;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (failure === null && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (err) {
        failure ??= err;
      }
    }
  });
  await Promise.all(runners);
  if (failure !== null) throw failure;
}

/** The cloud's timestamps, written one way so they compare as strings. */
export function iso(t: string): string {
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

export type { CustomerDocument };

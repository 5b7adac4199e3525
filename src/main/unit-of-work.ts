import type { Kysely, Transaction } from 'kysely';
import type { AuditEntity } from '../shared/staff/schema';
import type { Actor, AuditEvent, AuditLog } from './audit/log';
import type { Database } from './db/schema';
import type { Logger } from './log';
import type { LocalChange, Outbox } from './sync/outbox';

/** Where a unit's changes come from: this PC (queued for the cloud), or the cloud itself (applied by sync, never sent back). */
export type WriteOrigin = 'local' | 'cloud';

/**
 * What the cloud hears of each action on an entity it syncs: the one rule from an audit entry to an
 * outbox entry. `null`: the action is recorded but sends nothing (an export reads, a purge erases
 * what the cloud already forgot; recalls are local data, audited under their customer). An action missing here does not compile where it is recorded.
 */
const SENT = {
  customer: { create: 'create', undelete: 'create', update: 'update', delete: 'delete', export: null, purge: null, 'sync.resolve': null, 'sync.retry': null,
    // A merge updates the kept customer (the merged-away one's delete and the moved files are its `sends`); an
    // undo sends what it names (the kept customer's update only while it is live: a deleted one has nothing to update).
    merge: 'update', unmerge: null, dismissPair: null, 'recall.record': null, 'recall.override': null },
  // The cloud carries the current prescription in its customer's opticData.
  prescription: { create: 'update', correct: 'update' },
  // Files travel with their customer (sync/push.ts); a new type sends the file again under its new field.
  attachment: { add: 'create', setType: 'update', remove: 'delete', 'sync.retry': null },
} as const satisfies Partial<Record<AuditEntity, Record<string, LocalChange['op'] | null>>>;
type Sent = typeof SENT;
type SyncedEntity = keyof Sent;
const SENT_AS: Record<SyncedEntity, LocalChange['entity']> = { customer: 'customer', prescription: 'customer', attachment: 'attachment' };

/**
 * A change to an entity the cloud syncs names its customer (the entity itself, for a customer).
 * `sends`: what else the cloud must hear of this one audited change (a merge also deletes the
 * merged-away customer and moves its documents; an undo brings it back), queued with it.
 */
type SyncedChange = { [E in SyncedEntity]: Omit<AuditEvent, 'entity' | 'action'> & { entity: E; action: keyof Sent[E]; customerId: string; sends?: LocalChange[] } }[SyncedEntity];
type LocalOnlyChange = AuditEvent & { entity: Exclude<AuditEntity, SyncedEntity> };
/** One change, as the audit trail records it. */
export type Change = SyncedChange | LocalOnlyChange;

function isSynced(change: Change): change is SyncedChange {
  return Object.hasOwn(SENT, change.entity);
}

/** The outbox entry a local change makes, or null when the cloud has nothing to hear of it. */
export function outboxEntryOf(change: Change): LocalChange | null {
  if (!isSynced(change)) return null;
  const op = (SENT[change.entity] as Record<string, LocalChange['op'] | null>)[change.action];
  if (!op) return null;
  const entity = SENT_AS[change.entity];
  return { entity, entityId: entity === 'customer' ? change.customerId : change.entityId, customerId: change.customerId, op };
}

/** One write in progress: its transaction, who makes it and where it comes from. */
export interface Unit {
  readonly trx: Transaction<Database>;
  readonly actor: Actor;
  readonly origin: WriteOrigin;
  /**
   * Records changes written in this unit's transaction: their audit entries and, for a local change
   * the cloud syncs, their outbox entries, all committing or rolling back with the write. `as`: who
   * made them when it is not the unit's actor (the first owner records their own creation).
   */
  record(changes: Change | Change[], as?: Actor): void;
  /**
   * Queues changes for the cloud and the search index like record(), without an audit entry each:
   * for an operation audited once as a whole (an import of 100,000 customers is one entry with its
   * counts, not 100,000 rows for the chain to seal). The caller records that entry.
   * `announce: false` keeps the customers from the commit listeners (the search index): the caller
   * announces them all at once when its batch is over (UnitOfWork.announce), one rebuild rather than
   * one per chunk.
   */
  queue(changes: Change[], announce?: boolean): void;
}

/** Told, once a unit committed, which customers' own records it changed (never after a rollback). */
export type CommitListener = (customerIds: string[]) => Promise<void> | void;

/**
 * The one write path. Every service write opens a unit (or joins the caller's, so services compose
 * in one transaction), and records its changes through it: the audit entry and the outbox entry are
 * written by construction, never wired by hand, and the search index hears of a change only after
 * it committed.
 */
export class UnitOfWork {
  private readonly listeners = new Set<CommitListener>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly outbox: Outbox,
    private readonly log: Logger,
    /** What every write waits for first: the store opened may be written (its start's integrity check passed). */
    private readonly ready: Promise<void> = Promise.resolve(),
  ) {}

  onCommitted(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `work` in a new transaction as `by`, or inside the unit `by` when it is one (its actor and origin then hold). */
  async run<T>(by: Actor | Unit, work: (unit: Unit) => Promise<T>, origin: WriteOrigin = 'local'): Promise<T> {
    if (isUnit(by)) return work(by);
    await this.ready;
    const changed = new Set<string>();
    const queued = new Map<string, LocalChange>();
    const out = await this.db.transaction().execute(async (trx) => {
      const result = await work(this.unit(trx, by, origin, changed, queued));
      // One outbox entry per entity and unit (a customer created with its prescription is one create).
      if (queued.size > 0) this.outbox.record([...queued.values()]);
      return result;
    });
    await this.committed([...changed]);
    return out;
  }

  private unit(trx: Transaction<Database>, actor: Actor, origin: WriteOrigin, changed: Set<string>, queued: Map<string, LocalChange>): Unit {
    const queue = (list: Change[], announce = true) => {
      for (const c of list) {
        const sends = isSynced(c) ? (c.sends ?? []) : [];
        if (isSynced(c) && announce) {
          changed.add(c.customerId);
          for (const s of sends) changed.add(s.customerId);
        }
        const first = origin === 'local' ? outboxEntryOf(c) : null;
        for (const entry of origin === 'local' ? [...(first ? [first] : []), ...sends] : []) {
          const key = `${entry.entity}:${entry.entityId}`;
          const was = queued.get(key);
          // As the outbox coalesces: the first op stands, unless the entity is then deleted or (re)created.
          queued.set(key, was && entry.op === 'update' ? was : entry);
        }
      }
    };
    return {
      trx,
      actor,
      origin,
      record: (changes, as = actor) => {
        const list = Array.isArray(changes) ? changes : [changes];
        if (list.length === 0) return;
        this.audit.recordMany(trx, as, list.map(auditEventOf));
        queue(list);
      },
      queue,
    };
  }

  /** Tells the commit listeners of customers changed by committed units that queued them unannounced. */
  announce(customerIds: string[]): Promise<void> {
    return this.committed(customerIds);
  }

  private async committed(customerIds: string[]): Promise<void> {
    if (customerIds.length === 0) return;
    for (const listener of this.listeners) {
      // The write is committed and answered ok whatever a listener does; its failure is its own.
      await Promise.resolve()
        .then(() => listener(customerIds))
        .catch((err: unknown) => this.log.error('a change was saved, but telling the search index failed', err));
    }
  }
}

function isUnit(by: Actor | Unit): by is Unit {
  return 'trx' in by;
}

function auditEventOf(change: Change): AuditEvent {
  const { entity, entityId, action, before, after } = change as AuditEvent;
  return { entity, entityId, action, before, after };
}

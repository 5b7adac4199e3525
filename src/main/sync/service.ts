import type { Kysely } from 'kysely';
import { CustomerUpdateInput } from '../../shared/customers/schema';
import { AppError } from '../../shared/errors';
import type { SyncConfigureInput, SyncConflictsOutput, SyncStatus } from '../../shared/sync/schema';
import type { z } from 'zod';
import type { Actor } from '../audit/log';
import type { Clock } from '../clock';
import type { CustomerService } from '../customers/service';
import type { Database } from '../db/schema';
import type { SecretBox } from '../secrets';
import { writeSetting } from '../settings';
import type { UnitOfWork } from '../unit-of-work';
import { CloudError } from './cloud-client';
import type { Conflicts } from './conflicts';
import { type FieldPath, fieldPaths } from './document';
import { CONFIG_KEY, DEFAULT_REQUESTS_PER_MINUTE, LAST_RECONCILE_KEY, OFF_KEY, type StoredSyncConfig, type SyncEngine } from './engine';
import type { Links } from './links';
import type { Outbox } from './outbox';
import type { RefusedCustomers } from './refused';
import { CURSOR_KEY } from './pull';
import { waitingForDetails } from './waiting';

export interface SyncServiceDeps {
  db: Kysely<Database>;
  engine: SyncEngine;
  outbox: Outbox;
  links: Links;
  conflicts: Conflicts;
  refused: RefusedCustomers;
  customers: CustomerService;
  writes: UnitOfWork;
  secrets: SecretBox;
  clock: Clock;
}

/** The sync.* channels: set up, watch, nudge, and settle what sync could not decide alone. */
export class SyncService {
  constructor(private readonly d: SyncServiceDeps) {}

  /**
   * Checks the credentials with the cloud when it can be reached (a wrong password is refused at
   * once, with the field named); offline, they are saved and checked at the first sync.
   */
  async configure(input: z.output<typeof SyncConfigureInput>, actor: Actor): Promise<SyncStatus> {
    const shown = { baseUrl: input.baseUrl, storeId: input.storeId, email: input.email, requestsPerMinute: input.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE };
    try {
      // A 429 here is not waited out: the owner is looking at the form; it is checked at the first sync.
      await this.d.engine.clientFor(shown, input.password, { waitOutRateLimit: false }).login();
    } catch (err) {
      if (err instanceof CloudError && err.kind === 'auth') {
        throw new AppError('sync.invalidCredentials', 'The cloud refused this email or password', { password: ['The cloud refused this email or password'] });
      }
      if (!(err instanceof CloudError)) throw err;
    }
    const stored: StoredSyncConfig = { ...shown, sealedPassword: this.d.secrets.seal(input.password) };
    const before = this.d.engine.configured;
    // Another cloud or store: the links and cursor point into the old one. Everything here is sent
    // to the new one as new (never "deleted there" because the old ids are unknown to it).
    const newCloud = before !== null && (before.baseUrl !== shown.baseUrl || before.storeId !== shown.storeId);
    await this.d.engine.interrupt();
    await this.saveConfig(stored, shown, before, newCloud, actor).catch((err: unknown) => {
      this.d.engine.resume();
      throw err;
    });
    this.d.engine.use(stored);
    return this.d.engine.status();
  }

  private saveConfig(stored: StoredSyncConfig, shown: Omit<StoredSyncConfig, 'sealedPassword'>, before: unknown, newCloud: boolean, actor: Actor) {
    return this.d.writes.run(actor, async ({ trx, record }) => {
      if (newCloud) {
        await trx.deleteFrom('sync_links').execute();
        await trx.deleteFrom('sync_conflicts').execute();
        await this.d.refused.clear(trx);
        await trx.deleteFrom('settings').where('key', 'in', [CURSOR_KEY, LAST_RECONCILE_KEY]).execute();
        await this.d.outbox.requeueAll(trx);
      }
      await writeSetting(trx, CONFIG_KEY, stored, this.d.clock.now().toISOString());
      // The password never reaches the audit trail.
      record({ entity: 'setting', entityId: CONFIG_KEY, action: 'update', before, after: shown });
    });
  }

  /**
   * Turns sync off or on (the owner). Off: the round under way is cut, nothing more is sent or asked,
   * and local changes keep queueing; on: the queue goes out at once. The same state again records nothing.
   */
  async setEnabled(enabled: boolean, actor: Actor): Promise<SyncStatus> {
    if (!this.d.engine.configured) throw new AppError('sync.notConfigured', 'Sync is not set up yet: an owner sets it up in Settings');
    if (this.d.engine.isOff === !enabled) return this.d.engine.status();
    await this.d.engine.interrupt();
    try {
      await this.d.writes.run(actor, async ({ trx, record }) => {
        await writeSetting(trx, OFF_KEY, !enabled, this.d.clock.now().toISOString());
        record({ entity: 'setting', entityId: 'sync.enabled', action: 'update', before: { enabled: !enabled }, after: { enabled } });
      });
    } catch (err) {
      this.d.engine.resume();
      throw err;
    }
    this.d.engine.setOff(!enabled);
    return this.d.engine.status();
  }

  status(): Promise<SyncStatus> {
    return this.d.engine.status();
  }

  async now(): Promise<SyncStatus> {
    if (!this.d.engine.configured) throw new AppError('sync.notConfigured', 'Sync is not set up yet: an owner sets it up in Settings');
    if (this.d.engine.isOff) throw new AppError('sync.off', 'Sync is turned off: an owner turns it on again in Settings → Sync');
    await this.d.engine.now();
    return this.d.engine.status();
  }

  async conflicts(customerId?: string): Promise<z.infer<typeof SyncConflictsOutput>> {
    const conflicts = (await this.d.conflicts.open(customerId)).map(({ raw: _, ...c }) => c);
    const parked = (await this.d.outbox.parked(customerId)).map((r) => ({
      id: r.id,
      entity: r.entity,
      entityId: r.entity_id,
      customerId: r.customer_id,
      customerName: `${r.first_name ?? ''} ${r.last_name ?? ''}`.trim(),
      op: r.op,
      error: r.parked_error ?? '',
      parkedAt: r.parked_at ?? '',
    }));
    // Cloud customers refused here belong to no local customer: shown in the store-wide review only.
    const refused = customerId ? [] : await this.d.refused.list();
    return { conflicts, parked, refused, waitingForDetails: await waitingForDetails(this.d.db, customerId) };
  }

  /**
   * Keeps one side of a conflict. Keeping the side the merge did not apply is an edit like any
   * other (saved here, audited as the staff member, queued for the cloud); keeping an edit the cloud
   * deleted brings the customer back and sends it again as a new cloud customer.
   */
  async resolve(id: string, keep: 'mine' | 'theirs', actor: Actor): Promise<{ message: string; customerId: string }> {
    const now = this.d.clock.now().toISOString();
    return this.d.writes.run(actor, async (unit) => {
      const { trx } = unit;
      const c = await this.d.conflicts.get(id, trx);
      if (!c || c.resolved_at !== null) throw new AppError('sync.conflictNotFound', 'This conflict was already resolved or does not exist');
      if (keep !== c.kept) {
        if (c.kind === 'deleted' && keep === 'theirs') {
          // Kept here when the cloud deleted it (a merge's kept customer, sync/kept-in-merge.ts): the delete wins now.
          await this.d.customers.deleteIn(unit, [c.customer_id]);
        } else if (c.kind === 'deleted') {
          await this.d.customers.undeleteIn(unit, c.customer_id).catch((err: unknown) => {
            if (err instanceof AppError && err.code === 'customer.notFound') throw new AppError('sync.cannotRestore', 'This customer was purged and cannot be brought back');
            throw err;
          });
          await this.d.links.remove(trx, c.customer_id);
        } else {
          const value = JSON.parse((keep === 'mine' ? c.mine : c.theirs) ?? 'null') as string | null;
          const input = CustomerUpdateInput.parse(updateOf(c.customer_id, c.field as FieldPath, value));
          // "Theirs" is the cloud's value: its opticData is read as the cloud's, which carries no ADD.
          await this.d.customers.updateIn(unit, input, keep === 'theirs' ? 'cloud' : 'staff');
        }
      }
      await this.d.conflicts.markResolved(trx, id, keep, actor.username, now);
      unit.record({ entity: 'customer', entityId: c.customer_id, customerId: c.customer_id, action: 'sync.resolve', after: { conflictId: id, field: c.field, keep } });
      return { message: keep === 'mine' ? 'Your value is kept' : 'The other value is kept', customerId: c.customer_id };
    });
  }

  /** Each change put back in the queue is audited on its entity, so its customer's history says who retried it. */
  async retryParked(id: number | undefined, actor: Actor): Promise<SyncStatus> {
    await this.d.writes.run(actor, async ({ trx, record }) => {
      const retried = await this.d.outbox.unpark(id, trx);
      record(retried.map((e) => ({ entity: e.entity, entityId: e.entity_id, customerId: e.customer_id, action: 'sync.retry' as const })));
    });
    void this.d.engine.now().catch(() => undefined);
    return this.d.engine.status();
  }
}

/** The customers.update input that sets one synced field to a conflict's value. */
function updateOf(id: string, field: FieldPath, value: string | null): unknown {
  if (!fieldPaths.includes(field)) throw new AppError('sync.conflictNotFound', 'This conflict is about a field this app does not know');
  const [group, name = ''] = field.split('.');
  if (group === 'opticData') return { id, opticData: value === null ? {} : JSON.parse(value) };
  if (group === 'address') return { id, address: { [name]: value } };
  return { id, customerData: { [name]: value ?? '' } };
}

import type { Kysely } from 'kysely';
import { type Message, say } from '../../shared/messages';
import type { SyncStatus } from '../../shared/sync/schema';
import type { Clock } from '../clock';
import type { Database } from '../db/schema';
import type { Logger } from '../log';
import { readSetting, writeSetting } from '../settings';
import { BACKOFF_CAP_MS, backoffDelay } from './backoff';
import type { AccountLimiters } from './account-limiters';
import { CloudClient, CloudError } from './cloud-client';
import type { Conflicts } from './conflicts';
import { RateLimiter, unreservedOf } from './limiter';
import type { Outbox } from './outbox';
import { type PullDeps, pull, reconcile } from './pull';
import { type PushDeps, pushRound } from './push';
import { type Timeline, realTimeline } from './timeline';
import { countWaitingForDetails } from './waiting';
import { countWaitingDetails, fetchDetailNow, fetchDetails } from './details';
import { checkServerUrl } from '../../shared/server-url';

/** What `sync.configure` keeps (settings key `sync.config`); the password sealed by a SecretBox. */
export interface StoredSyncConfig {
  baseUrl: string;
  storeId: string;
  email: string;
  sealedPassword: string;
  requestsPerMinute: number;
}

export const CONFIG_KEY = 'sync.config';
const LAST_SYNC_KEY = 'sync.lastSyncAt';
export const LAST_RECONCILE_KEY = 'sync.lastReconcileAt';
/** true: the owner turned sync off (sync.setEnabled); kept apart from the config, which a new setup rewrites. */
export const OFF_KEY = 'sync.off';
export const DEFAULT_REQUESTS_PER_MINUTE = 100;
/** A save wakes the engine this soon (several saves in a row make one push). */
const KICK_DELAY_MS = 300;
/** Others' changes are looked for this often while all is well. */
const PULL_EVERY_MS = 60_000;
const RECONCILE_EVERY_MS = 6 * 3_600_000;
const RATE_LIMITED = 'The cloud asked us to slow down';
const INSECURE_ADDRESS = 'The cloud address must start with https:// (plain http:// only on this computer): the owner sets it again in Settings → Sync';

export interface EngineDeps extends PushDeps, PullDeps {
  db: Kysely<Database>;
  outbox: Outbox;
  conflicts: Conflicts;
  clock: Clock;
  log: Logger;
  openPassword(sealed: string): string;
  random?: () => number;
  timeoutMs?: number;
  /** false: rounds run only on `sync.now` (tests that stage both sides before a round). */
  automatic?: boolean;
  /** What the rate limiter, Retry-After pauses, the backoff and the engine's timer wait on (timeline.ts). */
  timeline?: Timeline;
  /** The rate limiters by cloud account, kept by the caller across engines (a restore makes a new one). */
  limiters: AccountLimiters;
  /** Rounds wait for it: the store may be written (its start's integrity check passed). Default now. */
  writable?: Promise<void>;
}

/**
 * The sync engine: pushes the outbox, then pulls, on its own timer, never in the way of a save.
 * Network trouble and 5xx back off with full jitter (capped at 5 minutes, Retry-After honoured); a
 * 429 is waited out where it happened and the round goes on from there (state `rateLimited`, not
 * offline: the cloud is there, it asked us to slow down); a 401 signs in again inside the client;
 * refused changes are parked, not retried.
 */
export class SyncEngine {
  private config: StoredSyncConfig | null = null;
  private client: CloudClient | null = null;
  private stopper = new AbortController();
  private state: SyncStatus['state'] = 'disabled';
  private timerAt = Number.POSITIVE_INFINITY;
  private running: Promise<void> | null = null;
  /** Details fetched now for customers being opened, by local id. */
  private readonly fetchingNow = new Map<string, Promise<void>>();
  /** Whether the store may be written (EngineDeps.writable settled well). */
  private writable: boolean;
  private again = false;
  private failures = 0;
  private nextAttemptAt: Date | null = null;
  private lastSyncAt: string | null = null;
  private lastError: Message | null = null;
  private lastPullAt = Number.NEGATIVE_INFINITY;
  private lastReconcileAt = 0;
  /** Cloud count minus customers known here, as the last reconcile left it (null: none yet). */
  private gapAfterReconcile: number | null = null;
  private stopped = false;
  private off = false;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;
  private readonly timeline: Timeline;
  private cancelTimer: (() => void) | null = null;
  /** When details were applied in the last minute (timeline ms): the first sync's pace, for its time left. */
  private detailTimes: number[] = [];

  constructor(private readonly d: EngineDeps) {
    this.timeline = d.timeline ?? realTimeline;
    this.unsubscribe = d.outbox.onRecord(() => {
      if (this.failures === 0) this.schedule(KICK_DELAY_MS);
    });
    // Until the store may be written, a round due ends at once: its turn comes when it may.
    this.writable = !d.writable;
    d.writable?.then(
      () => {
        this.writable = true;
        this.schedule(0);
      },
      () => undefined,
    );
  }

  async start(): Promise<void> {
    this.lastSyncAt = ((await readSetting(this.d.db, LAST_SYNC_KEY)) as string | undefined) ?? null;
    const reconciled = (await readSetting(this.d.db, LAST_RECONCILE_KEY)) as string | undefined;
    this.lastReconcileAt = reconciled ? Date.parse(reconciled) : 0;
    this.off = (await readSetting(this.d.db, OFF_KEY)) === true;
    this.use((await readSetting(this.d.db, CONFIG_KEY)) as StoredSyncConfig | undefined);
  }

  /** Takes a new configuration (already saved) and syncs at once. */
  use(config: StoredSyncConfig | undefined): void {
    this.config = config ?? null;
    this.failures = 0;
    this.nextAttemptAt = null;
    // Not the error of a round the change cut short ("Sync was stopped"; review 17): the next round says its own.
    this.lastError = null;
    this.lastPullAt = Number.NEGATIVE_INFINITY; // pull at the first round (the timeline is monotonic: it may start near 0)
    if (config && this.off) {
      // No client at all: nothing can reach the cloud, whatever wakes the engine.
      this.client = null;
      this.setState('off');
      return;
    }
    // Older versions saved any http:// address; the password must not go there in clear.
    if (config && !checkServerUrl(config.baseUrl).ok) {
      this.client = null;
      this.lastError = say('sync.insecureAddress', {}, INSECURE_ADDRESS);
      this.setState('error');
      return;
    }
    this.client = config ? this.clientFor(config, this.d.openPassword(config.sealedPassword)) : null;
    this.setState(config ? 'idle' : 'disabled');
    if (config) this.schedule(0);
  }

  /** Whether the owner turned sync off. */
  get isOff(): boolean {
    return this.off;
  }

  /** Turns sync off (after an interrupt(), the setting saved) or on again: on, the queue goes out at once. */
  setOff(off: boolean): void {
    this.off = off;
    this.use(this.config ?? undefined);
  }

  /** A client for checking credentials before they are saved. */
  clientFor(config: Omit<StoredSyncConfig, 'sealedPassword'>, password: string, o: { waitOutRateLimit?: boolean } = {}): CloudClient {
    return new CloudClient({
      baseUrl: config.baseUrl,
      storeId: config.storeId,
      credentials: () => ({ email: config.email, password }),
      // A credential check is one sign-in, which the cloud does not count in the user's minute (an
      // open route): it waits for nothing here, or a PC whose minute was full saved a wrong password
      // unchecked (review 17). A 429 the cloud gives it still answers "checked at the next sync".
      limiter: o.waitOutRateLimit === false ? new RateLimiter(0) : this.d.limiters.for(config),
      log: this.d.log,
      timeoutMs: this.d.timeoutMs,
      signal: this.stopper.signal,
      now: () => this.d.clock.now(),
      onPause: (ms) => this.paused(ms),
      inlinePauseMaxMs: o.waitOutRateLimit === false ? 0 : undefined,
    });
  }

  /** A round's requests wait for the cloud's Retry-After (ms), or go out again (null). */
  private paused(ms: number | null): void {
    if (!this.running || this.stopped) return;
    if (ms !== null) {
      const at = new Date(this.d.clock.now().getTime() + ms);
      if (this.state === 'rateLimited' && this.nextAttemptAt && this.nextAttemptAt >= at) return;
      this.nextAttemptAt = at;
      this.lastError = say('sync.cloud.rateLimited', {}, RATE_LIMITED);
      this.d.log.warn(`sync: the cloud asked us to slow down; going on in ${Math.round(ms / 1000)} s`);
      this.setState('rateLimited');
    } else if (this.state === 'rateLimited') {
      this.nextAttemptAt = null;
      if (this.lastError?.message === RATE_LIMITED) this.lastError = null; // requests go out again: not a problem any more
      this.setState('syncing');
    }
  }

  get configured(): Omit<StoredSyncConfig, 'sealedPassword'> | null {
    if (!this.config) return null;
    const { sealedPassword: _, ...shown } = this.config;
    return shown;
  }

  async status(): Promise<SyncStatus> {
    const counts = await this.d.outbox.counts();
    return {
      state: this.state,
      pending: counts.pending,
      parked: counts.parked,
      conflicts: await this.d.conflicts.count(),
      waitingForDetails: await countWaitingForDetails(this.d.db),
      lastSyncAt: this.lastSyncAt,
      lastError: this.lastError?.message ?? null,
      lastProblem: this.lastError,
      nextAttemptAt: this.nextAttemptAt?.toISOString() ?? null,
      firstSync: await this.firstSync(),
      config: this.configured,
    };
  }

  /** x of y customers complete while details are arriving, and the time left at the last minute's pace. */
  private async firstSync(): Promise<SyncStatus['firstSync']> {
    const waiting = await countWaitingDetails(this.d);
    if (waiting === 0) return null;
    const total = (await this.d.links.countCustomers()) + (await this.d.refused.count());
    const now = this.timeline.now();
    this.detailTimes = this.detailTimes.filter((t) => t > now - 60_000);
    // Before a few have come, the limiter's pace (a detail is a request); then the pace seen over
    // the last minute (or since the first of it: a burst that has just started is not a slow minute).
    // The details' pace at most: the limit less the part kept for customers being opened.
    const limit = unreservedOf(this.config?.requestsPerMinute ?? 0);
    const seen = this.detailTimes.length;
    const over = seen > 0 ? Math.max(5_000, now - this.detailTimes[0]!) : 60_000;
    const pace = (seen / over) * 60_000;
    const perMinute = seen >= 5 ? (limit > 0 ? Math.min(limit, pace) : pace) : limit;
    return { complete: Math.max(0, total - waiting), total, secondsLeft: perMinute > 0 ? Math.ceil((waiting / perMinute) * 60) : null };
  }

  /**
   * Staff opened a customer whose detail is still arriving: fetched now, ahead of the background
   * queue; resolves once it is applied, or after `waitMs` whatever happens (the fetch goes on and
   * is applied when back). Offline or not set up: at once.
   */
  async detailsNow(localId: string, waitMs: number): Promise<void> {
    const client = this.client;
    if (!client || this.off || this.stopped) return;
    // One fetch per customer at a time: opened again meanwhile, it waits on the same one (each took a slot kept for customers being opened; review 21).
    let fetched = this.fetchingNow.get(localId);
    if (!fetched) {
      fetched = fetchDetailNow(this.d, client, localId, () => this.detailApplied())
        .catch((err: unknown) => {
          this.d.log.warn(`sync: a customer's detail could not be fetched now (${err instanceof Error ? err.message : String(err)})`);
        })
        .finally(() => this.fetchingNow.delete(localId));
      this.fetchingNow.set(localId, fetched);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([fetched, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
  }

  private detailApplied(): void {
    this.detailTimes.push(this.timeline.now());
    // The header's progress moves as the details arrive, not once per round.
    if (this.detailTimes.length % 10 === 0) this.emit();
  }

  /** Syncs now, whatever the backoff says (staff pressed "Sync now"), and waits for it. */
  async now(): Promise<void> {
    if (!this.config || this.off) return;
    // While the start's check runs a round ends at once: "Sync now" answered idle with changes
    // still pending (a restart on a busy PC). It waits for the check instead; a failed check leaves it at that.
    if (!this.writable) await this.d.writable?.catch(() => undefined);
    this.lastPullAt = Number.NEGATIVE_INFINITY; // pull at the first round (the timeline is monotonic: it may start near 0)
    await this.running;
    await this.run();
  }

  /**
   * Cuts the round under way, if any, and waits until it has ended (what it had back is recorded):
   * before the configuration changes under it. The next round starts with use().
   */
  async interrupt(): Promise<void> {
    this.client = null;
    this.stopper.abort();
    await this.running?.catch(() => undefined);
    this.stopper = new AbortController();
  }

  /** Goes on with the configuration it had (after an interrupt() whose change did not happen). */
  resume(): void {
    this.use(this.config ?? undefined);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops the timer and cuts any request under way; resolves once no sync work is running. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    this.cancelTimer?.();
    this.stopper.abort();
    await this.running?.catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.stopped || !this.config || this.off || this.d.automatic === false) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const at = this.timeline.now() + ms;
    if (this.cancelTimer && this.timerAt <= at) return;
    this.cancelTimer?.();
    this.timerAt = at;
    this.cancelTimer = this.timeline.after(ms, () => {
      this.cancelTimer = null;
      this.timerAt = Number.POSITIVE_INFINITY;
      void this.run();
    });
  }

  private run(): Promise<void> {
    this.running ??= this.cycle()
      .catch((err: unknown) => {
        this.d.log.error('sync round failed', err);
        return BACKOFF_CAP_MS;
      })
      .then((next) => {
        this.running = null;
        // Saves made during the round go out now; otherwise the round's own next time (a pull in a
        // minute, or the backoff after a failure).
        const again = this.again && this.failures === 0;
        this.again = false;
        if (next !== null) this.schedule(again ? 0 : next);
      });
    return this.running;
  }

  /** One round; answers when the next one is due (ms), or null when none should be scheduled. */
  private async cycle(): Promise<number | null> {
    const client = this.client;
    if (!client || this.stopped || !this.writable) return null;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.again = false;
    this.setState('syncing');
    try {
      await this.pushAll(client);
      const now = this.d.clock.now();
      let gapMoved = false;
      if (this.timeline.now() - this.lastPullAt >= PULL_EVERY_MS) {
        const { cloudTotal } = await pull(this.d, client, async () => (await this.pushAll(client)) > 0);
        this.lastPullAt = this.timeline.now();
        // Deletions leave no trace in the list: counts apart is the hint. A gap the last reconcile
        // left as it was has a known cause (a create of ours not linked yet…): reading the whole
        // list again every minute would not close it, and a store of 10,000 is the minute's budget.
        const gap = await this.gapTo(cloudTotal);
        gapMoved = gap !== 0 && gap !== this.gapAfterReconcile;
      }
      // Customers made from the list (a new PC's first sync) get their details now, most recent first;
      // saves go out between batches, and others' changes are pulled when a pull is due.
      await fetchDetails(
        this.d,
        client,
        async () => {
          await this.pushAll(client);
          if (this.timeline.now() - this.lastPullAt >= PULL_EVERY_MS) {
            await pull(this.d, client, async () => (await this.pushAll(client)) > 0);
            this.lastPullAt = this.timeline.now();
          }
          this.emit();
        },
        () => this.detailApplied(),
      );
      if (gapMoved || now.getTime() - this.lastReconcileAt >= RECONCILE_EVERY_MS) {
        const { cloudTotal } = await reconcile(this.d, client);
        this.gapAfterReconcile = await this.gapTo(cloudTotal);
        this.lastReconcileAt = now.getTime();
        await writeSetting(this.d.db, LAST_RECONCILE_KEY, now.toISOString(), now.toISOString());
      }
      // Changes queued while pulling go out now rather than in a minute.
      await this.pushAll(client);
      this.failures = 0;
      this.nextAttemptAt = null;
      this.lastError = null;
      this.lastSyncAt = this.d.clock.now().toISOString();
      await writeSetting(this.d.db, LAST_SYNC_KEY, this.lastSyncAt, this.lastSyncAt);
      this.setState('idle');
      return PULL_EVERY_MS;
    } catch (err) {
      if (this.stopped) return null;
      this.failures++;
      const retryAfter = err instanceof CloudError ? err.retryAfterMs : null;
      const delay = backoffDelay(this.failures, this.d.random ?? Math.random, retryAfter);
      this.nextAttemptAt = new Date(this.d.clock.now().getTime() + delay);
      if (err instanceof CloudError) {
        this.lastError = err.problem;
        this.d.log.warn(`sync: ${err.kind}: ${err.message}; next try in ${Math.round(delay / 1000)} s`);
      } else {
        this.lastError = say('sync.unexpected', {}, 'Sync stopped on an unexpected error; it will try again');
        this.d.log.error('sync failed', err);
      }
      this.setState(!(err instanceof CloudError) ? 'error' : err.kind === 'rateLimited' ? 'rateLimited' : err.kind === 'offline' ? 'offline' : 'error');
      // The backoff's own timer: not moved earlier by saves, only by "Sync now".
      return delay;
    }
  }

  /** The cloud's count minus the customers known here: linked, or refused at their cloud version. */
  private async gapTo(cloudTotal: number): Promise<number> {
    return cloudTotal - (await this.d.links.countCustomers()) - (await this.d.refused.count());
  }

  /** Pushes until the outbox is empty or a round makes no progress (everything left is waiting). */
  /** Answers how many entries rounds handled (0: nothing was sent). */
  private async pushAll(client: CloudClient): Promise<number> {
    let before = (await this.d.outbox.counts()).pending;
    let handled = 0;
    while (before > 0 && !this.stopped) {
      handled += await pushRound(this.d, client);
      const after = (await this.d.outbox.counts()).pending;
      if (after >= before) break;
      before = after;
      this.emit();
    }
    return handled;
  }

  private setState(state: SyncStatus['state']): void {
    this.state = state;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

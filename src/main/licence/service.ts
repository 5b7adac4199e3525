import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Channel } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { checkKey, maskKey } from '../../shared/licence/key';
import { type Licence, type LicenceStatus, LicenceServer } from '../../shared/licence/schema';
import type { Actor, AuditLog } from '../audit/log';
import type { Clock } from '../clock';
import { writeSetting } from '../settings';
import type { Database } from '../db/schema';
import type { Logger } from '../log';
import type { LicenceClient, LicenceReply, LicenceServerConfig } from './client';
import { needsLicence } from './gate';
import { encodeRequestCode } from './request-code';
import { TRIAL_DAYS, trialStatus } from './trial';
import { CLOCK_TOLERANCE_MS, type TrustedKeys, type Verdict, verifyLicence } from './verify';

/** Production licence server: the store cloud of seed 001, until the owner configures another. */
export const DEFAULT_LICENCE_SERVER = 'https://joptic.jethings.com';

// The settings rows this service keeps (the `settings` key/value table: no migration of its own).
const FILE = 'licence.file';
const TRIAL_STARTED = 'licence.trialStartedAt';
const LAST_SEEN = 'licence.lastSeenAt';
const LAST_CHECKED = 'licence.lastCheckedAt';
const CONFIG = 'licence.config';
/** The server said 403 on a refresh: the key it was for, and when. */
const REVOKED = 'licence.revoked';
/** The sync engine's settings, when sync is set up: its cloud is the default licence server. */
const SYNC_CONFIG = 'sync.config';

/** The last-seen time is written at most this often (it is kept in memory in between). */
const LAST_SEEN_WRITE_MS = 10 * 60_000;
/** How often the background looks whether the licence is due for a refresh. */
export const BACKGROUND_CHECK_MS = 6 * 3_600_000;

const Revoked = z.object({ key: z.string(), at: z.string() });
const SyncConfig = z.looseObject({ baseUrl: z.string().min(1), storeId: z.string().nullish() });

export interface LicenceServiceOptions {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
  log: Logger;
  keys: TrustedKeys;
  machineId: string;
  appVersion: string;
  client: LicenceClient;
}

type Now = { status: LicenceStatus; verdict: Verdict | null };

/**
 * The licence of this install: the 14-day trial, activation (online, or offline with a request code
 * and an imported file), verification at every start and before every change, the background refresh,
 * deactivation. Its state lives in the `settings` table; every check is made again from the signed
 * file, so editing a row never unlocks anything (at worst it makes the licence invalid).
 */
export class LicenceService {
  private fileText: string | null = null;
  private trialStartedAt!: Date;
  private lastSeenAt: Date | null = null;
  private lastSeenWritten = 0;
  private lastCheckedAt: string | null = null;
  private revoked: z.infer<typeof Revoked> | null = null;
  private server!: LicenceServerConfig;
  private readonly ready: Promise<void>;
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<unknown> | null = null;
  private stopped = false;
  private loaded = false;

  /** The store's cloud as this install knows it (the licence server; the update feed lives there too). */
  get cloudBaseUrl(): string {
    return this.loaded ? this.server.baseUrl : DEFAULT_LICENCE_SERVER;
  }

  constructor(private readonly o: LicenceServiceOptions) {
    this.ready = this.load();
    // A failed load surfaces on the first call; this keeps it from being an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** Resolves once the stored state is read (and the last-seen time advanced). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  private async load() {
    const rows = await this.o.db.selectFrom('settings').select(['key', 'value']).where('key', 'in', [FILE, TRIAL_STARTED, LAST_SEEN, LAST_CHECKED, CONFIG, REVOKED, SYNC_CONFIG]).execute();
    const get = (key: string) => {
      const row = rows.find((r) => r.key === key);
      if (!row) return undefined;
      try {
        return JSON.parse(row.value) as unknown;
      } catch {
        return undefined;
      }
    };
    const now = this.o.clock.now();
    const file = get(FILE);
    this.fileText = typeof file === 'string' ? file : null;
    this.lastCheckedAt = typeof get(LAST_CHECKED) === 'string' ? (get(LAST_CHECKED) as string) : null;
    this.revoked = Revoked.safeParse(get(REVOKED)).data ?? null;
    const configured = LicenceServer.safeParse(get(CONFIG));
    const sync = SyncConfig.safeParse(get(SYNC_CONFIG));
    this.server = configured.success
      ? configured.data
      : sync.success
        ? { baseUrl: sync.data.baseUrl.replace(/\/+$/, ''), storeId: sync.data.storeId ?? null }
        : { baseUrl: DEFAULT_LICENCE_SERVER, storeId: null };

    // The audit trail is append-only: its first and latest rows bound when this store was in use,
    // so deleting the trial's or the last-seen row gives back neither days nor an earlier clock.
    const first = await this.o.db.selectFrom('audit_log').select('at').orderBy('id', 'asc').limit(1).executeTakeFirst();
    const latest = await this.o.db.selectFrom('audit_log').select('at').orderBy('id', 'desc').limit(1).executeTakeFirst();
    const stored = dateOf(get(TRIAL_STARTED));
    const started = minDate([stored, dateOf(first?.at), now]);
    this.trialStartedAt = started;
    if (!stored || stored.getTime() !== started.getTime()) await this.put(TRIAL_STARTED, started.toISOString());

    this.lastSeenAt = maxDate([dateOf(get(LAST_SEEN)), dateOf(latest?.at)]);
    await this.see(now, true);
    this.loaded = true;
  }

  /** The latest answer (trial or active), without waiting: for the updater's "only when licensed". */
  isLicensed(): boolean {
    return this.loaded && this.evaluate(this.o.clock.now()).status.canWrite;
  }

  /** Advances the last-seen time (never back), writing it now and then. */
  private async see(now: Date, force = false) {
    if (this.lastSeenAt && now.getTime() <= this.lastSeenAt.getTime()) return;
    this.lastSeenAt = now;
    if (force || now.getTime() - this.lastSeenWritten >= LAST_SEEN_WRITE_MS) {
      this.lastSeenWritten = now.getTime();
      await this.put(LAST_SEEN, now.toISOString());
    }
  }

  private async current(): Promise<Now> {
    await this.ready;
    const now = this.o.clock.now();
    await this.see(now);
    return this.evaluate(now);
  }

  /** The state from what is in memory, at `now`: synchronous, so the updater can ask any time. */
  private evaluate(now: Date): Now {
    const base = { machineId: this.o.machineId, lastCheckedAt: this.lastCheckedAt, server: this.server };
    if (this.fileText === null) {
      const trial = trialStatus({ startedAt: this.trialStartedAt, now, lastSeenAt: this.lastSeenAt });
      const status: LicenceStatus = {
        ...base,
        state: trial.over ? 'unlicensed' : 'trial',
        trialDaysLeft: trial.daysLeft,
        key: null,
        productType: null,
        expiresAt: null,
        reason: trial.over ? `The ${TRIAL_DAYS}-day trial ended on ${trial.endsAt.toISOString().slice(0, 10)}` : null,
        reasonCode: trial.over ? 'trialOver' : null,
        canWrite: !trial.over,
      };
      return { status, verdict: null };
    }
    const verdict = verifyLicence(this.fileText, { keys: this.o.keys, machineId: this.o.machineId, now, lastSeenAt: this.lastSeenAt });
    const licence = verdict.licence;
    const described = { key: licence ? maskKey(licence.key) : null, productType: licence?.productType ?? null, expiresAt: licence?.expiresAt ?? null };
    if (verdict.ok && this.revoked && this.revoked.key === verdict.licence.key) {
      const status: LicenceStatus = {
        ...base,
        ...described,
        state: 'revoked',
        trialDaysLeft: null,
        reason: `The licence server says this licence has been revoked (checked ${this.revoked.at.slice(0, 10)})`,
        reasonCode: 'revoked',
        canWrite: false,
      };
      return { status, verdict };
    }
    const status: LicenceStatus = {
      ...base,
      ...described,
      state: verdict.state,
      trialDaysLeft: null,
      reason: verdict.ok ? null : verdict.reason,
      reasonCode: verdict.ok ? null : verdict.reasonCode,
      canWrite: verdict.ok,
    };
    return { status, verdict };
  }

  async status(): Promise<LicenceStatus> {
    return (await this.current()).status;
  }

  /** The gate dispatch calls after the access check: changes need a trial or an active licence. */
  async require(channel: Channel): Promise<void> {
    if (!needsLicence(channel)) return;
    const { status } = await this.current();
    if (status.canWrite) return;
    throw new AppError(
      'licence.required',
      `${status.reason ?? 'OptiCounter is not licensed'}. Creating and changing records needs an active licence; everything already stored can still be read and exported.`,
      undefined,
      { state: status.state, reasonCode: status.reasonCode },
    );
  }

  async activate(input: { key: string; storeId?: string | undefined }, actor: Actor): Promise<LicenceStatus> {
    await this.ready;
    const checked = checkKey(input.key);
    if (!checked.ok) throw new AppError(checked.code, checked.message, { key: [checked.message] });
    const storeId = input.storeId ?? this.server.storeId;
    if (!storeId) throw AppError.field('storeId', 'Enter the store ID written on your purchase: the licence server needs it');
    const server = { ...this.server, storeId };
    const reply = await this.o.client.activate(server, { key: checked.key, machineId: this.o.machineId, appVersion: this.o.appVersion });
    await this.accept(reply, actor, 'activate');
    if (this.server.storeId !== storeId) {
      this.server = server;
      await this.put(CONFIG, server);
    }
    return this.status();
  }

  /** Asks the licence server for the licence's current state (what the background does when due). */
  async refresh(actor: Actor): Promise<LicenceStatus> {
    await this.ready;
    const { verdict } = await this.current();
    const licence = verdict?.licence;
    if (!licence) throw new AppError('licence.none', 'There is no licence to check: activate one first');
    try {
      const reply = await this.o.client.refresh(this.serverFor(licence), { key: licence.key, machineId: this.o.machineId });
      await this.accept(reply, actor, 'refresh');
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'licence.revoked') throw err;
      // Revocation is what a refresh is for: an answer, not a failure.
      const at = this.o.clock.now().toISOString();
      this.revoked = { key: licence.key, at };
      this.lastCheckedAt = at;
      await this.o.db.transaction().execute(async (trx) => {
        await this.put(REVOKED, this.revoked, trx);
        await this.put(LAST_CHECKED, at, trx);
        this.o.audit.record(trx, actor, { entity: 'licence', entityId: maskKey(licence.key), action: 'revoked' });
      });
    }
    return this.status();
  }

  /** Frees this PC's seat on the licence server (moving to a new PC), then forgets the licence here. */
  async deactivate(actor: Actor): Promise<LicenceStatus> {
    await this.ready;
    const { verdict } = await this.current();
    const licence = verdict?.licence;
    if (!licence) throw new AppError('licence.none', 'There is no licence to deactivate');
    try {
      await this.o.client.deactivate(this.serverFor(licence), { key: licence.key, machineId: this.o.machineId });
    } catch (err) {
      // Already unknown or revoked there: nothing holds a seat, forgetting it here is all that is left.
      if (!(err instanceof AppError) || (err.code !== 'licence.unknownKey' && err.code !== 'licence.revoked')) throw err;
    }
    this.fileText = null;
    this.revoked = null;
    await this.o.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('settings').where('key', 'in', [FILE, REVOKED]).execute();
      this.o.audit.record(trx, actor, { entity: 'licence', entityId: maskKey(licence.key), action: 'deactivate' });
    });
    return this.status();
  }

  /** Offline activation: a licence file obtained elsewhere; refused unless it verifies here and now. */
  async importFile(contents: string, actor: Actor): Promise<LicenceStatus> {
    await this.ready;
    let raw: unknown;
    try {
      raw = JSON.parse(contents);
    } catch {
      throw new AppError('licence.invalid', 'This is not a licence file (it is not JSON)', undefined, { reasonCode: 'malformed' });
    }
    const verdict = verifyLicence(raw, { keys: this.o.keys, machineId: this.o.machineId, now: this.o.clock.now(), lastSeenAt: this.lastSeenAt });
    if (!verdict.ok) throw new AppError('licence.invalid', `This licence file cannot be used: ${lowerFirst(verdict.reason)}`, undefined, { reasonCode: verdict.reasonCode });
    await this.store(raw, verdict.licence, actor, 'import', false);
    return this.status();
  }

  /** The offline-activation request code: machine id, app version and store id; no key. */
  async requestCode(): Promise<{ code: string }> {
    await this.ready;
    return { code: encodeRequestCode({ machineId: this.o.machineId, appVersion: this.o.appVersion, storeId: this.server.storeId ?? '' }) };
  }

  async configure(input: { baseUrl: string; storeId?: string | null | undefined }, actor: Actor): Promise<LicenceStatus> {
    await this.ready;
    const before = this.server;
    const next: LicenceServerConfig = { baseUrl: input.baseUrl, storeId: input.storeId === undefined ? before.storeId : input.storeId || null };
    await this.o.db.transaction().execute(async (trx) => {
      await this.put(CONFIG, next, trx);
      this.o.audit.record(trx, actor, { entity: 'setting', entityId: CONFIG, action: 'update', before, after: next });
    });
    this.server = next;
    return this.status();
  }

  /** A licence is refreshed and freed at the store it was issued to. */
  private serverFor(licence: Licence): LicenceServerConfig {
    return { baseUrl: this.server.baseUrl, storeId: licence.storeId || this.server.storeId };
  }

  /** Checks in the background when the licence says it is due; offline is normal and stays quiet. */
  startBackground(): void {
    const tick = () => {
      if (this.stopped || this.refreshing) return;
      this.refreshing = this.refreshIfDue()
        .catch((err: unknown) => {
          if (err instanceof AppError) this.o.log.info(`licence refresh postponed: ${err.message}`);
          else this.o.log.warn('licence refresh failed', err);
        })
        .finally(() => {
          this.refreshing = null;
        });
    };
    tick();
    this.timer = setInterval(tick, BACKGROUND_CHECK_MS);
    this.timer.unref();
  }

  private async refreshIfDue() {
    const { verdict } = await this.current();
    const licence = verdict?.licence;
    if (!licence || licence.status === 'revoked' || (this.revoked && this.revoked.key === licence.key)) return;
    if (verdict.ok === false && verdict.reasonCode !== 'expired' && verdict.reasonCode !== 'clock') return;
    if (this.o.clock.now().getTime() < Date.parse(licence.refreshAfter)) return;
    await this.refresh({ staffId: null, username: 'licence' });
  }

  /** Stops the background and waits for a refresh under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
    await this.ready.catch(() => undefined);
  }

  /** A reply of the licence server: verified like any file before it replaces the one we have. */
  private async accept(reply: LicenceReply, actor: Actor, action: 'activate' | 'refresh') {
    const now = this.o.clock.now();
    // The server's issue time is a second opinion on the clock: when they agree, the last-seen time
    // is reset to now, which undoes a clock once set far ahead by mistake.
    const issuedAt = Date.parse(reply.file.license.issuedAt);
    const clockAgrees = Math.abs(now.getTime() - issuedAt) < CLOCK_TOLERANCE_MS;
    const verdict = verifyLicence(reply.raw, { keys: this.o.keys, machineId: this.o.machineId, now, lastSeenAt: clockAgrees ? now : this.lastSeenAt });
    if (!verdict.ok && verdict.state === 'invalid') {
      throw new AppError('licence.invalid', `The licence server's answer cannot be used: ${lowerFirst(verdict.reason)}`, undefined, { reasonCode: verdict.reasonCode });
    }
    if (clockAgrees) {
      this.lastSeenAt = now;
      this.lastSeenWritten = 0;
    }
    await this.store(reply.raw, reply.file.license, actor, action, true);
  }

  private async store(raw: unknown, licence: Licence, actor: Actor, action: string, checked: boolean) {
    const text = JSON.stringify(raw);
    const at = this.o.clock.now().toISOString();
    await this.o.db.transaction().execute(async (trx) => {
      await this.put(FILE, text, trx);
      await trx.deleteFrom('settings').where('key', '=', REVOKED).execute();
      if (checked) await this.put(LAST_CHECKED, at, trx);
      if (this.lastSeenAt) await this.put(LAST_SEEN, this.lastSeenAt.toISOString(), trx);
      // Only the key's last group is recorded: the trail is readable by the owner and in backups.
      this.o.audit.record(trx, actor, {
        entity: 'licence',
        entityId: maskKey(licence.key),
        action,
        after: { status: licence.status, expiresAt: licence.expiresAt, refreshAfter: licence.refreshAfter },
      });
    });
    this.fileText = text;
    this.revoked = null;
    if (checked) this.lastCheckedAt = at;
  }

  private put(key: string, value: unknown, trx: Kysely<Database> = this.o.db) {
    return writeSetting(trx, key, value, this.o.clock.now().toISOString());
  }
}

function dateOf(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t);
}

function minDate(dates: (Date | null)[]): Date {
  return new Date(Math.min(...dates.filter((d): d is Date => d !== null).map((d) => d.getTime())));
}

function maxDate(dates: (Date | null)[]): Date | null {
  const known = dates.filter((d): d is Date => d !== null);
  return known.length === 0 ? null : new Date(Math.max(...known.map((d) => d.getTime())));
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

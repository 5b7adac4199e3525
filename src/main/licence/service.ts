import { say } from '../../shared/messages';
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { checkKey, maskKey } from '../../shared/licence/key';
import { type Licence, type LicenceStatus, LicenceServer } from '../../shared/licence/schema';
import { type Actor, SYSTEM_ACTOR } from '../audit/log';
import type { Unit, UnitOfWork } from '../unit-of-work';
import type { Clock } from '../clock';
import { writeSetting } from '../settings';
import type { Database } from '../db/schema';
import type { Logger } from '../log';
import type { SecretBox } from '../secrets';
import type { LicenceClient, LicenceReply, LicenceServerConfig } from './client';
import { type Channel, needsLicence } from '../../shared/contract';
import { type DbLedger, type LedgerState, Revocation, auditIssueFloor, reconcileLedger, resealFloor } from './ledger';
import { readSealedLedger, writeSealedLedger } from './ledger-file';
import { nextTurnAhead } from '../turns';
import type { MachineIdentity } from './machine';
import { encodeRequestCode } from './request-code';
import { TRIAL_DAYS, trialStatus } from './trial';
import { CLOCK_TOLERANCE_MS, STALE_REASON, type TrustedKeys, type Verdict, verifyLicence } from './verify';

/** Production licence server: the store cloud of seed 001, until the owner configures another. */
export const DEFAULT_LICENCE_SERVER = 'https://joptic.jethings.com';

// The settings rows this service keeps (the `settings` key/value table: no migration of its own).
// The first five are the database's half of the licence ledger (ledger.ts); the sealed file the other.
const FILE = 'licence.file';
const TRIAL_STARTED = 'licence.trialStartedAt';
const LAST_SEEN = 'licence.lastSeenAt';
const ISSUED_FLOOR = 'licence.issuedFloor';
/** The sealed file was written for this database once: from then on its absence is tampering. */
const SEALED = 'licence.sealed';
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

const SyncConfig = z.looseObject({ baseUrl: z.string().min(1), storeId: z.string().nullish() });

export interface LicenceServiceOptions {
  db: Kysely<Database>;
  clock: Clock;
  writes: UnitOfWork;
  log: Logger;
  keys: TrustedKeys;
  machine: MachineIdentity;
  appVersion: string;
  client: LicenceClient;
  /** Where the sealed half of the ledger lives (beside the database), and what seals it. */
  dataDir: string;
  secrets: SecretBox;
  /** Settles once the store may be written (its start's integrity check passed). Default now. */
  writable?: Promise<void>;
}

type Now = { status: LicenceStatus; verdict: Verdict | null };

/**
 * The licence of this install: the 14-day trial, activation (online, or offline with a request code
 * and an imported file), verification at every start and before every change, the background refresh,
 * deactivation. What it must not forget (trial start, clock floor, the newest licence seen, a
 * revocation) is its ledger, kept in the `settings` table and in a sealed file that must agree
 * (ledger.ts); every check is made again from the signed file, so editing a row never unlocks anything.
 */
export class LicenceService {
  private ledger!: LedgerState;
  /** The trial's start as counted (the stored one, or the audit trail's first row if earlier). */
  private trialStartedAt!: Date;
  /** Why the ledger's two copies disagree; while set, nothing is licensed and the ledger is not written. */
  private tampered: string | null = null;
  /** The SecretBox works on this PC (false: no keychain; the database alone keeps the ledger). */
  private sealWorks = true;
  private sealedRow = false;
  /** The latest time seen, in memory; the ledger's clockFloor is this, written now and then. */
  private lastSeenAt: Date | null = null;
  private lastSeenWritten = 0;
  private lastCheckedAt: string | null = null;
  private server!: LicenceServerConfig;
  private readonly ready: Promise<void>;
  private writing: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<unknown> | null = null;
  private stopped = false;
  /** Cuts the licence server requests under way when the app stops (a restore, closing). */
  private readonly stopper = new AbortController();
  private loaded = false;

  /**
   * The store's cloud as this install knows it (the licence server; the update feed lives there
   * too), once its settings are read: not the default meanwhile (review 24: the start's update check
   * asked the default cloud, the load waiting for the start's check).
   */
  async cloudBaseUrl(): Promise<string> {
    await this.serverRead;
    return this.server?.baseUrl ?? DEFAULT_LICENCE_SERVER;
  }

  private serverKnown!: () => void;
  private readonly serverRead = new Promise<void>((resolve) => (this.serverKnown = resolve));

  constructor(private readonly o: LicenceServiceOptions) {
    this.ready = this.load();
    // A failed load surfaces on the first call; this keeps it from being an unhandled rejection.
    this.ready.catch(() => undefined).finally(() => this.serverKnown());
  }

  /** Resolves once the stored state is read (and the last-seen time advanced). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  private async load() {
    // A turn of its own: its reads and the ledger's decryption ran in the opening's turn, and with
    // the sign-in after it held the event loop 55-68 ms at 1,000,000 customers.
    await nextTurnAhead();
    const keys = [FILE, TRIAL_STARTED, LAST_SEEN, ISSUED_FLOOR, SEALED, LAST_CHECKED, CONFIG, REVOKED, SYNC_CONFIG];
    const rows = await this.o.db.selectFrom('settings').select(['key', 'value']).where('key', 'in', keys).execute();
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
    this.lastCheckedAt = typeof get(LAST_CHECKED) === 'string' ? (get(LAST_CHECKED) as string) : null;
    const configured = LicenceServer.safeParse(get(CONFIG));
    const sync = SyncConfig.safeParse(get(SYNC_CONFIG));
    this.server = configured.success
      ? configured.data
      : sync.success
        ? { baseUrl: sync.data.baseUrl.replace(/\/+$/, ''), storeId: sync.data.storeId ?? null }
        : { baseUrl: DEFAULT_LICENCE_SERVER, storeId: null };
    this.serverKnown();

    // The audit trail is append-only: its first and latest rows bound when this store was in use,
    // so deleting the ledger everywhere gives back neither days nor an earlier clock.
    // A trail dropped outside the app gives no evidence (the chain's check reports it, and every
    // change is refused), but the licence screen must still answer.
    const trail = await sql`select 1 from sqlite_master where type = 'table' and name = 'audit_log'`.execute(this.o.db);
    const audit = trail.rows.length > 0 ? this.o.db : null;
    const firstAudit = await audit?.selectFrom('audit_log').select('at').orderBy('id', 'asc').limit(1).executeTakeFirst();
    // The owner account is made at the first start, on this PC's clock: it dates the trial too, so
    // emptying the audit trail as well still gives no days back.
    const firstStaff = await this.o.db.selectFrom('staff').select('created_at').orderBy('created_at', 'asc').limit(1).executeTakeFirst();
    const first = { at: minIso([firstAudit?.at, firstStaff?.created_at]) };
    const latest = await audit?.selectFrom('audit_log').select('at').orderBy('id', 'desc').limit(1).executeTakeFirst();
    // The licence's own rows (a few a month at most) record the issue floor after each change.
    const licenceRows = (await audit?.selectFrom('audit_log').select(['action', 'at', 'after']).where('entity', '=', 'licence').execute()) ?? [];
    const file = get(FILE);
    const db: DbLedger = {
      trialStartedAt: isoOf(get(TRIAL_STARTED)),
      clockFloor: isoOf(get(LAST_SEEN)),
      issuedFloor: isoOf(get(ISSUED_FLOOR)),
      licence: typeof file === 'string' ? file : null,
      revoked: Revocation.safeParse(get(REVOKED)).data ?? null,
      sealed: get(SEALED) === true,
    };
    this.sealedRow = db.sealed;
    const seal = readSealedLedger(this.o.dataDir, this.o.secrets);
    if (seal.kind === 'unavailable') {
      this.sealWorks = false;
      this.o.log.warn(`licence: no keychain to seal the licence ledger with; the database alone keeps it (${seal.why})`);
    }
    const r = reconcileLedger({ db, seal, audit: { first: dateOf(first?.at), last: dateOf(latest?.at), issuedFloor: auditIssueFloor(licenceRows) }, now });
    this.ledger = r.state;
    this.trialStartedAt = r.trialStart;
    this.tampered = r.tampered;
    if (r.tampered) this.o.log.warn(`licence: ${r.tampered}${seal.kind === 'unreadable' ? ` (${seal.why})` : ''}; the install is read-only until the licence is checked online`);
    this.lastSeenAt = new Date(r.state.clockFloor);
    // Written at every start: a fresh install, an upgrade or a restored database gets both halves;
    // once the store may be written, which a close meanwhile no longer waits for (review 20).
    const cut = new Promise<void>((resolve) => this.stopper.signal.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([(this.o.writable ?? Promise.resolve()).then(() => (this.stopped ? undefined : this.see(now, true))), cut]);
    this.loaded = true;
  }

  /** The latest answer (trial or active), without waiting: for the updater's "only when licensed". */
  isLicensed(): boolean {
    return this.loaded && this.evaluate(this.o.clock.now()).status.canWrite;
  }

  /** Advances the last-seen time (never back), writing it now and then. */
  private async see(now: Date, force = false) {
    if (this.lastSeenAt && now.getTime() <= this.lastSeenAt.getTime()) {
      if (!force) return;
    } else {
      this.lastSeenAt = now;
    }
    if (force || now.getTime() - this.lastSeenWritten >= LAST_SEEN_WRITE_MS) {
      this.lastSeenWritten = now.getTime();
      await this.persist((l) => l);
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
    const base = { machineId: this.o.machine.id, lastCheckedAt: this.lastCheckedAt, server: this.server };
    const fileText = this.ledger.licence;
    if (fileText === null) {
      const trial = trialStatus({ startedAt: this.trialStartedAt, now, lastSeenAt: this.lastSeenAt });
      const over = trial.over || this.tampered !== null;
      const status: LicenceStatus = {
        ...base,
        state: over ? 'unlicensed' : 'trial',
        trialDaysLeft: over ? 0 : trial.daysLeft,
        key: null,
        productType: null,
        expiresAt: null,
        reason: this.tampered ? `${this.tampered}: the trial counts as over` : trial.over ? `The ${TRIAL_DAYS}-day trial ended on ${trial.endsAt.toISOString().slice(0, 10)}` : null,
        reasonCode: this.tampered ? 'tampered' : trial.over ? 'trialOver' : null,
        canWrite: !over,
      };
      return { status, verdict: null };
    }
    const machineId = this.o.machine.id ?? '';
    const verdict = verifyLicence(fileText, { keys: this.o.keys, machineId, now, lastSeenAt: this.lastSeenAt, issuedFloor: this.issuedFloor() });
    const licence = verdict.licence;
    const described = { key: licence ? maskKey(licence.key) : null, productType: licence?.productType ?? null, expiresAt: licence?.expiresAt ?? null };
    const refused = (state: LicenceStatus['state'], reasonCode: NonNullable<LicenceStatus['reasonCode']>, reason: string): Now => ({
      status: { ...base, ...described, state, trialDaysLeft: null, reason, reasonCode, canWrite: false },
      verdict,
    });
    if (this.o.machine.problem !== null) return refused('invalid', 'machineUnreadable', this.o.machine.problem);
    if (this.tampered) return refused('invalid', 'tampered', `${this.tampered}: the licence counts as invalid until it is checked online (Settings, Licence, Check now)`);
    const revoked = this.ledger.revoked;
    if (licence && revoked && revoked.key === licence.key && Date.parse(licence.issuedAt) <= Date.parse(revoked.at)) {
      return refused('revoked', 'revoked', `The licence server says this licence has been revoked (checked ${revoked.at.slice(0, 10)})`);
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

  private issuedFloor(): Date | null {
    return this.ledger.issuedFloor ? new Date(this.ledger.issuedFloor) : null;
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

  /** This PC's machine id, or the clear error of licence/machine.ts: no licence can be tied to an unknown PC. */
  private machineId(): string {
    if (this.o.machine.id === null) throw new AppError('licence.machineUnreadable', this.o.machine.problem);
    return this.o.machine.id;
  }

  async activate(input: { key: string; storeId?: string | undefined }, actor: Actor): Promise<LicenceStatus> {
    await this.ready;
    const checked = checkKey(input.key);
    if (!checked.ok) throw new AppError(checked.code, checked.message, { key: [checked.message] });
    const storeId = input.storeId ?? this.server.storeId;
    if (!storeId) throw AppError.field('storeId', say('licence.storeIdNeeded', {}, 'Enter the store ID written on your purchase: the licence server needs it'));
    const server = { ...this.server, storeId };
    const reply = await this.o.client.activate(server, { key: checked.key, machineId: this.machineId(), appVersion: this.o.appVersion }, this.stopper.signal);
    await this.accept(reply, actor, 'activate');
    if (this.server.storeId !== storeId) {
      this.server = server;
      await this.put(CONFIG, server);
    }
    return this.status();
  }

  /** The licence this install holds, whatever its state; `licence.none` with `why` when there is none. */
  private async heldLicence(why: string) {
    await this.ready;
    const licence = (await this.current()).verdict?.licence;
    if (!licence) throw new AppError('licence.none', why);
    return licence;
  }

  /** Asks the licence server for the licence's current state (what the background does when due). */
  async refresh(actor: Actor): Promise<LicenceStatus> {
    const licence = await this.heldLicence('There is no licence to check: activate one first');
    try {
      const reply = await this.o.client.refresh(this.serverFor(licence), { key: licence.key, machineId: this.machineId() }, this.stopper.signal);
      await this.accept(reply, actor, 'refresh');
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'licence.revoked') throw err;
      // Revocation is what a refresh is for: an answer, not a failure. It is sticky: no licence
      // issued before now is accepted again (the server signs no "revoked" file to compare with).
      // "Now" is never earlier than the latest time seen nor the revoked licence's own issue time:
      // a clock behind (set back, or just slow) must not date the revocation before the licence.
      const at = laterIso(laterIso(this.o.clock.now().toISOString(), this.lastSeenAt?.toISOString() ?? this.ledger.clockFloor), licence.issuedAt)!;
      this.lastCheckedAt = at;
      await this.persist(
        (l) => ({ ...l, revoked: { key: licence.key, at }, issuedFloor: laterIso(l.issuedFloor, at) }),
        async ({ trx, record }, next) => {
          await this.put(LAST_CHECKED, at, trx);
          record({ entity: 'licence', entityId: maskKey(licence.key), action: 'revoked', after: { issuedFloor: next.issuedFloor } });
        },
        actor,
      );
    }
    return this.status();
  }

  /** Frees this PC's seat on the licence server (moving to a new PC), then forgets the licence here. */
  async deactivate(actor: Actor): Promise<LicenceStatus> {
    const licence = await this.heldLicence('There is no licence to deactivate');
    try {
      await this.o.client.deactivate(this.serverFor(licence), { key: licence.key, machineId: this.machineId() }, this.stopper.signal);
    } catch (err) {
      // Already unknown or revoked there: nothing holds a seat, forgetting it here is all that is left.
      if (!(err instanceof AppError) || (err.code !== 'licence.unknownKey' && err.code !== 'licence.revoked')) throw err;
    }
    // The freed licence's file must not come back by import: the floor moves just past it.
    const past = new Date(Date.parse(licence.issuedAt) + 1).toISOString();
    await this.persist(
      (l) => ({ ...l, licence: null, revoked: null, issuedFloor: laterIso(l.issuedFloor, past) }),
      async ({ record }, next) => {
        record({ entity: 'licence', entityId: maskKey(licence.key), action: 'deactivate', after: { issuedFloor: next.issuedFloor } });
      },
      actor,
    );
    return this.status();
  }

  /**
   * Offline activation: a licence file obtained elsewhere; refused unless it verifies here and now and
   * was issued after the newest licence this install has seen (so an old file cannot undo a
   * revocation, an expiry or a deactivation). Public: the activation screen comes before sign-in.
   */
  async importFile(contents: string, actor: Actor): Promise<LicenceStatus> {
    await this.ready;
    let raw: unknown;
    try {
      raw = JSON.parse(contents);
    } catch {
      throw new AppError('licence.invalid', 'This is not a licence file (it is not JSON)', undefined, { reasonCode: 'malformed' });
    }
    const now = this.o.clock.now();
    const floor = this.issuedFloor();
    const verdict = verifyLicence(raw, { keys: this.o.keys, machineId: this.machineId(), now, lastSeenAt: this.lastSeenAt, issuedFloor: floor });
    if (!verdict.ok) throw new AppError('licence.invalid', `This licence file cannot be used: ${lowerFirst(verdict.reason)}`, undefined, { reasonCode: verdict.reasonCode });
    if (this.tampered) {
      // A tampered ledger's floors may have lost something: only a file issued after everything it
      // still knows (a store without internet asks the vendor for a new one) restores it.
      this.refuseUnlessAfterFloors(Date.parse(verdict.licence.issuedAt), 'file');
    } else if (this.ledger.licence !== null && sameSignature(this.ledger.licence, verdict.file.signature)) {
      // The very file in use, imported again: nothing changes (a replay needs an older one).
      return this.status();
    }
    if (floor && Date.parse(verdict.licence.issuedAt) <= floor.getTime()) throw staleFile();
    if (this.tampered) this.reseal();
    await this.store(raw, verdict.licence, actor, 'import', false);
    return this.status();
  }

  /** The offline-activation request code: machine id, app version and store id; no key. */
  async requestCode(): Promise<{ code: string }> {
    await this.ready;
    return { code: encodeRequestCode({ machineId: this.machineId(), appVersion: this.o.appVersion, storeId: this.server.storeId ?? '' }) };
  }

  async configure(input: { baseUrl: string; storeId?: string | null | undefined }, actor: Actor): Promise<LicenceStatus> {
    await this.ready;
    const before = this.server;
    const next: LicenceServerConfig = { baseUrl: input.baseUrl, storeId: input.storeId === undefined ? before.storeId : input.storeId || null };
    await this.o.writes.run(actor, async ({ trx, record }) => {
      await this.put(CONFIG, next, trx);
      record({ entity: 'setting', entityId: CONFIG, action: 'update', before, after: next });
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
    const { verdict, status } = await this.current();
    const licence = verdict?.licence;
    if (!licence || licence.status === 'revoked' || status.reasonCode === 'revoked' || status.reasonCode === 'machineUnreadable') return;
    // A tampered ledger is re-sealed by the server's fresh answer: no need to wait for refreshAfter.
    if (status.reasonCode === 'tampered') return this.refresh({ staffId: null, username: 'licence' });
    if (verdict.ok === false && verdict.reasonCode !== 'expired' && verdict.reasonCode !== 'clock') return;
    if (this.o.clock.now().getTime() < Date.parse(licence.refreshAfter)) return;
    await this.refresh({ staffId: null, username: 'licence' });
  }

  /** Stops the background and waits for a refresh under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopper.abort();
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
    await this.ready.catch(() => undefined);
    await this.writing.catch(() => undefined);
  }

  /**
   * A reply of the licence server: verified like any file before it replaces the one we have, against
   * the same floors. It never moves a floor back: the protocol has no challenge, so a signed answer
   * proves only that it was issued no earlier than its issuedAt, never that it was issued just now.
   * Any address may be configured (a loopback "server" replaying an answer the real one gave weeks
   * ago, before a revocation or an expiry) and the clock is whatever the PC's holder sets: neither
   * can vouch for an answer's freshness, only the floors this install still holds can.
   * (So a clock once run far ahead keeps that date as the latest seen; the audit trail holds it too.)
   */
  private async accept(reply: LicenceReply, actor: Actor, action: 'activate' | 'refresh') {
    const now = this.o.clock.now();
    const issuedAt = Date.parse(reply.file.license.issuedAt);
    // Tampered or not, every floor the merged ledger still holds applies (ledger.ts keeps the latest
    // of both copies and the audit trail).
    const floor = this.issuedFloor();
    const verdict = verifyLicence(reply.raw, { keys: this.o.keys, machineId: this.machineId(), now, lastSeenAt: this.lastSeenAt, issuedFloor: floor });
    if (!verdict.ok && verdict.state === 'invalid') {
      throw new AppError('licence.invalid', `The licence server's answer cannot be used: ${lowerFirst(verdict.reason)}`, undefined, { reasonCode: verdict.reasonCode });
    }
    if (this.tampered) this.refuseUnlessAfterFloors(issuedAt, 'answer');
    // A server replaying an old answer (a fake one on this PC) is refused like an old file.
    if (floor && issuedAt <= floor.getTime()) throw staleFile();
    if (this.tampered) this.reseal();
    await this.store(reply.raw, reply.file.license, actor, action, true);
  }

  /** A tampered ledger is re-sealed only by a licence issued after every floor it still holds (ledger.ts resealFloor). */
  private refuseUnlessAfterFloors(issuedAt: number, what: 'file' | 'answer') {
    const after = resealFloor(this.ledger, this.lastSeenAt ?? new Date(this.ledger.clockFloor), CLOCK_TOLERANCE_MS);
    if (issuedAt > after.getTime()) return;
    const since = `${after.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    throw new AppError(
      'licence.invalid',
      what === 'file'
        ? `${this.tampered}: only a licence file issued after ${since} (a new one from your vendor) or an online activation restores them`
        : `${this.tampered}: the licence server's answer was issued on ${new Date(issuedAt).toISOString().slice(0, 10)}, not after ${since} (the newest licence, revocation or time this computer has seen), so it cannot restore them`,
      undefined,
      { reasonCode: 'tampered' },
    );
  }

  /** A licence issued just now for this PC ends the tampered state: the store() that follows writes both halves. */
  private reseal() {
    this.o.log.warn('licence: a freshly issued licence was accepted; the licence ledger is sealed again');
    this.tampered = null;
    this.ledger = { ...this.ledger, trialStartedAt: this.trialStartedAt.toISOString() };
  }

  private async store(raw: unknown, licence: Licence, actor: Actor, action: string, checked: boolean) {
    const text = JSON.stringify(raw);
    const at = this.o.clock.now().toISOString();
    await this.persist(
      // The revocation stays (it covers only licences issued before it), and the floor never goes back.
      (l) => ({ ...l, licence: text, issuedFloor: laterIso(l.issuedFloor, licence.issuedAt) }),
      async ({ trx, record }, next) => {
        if (checked) await this.put(LAST_CHECKED, at, trx);
        // Only the key's last group is recorded: the trail is readable by the owner and in backups.
        // The issue floor is recorded too: the append-only trail keeps it if the ledger is deleted.
        record({
          entity: 'licence',
          entityId: maskKey(licence.key),
          action,
          after: { status: licence.status, expiresAt: licence.expiresAt, refreshAfter: licence.refreshAfter, issuedFloor: next.issuedFloor },
        });
      },
      actor,
    );
    if (checked) this.lastCheckedAt = at;
  }

  /**
   * Writes the ledger: the database's rows first (with `extra`, in one transaction), then the sealed
   * file, then the row saying the file exists. A crash between any two leaves a state ledger.ts
   * reads as honest. One write at a time. While the ledger is tampered nothing of it is written (the
   * evidence stays; only the server's answer re-seals it), but `extra` still runs.
   */
  private persist(update: (l: LedgerState) => LedgerState, extra?: (unit: Unit, next: LedgerState) => Promise<void>, actor: Actor = SYSTEM_ACTOR): Promise<void> {
    const run = async () => {
      const next = { ...update(this.ledger), clockFloor: this.lastSeenAt?.toISOString() ?? this.ledger.clockFloor };
      this.ledger = next;
      if (this.tampered) {
        if (extra) await this.o.writes.run(actor, (unit) => extra(unit, next));
        return;
      }
      await this.o.writes.run(actor, async (unit) => {
        const { trx } = unit;
        await this.put(TRIAL_STARTED, next.trialStartedAt, trx);
        await this.put(LAST_SEEN, next.clockFloor, trx);
        await this.putOrDelete(ISSUED_FLOOR, next.issuedFloor, trx);
        await this.putOrDelete(FILE, next.licence, trx);
        await this.putOrDelete(REVOKED, next.revoked, trx);
        if (extra) await extra(unit, next);
      });
      if (!this.sealWorks) return;
      let written: boolean;
      try {
        written = writeSealedLedger(this.o.dataDir, this.o.secrets, next);
      } catch (err) {
        // A full disk or a failing keychain must not stop the counter: the previous file (or, before
        // the first one, the database alone) stands, and the next write tries again.
        this.o.log.warn('licence: the sealed licence record could not be written', err);
        return;
      }
      if (!written) {
        this.sealWorks = false;
        this.o.log.warn('licence: no keychain to seal the licence ledger with; the database alone keeps it');
        return;
      }
      if (!this.sealedRow) {
        await this.put(SEALED, true);
        this.sealedRow = true;
      }
    };
    const done = this.writing.then(run, run);
    this.writing = done.catch(() => undefined);
    return done;
  }

  private putOrDelete(key: string, value: unknown, trx: Kysely<Database>) {
    if (value === null) return trx.deleteFrom('settings').where('key', '=', key).execute();
    return this.put(key, value, trx);
  }

  private put(key: string, value: unknown, trx: Kysely<Database> = this.o.db) {
    return writeSetting(trx, key, value, this.o.clock.now().toISOString());
  }
}

function staleFile(): AppError {
  return new AppError('licence.invalid', `This licence file cannot be used: ${lowerFirst(STALE_REASON)}`, undefined, { reasonCode: 'stale' });
}

function sameSignature(licenceText: string, signature: string): boolean {
  try {
    return (JSON.parse(licenceText) as { signature?: unknown }).signature === signature;
  } catch {
    return false;
  }
}

function isoOf(value: unknown): string | null {
  return dateOf(value)?.toISOString() ?? null;
}

function laterIso(a: string | null, b: string | null): string | null {
  const ta = a === null ? NaN : Date.parse(a);
  const tb = b === null ? NaN : Date.parse(b);
  if (Number.isNaN(ta)) return Number.isNaN(tb) ? null : new Date(tb).toISOString();
  if (Number.isNaN(tb)) return new Date(ta).toISOString();
  return new Date(Math.max(ta, tb)).toISOString();
}

function dateOf(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t);
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** The earliest of ISO times (any may be missing). */
function minIso(times: (string | undefined)[]): string | undefined {
  return times.filter((t): t is string => typeof t === 'string').sort()[0];
}

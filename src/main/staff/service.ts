import type { Kysely, Selectable, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { AppError } from '../../shared/errors';
import { formatRecoveryCode, normalizeRecoveryCode } from '../../shared/staff/recovery-code';
import type { LoginInput, RecoverInput, SetupOwnerInput, Staff, StaffCreateInput, StaffUpdateInput, SwitchUserInput } from '../../shared/staff/schema';
import { type Actor, SYSTEM_ACTOR } from '../audit/log';
import type { Clock } from '../clock';
import { readSetting, writeSetting } from '../settings';
import type { Database, StaffTable } from '../db/schema';
import { type AttemptSlot, AttemptLimiter } from './attempts';
import type { UnitOfWork } from '../unit-of-work';
import { SecretHasher, newRecoveryCode } from './secrets';
import { type ActiveSession, Sessions } from './sessions';

type Row = Selectable<StaffTable>;
const AUTO_LOCK_KEY = 'autoLockMinutes';
const DEFAULT_AUTO_LOCK_MINUTES = 5;
// Seed 004: one message for every bad credential, never saying which part was wrong.
const INVALID = 'Wrong username or password';
const INVALID_RECOVERY = 'Wrong username or recovery code';

export interface SignedIn {
  session: ActiveSession;
  staff: Row;
}

/** Staff accounts, sign-in, the screen lock and the auto-lock setting. */
export class StaffService {
  readonly sessions: Sessions;
  private autoLockMinutes: number | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly writes: UnitOfWork,
    /** The argon2 queue; one per app, so it outlives a restore's reassembly. */
    private readonly hasher: SecretHasher = new SecretHasher(),
    /** The checks' limit; one per app too, so a restore does not start it over. */
    private readonly attempts: AttemptLimiter = new AttemptLimiter(clock),
  ) {
    this.sessions = new Sessions(clock);
  }

  async ownerExists(): Promise<boolean> {
    return !!(await this.db.selectFrom('staff').select('id').where('role', '=', 'owner').executeTakeFirst());
  }

  /** First start: creates the owner account, once. */
  async setupOwner(input: z.output<typeof SetupOwnerInput>) {
    // Checked before hashing too: this channel is public, and once the owner exists it costs nothing.
    if (await this.db.selectFrom('staff').select('id').executeTakeFirst()) throw ownerExists();
    const recoveryCode = newRecoveryCode();
    const hashes = { ...(await this.hashes(input)), recovery: await this.hasher.hash(recoveryCode) };
    const row = await this.writes.run(SYSTEM_ACTOR, async ({ trx, record }) => {
      if (await trx.selectFrom('staff').select('id').executeTakeFirst()) throw ownerExists();
      const created = await this.insert(trx, { ...input, role: 'owner' }, hashes);
      // The first owner is who creates their own account.
      record({ entity: 'staff', entityId: created.id, action: 'create', after: staffView(created) }, { staffId: created.id, username: created.username });
      return created;
    });
    return { ...this.openSession(row), recoveryCode: formatRecoveryCode(recoveryCode) };
  }

  /**
   * A forgotten owner password: the owner's recovery code sets a new one and is replaced by a new
   * code, shown once. Counted against the same attempts as signing in to the account (a guess at the
   * code is a guess at the account), and every failure says the same thing, whether the username,
   * the account's role or the code was wrong.
   */
  async recover(input: z.output<typeof RecoverInput>) {
    const usernameKey = input.username.trim().toLowerCase();
    const slot = this.reserveAttempt(`login:${usernameKey}`);
    const code = normalizeRecoveryCode(input.recoveryCode);
    const found = await this.check(slot, async () => {
      const row = await this.db.selectFrom('staff').selectAll().where('username_key', '=', usernameKey).executeTakeFirst();
      const hash = row && row.role === 'owner' && !row.disabled_at ? row.recovery_hash : null;
      // A decoy check when there is nothing to check against, so the time taken does not tell.
      const matches = await this.hasher.verify(hash ?? (await this.hasher.decoyHash()), code ?? input.recoveryCode);
      return row && hash && code && matches ? { row, hash } : null;
    });
    if (!found) throw new AppError('auth.invalidCredentials', INVALID_RECOVERY);
    const next = newRecoveryCode();
    const passwordHash = await this.hasher.hash(input.newPassword);
    const recoveryHash = await this.hasher.hash(next);
    const actor = { staffId: found.row.id, username: found.row.username };
    await this.change(found.row.id, actor, 'recoverPassword', async (row) => {
      // Used meanwhile (two recoveries at once): a code works once.
      if (row.recovery_hash !== found.hash) throw new AppError('auth.invalidCredentials', INVALID_RECOVERY);
      return { password_hash: passwordHash, recovery_hash: recoveryHash };
    });
    // Whoever signed in with the forgotten password is signed out.
    this.sessions.closeAllOf(found.row.id);
    return { ...this.openSession(found.row), recoveryCode: formatRecoveryCode(next) };
  }

  /** The signed-in owner's new recovery code (the old one stops working), after their password. */
  async newRecoveryCode(signedIn: SignedIn, password: string, actor: Actor) {
    const slot = this.reserveAttempt(`login:${signedIn.staff.username_key}`);
    const hash = signedIn.staff.password_hash;
    if (!(await this.check(slot, () => this.hasher.verify(hash, password)))) throw new AppError('auth.invalidCredentials', 'Wrong password');
    const code = newRecoveryCode();
    const recoveryHash = await this.hasher.hash(code);
    await this.change(signedIn.staff.id, actor, 'newRecoveryCode', async () => ({ recovery_hash: recoveryHash }));
    return { recoveryCode: formatRecoveryCode(code) };
  }

  /**
   * The colleagues who can take over a locked screen: active staff accounts with a PIN. Not owners:
   * they sign in with their password, or a PIN guessed from a staff session would open an owner's account.
   */
  async lockTiles() {
    const rows = await this.db
      .selectFrom('staff')
      .select(['id', 'display_name'])
      .where('disabled_at', 'is', null)
      .where('pin_hash', 'is not', null)
      .where('role', '=', 'staff')
      .orderBy('display_name')
      .execute();
    return rows.map((r) => ({ id: r.id, displayName: r.display_name }));
  }

  /**
   * A colleague takes over a locked screen with their PIN: the current session ends and theirs
   * begins. Five tries a minute per screen's holder, like unlocking.
   */
  async switchUser(signedIn: SignedIn, input: z.output<typeof SwitchUserInput>) {
    // Only a locked screen is taken over: a session in use is its holder's.
    if (!signedIn.session.locked) throw new AppError('auth.forbidden', 'Lock the screen first: a colleague takes over a locked screen');
    const row = await this.db.selectFrom('staff').selectAll().where('id', '=', input.staffId).executeTakeFirst();
    // An owner's PIN only unlocks their own screen (lockTiles): tried against a decoy, never theirs.
    // Guesses count against the one trying, so they cannot keep a colleague from unlocking.
    const target = row && !row.disabled_at && row.role === 'staff' ? row : null;
    const slot = this.reserveAttempt(`switch:${signedIn.staff.id}`);
    const account = await this.check(slot, async () => {
      const hash = target?.pin_hash ?? null;
      const matches = await this.hasher.verify(hash ?? (await this.hasher.decoyHash()), input.pin);
      return target && hash && matches ? target : null;
    });
    if (!account) throw new AppError('auth.invalidCredentials', 'Wrong PIN');
    this.sessions.close(signedIn.session.token);
    return this.openSession(account);
  }

  async login(input: z.output<typeof LoginInput>) {
    // The limiter's key is the very key the account is looked up by: no spelling of a username
    // reaches an account without counting against it.
    const usernameKey = input.username.trim().toLowerCase();
    const slot = this.reserveAttempt(`login:${usernameKey}`);
    const account = await this.check(slot, async () => {
      const row = await this.db.selectFrom('staff').selectAll().where('username_key', '=', usernameKey).executeTakeFirst();
      // Verify against a decoy when there is no such account, so the time taken does not tell.
      const matches = await this.hasher.verify(row?.password_hash ?? (await this.hasher.decoyHash()), input.password);
      return row && matches && !row.disabled_at ? row : null;
    });
    if (!account) throw new AppError('auth.invalidCredentials', INVALID);
    return this.openSession(account);
  }

  logout(token: string) {
    this.sessions.close(token);
    return { message: 'Signed out' };
  }

  /** Unlocks a locked screen for the same person, with their PIN. */
  async unlock(signedIn: SignedIn, pin: string) {
    const pinHash = signedIn.staff.pin_hash;
    if (!pinHash) throw new AppError('auth.noPin', 'No PIN is set for this account: sign out and sign in with your password');
    const slot = this.reserveAttempt(`pin:${signedIn.staff.id}`);
    if (!(await this.check(slot, () => this.hasher.verify(pinHash, pin)))) throw new AppError('auth.invalidCredentials', 'Wrong PIN');
    signedIn.session.locked = false;
    this.sessions.touch(signedIn.session);
    return this.me(signedIn);
  }

  lock(signedIn: SignedIn) {
    signedIn.session.locked = true;
    return this.me(signedIn);
  }

  async me(signedIn: SignedIn) {
    return {
      staff: staffView(signedIn.staff),
      locked: signedIn.session.locked,
      autoLockMinutes: await this.getAutoLockMinutes(),
      hasRecoveryCode: signedIn.staff.recovery_hash !== null,
    };
  }

  /** Resolves a session token (null when absent, expired or its account disabled). */
  async resolve(token: string | null | undefined): Promise<SignedIn | null> {
    const session = this.sessions.find(token, (await this.getAutoLockMinutes()) * 60_000);
    if (!session) return null;
    const staff = await this.db.selectFrom('staff').selectAll().where('id', '=', session.staffId).executeTakeFirst();
    if (!staff || staff.disabled_at) {
      this.sessions.close(session.token);
      return null;
    }
    return { session, staff };
  }

  async list(): Promise<Staff[]> {
    const rows = await this.db.selectFrom('staff').selectAll().orderBy('created_at').execute();
    return rows.map(staffView);
  }

  async create(input: z.output<typeof StaffCreateInput>, actor: Actor): Promise<Staff> {
    const hashes = await this.hashes(input);
    return this.writes.run(actor, async ({ trx, record }) => {
      const row = await this.insert(trx, input, hashes);
      record({ entity: 'staff', entityId: row.id, action: 'create', after: staffView(row) });
      return staffView(row);
    });
  }

  async update(input: z.output<typeof StaffUpdateInput>, actor: Actor): Promise<Staff> {
    const pinHash = input.pin ? await this.hasher.hash(input.pin) : null;
    return this.change(input.id, actor, 'update', async (row, trx) => {
      if (input.role === 'staff' && row.role === 'owner') await this.assertAnotherOwner(trx, row.id);
      return {
        ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.pin !== undefined ? { pin_hash: pinHash } : {}),
      };
    });
  }

  async disable(id: string, actor: Actor): Promise<Staff> {
    if (id === actor.staffId) throw new AppError('auth.forbidden', 'You cannot disable your own account');
    const out = await this.change(id, actor, 'disable', async (row, trx) => {
      if (row.role === 'owner') await this.assertAnotherOwner(trx, row.id);
      // Disabled already: it keeps the date it was first disabled (no change, nothing audited).
      return { disabled_at: row.disabled_at ?? this.clock.now().toISOString() };
    });
    this.sessions.closeAllOf(id);
    return out;
  }

  /**
   * Another's password reset by an owner is limited like sign-in attempts (issue 12, item 12): each
   * one counts against the acting owner for the window, so a session left open (or taken) cannot
   * take over every account at once.
   */
  async resetPassword(id: string, password: string, actor: Actor): Promise<Staff> {
    const slot = id !== actor.staffId && actor.staffId ? this.reserveAttempt(`reset:${actor.staffId}`) : null;
    try {
      const hash = await this.hasher.hash(password);
      const out = await this.change(id, actor, 'resetPassword', async () => ({ password_hash: hash }));
      if (id !== actor.staffId) this.sessions.closeAllOf(id);
      // Done: it keeps its slot for the window, as a failed sign-in does.
      slot?.failed();
      return out;
    } catch (err) {
      slot?.cancelled();
      throw err;
    }
  }

  async getAutoLockMinutes(): Promise<number> {
    if (this.autoLockMinutes === null) {
      const stored = await readSetting(this.db, AUTO_LOCK_KEY);
      this.autoLockMinutes = stored === undefined ? DEFAULT_AUTO_LOCK_MINUTES : Number(stored);
    }
    return this.autoLockMinutes;
  }

  async setAutoLockMinutes(minutes: number, actor: Actor) {
    const before = await this.getAutoLockMinutes();
    // The same value again is not a change: nothing to write or audit.
    if (minutes === before) return { autoLockMinutes: minutes };
    await this.writes.run(actor, async ({ trx, record }) => {
      await writeSetting(trx, AUTO_LOCK_KEY, minutes, this.clock.now().toISOString());
      record({ entity: 'setting', entityId: AUTO_LOCK_KEY, action: 'update', before, after: minutes });
    });
    this.autoLockMinutes = minutes;
    return { autoLockMinutes: minutes };
  }

  private openSession(row: Row) {
    const session = this.sessions.open(row.id);
    return { sessionToken: session.token, staff: staffView(row) };
  }

  /** Takes one of the key's check slots now, before any await, or refuses with the wait. */
  private reserveAttempt(key: string): AttemptSlot {
    const { slot, waitMs } = this.attempts.reserve(key);
    if (slot) return slot;
    const seconds = Math.ceil(waitMs / 1000);
    throw new AppError('auth.rateLimited', `Too many attempts: wait ${seconds} s and try again`, undefined, { retryAfterSeconds: seconds });
  }

  /** Runs a check on a reserved slot and settles the slot by its outcome. */
  private async check<T>(slot: AttemptSlot, run: () => Promise<T | null | false>): Promise<T | null | false> {
    let outcome: T | null | false;
    try {
      outcome = await run();
    } catch (err) {
      // Refused by a full hashing queue (or the store failed): no check happened, nothing to count.
      slot.cancelled();
      throw err;
    }
    if (outcome) slot.succeeded();
    else slot.failed();
    return outcome;
  }

  /**
   * Hashes a new account's secrets before its transaction opens: the store has one connection, and
   * a transaction held while waiting for the hashing queue would hold up every other call.
   */
  private async hashes(input: { password: string; pin?: string | undefined }): Promise<Hashes> {
    const password = await this.hasher.hash(input.password);
    return { password, pin: input.pin ? await this.hasher.hash(input.pin) : null };
  }

  private async insert(trx: Transaction<Database>, input: { username: string; displayName: string; role: 'owner' | 'staff' }, hashes: Hashes) {
    const key = input.username.toLowerCase();
    if (await trx.selectFrom('staff').select('id').where('username_key', '=', key).executeTakeFirst()) {
      throw new AppError('staff.usernameTaken', 'This username is taken', { username: ['This username is taken'] });
    }
    const now = this.clock.now().toISOString();
    const row: Row = {
      id: uuidv7(),
      username: input.username,
      username_key: key,
      display_name: input.displayName,
      role: input.role,
      password_hash: hashes.password,
      pin_hash: hashes.pin,
      recovery_hash: hashes.recovery ?? null,
      disabled_at: null,
      created_at: now,
      updated_at: now,
    };
    await trx.insertInto('staff').values(row).execute();
    return row;
  }

  private async change(id: string, actor: Actor, action: string, patch: (row: Row, trx: Transaction<Database>) => Promise<Partial<Row>>): Promise<Staff> {
    return this.writes.run(actor, async ({ trx, record }) => {
      const row = await trx.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new AppError('staff.notFound', 'Staff member not found');
      const patched = await patch(row, trx);
      // A save that changes nothing is not a change: not dated, not audited.
      if (!Object.entries(patched).some(([k, v]) => row[k as keyof Row] !== v)) return staffView(row);
      const set = { ...patched, updated_at: this.clock.now().toISOString() };
      await trx.updateTable('staff').set(set).where('id', '=', id).execute();
      const after = { ...row, ...set };
      record({ entity: 'staff', entityId: id, action, before: staffView(row), after: staffView(after) });
      return staffView(after);
    });
  }

  private async assertAnotherOwner(trx: Transaction<Database>, exceptId: string) {
    const other = await trx.selectFrom('staff').select('id').where('role', '=', 'owner').where('disabled_at', 'is', null).where('id', '!=', exceptId).executeTakeFirst();
    if (!other) throw new AppError('auth.forbidden', 'The store must keep at least one active owner');
  }
}

interface Hashes {
  password: string;
  pin: string | null;
  /** An owner's recovery code, at setup. */
  recovery?: string;
}

function ownerExists() {
  return new AppError('auth.forbidden', 'The owner account already exists; sign in instead');
}

/** What leaves the core about an account: never a hash. */
export function staffView(row: Row): Staff {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    hasPin: row.pin_hash !== null,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at,
  };
}

import type { Kysely, Selectable, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { AppError } from '../../shared/errors';
import type { LoginInput, SetupOwnerInput, Staff, StaffCreateInput, StaffUpdateInput } from '../../shared/staff/schema';
import { type Actor, SYSTEM_ACTOR } from '../audit/log';
import type { Clock } from '../clock';
import { readSetting, writeSetting } from '../settings';
import type { Database, StaffTable } from '../db/schema';
import { type AttemptSlot, AttemptLimiter } from './attempts';
import type { UnitOfWork } from '../unit-of-work';
import { SecretHasher } from './secrets';
import { type ActiveSession, Sessions } from './sessions';

type Row = Selectable<StaffTable>;
const AUTO_LOCK_KEY = 'autoLockMinutes';
const DEFAULT_AUTO_LOCK_MINUTES = 5;
// Seed 004: one message for every bad credential, never saying which part was wrong.
const INVALID = 'Wrong username or password';

export interface SignedIn {
  session: ActiveSession;
  staff: Row;
}

/** Staff accounts, sign-in, the screen lock and the auto-lock setting. */
export class StaffService {
  readonly sessions: Sessions;
  private readonly attempts: AttemptLimiter;
  private autoLockMinutes: number | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly writes: UnitOfWork,
    /** The argon2 queue; one per app, so it outlives a restore's reassembly. */
    private readonly hasher: SecretHasher = new SecretHasher(),
  ) {
    this.sessions = new Sessions(clock);
    this.attempts = new AttemptLimiter(clock);
  }

  async ownerExists(): Promise<boolean> {
    return !!(await this.db.selectFrom('staff').select('id').where('role', '=', 'owner').executeTakeFirst());
  }

  /** First start: creates the owner account, once. */
  async setupOwner(input: z.output<typeof SetupOwnerInput>) {
    // Checked before hashing too: this channel is public, and once the owner exists it costs nothing.
    if (await this.db.selectFrom('staff').select('id').executeTakeFirst()) throw ownerExists();
    const hashes = await this.hashes(input);
    const row = await this.writes.run(SYSTEM_ACTOR, async ({ trx, record }) => {
      if (await trx.selectFrom('staff').select('id').executeTakeFirst()) throw ownerExists();
      const created = await this.insert(trx, { ...input, role: 'owner' }, hashes);
      // The first owner is who creates their own account.
      record({ entity: 'staff', entityId: created.id, action: 'create', after: staffView(created) }, { staffId: created.id, username: created.username });
      return created;
    });
    return this.openSession(row);
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
    return { staff: staffView(signedIn.staff), locked: signedIn.session.locked, autoLockMinutes: await this.getAutoLockMinutes() };
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

  async resetPassword(id: string, password: string, actor: Actor): Promise<Staff> {
    const hash = await this.hasher.hash(password);
    const out = await this.change(id, actor, 'resetPassword', async () => ({ password_hash: hash }));
    if (id !== actor.staffId) this.sessions.closeAllOf(id);
    return out;
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

  private async openSession(row: Row) {
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

import type { Kysely, Selectable, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { AppError } from '../../shared/errors';
import type { LoginInput, SetupOwnerInput, Staff, StaffCreateInput, StaffUpdateInput } from '../../shared/staff/schema';
import type { Actor, AuditLog } from '../audit/log';
import type { Clock } from '../clock';
import { readSetting, writeSetting } from '../settings';
import type { Database, StaffTable } from '../db/schema';
import { AttemptLimiter } from './attempts';
import { decoyHash, hashSecret, verifySecret } from './secrets';
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
    private readonly audit: AuditLog,
  ) {
    this.sessions = new Sessions(clock);
    this.attempts = new AttemptLimiter(clock);
  }

  async ownerExists(): Promise<boolean> {
    return !!(await this.db.selectFrom('staff').select('id').where('role', '=', 'owner').executeTakeFirst());
  }

  /** First start: creates the owner account, once. */
  async setupOwner(input: z.output<typeof SetupOwnerInput>) {
    const row = await this.db.transaction().execute(async (trx) => {
      if (await trx.selectFrom('staff').select('id').executeTakeFirst()) {
        throw new AppError('auth.forbidden', 'The owner account already exists; sign in instead');
      }
      const created = await this.insert(trx, { ...input, role: 'owner' });
      await this.audit.record(trx, { staffId: created.id, username: created.username }, { entity: 'staff', entityId: created.id, action: 'create', after: staffView(created) });
      return created;
    });
    return this.openSession(row);
  }

  async login(input: z.output<typeof LoginInput>) {
    const key = `login:${input.username.trim().toLowerCase()}`;
    this.assertNotLimited(key);
    const row = await this.db.selectFrom('staff').selectAll().where('username_key', '=', input.username.trim().toLowerCase()).executeTakeFirst();
    // Verify against a decoy when there is no such account, so the time taken does not tell.
    const ok = await verifySecret(row?.password_hash ?? (await decoyHash()), input.password);
    if (!row || !ok || row.disabled_at) {
      this.attempts.fail(key);
      throw new AppError('auth.invalidCredentials', INVALID);
    }
    this.attempts.succeed(key);
    return this.openSession(row);
  }

  logout(token: string) {
    this.sessions.close(token);
    return { message: 'Signed out' };
  }

  /** Unlocks a locked screen for the same person, with their PIN. */
  async unlock(signedIn: SignedIn, pin: string) {
    const key = `pin:${signedIn.staff.id}`;
    this.assertNotLimited(key);
    if (!signedIn.staff.pin_hash) throw new AppError('auth.noPin', 'No PIN is set for this account: sign out and sign in with your password');
    if (!(await verifySecret(signedIn.staff.pin_hash, pin))) {
      this.attempts.fail(key);
      throw new AppError('auth.invalidCredentials', 'Wrong PIN');
    }
    this.attempts.succeed(key);
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
    return this.db.transaction().execute(async (trx) => {
      const row = await this.insert(trx, input);
      await this.audit.record(trx, actor, { entity: 'staff', entityId: row.id, action: 'create', after: staffView(row) });
      return staffView(row);
    });
  }

  async update(input: z.output<typeof StaffUpdateInput>, actor: Actor): Promise<Staff> {
    return this.change(input.id, actor, 'update', async (row, trx) => {
      if (input.role === 'staff' && row.role === 'owner') await this.assertAnotherOwner(trx, row.id);
      return {
        ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.pin !== undefined ? { pin_hash: input.pin === null ? null : await hashSecret(input.pin) } : {}),
      };
    });
  }

  async disable(id: string, actor: Actor): Promise<Staff> {
    if (id === actor.staffId) throw new AppError('auth.forbidden', 'You cannot disable your own account');
    const out = await this.change(id, actor, 'disable', async (row, trx) => {
      if (row.role === 'owner') await this.assertAnotherOwner(trx, row.id);
      return { disabled_at: this.clock.now().toISOString() };
    });
    this.sessions.closeAllOf(id);
    return out;
  }

  async resetPassword(id: string, password: string, actor: Actor): Promise<Staff> {
    const hash = await hashSecret(password);
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
    await this.db.transaction().execute(async (trx) => {
      await writeSetting(trx, AUTO_LOCK_KEY, minutes, this.clock.now().toISOString());
      await this.audit.record(trx, actor, { entity: 'setting', entityId: AUTO_LOCK_KEY, action: 'update', before, after: minutes });
    });
    this.autoLockMinutes = minutes;
    return { autoLockMinutes: minutes };
  }

  private async openSession(row: Row) {
    const session = this.sessions.open(row.id);
    return { sessionToken: session.token, staff: staffView(row) };
  }

  private assertNotLimited(key: string) {
    const wait = this.attempts.waitFor(key);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new AppError('auth.rateLimited', `Too many attempts: wait ${seconds} s and try again`, undefined, { retryAfterSeconds: seconds });
    }
  }

  private async insert(trx: Transaction<Database>, input: { username: string; displayName: string; password: string; role: 'owner' | 'staff'; pin?: string | undefined }) {
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
      password_hash: await hashSecret(input.password),
      pin_hash: input.pin ? await hashSecret(input.pin) : null,
      disabled_at: null,
      created_at: now,
      updated_at: now,
    };
    await trx.insertInto('staff').values(row).execute();
    return row;
  }

  private async change(id: string, actor: Actor, action: string, patch: (row: Row, trx: Transaction<Database>) => Promise<Partial<Row>>): Promise<Staff> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new AppError('staff.notFound', 'Staff member not found');
      const set = { ...(await patch(row, trx)), updated_at: this.clock.now().toISOString() };
      await trx.updateTable('staff').set(set).where('id', '=', id).execute();
      const after = { ...row, ...set };
      await this.audit.record(trx, actor, { entity: 'staff', entityId: id, action, before: staffView(row), after: staffView(after) });
      return staffView(after);
    });
  }

  private async assertAnotherOwner(trx: Transaction<Database>, exceptId: string) {
    const other = await trx.selectFrom('staff').select('id').where('role', '=', 'owner').where('disabled_at', 'is', null).where('id', '!=', exceptId).executeTakeFirst();
    if (!other) throw new AppError('auth.forbidden', 'The store must keep at least one active owner');
  }
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

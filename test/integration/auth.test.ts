import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Core, openCore } from '../../src/main/core';
import { DB_FILE_NAME } from '../../src/main/db/database';
import { SecretHasher } from '../../src/main/staff/secrets';
import { type Channel, channels, contract } from '../../src/shared/contract';
import { OWNER, expectFailure, layla, manualClock, memoryLogger, openTestCore, tempDir } from '../helpers/core';

let core: Core;
let raw: Core;
let dir: string;
let close: () => Promise<void>;
// The core's argon2 queue, so tests count the checks really run.
let hasher: SecretHasher;
const clock = manualClock();
const log = memoryLogger();

beforeEach(async () => {
  clock.set('2026-11-22T10:00:00.000Z');
  log.lines.length = 0;
  hasher = new SecretHasher();
  ({ core, raw, dir, close } = await openTestCore({ clock, log, core: { secretHasher: hasher } }));
});
afterEach(() => close());

const as = (sessionToken: string | null) => ({ sessionToken });

async function staffSession(username = 'nadia', pin?: string) {
  await core.call('staff.create', { username, displayName: 'Nadia', password: 'staff-password-1', ...(pin ? { pin } : {}) });
  return (await raw.call('auth.login', { username, password: 'staff-password-1' })).sessionToken;
}

describe('owner setup and sign-in', () => {
  it('sets up the owner once', async () => {
    expect(await raw.call('auth.status', {})).toMatchObject({ ownerExists: true, signedIn: false });
    await expectFailure(raw, 'auth.setupOwner', { username: 'other', displayName: 'X', password: 'another-password' }, 'auth.forbidden', 403);
  });

  it('asks for 10-character passwords and 4-8 digit PINs', async () => {
    const err = await expectFailure(core, 'staff.create', { username: 'x1', displayName: 'X', password: 'short', pin: '12' }, 'validation');
    expect(err.fieldErrors).toEqual({ password: ['Password must be at least 10 characters'], pin: ['PIN must be 4 to 8 digits'] });
  });

  it('signs in and out; the session then stops working', async () => {
    const { sessionToken, staff } = await raw.call('auth.login', { username: 'OWNER', password: OWNER.password });
    expect(staff).toMatchObject({ username: 'owner', role: 'owner', hasPin: true, disabled: false });
    expect((await raw.call('auth.me', {}, as(sessionToken))).staff.username).toBe('owner');
    await raw.call('auth.logout', {}, as(sessionToken));
    await expectFailure(raw, 'auth.me', {}, 'auth.required', 401);
    await expectFailure(raw, 'customers.list', {}, 'auth.required', 401);
  });

  it('answers every bad credential with the same generic error', async () => {
    const wrongPassword = await expectFailure(raw, 'auth.login', { username: 'owner', password: 'not-the-password' }, 'auth.invalidCredentials', 401);
    const noSuchUser = await expectFailure(raw, 'auth.login', { username: 'ghost', password: 'not-the-password' }, 'auth.invalidCredentials', 401);
    expect(noSuchUser.message).toBe(wrongPassword.message);
    expect(wrongPassword.message).toBe('Wrong username or password');
  });

  it('limits failed sign-ins to 5 a minute per account, telling the wait', async () => {
    for (let i = 0; i < 5; i++) await expectFailure(raw, 'auth.login', { username: 'owner', password: `wrong-${i}-xxxxx` }, 'auth.invalidCredentials');
    clock.advance(20_000);
    const limited = await expectFailure(raw, 'auth.login', { username: 'owner', password: OWNER.password }, 'auth.rateLimited', 429);
    expect(limited.details).toEqual({ retryAfterSeconds: 40 });
    expect(limited.message).toContain('40 s');
    clock.advance(40_000);
    expect((await raw.call('auth.login', { username: 'owner', password: OWNER.password })).staff.username).toBe('owner');
  });

  it('refuses a disabled account, and ends its sessions', async () => {
    const token = await staffSession();
    const [nadia] = (await core.call('staff.list', {})).filter((s) => s.username === 'nadia');
    await core.call('staff.disable', { id: nadia?.id });
    const res = await raw.handle('customers.list', {}, as(token));
    expect(res).toMatchObject({ ok: false, error: { code: 'auth.required' } });
    await expectFailure(raw, 'auth.login', { username: 'nadia', password: 'staff-password-1' }, 'auth.invalidCredentials');
  });

  it('keeps at least one active owner', async () => {
    const [owner] = await core.call('staff.list', {});
    await expectFailure(core, 'staff.disable', { id: owner?.id }, 'auth.forbidden');
    await expectFailure(core, 'staff.update', { id: owner?.id, role: 'staff' }, 'auth.forbidden');
  });
});

describe('auto-lock and PIN', () => {
  it('locks an idle session after the configured minutes; the PIN unlocks it for the same person', async () => {
    const token = await staffSession('sami', '1357');
    await core.call('settings.setAutoLock', { minutes: 2 });
    clock.advance(2 * 60_000 + 1);
    const locked = await raw.handle('customers.list', {}, as(token));
    expect(locked).toMatchObject({ ok: false, error: { code: 'auth.locked', status: 423 } });
    expect((await raw.call('auth.me', {}, as(token))).locked).toBe(true);
    expect(await raw.handle('auth.unlock', { pin: '0000' }, as(token))).toMatchObject({ ok: false, error: { code: 'auth.invalidCredentials' } });
    expect((await raw.call('auth.unlock', { pin: '1357' }, as(token))).locked).toBe(false);
    expect((await raw.handle('customers.list', {}, as(token))).ok).toBe(true);
  });

  it('rate-limits PIN attempts too', async () => {
    const token = await staffSession('sami', '1357');
    await raw.call('auth.lock', {}, as(token));
    for (let i = 0; i < 5; i++) expect(await raw.handle('auth.unlock', { pin: '9999' }, as(token))).toMatchObject({ error: { code: 'auth.invalidCredentials' } });
    expect(await raw.handle('auth.unlock', { pin: '1357' }, as(token))).toMatchObject({ error: { code: 'auth.rateLimited' } });
  });

  it('says how to get back in when no PIN is set', async () => {
    const token = await staffSession('nopin');
    await raw.call('auth.lock', {}, as(token));
    expect(await raw.handle('auth.unlock', { pin: '1234' }, as(token))).toMatchObject({ error: { code: 'auth.noPin' } });
  });
});

describe('attempt limits under parallel requests', () => {
  type Answer = Awaited<ReturnType<Core['handle']>>;
  const codesOf = (answers: Answer[]) => {
    const out: Record<string, number> = {};
    for (const a of answers) {
      const code = a.ok ? 'ok' : a.error.code;
      out[code] = (out[code] ?? 0) + 1;
    }
    return out;
  };
  /** Starts a burst, then times another channel called while it runs. */
  /**
   * Another call made during the burst: `infoFirst` says it was answered before the burst was over (a
   * call stuck behind the burst's checks, or an event loop held by argon2, answers after it). An
   * order, not a time: the test must not depend on how loaded the machine is.
   */
  async function duringBurst(burst: () => Promise<Answer[]>) {
    let burstOver = false;
    const running = burst().finally(() => (burstOver = true));
    const asked = performance.now();
    // Called from a timer, a macrotask: while argon2 holds the event loop, the call cannot even start.
    const info = await new Promise<Answer>((resolve) => setTimeout(() => resolve(raw.handle('app.info', {})), 10));
    const infoFirst = !burstOver;
    const answers = await running;
    return { answers, info, infoFirst, burstMs: performance.now() - asked };
  }

  it('checks at most 5 of 1000 PIN guesses sent at once; the right one among them does not unlock', async () => {
    const token = await staffSession('sami', '1357');
    await raw.call('auth.lock', {}, as(token));
    // The right PIN is guess 500: past the 5 checks a minute, it must be refused unchecked.
    const pins = Array.from({ length: 1000 }, (_, i) => (i === 500 ? '1357' : String(2000 + i)));
    const verifiedBefore = hasher.counts.verified;
    const { answers, info, infoFirst } = await duringBurst(() => Promise.all(pins.map((pin) => raw.handle('auth.unlock', { pin }, as(token)))));
    expect(codesOf(answers)).toEqual({ 'auth.invalidCredentials': 5, 'auth.rateLimited': 995 });
    expect(hasher.counts.verified - verifiedBefore).toBe(5);
    for (const a of answers) if (!a.ok && a.error.code === 'auth.rateLimited') expect(a.error.details?.retryAfterSeconds).toBeGreaterThan(0);
    expect((await raw.call('auth.me', {}, as(token))).locked).toBe(true);
    expect(info.ok).toBe(true);
    expect(infoFirst).toBe(true);
  }, 60_000);

  it('checks at most 5 of 40 parallel sign-ins to one account, the right password among them refused', async () => {
    const passwords = Array.from({ length: 40 }, (_, i) => (i === 20 ? OWNER.password : `wrong-password-${i}`));
    const verifiedBefore = hasher.counts.verified;
    const { answers, info, infoFirst } = await duringBurst(() => Promise.all(passwords.map((password) => raw.handle('auth.login', { username: 'OWNER', password }))));
    expect(codesOf(answers)).toEqual({ 'auth.invalidCredentials': 5, 'auth.rateLimited': 35 });
    expect(hasher.counts.verified - verifiedBefore).toBe(5);
    expect(info.ok && infoFirst).toBe(true);
    // Still refused a minute on: five failures stay counted (the right password above never ran).
    clock.advance(59_000);
    await expectFailure(raw, 'auth.login', { username: 'owner', password: OWNER.password }, 'auth.rateLimited', 429);
    clock.advance(1_000);
    expect((await raw.call('auth.login', { username: 'owner', password: OWNER.password })).staff.username).toBe('owner');
  }, 60_000);

  it('runs argon2 through a short queue: a spray over many usernames is refused past it, and the app keeps answering', async () => {
    const before = { ...hasher.counts };
    const { answers, info, infoFirst } = await duringBurst(() =>
      Promise.all(Array.from({ length: 300 }, (_, i) => raw.handle('auth.login', { username: `ghost${i}`, password: 'a-guessed-password' }))),
    );
    const codes = codesOf(answers);
    // At most the running hash and the 15 waiting behind it (plus the decoy hash made once).
    const verified = hasher.counts.verified - before.verified;
    expect(verified).toBeLessThanOrEqual(16);
    expect(codes).toEqual({ 'auth.invalidCredentials': verified, 'auth.busy': 300 - verified });
    for (const a of answers) if (!a.ok && a.error.code === 'auth.busy') expect(a.error).toMatchObject({ status: 503, details: { retryAfterSeconds: expect.any(Number) } });
    expect(info.ok && infoFirst).toBe(true);
    // A refusal by the full queue used none of those accounts' tries: the same spray goes on later.
    expect(await raw.handle('auth.login', { username: 'ghost299', password: 'a-guessed-password' })).toMatchObject({ error: { code: 'auth.invalidCredentials' } });
  }, 60_000);

  it('does not let the real user\'s sign-in wipe the failures counted against the account', async () => {
    for (let i = 0; i < 4; i++) await expectFailure(raw, 'auth.login', { username: 'owner', password: `wrong-${i}-xxxxx` }, 'auth.invalidCredentials');
    await raw.call('auth.login', { username: 'owner', password: OWNER.password });
    await expectFailure(raw, 'auth.login', { username: 'owner', password: 'wrong-5-xxxxx' }, 'auth.invalidCredentials');
    await expectFailure(raw, 'auth.login', { username: 'owner', password: OWNER.password }, 'auth.rateLimited', 429);
  });

  it('hashes new passwords and PINs through the same queue', async () => {
    const before = hasher.counts.hashed;
    const created = await core.call('staff.create', { username: 'lina', displayName: 'Lina', password: 'staff-password-1', pin: '1234' });
    await core.call('staff.resetPassword', { id: created.id, password: 'staff-password-2' });
    await core.call('staff.update', { id: created.id, pin: '5678' });
    expect(hasher.counts.hashed - before).toBe(4);
    // Once the owner exists, the public setup channel refuses before any hashing.
    await expectFailure(raw, 'auth.setupOwner', { username: 'other', displayName: 'X', password: 'another-password' }, 'auth.forbidden', 403);
    expect(hasher.counts.hashed - before).toBe(4);
  });
});

describe('roles, over every channel', () => {
  it('lets each channel through only to whom it belongs', async () => {
    const staffToken = await staffSession();
    // Signing out or locking would end the session the loop uses; both are tested above.
    for (const channel of channels.filter((c) => c !== 'auth.logout' && c !== 'auth.lock')) {
      const rule = contract[channel].access;
      // Staff read the audit trail of customers only (tested below); ask for that here.
      const input = channel === 'audit.list' ? { entity: 'customer' } : {};
      const anonymous = await raw.handle(channel, input, as(null));
      const asStaff = await raw.handle(channel, input, as(staffToken));
      const code = (r: typeof anonymous) => (r.ok ? 'ok' : r.error.code);
      if (rule === 'public') {
        expect([code(anonymous), channel]).not.toEqual(['auth.required', channel]);
      } else {
        expect([code(anonymous), channel]).toEqual(['auth.required', channel]);
      }
      if (rule === 'owner') expect([code(asStaff), channel]).toEqual(['auth.forbidden', channel]);
      else expect([['auth.forbidden', 'auth.required'].includes(code(asStaff)), channel]).toEqual([false, channel]);
    }
  });

  it('rejects malformed input on every channel, changing nothing', async () => {
    for (const channel of channels) {
      for (const input of [42, 'text', [], { unexpected: true }]) {
        const res = await core.handle(channel, input);
        expect([channel, res.ok ? 'ok' : res.error.code]).toEqual([channel, 'validation']);
      }
    }
    expect((await core.call('customers.list', {})).pagination.total).toBe(0);
    expect((await core.call('auth.me', {})).locked).toBe(false);
  });

  it('refuses bulk delete to staff even when called directly', async () => {
    const staffToken = await staffSession();
    const { customer } = await core.call('customers.create', layla);
    const res = await raw.handle('customers.bulkDelete', { ids: [customer.id] }, as(staffToken));
    expect(res).toMatchObject({ ok: false, error: { code: 'auth.forbidden', status: 403 } });
    expect((await core.call('customers.get', { id: customer.id })).deletedAt).toBeNull();
  });

  it('shows staff the history of customers, not of staff accounts', async () => {
    const staffToken = await staffSession();
    expect((await raw.handle('audit.list', { entity: 'customer' }, as(staffToken))).ok).toBe(true);
    expect(await raw.handle('audit.list', {}, as(staffToken))).toMatchObject({ error: { code: 'auth.forbidden' } });
    expect(await raw.handle('audit.list', { entity: 'staff' }, as(staffToken))).toMatchObject({ error: { code: 'auth.forbidden' } });
  });

  it('refuses a blank customer id rather than reading it as "every customer" (or as "no filter" for staff)', async () => {
    const staffToken = await staffSession();
    for (const token of [staffToken, null]) {
      for (const customerId of ['', ' ', '\t ']) {
        const res = await (token ? raw.handle('audit.list', { customerId }, as(token)) : core.handle('audit.list', { customerId }));
        expect(res).toMatchObject({ ok: false, error: { code: 'validation', fieldErrors: { customerId: [expect.stringContaining('customerId')] } } });
      }
    }
  });
});

describe('the audit trail', () => {
  it('records who, when, what and before/after for every change', async () => {
    const staffToken = await staffSession();
    const asNadia = <C extends Channel>(channel: C, input: unknown) => raw.call(channel, input, as(staffToken));
    clock.advance(1000);
    const { customer } = await asNadia('customers.create', layla);
    await asNadia('customers.update', { id: customer.id, customerData: { phoneNumber: '+1-555-9999' } });
    const v1 = await asNadia('prescriptions.create', { customerId: customer.id, rx: { kind: 'spectacles', examDate: '2026-11-20', distanceVision: { rightEye: { sph: '-1' }, leftEye: { sph: '-1' } } } });
    await asNadia('prescriptions.correct', { id: v1.id, rx: { kind: 'spectacles', examDate: '2026-11-20', distanceVision: { rightEye: { sph: '-1.25' }, leftEye: { sph: '-1' } } } });
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
    const doc = await asNadia('attachments.add', { customerId: customer.id, field: 'idCard', fileName: 'id.png', bytes: png.toString('base64') });
    await asNadia('attachments.setType', { id: doc.id, field: 'other' });
    // Removing a document is the owner's (issue 12 item 11).
    await core.call('attachments.remove', { id: doc.id });
    await core.call('customers.delete', { id: customer.id });

    const entries = await core.call('audit.list', {});
    const summary = entries.map((e) => `${e.staffName} ${e.entity}.${e.action}`).reverse();
    expect(summary).toEqual([
      'owner staff.create', // setupOwner
      'owner staff.create', // nadia
      'nadia customer.create',
      'nadia prescription.create', // the seed's opticData became version 1
      'nadia customer.update',
      'nadia prescription.create',
      'nadia prescription.correct',
      'nadia attachment.add',
      'nadia attachment.setType',
      'owner attachment.remove',
      'owner customer.delete',
    ]);
    const update = entries.find((e) => e.action === 'update' && e.entity === 'customer');
    expect(update).toMatchObject({ entityId: customer.id, before: { phoneNumber: '+1-555-0199' }, after: { phoneNumber: '+1-555-9999' }, at: '2026-11-22T10:00:01.000Z' });
    const staffRows = entries.filter((e) => e.entity === 'staff');
    expect(JSON.stringify(staffRows)).not.toMatch(/argon2|password/i);

    const forCustomer = await raw.call('audit.list', { entity: 'customer', entityId: customer.id }, as(staffToken));
    expect(forCustomer.map((e) => e.action)).toEqual(['delete', 'update', 'create']);
    // The customer's whole history, for its History tab: its prescriptions and documents too.
    const history = await raw.call('audit.list', { customerId: customer.id }, as(staffToken));
    expect(history.map((e) => `${e.entity}.${e.action}`)).toEqual([
      'customer.delete',
      'attachment.remove',
      'attachment.setType',
      'attachment.add',
      'prescription.correct',
      'prescription.create',
      'customer.update',
      'prescription.create',
      'customer.create',
    ]);
  });

  it('writes a row for every channel that changes something', async () => {
    const count = async () => (await core.call('audit.list', { limit: 500 })).length;
    const { customer } = await core.call('customers.create', layla);
    const other = await core.call('customers.create', { ...layla, customerData: { ...layla.customerData, email: 'other@example.com' } });
    const staff = await core.call('staff.create', { username: 'temp', displayName: 'Temp', password: 'temp-password-1' });
    const rx = { kind: 'spectacles', examDate: '2026-11-20', distanceVision: { rightEye: { sph: '-1' }, leftEye: { sph: '-1' } } };
    const v1 = await core.call('prescriptions.create', { customerId: customer.id, rx });
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
    const doc = await core.call('attachments.add', { customerId: customer.id, field: 'other', fileName: 'x.png', bytes: png.toString('base64') });
    const calls: [Channel, unknown][] = [
      ['customers.update', { id: customer.id, customerData: { firstName: 'Laila' } }],
      ['prescriptions.correct', { id: v1.id, rx: { ...rx, distanceVision: { rightEye: { sph: '-1.25' }, leftEye: { sph: '-1' } } } }],
      ['attachments.remove', { id: doc.id }],
      ['staff.update', { id: staff.id, displayName: 'Temporary' }],
      ['staff.resetPassword', { id: staff.id, password: 'another-password-2' }],
      ['staff.disable', { id: staff.id }],
      ['settings.setAutoLock', { minutes: 7 }],
      ['customers.delete', { id: customer.id }],
      ['customers.bulkDelete', { ids: [other.customer.id] }],
      ['customers.purge', { id: customer.id }],
    ];
    for (const [channel, input] of calls) {
      const before = await count();
      await core.call(channel, input);
      expect([channel, (await count()) - before]).toEqual([channel, 1]);
    }
  });

  it('records settings and staff changes with before and after', async () => {
    await core.call('settings.setAutoLock', { minutes: 10 });
    const [entry] = await core.call('audit.list', { entity: 'setting' });
    expect(entry).toMatchObject({ entityId: 'autoLockMinutes', action: 'update', before: 5, after: 10 });
  });

  it('writes nothing when the change fails', async () => {
    await core.call('customers.create', layla);
    const before = (await core.call('audit.list', {})).length;
    await expectFailure(core, 'customers.create', layla, 'customer.emailTaken');
    await expectFailure(core, 'customers.update', { id: 'nope', customerData: { firstName: 'X' } }, 'customer.notFound');
    expect((await core.call('audit.list', {})).length).toBe(before);
  });

  it('cannot be edited or deleted, not even with SQL', async () => {
    await core.call('customers.create', layla);
    const db = new BetterSqlite3(join(dir, DB_FILE_NAME));
    try {
      expect(() => db.prepare('delete from audit_log').run()).toThrow(/append-only/);
      expect(() => db.prepare("update audit_log set staff_name = 'someone else'").run()).toThrow(/append-only/);
      expect(() => db.prepare("update audit_log set after = '{}'").run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });

  it('has no channel that edits or deletes audit rows', () => {
    // audit.chain only reads (where the hash chain breaks).
    expect(channels.filter((c) => c.startsWith('audit.'))).toEqual(['audit.list', 'audit.chain']);
  });
});

describe('secrets stay out of the log', () => {
  it('never logs passwords, PINs or session tokens, even on failures', async () => {
    const token = await staffSession('sami', '8642');
    await raw.handle('auth.login', { username: 'sami', password: 'a-wrong-password-9' });
    await raw.handle('auth.unlock', { pin: '8642' }, as(token));
    const text = log.lines.join('\\n');
    for (const secret of ['staff-password-1', 'a-wrong-password-9', '8642', token, OWNER.password]) expect(text).not.toContain(secret);
  });
});

describe('the owner recovery code (issue 12 item 12)', () => {
  const NEW_PASSWORD = 'a-brand-new-password';
  const recoveryHashOf = (username: string) => {
    const db = new BetterSqlite3(join(dir, DB_FILE_NAME), { readonly: true });
    try {
      return (db.prepare('select recovery_hash from staff where username = ?').get(username) as { recovery_hash: string | null }).recovery_hash;
    } finally {
      db.close();
    }
  };
  const newCode = async () => (await core.call('auth.newRecoveryCode', { password: OWNER.password })).recoveryCode;

  it('is shown once at owner setup, grouped for reading, and stored only as an argon2id hash', async () => {
    const blank = tempDir();
    const fresh = await openCore({ dataDir: blank.dir, appVersion: '0.0.0-test', log, clock });
    try {
      const { recoveryCode, staff } = await fresh.call('auth.setupOwner', OWNER);
      expect(staff.role).toBe('owner');
      expect(recoveryCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/);
      const db = new BetterSqlite3(join(blank.dir, DB_FILE_NAME), { readonly: true });
      const row = db.prepare('select recovery_hash from staff').get() as { recovery_hash: string };
      db.close();
      expect(row.recovery_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(row.recovery_hash).not.toContain(recoveryCode.replaceAll('-', ''));
      // Nothing answers it again: auth.me only says there is one.
      const token = (await fresh.call('auth.login', { username: OWNER.username, password: OWNER.password })).sessionToken;
      const me = await fresh.call('auth.me', {}, as(token));
      expect(me.hasRecoveryCode).toBe(true);
      expect(JSON.stringify(me)).not.toContain(recoveryCode);
    } finally {
      await fresh.close();
      blank.remove();
    }
  });

  it('sets a new password from the sign-in screen, then is replaced by a new code; the old password and code stop working', async () => {
    const code = await newCode();
    const [owner] = (await core.call('staff.list', {})).filter((s) => s.username === 'owner');
    // Typed from paper: lower case, spaces, O for 0 and l for 1 still read as the code.
    const typed = ` ${code.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'o').replaceAll('1', 'l')} `;
    const out = await raw.call('auth.recover', { username: 'Owner', recoveryCode: typed, newPassword: NEW_PASSWORD });
    expect(out.staff.username).toBe('owner');
    expect(out.recoveryCode).not.toBe(code);
    // The recovery signs the owner in, and whoever held the old password's sessions is out.
    expect((await raw.call('auth.me', {}, as(out.sessionToken))).staff.username).toBe('owner');
    expect(await core.handle('auth.me', {})).toMatchObject({ ok: false, error: { code: 'auth.required' } });
    await expectFailure(raw, 'auth.login', { username: 'owner', password: OWNER.password }, 'auth.invalidCredentials');
    expect((await raw.call('auth.login', { username: 'owner', password: NEW_PASSWORD })).staff.username).toBe('owner');
    await expectFailure(raw, 'auth.recover', { username: 'owner', recoveryCode: code, newPassword: 'yet-another-password' }, 'auth.invalidCredentials', 401);
    const again = await raw.call('auth.recover', { username: 'owner', recoveryCode: out.recoveryCode, newPassword: 'yet-another-password' });
    expect(again.staff.id).toBe(owner?.id);
    // Audited as the owner's own change, with no secret in it.
    const trail = await raw.call('audit.list', { entity: 'staff', entityId: owner?.id }, as(again.sessionToken));
    expect(trail.filter((e) => e.action === 'recoverPassword').map((e) => e.staffId)).toEqual([owner?.id, owner?.id]);
    expect(JSON.stringify(trail)).not.toMatch(/argon2|recovery_hash|password_hash/);
  });

  it('answers every failure with one generic message: unknown username, a staff account, a wrong or malformed code', async () => {
    const code = await newCode();
    await core.call('staff.create', { username: 'nadia', displayName: 'Nadia', password: 'staff-password-1' });
    const messages = new Set<string>();
    for (const [username, recoveryCode] of [
      ['ghost', code],
      ['nadia', code],
      ['owner', 'AAAAA-AAAAA-AAAAA-AAAAA'],
      ['owner', 'not a code'],
    ]) {
      messages.add((await expectFailure(raw, 'auth.recover', { username, recoveryCode, newPassword: NEW_PASSWORD }, 'auth.invalidCredentials', 401)).message);
    }
    expect([...messages]).toEqual(['Wrong username or recovery code']);
    // The owner's password is untouched.
    expect((await raw.call('auth.login', { username: 'owner', password: OWNER.password })).staff.username).toBe('owner');
  });

  it('counts against the same attempts as signing in to the account', async () => {
    const code = await newCode();
    for (let i = 0; i < 3; i++) await expectFailure(raw, 'auth.login', { username: 'owner', password: `wrong-${i}-xxxxx` }, 'auth.invalidCredentials');
    for (let i = 0; i < 2; i++) await expectFailure(raw, 'auth.recover', { username: 'owner', recoveryCode: 'AAAAA-AAAAA-AAAAA-AAAA' + i, newPassword: NEW_PASSWORD }, 'auth.invalidCredentials');
    const limited = await expectFailure(raw, 'auth.recover', { username: 'owner', recoveryCode: code, newPassword: NEW_PASSWORD }, 'auth.rateLimited', 429);
    expect(limited.details).toEqual({ retryAfterSeconds: 60 });
    await expectFailure(raw, 'auth.login', { username: 'owner', password: OWNER.password }, 'auth.rateLimited', 429);
    clock.advance(60_000);
    expect((await raw.call('auth.recover', { username: 'owner', recoveryCode: code, newPassword: NEW_PASSWORD })).staff.username).toBe('owner');
  });

  it('checks at most 5 of 40 parallel recovery attempts, the right code among them refused', async () => {
    const code = await newCode();
    const codes = Array.from({ length: 40 }, (_, i) => (i === 20 ? code : `WRONG-CODE0-${String(i).padStart(5, '0')}-00000`));
    const verifiedBefore = hasher.counts.verified;
    const answers = await Promise.all(codes.map((recoveryCode) => raw.handle('auth.recover', { username: 'owner', recoveryCode, newPassword: NEW_PASSWORD })));
    const tally = answers.map((a) => (a.ok ? 'ok' : a.error.code)).reduce<Record<string, number>>((n, c) => ({ ...n, [c]: (n[c] ?? 0) + 1 }), {});
    expect(tally).toEqual({ 'auth.invalidCredentials': 5, 'auth.rateLimited': 35 });
    expect(hasher.counts.verified - verifiedBefore).toBe(5);
    // Nothing changed: the old password still opens the account once the window has passed.
    clock.advance(60_000);
    expect((await raw.call('auth.login', { username: 'owner', password: OWNER.password })).staff.username).toBe('owner');
  }, 60_000);

  it('works once when the right code is sent twice at the same time', async () => {
    const code = await newCode();
    const answers = await Promise.all(['first-new-password', 'second-new-password'].map((newPassword) => raw.handle('auth.recover', { username: 'owner', recoveryCode: code, newPassword })));
    expect(answers.map((a) => (a.ok ? 'ok' : a.error.code)).sort()).toEqual(['auth.invalidCredentials', 'ok']);
    const won = answers[0]?.ok ? 'first-new-password' : 'second-new-password';
    expect((await raw.call('auth.login', { username: 'owner', password: won })).staff.username).toBe('owner');
  });

  it('lets an owner of an older store (no code yet) make one from Settings, after their password', async () => {
    // A store made before: its owner has no code (the migration adds the column empty).
    const db = new BetterSqlite3(join(dir, DB_FILE_NAME));
    db.prepare('update staff set recovery_hash = null').run();
    db.close();
    expect((await core.call('auth.me', {})).hasRecoveryCode).toBe(false);
    await expectFailure(core, 'auth.newRecoveryCode', { password: 'not-my-password' }, 'auth.invalidCredentials', 401);
    expect(recoveryHashOf('owner')).toBeNull();
    const { recoveryCode } = await core.call('auth.newRecoveryCode', { password: OWNER.password });
    expect((await core.call('auth.me', {})).hasRecoveryCode).toBe(true);
    expect(recoveryHashOf('owner')).toMatch(/^\$argon2id\$/);
    // Staff have no code to make.
    const token = await staffSession();
    expect(await raw.handle('auth.newRecoveryCode', { password: 'staff-password-1' }, as(token))).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });
    expect((await raw.call('auth.recover', { username: 'owner', recoveryCode, newPassword: NEW_PASSWORD })).staff.username).toBe('owner');
  });

  it('lets another owner reset an owner\'s password, audited', async () => {
    const second = await core.call('staff.create', { username: 'karim', displayName: 'Karim', password: 'karim-password-1', role: 'owner' });
    const karim = (await raw.call('auth.login', { username: 'karim', password: 'karim-password-1' })).sessionToken;
    const [owner] = (await core.call('staff.list', {})).filter((s) => s.username === 'owner');
    await raw.call('staff.resetPassword', { id: owner?.id, password: NEW_PASSWORD }, as(karim));
    expect((await raw.call('auth.login', { username: 'owner', password: NEW_PASSWORD })).staff.username).toBe('owner');
    const [entry] = await raw.call('audit.list', { entity: 'staff', entityId: owner?.id }, as(karim));
    expect(entry).toMatchObject({ action: 'resetPassword', staffId: second.id });
  });

  it('limits resetting others\' passwords like sign-in attempts: a burst from one owner gets 5 through, the rest wait', async () => {
    const made = await Promise.all(
      Array.from({ length: 8 }, (_, i) => core.call('staff.create', { username: `own${i}`, displayName: `Owner ${i}`, password: `own-password-${i}0`, role: 'owner' })),
    );
    const results = await Promise.all(made.map((s) => core.handle('staff.resetPassword', { id: s.id, password: NEW_PASSWORD })));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    expect(results.filter((r) => !r.ok).map((r) => (r.ok ? null : r.error.code))).toEqual(['auth.rateLimited', 'auth.rateLimited', 'auth.rateLimited']);
    const audited = (await core.call('audit.list', { entity: 'staff' })).filter((e) => e.action === 'resetPassword');
    expect(audited).toHaveLength(5);
  });

  it('never logs a recovery code', async () => {
    const code = await newCode();
    await raw.handle('auth.recover', { username: 'owner', recoveryCode: 'WRONG-WRONG-WRONG-WRONG', newPassword: NEW_PASSWORD });
    const out = await raw.call('auth.recover', { username: 'owner', recoveryCode: code, newPassword: NEW_PASSWORD });
    const text = log.lines.join('\n');
    for (const secret of [code, code.replaceAll('-', ''), out.recoveryCode, 'WRONG-WRONG-WRONG-WRONG', NEW_PASSWORD]) expect(text).not.toContain(secret);
  });
});

describe('switching user on the lock screen (issue 12 item 10)', () => {
  it('lists the colleagues with a PIN; a colleague\'s PIN ends the locked session and opens theirs', async () => {
    const token = await staffSession('sami', '1357');
    await core.call('staff.create', { username: 'nadia', displayName: 'Nadia B.', password: 'staff-password-2', pin: '8642' });
    await core.call('staff.create', { username: 'nopin', displayName: 'No Pin', password: 'staff-password-3' });
    await raw.call('auth.lock', {}, as(token));
    const tiles = await raw.call('auth.lockTiles', {}, as(token));
    // Owners sign in with their password: a PIN guessed from a staff session must not open an owner's account.
    expect(tiles.map((t) => t.displayName).sort()).toEqual(['Nadia', 'Nadia B.']);
    expect(JSON.stringify(tiles)).not.toMatch(/username|hash|nopin/i);
    const nadia = tiles.find((t) => t.displayName === 'Nadia B.')!;
    expect(await raw.handle('auth.switchUser', { staffId: nadia.id, pin: '1357' }, as(token))).toMatchObject({ ok: false, error: { code: 'auth.invalidCredentials' } });
    const switched = await raw.call('auth.switchUser', { staffId: nadia.id, pin: '8642' }, as(token));
    expect(switched.staff.username).toBe('nadia');
    expect(await raw.handle('auth.me', {}, as(token))).toMatchObject({ ok: false, error: { code: 'auth.required' } });
    expect((await raw.call('auth.me', {}, as(switched.sessionToken))).locked).toBe(false);
  });

  it('never opens an owner\'s account by PIN, and switches only from a locked screen (outside review: staff took over the owner)', async () => {
    const token = await staffSession('sami', '1357');
    const owner = (await core.call('staff.list', {})).find((s) => s.role === 'owner')!;
    const nadia = await core.call('staff.create', { username: 'nadia', displayName: 'Nadia B.', password: 'staff-password-2', pin: '8642' });
    // Not locked: nobody takes over a session that is in use.
    expect(await raw.handle('auth.switchUser', { staffId: nadia.id, pin: '8642' }, as(token))).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });
    await raw.call('auth.lock', {}, as(token));
    for (let i = 0; i < 6; i++) expect(await raw.handle('auth.switchUser', { staffId: owner.id, pin: i === 0 ? OWNER.pin : `000${i}` }, as(token))).toMatchObject({ ok: false });
    // Those guesses counted against Sami, not the owner: they still unlock their own screen.
    const ownerToken = (await raw.call('auth.login', { username: OWNER.username, password: OWNER.password })).sessionToken;
    await raw.call('auth.lock', {}, as(ownerToken));
    expect((await raw.call('auth.unlock', { pin: OWNER.pin }, as(ownerToken))).locked).toBe(false);
  });

  it('limits PIN attempts per colleague as unlocking does, parallel guesses included', async () => {
    const token = await staffSession('sami', '1357');
    const nadia = await core.call('staff.create', { username: 'nadia', displayName: 'Nadia B.', password: 'staff-password-2', pin: '8642' });
    await raw.call('auth.lock', {}, as(token));
    const pins = Array.from({ length: 100 }, (_, i) => (i === 50 ? '8642' : String(1000 + i)));
    const answers = await Promise.all(pins.map((pin) => raw.handle('auth.switchUser', { staffId: nadia.id, pin }, as(token))));
    const tally = answers.map((a) => (a.ok ? 'ok' : a.error.code)).reduce<Record<string, number>>((n, c) => ({ ...n, [c]: (n[c] ?? 0) + 1 }), {});
    expect(tally).toEqual({ 'auth.invalidCredentials': 5, 'auth.rateLimited': 95 });
    // Sami's locked session is still there, still locked.
    expect((await raw.call('auth.me', {}, as(token))).locked).toBe(true);
    // Outside review: the guesses count against Sami, not Nadia, who still unlocks her own screen.
    const nadiaToken = (await raw.call('auth.login', { username: 'nadia', password: 'staff-password-2' })).sessionToken;
    await raw.call('auth.lock', {}, as(nadiaToken));
    expect((await raw.call('auth.unlock', { pin: '8642' }, as(nadiaToken))).locked).toBe(false);
  }, 60_000);
});

import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { DB_FILE_NAME } from '../../src/main/db/database';
import { SecretHasher } from '../../src/main/staff/secrets';
import { type Channel, channels, contract } from '../../src/shared/contract';
import { OWNER, expectFailure, layla, manualClock, memoryLogger, openTestCore } from '../helpers/core';

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
  async function duringBurst(burst: () => Promise<Answer[]>) {
    const running = burst();
    const asked = performance.now();
    // Called from a timer, a macrotask: while argon2 holds the event loop, the call cannot even start.
    const info = await new Promise<Answer>((resolve) => setTimeout(() => resolve(raw.handle('app.info', {})), 10));
    const infoMs = performance.now() - asked;
    const answers = await running;
    return { answers, info, infoMs, burstMs: performance.now() - asked };
  }

  it('checks at most 5 of 1000 PIN guesses sent at once; the right one among them does not unlock', async () => {
    const token = await staffSession('sami', '1357');
    await raw.call('auth.lock', {}, as(token));
    // The right PIN is guess 500: past the 5 checks a minute, it must be refused unchecked.
    const pins = Array.from({ length: 1000 }, (_, i) => (i === 500 ? '1357' : String(2000 + i)));
    const verifiedBefore = hasher.counts.verified;
    const { answers, info, infoMs } = await duringBurst(() => Promise.all(pins.map((pin) => raw.handle('auth.unlock', { pin }, as(token)))));
    expect(codesOf(answers)).toEqual({ 'auth.invalidCredentials': 5, 'auth.rateLimited': 995 });
    expect(hasher.counts.verified - verifiedBefore).toBe(5);
    for (const a of answers) if (!a.ok && a.error.code === 'auth.rateLimited') expect(a.error.details?.retryAfterSeconds).toBeGreaterThan(0);
    expect((await raw.call('auth.me', {}, as(token))).locked).toBe(true);
    expect(info.ok).toBe(true);
    expect(infoMs).toBeLessThan(1000);
  }, 60_000);

  it('checks at most 5 of 40 parallel sign-ins to one account, the right password among them refused', async () => {
    const passwords = Array.from({ length: 40 }, (_, i) => (i === 20 ? OWNER.password : `wrong-password-${i}`));
    const verifiedBefore = hasher.counts.verified;
    const { answers, info, infoMs } = await duringBurst(() => Promise.all(passwords.map((password) => raw.handle('auth.login', { username: 'OWNER', password }))));
    expect(codesOf(answers)).toEqual({ 'auth.invalidCredentials': 5, 'auth.rateLimited': 35 });
    expect(hasher.counts.verified - verifiedBefore).toBe(5);
    expect(info.ok && infoMs < 1000).toBe(true);
    // Still refused a minute on: five failures stay counted (the right password above never ran).
    clock.advance(59_000);
    await expectFailure(raw, 'auth.login', { username: 'owner', password: OWNER.password }, 'auth.rateLimited', 429);
    clock.advance(1_000);
    expect((await raw.call('auth.login', { username: 'owner', password: OWNER.password })).staff.username).toBe('owner');
  }, 60_000);

  it('runs argon2 through a short queue: a spray over many usernames is refused past it, and the app keeps answering', async () => {
    const before = { ...hasher.counts };
    const { answers, info, infoMs } = await duringBurst(() =>
      Promise.all(Array.from({ length: 300 }, (_, i) => raw.handle('auth.login', { username: `ghost${i}`, password: 'a-guessed-password' }))),
    );
    const codes = codesOf(answers);
    // At most the running hash and the 15 waiting behind it (plus the decoy hash made once).
    const verified = hasher.counts.verified - before.verified;
    expect(verified).toBeLessThanOrEqual(16);
    expect(codes).toEqual({ 'auth.invalidCredentials': verified, 'auth.busy': 300 - verified });
    for (const a of answers) if (!a.ok && a.error.code === 'auth.busy') expect(a.error).toMatchObject({ status: 503, details: { retryAfterSeconds: expect.any(Number) } });
    expect(info.ok && infoMs < 1000).toBe(true);
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

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Channel, channels, contract } from '../../src/shared/contract';
import type { Envelope } from '../../src/shared/errors';
import { layla, manualClock, openTestCore } from '../helpers/core';
import { ONE_MB, protoObject } from './hostile';

/*
 * Every channel called as nobody, as staff and as owner (and with a locked screen), with the odd
 * values a filter or id can take: empty strings, null, very long, prototype keys. The access rule of
 * each channel (src/main/access.ts) must hold whatever the input, and staff never get owner-only data:
 * the audit trail of staff accounts, settings and the licence stays the owner's, whichever filter
 * staff send (issue 10 item 7). Sessions are resolved from the token alone: odd tokens are nobody.
 */

const STAFF_VISIBLE_ENTITIES = new Set(['customer', 'prescription', 'attachment']);
const SAM = { username: 'sam', displayName: 'Sam Counter', password: 'sam-password-1', role: 'staff' as const, pin: '1357' };
const offlineFetch: typeof fetch = () => Promise.reject(new TypeError('fetch failed (offline)'));

/** The odd inputs every channel gets: each a whole input, or an odd value in every field it might have. */
function oddInputs(): unknown[] {
  const values: unknown[] = ['', ' ', null, 0, -1, true, [], {}, 'x'.repeat(10_000), ONE_MB, '__proto__', '\u0000', '\uD800', '../../etc/passwd'];
  const fields = ['id', 'customerId', 'entity', 'entityId', 'staffId', 'name', 'key', 'contents', 'pin', 'username', 'password', 'search'];
  const out: unknown[] = [undefined, null, {}, [], '', 'x', 42, protoObject()];
  for (const v of values) out.push(Object.fromEntries(fields.map((f) => [f, v])));
  for (const f of fields) for (const v of ['', null, 'x'.repeat(1_000)]) out.push({ [f]: v });
  return out;
}

type Answer = Envelope<unknown>;
const codeOf = (a: Answer) => (a.ok ? 'ok' : a.error.code);

let t: Awaited<ReturnType<typeof openTestCore>>;
let clock: ReturnType<typeof manualClock>;
let staffSession: string;
let lockedSession: string;
let customerId: string;

beforeAll(async () => {
  clock = manualClock('2026-03-02T09:00:00.000Z');
  t = await openTestCore({ clock, core: { licenceFetch: offlineFetch, syncAutomatic: false } });
  // Owner-only history: staff accounts, a setting, the licence server.
  await t.core.call('staff.create', SAM);
  await t.core.call('settings.setAutoLock', { minutes: 30 });
  await t.core.call('licence.configure', { baseUrl: 'http://127.0.0.1:9', storeId: 'store-roles' });
  // Counter work staff may read the history of.
  customerId = (await t.core.call('customers.create', layla)).customer.id;
  await t.core.call('customers.update', { id: customerId, customerData: { firstName: 'Leila' } });
  staffSession = (await t.raw.call('auth.login', { username: SAM.username, password: SAM.password })).sessionToken;
  lockedSession = (await t.raw.call('auth.login', { username: SAM.username, password: SAM.password })).sessionToken;
  await t.raw.call('auth.lock', {}, { sessionToken: lockedSession });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

/** Channels whose effect would end the shared fixture (a restore signs everyone out). */
/** Every channel `which` picks, called with each input by `session`: the ones not refused with `code` and `status`. */
async function refusals(which: (c: Channel) => boolean, inputs: unknown[], session: string, code: string, status: number, as: string): Promise<string[]> {
  const wrong: string[] = [];
  for (const channel of channels.filter(which)) {
    for (const input of inputs) {
      const a = await t.raw.handle(channel, input, { sessionToken: session });
      if (codeOf(a) !== code || (!a.ok && a.error.status !== status)) wrong.push(`${channel} ${as}: ${codeOf(a)}`);
    }
  }
  return [...new Set(wrong)];
}

const DISRUPTIVE = new Set<Channel>(['backup.restore', 'auth.logout', 'auth.lock']);

describe('every channel, every caller', () => {
  it('nobody: every non-public channel answers auth.required (401) whatever the input; public ones never fail internally', async () => {
    const wrong: string[] = [];
    for (const channel of channels) {
      for (const input of oddInputs()) {
        for (const token of [undefined, '', '__proto__', 'x'.repeat(10_000)]) {
          const a = await t.raw.handle(channel, input, { sessionToken: token });
          const code = codeOf(a);
          if (contract[channel].access !== 'public' && code !== 'auth.required') wrong.push(`${channel} as nobody (token ${String(token).slice(0, 12)}): ${code}`);
          if (contract[channel].access !== 'public' && !a.ok && a.error.status !== 401) wrong.push(`${channel}: auth.required with status ${a.error.status}`);
          if (code === 'internal') wrong.push(`${channel} as nobody: internal`);
        }
      }
    }
    expect([...new Set(wrong)].slice(0, 20)).toEqual([]);
  }, 120_000);

  it('staff: every owner-only channel answers auth.forbidden (403) whatever the input, before reading it', async () => {
    expect(await refusals((c) => contract[c].access === 'owner', oddInputs(), staffSession, 'auth.forbidden', 403, 'as staff')).toEqual([]);
  }, 120_000);

  it('a locked screen: only the channels allowed behind the lock answer; the others say auth.locked (423)', async () => {
    const behindTheLock = (c: Channel) => contract[c].access === 'staff' || contract[c].access === 'owner';
    expect(await refusals(behindTheLock, [{}, { id: '' }, { customerId: '' }, null], lockedSession, 'auth.locked', 423, 'while locked')).toEqual([]);
  }, 60_000);

  it('staff and owner: no channel answers an internal error to odd values', async () => {
    const wrong: string[] = [];
    for (const [who, session] of [['staff', staffSession], ['owner', t.ownerToken]] as const) {
      for (const channel of channels.filter((c) => !DISRUPTIVE.has(c))) {
        for (const input of oddInputs()) {
          const a = await t.raw.handle(channel, input, { sessionToken: session });
          if (!a.ok && (a.error.code === 'internal' || a.error.status >= 500) && a.error.code !== 'licence.offline') {
            wrong.push(`${channel} as ${who}: ${a.error.code} ${a.error.status}`);
          }
        }
      }
    }
    expect([...new Set(wrong)]).toEqual([]);
  }, 120_000);
});

describe('the audit trail: filters × roles', () => {
  /** Filter values, the odd ones first: empty, blank, null, long, another entity's id. */
  const filterValue = (ids: string[]) =>
    fc.oneof(
      { arbitrary: fc.constantFrom<unknown>(undefined, '', '', ' ', '\t', null, 'x'.repeat(100), 'x'.repeat(101), '%', '_', "' OR 1=1 --", '__proto__'), weight: 4 },
      { arbitrary: fc.constantFrom<unknown>(...ids), weight: 2 },
      { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
    );

  it('staff never see rows about staff accounts, settings or the licence, whatever the filter (owners see them)', async () => {
    const me = await t.core.call('auth.me', {});
    const ids = [customerId, me.staff.id, 'autoLockMinutes', 'licence.config'];
    const filter = fc.record(
      {
        customerId: filterValue(ids),
        entity: fc.oneof(filterValue(ids), fc.constantFrom('customer', 'prescription', 'attachment', 'staff', 'setting', 'licence', 'CUSTOMER', ' customer')),
        entityId: filterValue(ids),
        staffId: filterValue(ids),
        from: fc.constantFrom<unknown>(undefined, '', '2000-01-01', null),
        to: fc.constantFrom<unknown>(undefined, '', '2100-01-01', null),
        limit: fc.constantFrom<unknown>(undefined, 1, 500, 0, '10', null),
      },
      { requiredKeys: [] },
    );
    const leaks: string[] = [];
    await fc.assert(
      fc.asyncProperty(filter, async (input) => {
        const staff = await t.raw.handle('audit.list', input, { sessionToken: staffSession });
        if (staff.ok) {
          const rows = staff.data as { entity: string; entityId: string }[];
          const leaked = rows.filter((r) => !STAFF_VISIBLE_ENTITIES.has(r.entity));
          if (leaked.length > 0) leaks.push(`${JSON.stringify(input)} gave staff ${leaked.length} row(s) about ${[...new Set(leaked.map((r) => r.entity))].join(', ')}`);
        } else if (!['auth.forbidden', 'validation'].includes(staff.error.code)) {
          leaks.push(`${JSON.stringify(input)}: staff got ${staff.error.code}`);
        }
        // The owner's answer to the same filter is never an internal error.
        const owner = await t.raw.handle('audit.list', input, { sessionToken: t.ownerToken });
        if (!owner.ok && owner.error.code === 'internal') leaks.push(`${JSON.stringify(input)}: the owner got internal`);
      }),
      { seed: 20_261_207, numRuns: 500 },
    );
    expect(leaks.slice(0, 10), `${leaks.length} leaking filter(s) (seed 20261207)`).toEqual([]);

    // The property can fail: the owner-only rows exist, and the owner sees them.
    const all = await t.core.call('audit.list', { limit: 500 });
    expect(all.some((r) => !STAFF_VISIBLE_ENTITIES.has(r.entity))).toBe(true);
    // And staff do see the counter work they are allowed to.
    const counter = await t.raw.call('audit.list', { customerId }, { sessionToken: staffSession });
    expect(counter.length).toBeGreaterThan(0);
    expect(counter.every((r) => STAFF_VISIBLE_ENTITIES.has(r.entity))).toBe(true);
  }, 120_000);

  it('refuses or filters the reported case: staff with audit.list {"customerId": ""}', async () => {
    const a = await t.raw.handle('audit.list', { customerId: '' }, { sessionToken: staffSession });
    const rows = a.ok ? (a.data as { entity: string }[]) : [];
    expect(rows.filter((r) => !STAFF_VISIBLE_ENTITIES.has(r.entity)).map((r) => r.entity)).toEqual([]);
  });
});

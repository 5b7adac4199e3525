import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTER_ENTITIES, authorizeAuditList } from '../../src/main/audit/access';
import type { Core } from '../../src/main/core';
import { AppError, type Envelope } from '../../src/shared/errors';
import { type AuditEntry, AuditListInput, auditEntities, roles } from '../../src/shared/staff/schema';
import { ahmed, layla, manualClock, openTestCore } from '../helpers/core';

/*
 * Every audit filter (well-formed or not: blank, padded, null, unknown, odd) asked by every role:
 * staff only ever receive rows of counter entities, or are refused; owners receive exactly what the
 * filter says. The expected rows come from a model of the filter over the whole trail, so the
 * access rule and the query are both held to the one parsed value.
 */

const clock = manualClock('2026-11-22T09:00:00.000Z');
let core: Core;
let raw: Core;
let close: () => Promise<void>;
let staffToken: string;
let trail: AuditEntry[];
/** Prescription and document ids by the customer they belong to. */
const customerOf = new Map<string, string>();
const ids = { customers: [] as string[], entities: [] as string[], staff: [] as string[], times: [] as string[] };

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
).toString('base64');
const RX = { kind: 'spectacles', examDate: '2026-11-20', distanceVision: { rightEye: { sph: '-1' }, leftEye: { sph: '-1' } } };

beforeAll(async () => {
  ({ core, raw, close } = await openTestCore({ clock }));
  // A trail with every kind of row, a few minutes apart so time filters have edges to find.
  const step = () => clock.advance(60_000);
  const nadia = await core.call('staff.create', { username: 'nadia', displayName: 'Nadia', password: 'staff-password-1' });
  step();
  staffToken = (await raw.call('auth.login', { username: 'nadia', password: 'staff-password-1' })).sessionToken;
  const asNadia = { sessionToken: staffToken };
  for (const person of [layla, ahmed]) {
    step();
    const { customer } = await raw.call('customers.create', person, asNadia);
    step();
    const v = await raw.call('prescriptions.create', { customerId: customer.id, rx: RX }, asNadia);
    await raw.call('prescriptions.correct', { id: v.id, rx: { ...RX, distanceVision: { rightEye: { sph: '-1.25' }, leftEye: { sph: '-1' } } } }, asNadia);
    step();
    await raw.call('attachments.add', { customerId: customer.id, field: 'other', fileName: 'scan.png', bytes: PNG }, asNadia);
    step();
    await core.call('customers.update', { id: customer.id, customerData: { phoneNumber: '+1-555-0100' } });
  }
  step();
  await core.call('settings.setAutoLock', { minutes: 9 });
  await core.call('staff.update', { id: nadia.id, displayName: 'Nadia B.' });

  trail = await core.call('audit.list', { limit: 500 });
  for (const c of (await core.call('customers.list', { limit: 100 })).data) {
    ids.customers.push(c.id);
    for (const v of await core.call('prescriptions.list', { customerId: c.id })) customerOf.set(v.id, c.id);
    for (const a of await core.call('attachments.list', { customerId: c.id })) customerOf.set(a.id, c.id);
  }
  ids.entities = [...new Set(trail.map((e) => e.entityId))];
  ids.staff = (await core.call('staff.list', {})).map((s) => s.id);
  ids.times = [...new Set(trail.map((e) => e.at))];
  expect(new Set(trail.map((e) => e.entity))).toEqual(new Set(['staff', 'customer', 'prescription', 'attachment', 'setting']));
});
afterAll(() => close());

/** What a parsed filter says, read over the whole trail (newest first), independently of the SQL. */
function model(f: ReturnType<typeof AuditListInput.parse>, visible: (e: AuditEntry) => boolean): AuditEntry[] {
  return trail
    .filter(visible)
    .filter((e) => f.customerId === undefined || (e.entity === 'customer' ? e.entityId : e.entity === 'prescription' || e.entity === 'attachment' ? customerOf.get(e.entityId) : null) === f.customerId)
    .filter((e) => f.entity === undefined || e.entity === f.entity)
    .filter((e) => f.entityId === undefined || e.entityId === f.entityId)
    .filter((e) => f.staffId === undefined || e.staffId === f.staffId)
    .filter((e) => f.from === undefined || e.at >= f.from)
    .filter((e) => f.to === undefined || e.at <= f.to)
    .slice(0, f.limit);
}
const counter = new Set<string>(COUNTER_ENTITIES);
const isCounter = (e: AuditEntry) => counter.has(e.entity);

// Values a careless screen or an attacker would send: blank, padded, wrong case, null, numbers, noise.
const noise = fc.oneof(fc.constantFrom('', ' ', '\t', '\u200b', 'null', 'undefined', '%', "' or 1=1 --", 'x'.repeat(101)), fc.string({ maxLength: 20 }), fc.constant(null), fc.integer());
const pad = (arb: fc.Arbitrary<string>) => fc.tuple(arb, fc.constantFrom('', ' ', '  ', '\n')).map(([v, p]) => `${p}${v}${p}`);
const pick = (list: () => string[]) => fc.integer({ min: 0, max: 1_000 }).map((i) => list()[i % list().length] as string);
// Blank values are what once widened a staff member's query to the whole trail: drawn often.
const blank = fc.constantFrom('', '', ' ', '\t', '\n ');
const idOf = (list: () => string[]) => fc.oneof(pick(list), pad(pick(list)), blank, noise);
const time = fc.oneof(
  pick(() => ids.times),
  pick(() => ids.times).map((t) => t.slice(0, 10)),
  pick(() => ids.times).map((t) => t.replace('.000Z', '+01:00')),
  fc.constantFrom('2026-11-22', '2026-11-23', '2026-11-21T23:59:59Z', '2026-13-01', 'yesterday'),
  blank,
  noise,
);
const validTime = fc.oneof(
  pick(() => ids.times),
  pick(() => ids.times).map((t) => t.slice(0, 10)),
  pick(() => ids.times).map((t) => t.replace('.000Z', '+01:00')),
);
/** Filters the schema accepts (ids maybe padded): the owner's and staff's answers are compared with the model. */
const wellFormed = fc.record(
  {
    customerId: fc.oneof(pick(() => ids.customers), pad(pick(() => ids.customers)), fc.uuid()),
    entity: fc.constantFrom(...auditEntities),
    entityId: fc.oneof(pick(() => ids.entities), pad(pick(() => ids.entities))),
    staffId: fc.oneof(pick(() => ids.staff), pad(pick(() => ids.staff))),
    from: validTime,
    to: validTime,
    limit: fc.integer({ min: 1, max: 500 }),
  },
  { requiredKeys: [] },
);
/** Anything: blank, padded, wrong case, null, numbers, unknown keys. */
const anyFilter = fc.record(
  {
    customerId: idOf(() => ids.customers),
    entity: fc.oneof(fc.constantFrom(...auditEntities), fc.constantFrom('Customer', ' customer', 'customers', 'audit'), blank, noise),
    entityId: idOf(() => ids.entities),
    staffId: idOf(() => ids.staff),
    from: time,
    to: time,
    limit: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.constantFrom(0, 501, 1.5, -1)),
  },
  { requiredKeys: [] },
);
/** Filters built around one row of the trail (so most find something), with some keys of that row. */
const aroundRow = fc
  .tuple(
    fc.nat(),
    fc.subarray(['customerId', 'entity', 'entityId', 'staffId', 'from', 'to'] as const),
    fc.boolean(),
    fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constant(500)),
    pick(() => ids.customers),
  )
  .map(([i, keys, asDay, limit, anyCustomer]) => {
    const row = trail[i % trail.length] as AuditEntry;
    const at = asDay ? row.at.slice(0, 10) : row.at;
    const value = {
      customerId: row.entity === 'customer' ? row.entityId : (customerOf.get(row.entityId) ?? anyCustomer),
      entity: row.entity,
      entityId: row.entityId,
      staffId: row.staffId ?? 'sync',
      from: at,
      to: at,
    };
    return { ...Object.fromEntries(keys.map((k) => [k, value[k]])), limit };
  });
const blanks = fc.dictionary(fc.constantFrom('customerId', 'entity', 'entityId', 'staffId', 'from', 'to'), blank, { maxKeys: 2 });
const filter = fc.oneof(
  { arbitrary: aroundRow, weight: 3 },
  { arbitrary: wellFormed, weight: 2 },
  { arbitrary: anyFilter, weight: 2 },
  { arbitrary: blanks, weight: 3 },
  { arbitrary: anyFilter.map((f) => ({ ...f, unexpected: true })), weight: 1 },
);

describe('audit.list: every filter × every role', () => {
  it('gives staff counter rows or a refusal, and owners exactly what the filter says', async () => {
    await fc.assert(
      fc.asyncProperty(filter, fc.constantFrom(...roles), async (input, role) => {
        const parsed = AuditListInput.safeParse(input);
        const res: Envelope<unknown> = role === 'owner' ? await core.handle('audit.list', input) : await raw.handle('audit.list', input, { sessionToken: staffToken });
        if (!parsed.success) {
          expect(res).toMatchObject({ ok: false, error: { code: 'validation' } });
          return;
        }
        if (role === 'owner') {
          expect(res).toEqual({ ok: true, data: model(parsed.data, () => true) });
          return;
        }
        if (!res.ok) {
          expect(res.error.code).toBe('auth.forbidden');
          // Never refused a customer's history: the rule is not "refuse everything".
          expect(parsed.data.customerId).toBeUndefined();
          return;
        }
        const rows = res.data as AuditEntry[];
        expect(rows.filter((e) => !isCounter(e))).toEqual([]);
        expect(rows).toEqual(model(parsed.data, isCounter));
      }),
      { numRuns: 1000 },
    );
  }, 120_000);

  it('parses blank, padded and differently written values to one normal form', () => {
    const [id] = ids.customers;
    expect(AuditListInput.parse({ customerId: ` ${id}\n` }).customerId).toBe(id);
    for (const blank of ['', ' ', '\t\n']) {
      for (const key of ['customerId', 'entityId', 'staffId', 'from', 'to']) expect(AuditListInput.safeParse({ [key]: blank }).success).toBe(false);
    }
    expect(AuditListInput.safeParse({ entity: '' }).success).toBe(false);
    expect(AuditListInput.parse({ from: '2026-11-22', to: '2026-11-22' })).toMatchObject({ from: '2026-11-22T00:00:00.000Z', to: '2026-11-22T23:59:59.999Z' });
    expect(AuditListInput.parse({ from: '2026-11-22T11:00:00+01:00' }).from).toBe('2026-11-22T10:00:00.000Z');
    expect(AuditListInput.safeParse({ from: '2026-11-23', to: '2026-11-22' }).success).toBe(false);
  });

  it('the access rule alone: staff queries are always confined to counter entities', () => {
    const parsedFilter = wellFormed.map((f) => AuditListInput.safeParse(f)).filter((p) => p.success).map((p) => p.data!);
    fc.assert(
      fc.property(parsedFilter, fc.constantFrom(...roles), (f, role) => {
        try {
          const q = authorizeAuditList(role, f);
          if (role === 'staff') expect(q.entities).toEqual(COUNTER_ENTITIES);
          else expect(q.entities).toBeNull();
          expect({ ...q, entities: undefined }).toEqual({ ...f, entities: undefined });
        } catch (err) {
          expect(role).toBe('staff');
          expect(err).toBeInstanceOf(AppError);
          expect((err as AppError).code).toBe('auth.forbidden');
        }
      }),
      { numRuns: 2000 },
    );
  });
});

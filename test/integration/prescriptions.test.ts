import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { DB_FILE_NAME } from '../../src/main/db/database';
import { layla, manualClock, openTestCore, person, expectFailure } from '../helpers/core';
import { STORE, cloudWithStore, connect, otherClient, syncUntilSettled } from '../helpers/sync';

let core: Core;
let close: () => Promise<void>;
let dir: string;
const clock = manualClock();

beforeEach(async () => {
  clock.set('2026-11-22T10:00:00.000Z');
  ({ core, close, dir } = await openTestCore({ clock }));
});
afterEach(() => close());

async function customer(input: unknown = person('Nour', 'Tazi')) {
  return (await core.call('customers.create', input)).customer.id;
}

const rx = (examDate = '2026-11-20', right = '-2.00', left = '-1.75') => ({
  kind: 'spectacles' as const,
  examDate,
  prescriber: 'Dr Idrissi',
  distanceVision: { rightEye: { sph: right, cyl: '-0.50', axis: '180', add: '+2.00' }, leftEye: { sph: left, cyl: '-0.50', axis: '180', add: '2' } },
  pd: { binocular: '63' },
});

const expectError = (channel: string, input: unknown, code: string, status?: number) => expectFailure(core, channel, input, code, status);

describe('prescriptions.check', () => {
  it('normalises as you type, without saving', async () => {
    const out = await core.call('prescriptions.check', { rx: { kind: 'spectacles', examDate: '2026-11-20', distanceVision: { rightEye: { sph: '-125', cyl: '-50', axis: '5' }, leftEye: { sph: '=1.5' } } } });
    expect(out.valid).toBe(true);
    expect(out.normalized.distanceVision).toEqual({ rightEye: { sph: '-1.25', cyl: '-0.50', axis: '005' }, leftEye: { sph: '+1.50' } });
    expect(out.derived.sphericalEquivalent).toEqual({ right: '-1.50', left: '+1.50' });
    expect(out.warnings.map((w) => w.code)).toEqual(['anisometropia']);
  });

  it('answers errors by path rather than failing the call', async () => {
    const out = await core.call('prescriptions.check', { rx: { kind: 'spectacles', examDate: '2026-11-20', distanceVision: { rightEye: { sph: '-1.00', cyl: '+1.00' }, leftEye: { sph: '1.30' } } } });
    expect(out.valid).toBe(false);
    expect(Object.keys(out.errors).sort()).toEqual(['distanceVision.leftEye.sph', 'distanceVision.rightEye.axis']);
  });

  it('uses the customer’s age and current prescription', async () => {
    const id = await customer({ ...person('Jeune', 'Client'), customerData: { ...person('Jeune', 'Client').customerData, dateOfBirth: '2000-01-01' } });
    await core.call('prescriptions.create', { customerId: id, rx: { kind: 'spectacles', examDate: '2025-01-10', distanceVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-4.00' } } } });
    const out = await core.call('prescriptions.check', {
      customerId: id,
      rx: { kind: 'spectacles', examDate: '2026-11-20', distanceVision: { rightEye: { sph: '-4.00', add: '+2.50' }, leftEye: { sph: '-1.00' } } },
    });
    expect(out.warnings.map((w) => w.code).sort()).toEqual(['addForAge', 'anisometropia', 'eyesSwapped']);
  });

  it('answers customer.notFound for an unknown customer and validation for a malformed rx', async () => {
    await expectError('prescriptions.check', { customerId: 'nope', rx: rx() }, 'customer.notFound');
    const err = await expectError('prescriptions.check', { rx: { kind: 'glasses', distanceVision: {} } }, 'validation');
    expect(Object.keys(err.fieldErrors ?? {})).toEqual(['rx.kind']);
  });
});

describe('prescription versions', () => {
  it('creates version 1 with who and when, derived rows and the current flag', async () => {
    const id = await customer();
    const v1 = await core.call('prescriptions.create', { customerId: id, rx: rx() });
    // History shows people by their display name (issue 12 item 10); the username stays the record.
    expect(v1).toMatchObject({ customerId: id, version: 1, createdAt: '2026-11-22T10:00:00.000Z', createdBy: 'owner', createdByName: 'Store Owner', correctsId: null, current: true });
    expect(v1.rx.nearVision).toEqual({ rightEye: { sph: 'PL', cyl: '-0.50', axis: '180' }, leftEye: { sph: '+0.25', cyl: '-0.50', axis: '180' } });
    expect(v1.rx.pd).toEqual({ binocular: '63.0' });
    expect(v1.changes[0]).toEqual({ path: 'kind', from: null, to: 'spectacles' });
  });

  it('refuses an invalid rx with the same paths as check, under rx. like every field of the input', async () => {
    const id = await customer();
    const err = await expectError('prescriptions.create', { customerId: id, rx: { ...rx(), distanceVision: { rightEye: { sph: '-1.00', cyl: '-1.00' }, leftEye: { sph: '-1.00' } } } }, 'validation');
    expect(err.fieldErrors).toEqual({ 'rx.distanceVision.rightEye.axis': ['Axis is required when CYL is not zero (1 to 180)'] });
    expect(await core.call('prescriptions.list', { customerId: id })).toEqual([]);
    await expectError('prescriptions.create', { customerId: 'nope', rx: rx() }, 'customer.notFound');
  });

  it('corrects a version into a new one that points at it, never overwriting', async () => {
    const id = await customer();
    const v1 = await core.call('prescriptions.create', { customerId: id, rx: rx() });
    clock.advance(60_000);
    const v2 = await core.call('prescriptions.correct', { id: v1.id, rx: rx('2026-11-20', '-2.25') });
    expect(v2).toMatchObject({ version: 2, correctsId: v1.id, current: true });
    // What the person changed, not the near and intermediate rows the ADD gives (issue 12, item 11).
    expect(v2.changes).toEqual([{ path: 'distanceVision.rightEye.sph', from: '-2.00', to: '-2.25' }]);
    expect(v2.rx.nearVision?.rightEye.sph).toBe('-0.25');
    const list = await core.call('prescriptions.list', { customerId: id });
    expect(list.map((v) => [v.version, v.current])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(list[1]?.rx.distanceVision.rightEye.sph).toBe('-2.00');
    const err = await expectError('prescriptions.correct', { id: v1.id, rx: rx() }, 'prescription.superseded');
    expect(err.message).toContain('version 2');
    await expectError('prescriptions.correct', { id: 'nope', rx: rx() }, 'prescription.notFound');
  });

  it('lists as changes only what a person typed: one changed ADD, not the rows and PD it gives (issue 12, item 11)', async () => {
    const id = await customer();
    const base = { ...rx(), pd: { right: '31.5', left: '32' } };
    await core.call('prescriptions.create', { customerId: id, rx: base });
    clock.advance(60_000);
    const next = { ...base, examDate: '2026-11-21', distanceVision: { ...base.distanceVision, rightEye: { ...base.distanceVision.rightEye, add: '+2.25' } }, pd: { right: '32', left: '32' } };
    const v2 = await core.call('prescriptions.create', { customerId: id, rx: next });
    expect(v2.rx.nearVision?.rightEye.sph).toBe('+0.25');
    expect(v2.rx.pd?.binocular).toBe('64.0');
    expect(v2.changes).toEqual([
      { path: 'examDate', from: '2026-11-20', to: '2026-11-21' },
      { path: 'distanceVision.rightEye.add', from: '+2.00', to: '+2.25' },
      { path: 'pd.right', from: '31.5', to: '32.0' },
    ]);
  });

  it('keeps the latest exam current, even when an older exam is entered later', async () => {
    const id = await customer();
    const recent = await core.call('prescriptions.create', { customerId: id, rx: rx('2026-11-20') });
    const older = await core.call('prescriptions.create', { customerId: id, rx: rx('2024-03-01', '-1.00', '-1.00') });
    const list = await core.call('prescriptions.list', { customerId: id });
    expect(list.find((v) => v.id === recent.id)?.current).toBe(true);
    expect(list.find((v) => v.id === older.id)?.current).toBe(false);
    const got = await core.call('customers.get', { id });
    expect(got.opticData?.distanceVision?.rightEye).toEqual({ sph: '-2.00', cyl: '-0.50', axis: '180' });
  });

  it("gives customers.get seed 001's opticData from the current version", async () => {
    const id = await customer(layla);
    const got = await core.call('customers.get', { id });
    const [v1] = await core.call('prescriptions.list', { customerId: id });
    expect(got.opticData).toEqual({ id: v1?.id, ...layla.opticData, customerId: id });
    await core.call('prescriptions.create', { customerId: id, rx: rx('2026-11-22') });
    const after = await core.call('customers.get', { id });
    expect(after.opticData?.nearVision).toEqual({ rightEye: { sph: '0', cyl: '-0.50', axis: '180' }, leftEye: { sph: '+0.25', cyl: '-0.50', axis: '180' } });
  });
});

describe('a prescription that contradicts itself', () => {
  const contradictory = () => ({
    ...rx(),
    // Distance -2.00 with ADD +2.00 gives a near PL, not +0.25.
    nearVision: { rightEye: { sph: '+0.25', cyl: '-0.50', axis: '180' }, leftEye: { sph: '+0.25', cyl: '-0.50', axis: '180' } },
  });

  it('is refused by prescriptions.create with a 400 on the near field, and nothing is saved', async () => {
    const id = await customer();
    const err = await expectError('prescriptions.create', { customerId: id, rx: contradictory() }, 'validation', 400);
    expect(err.fieldErrors).toEqual({ 'rx.nearVision.rightEye.sph': ['Near SPH must be distance SPH + ADD (PL); leave the near row empty to follow the ADD'] });
    expect(await core.call('prescriptions.list', { customerId: id })).toEqual([]);
  });

  it('is refused by prescriptions.correct the same way, and the corrected version stays current', async () => {
    const id = await customer();
    const v1 = await core.call('prescriptions.create', { customerId: id, rx: rx() });
    const err = await expectError('prescriptions.correct', { id: v1.id, rx: contradictory() }, 'validation', 400);
    expect(Object.keys(err.fieldErrors ?? {})).toEqual(['rx.nearVision.rightEye.sph']);
    expect((await core.call('prescriptions.list', { customerId: id })).map((v) => [v.version, v.current])).toEqual([[1, true]]);
  });

  it('is shown by prescriptions.check on the near field, before saving', async () => {
    const out = await core.call('prescriptions.check', { rx: contradictory() });
    expect(out.valid).toBe(false);
    expect(Object.keys(out.errors)).toEqual(['nearVision.rightEye.sph']);
  });
});

describe('a near row typed without an ADD that no ADD can give', () => {
  const message = 'Near SPH must be above the distance SPH (+2.00) by an ADD of +0.25 to +4.00 (from +2.25 to +6.00)';
  const optic = { distanceVision: { rightEye: { sph: '+2.00' }, leftEye: { sph: '+2.00' } }, nearVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-1.00' } } };

  it('is refused by prescriptions.create on the near field, and shown by prescriptions.check', async () => {
    const id = await customer();
    const bad = { kind: 'spectacles', examDate: '2026-11-20', ...optic };
    const err = await expectError('prescriptions.create', { customerId: id, rx: bad }, 'validation', 400);
    expect(err.fieldErrors).toEqual({ 'rx.nearVision.rightEye.sph': [message], 'rx.nearVision.leftEye.sph': [message] });
    expect(await core.call('prescriptions.list', { customerId: id })).toEqual([]);
    const out = await core.call('prescriptions.check', { rx: bad });
    expect(out.valid).toBe(false);
    // The same refusal as a code and its parameters, for the screen to say in the staff's language.
    const said = { code: 'rx.nearAboveDistance', params: { sph: '+2.00', minAdd: '+0.25', maxAdd: '+4.00', from: '+2.25', to: '+6.00' }, message };
    expect(out.errors).toEqual({ 'nearVision.rightEye.sph': said, 'nearVision.leftEye.sph': said });
    expect(err.fieldMessages).toEqual({ 'rx.nearVision.rightEye.sph': [said], 'rx.nearVision.leftEye.sph': [said] });
  });

  it('is refused by customers.create with opticData, and no customer is created', async () => {
    const err = await expectError('customers.create', { ...person('Sami', 'Alaoui'), opticData: optic }, 'validation', 400);
    expect(err.fieldErrors).toEqual({ 'opticData.nearVision.rightEye.sph': [message], 'opticData.nearVision.leftEye.sph': [message] });
    expect((await core.call('customers.list', { search: 'sami' })).data).toEqual([]);
  });
});

describe('a version saved by an earlier build that contradicts itself', () => {
  /** Rewrites a stored version behind the app's back, as an older build could have saved it. */
  function storeRx(id: string, edit: (rx: Record<string, unknown>) => Record<string, unknown>) {
    const sqlite = new BetterSqlite3(join(dir, DB_FILE_NAME));
    const row = sqlite.prepare('select rx from prescriptions where id = ?').get(id) as { rx: string };
    sqlite.prepare('update prescriptions set rx = ? where id = ?').run(JSON.stringify(edit(JSON.parse(row.rx) as Record<string, unknown>)), id);
    sqlite.close();
  }
  const nearOd = 'Near SPH must be distance SPH + ADD (+3.50); leave the near row empty to follow the ADD';

  it('is read with its problems, computed by the same rules, on prescriptions.list and customers.get', async () => {
    const id = await customer();
    const v1 = await core.call('prescriptions.create', {
      customerId: id,
      rx: { kind: 'spectacles', examDate: '2026-01-10', distanceVision: { rightEye: { sph: '+1.50', add: '+2.00' }, leftEye: { sph: '+1.25', add: '+2.00' } } },
    });
    expect(v1.problems).toEqual([]);
    expect((await core.call('customers.get', { id })).opticProblems).toBeUndefined();

    storeRx(v1.id, (rx) => ({ ...rx, nearVision: { rightEye: { sph: '+3.75' }, leftEye: { sph: '+3.25' } } }));
    const [read] = await core.call('prescriptions.list', { customerId: id });
    expect(read).toMatchObject({ current: true, problems: [{ field: 'nearVision.rightEye.sph', message: nearOd }] });
    // Shown as it was saved, not silently mended.
    expect(read?.rx.nearVision?.rightEye.sph).toBe('+3.75');
    expect((await core.call('customers.get', { id })).opticProblems).toEqual([{ field: 'nearVision.rightEye.sph', code: 'rx.nearIsDistancePlusAdd', params: { sph: '+3.50' }, message: nearOd }]);

    // A correction that agrees with itself is current and has none.
    await core.call('prescriptions.correct', { id: v1.id, rx: { kind: 'spectacles', examDate: '2026-01-10', distanceVision: { rightEye: { sph: '+1.50', add: '+2.00' }, leftEye: { sph: '+1.25', add: '+2.00' } } } });
    const [v2, old] = await core.call('prescriptions.list', { customerId: id });
    expect([v2?.current, v2?.problems, old?.problems.length]).toEqual([true, [], 1]);
    expect((await core.call('customers.get', { id })).opticProblems).toBeUndefined();
  });

  it('flags a near row without an ADD that no ADD can give', async () => {
    const id = await customer();
    const v1 = await core.call('prescriptions.create', {
      customerId: id,
      rx: { kind: 'spectacles', examDate: '2026-01-10', distanceVision: { rightEye: { sph: '+2.00' }, leftEye: { sph: '+2.00' } } },
    });
    storeRx(v1.id, (rx) => ({ ...rx, nearVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '+4.00' } } }));
    const [read] = await core.call('prescriptions.list', { customerId: id });
    expect(read?.problems.map((p) => p.field)).toEqual(['nearVision.rightEye.sph']);
  });
});

describe("sync pull applying the cloud's opticData", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** A PC with Nadia's prescription (ADD +2.00) in the cloud, and another client of the cloud. */
  async function synced() {
    const cloud = await cloudWithStore();
    cleanups.push(() => cloud.close());
    const pc = await openTestCore({ clock, core: { syncTimeoutMs: 3_000, syncAutomatic: false } });
    cleanups.push(pc.close);
    await connect(pc.core, cloud);
    const id = (await pc.core.call('customers.create', person('Nadia', 'Optics'))).customer.id;
    await pc.core.call('prescriptions.create', { customerId: id, rx: rx() });
    await syncUntilSettled(pc.core);
    const [inCloud] = cloud.customers(STORE.storeId);
    const other = await otherClient(cloud);
    const { id: _o, customerId: _c, ...opticData } = inCloud!.opticData as Record<string, unknown>;
    const changeThere = (edit: (o: typeof layla.opticData) => unknown) => other.update(inCloud!.id, { opticData: edit(JSON.parse(JSON.stringify(opticData)) as typeof layla.opticData) });
    const change = async (edit: (o: typeof layla.opticData) => unknown) => {
      clock.advance(60_000);
      await changeThere(edit);
      await syncUntilSettled(pc.core);
      return pc.core.call('prescriptions.list', { customerId: id });
    };
    return { core: pc.core, id, change, changeThere, other, cloudId: inCloud!.id };
  }
  const nearThere = (o: typeof layla.opticData) => ({ ...o, nearVision: { ...o.nearVision, rightEye: { sph: '+0.25', cyl: '-0.50', axis: '180' } } });

  it("records a near row changed there as written, with the ADD derived from it: never near ≠ distance + ADD", async () => {
    const { change } = await synced();
    // The cloud cannot carry an ADD: its near row is the only reading prescription it states.
    const versions = await change(nearThere);
    expect(versions).toHaveLength(2);
    const [v2] = versions;
    expect(v2?.createdBy).toBe('sync');
    expect(v2?.rx.nearVision?.rightEye).toEqual({ sph: '+0.25', cyl: '-0.50', axis: '180' });
    expect(v2?.rx.distanceVision.rightEye).toMatchObject({ sph: '-2.00', add: '+2.25' });
    // The version agrees with itself.
    expect((await core.call('prescriptions.check', { rx: v2!.rx })).errors).toEqual({});
  });

  it('keeps following the ADD when only the distance row changed there', async () => {
    const { change } = await synced();
    const versions = await change((o) => ({ ...o, distanceVision: { ...o.distanceVision, rightEye: { sph: '-2.50', cyl: '-0.50', axis: '180' } } }));
    const [v2] = versions;
    expect(v2?.rx.distanceVision.rightEye).toMatchObject({ sph: '-2.50', add: '+2.00' });
    expect(v2?.rx.nearVision?.rightEye.sph).toBe('-0.50');
  });

  it("lets staff keep the cloud's near row from a conflict: read the same way, not refused", async () => {
    // This PC's clock ahead of the cloud's: its edit below is the later one and wins the merge.
    clock.set(new Date(Date.now() + 3_600_000).toISOString());
    const { core: pc, id, changeThere } = await synced();
    await changeThere(nearThere);
    await pc.call('prescriptions.create', { customerId: id, rx: rx('2026-11-20', '-2.25') });
    await syncUntilSettled(pc);
    const { conflicts } = await pc.call('sync.conflicts', { customerId: id });
    expect(conflicts).toMatchObject([{ field: 'opticData', kept: 'mine' }]);

    await pc.call('sync.resolve', { id: conflicts[0]!.id, keep: 'theirs' });
    const [current] = await pc.call('prescriptions.list', { customerId: id });
    expect(current?.rx.nearVision?.rightEye).toEqual({ sph: '+0.25', cyl: '-0.50', axis: '180' });
    expect(current?.rx.distanceVision.rightEye).toMatchObject({ sph: '-2.00', add: '+2.25' });
    expect((await pc.call('prescriptions.check', { rx: current!.rx })).errors).toEqual({});
  });

  it('leaves a contradictory prescription from the cloud out, with the rest of its change, and goes on with other customers', async () => {
    const { core: pc, id, other, cloudId } = await synced();
    // An intermediate row beyond the near row the ADD comes from: no reading of it agrees with itself.
    const eye = (sph: string) => ({ sph, cyl: '0', axis: '0' });
    const bad = {
      distanceVision: { rightEye: eye('+1.00'), leftEye: eye('+1.00') },
      intermediateVision: { rightEye: eye('+3.50'), leftEye: eye('+2.00') },
      nearVision: { rightEye: eye('+3.00'), leftEye: eye('+3.00') },
    };
    await other.create({ ...person('Bad', 'Rx'), opticData: bad });
    await other.update(cloudId, { customerData: { phoneNumber: '+212 600 999 999' }, opticData: bad });
    await other.create(person('Good', 'Customer'));

    const status = await syncUntilSettled(pc);
    expect(status.state).not.toBe('error');
    const names = (await pc.call('customers.list', { limit: 10 })).data.map((c) => c.name);
    expect(names).toContain('Good Customer');
    expect(names).not.toContain('Bad Rx');
    // Nadia's change is refused whole: neither her phone nor a version that contradicts itself.
    expect((await pc.call('customers.get', { id })).localData.phoneNumber).toBe('+33 6 12 34 56 78');
    expect(await pc.call('prescriptions.list', { customerId: id })).toHaveLength(1);
  });
});

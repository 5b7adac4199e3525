import { migrations } from '../../src/main/db/migrations';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { ahmed, layla, manualClock, openTestCore, person, expectFailure } from '../helpers/core';

let core: Core;
let close: () => Promise<void>;
const clock = manualClock();

beforeEach(async () => {
  clock.set('2026-01-15T10:00:00.000Z');
  ({ core, close } = await openTestCore({ clock }));
});
afterEach(() => close());

const expectError = (channel: string, input: unknown, code: string, status?: number) => expectFailure(core, channel, input, code, status);

describe('customers.create', () => {
  it("returns seed 001's create shape with UUIDv7 ids", async () => {
    const out = await core.call('customers.create', layla);
    expect(out.customer).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      isActive: true,
      createdAt: '2026-01-15T10:00:00.000Z',
      updatedAt: '2026-01-15T10:00:00.000Z',
      deletedAt: null,
    });
    expect(out.localData).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ...layla.customerData,
      customerId: out.customer.id,
    });
  });

  it('trims the email and stores it as typed', async () => {
    const out = await core.call('customers.create', person('Zoé', 'Dupont', { email: '  Zoe.Dupont@Example.com ' }));
    expect(out.localData.email).toBe('Zoe.Dupont@Example.com');
  });

  it('accepts internationalised email addresses', async () => {
    const out = await core.call('customers.create', person('Élodie', 'Faure', { email: 'élodie@exemple.fr' }));
    expect(out.localData.email).toBe('élodie@exemple.fr');
  });

  it('accepts a plain YYYY-MM-DD birth date and stores the seed ISO form', async () => {
    const out = await core.call('customers.create', person('Inès', 'Tazi'));
    expect(out.localData.dateOfBirth).toBe('1980-01-01T00:00:00.000Z');
  });

  it('refuses a duplicate email whatever its case or spaces, naming the field', async () => {
    await core.call('customers.create', layla);
    const dup = { ...ahmed, customerData: { ...ahmed.customerData, email: ' LAYLA@example.COM ' } };
    const err = await expectError('customers.create', dup, 'customer.emailTaken', 409);
    expect(err.fieldErrors).toEqual({ 'customerData.email': ['A customer with this email already exists'] });
  });

  // Issue 12: date of birth and sex may wait (a walk-in is saved incomplete); names and a way to reach them may not.
  it('reports every missing required field by its dotted path', async () => {
    const err = await expectError('customers.create', { customerData: {} }, 'validation', 400);
    expect(Object.keys(err.fieldErrors ?? {}).sort()).toEqual([
      'customerData.email',
      'customerData.firstName',
      'customerData.lastName',
      'customerData.phoneNumber',
    ]);
    expect(err.fieldErrors?.['customerData.firstName']).toEqual(['First name is required']);
  });

  it('refuses a missing customerData object', async () => {
    const err = await expectError('customers.create', {}, 'validation', 400);
    expect(err.fieldErrors?.customerData).toBeDefined();
  });

  it.each([
    ['email', 'not-an-email', 'Email must be a valid address, like name@example.com'],
    ['sex', 'other', 'Sex must be "male" or "female"'],
    ['dateOfBirth', '1992-02-30', 'Date of birth 1992-02-30 is not a real date'],
    ['dateOfBirth', '12/05/1992', 'Date of birth must be a date like 1992-05-12'],
    ['dateOfBirth', '2999-01-01', 'Date of birth cannot be in the future'],
    ['dateOfBirth', '1850-01-01', 'Date of birth must be in 1900 or later'],
    ['phoneNumber', 'call me', 'Phone number may contain only digits, spaces, dashes and a leading +'],
    ['phoneNumber', '+1 23', 'Phone number must have 6 to 15 digits'],
    ['phoneNumber', '12+345678', 'Phone number may contain only digits, spaces, dashes and a leading +'],
    ['phoneNumber', '123456-', 'Phone number may contain only digits, spaces, dashes and a leading +'],
    ['dateOfBirth', '0050-01-01', 'Date of birth must be in 1900 or later'],
    ['firstName', '   ', 'First name is required'],
    ['lastName', 'x'.repeat(101), 'Last name must be at most 100 characters'],
  ])('refuses customerData.%s = %j with a clear message', async (field, value, message) => {
    const input = { ...layla, customerData: { ...layla.customerData, [field]: value } };
    const err = await expectError('customers.create', input, 'validation', 400);
    expect(err.fieldErrors).toEqual({ [`customerData.${field}`]: [message] });
  });

  // The same refusals as a code and its parameters (src/shared/messages.ts), which the screen says in French or Arabic.
  it.each([
    ['email', 'not-an-email', 'email.invalid', {}],
    ['sex', 'other', 'field.invalid', { field: 'sex' }],
    ['dateOfBirth', '1992-02-30', 'date.notReal', { field: 'dateOfBirth', example: '1992-05-12' }],
    ['dateOfBirth', '12/05/1992', 'date.shape', { field: 'dateOfBirth', example: '1992-05-12' }],
    ['dateOfBirth', '2999-01-01', 'date.future', { field: 'dateOfBirth' }],
    ['dateOfBirth', '1850-01-01', 'date.tooEarly', { field: 'dateOfBirth', year: '1900' }],
    ['phoneNumber', 'call me', 'phone.shape', {}],
    ['phoneNumber', '+1 23', 'phone.digits', { min: 6, max: 15 }],
    ['firstName', '   ', 'field.required', { field: 'firstName' }],
    ['firstName', 'Jean\nPierre', 'field.oneLine', { field: 'firstName' }],
    ['lastName', 'x'.repeat(101), 'field.tooLong', { field: 'lastName', max: 100 }],
  ])('says customerData.%s = %j as a code the screen translates', async (field, value, code, params) => {
    const input = { ...layla, customerData: { ...layla.customerData, [field]: value } };
    const err = await expectError('customers.create', input, 'validation', 400);
    const [english] = err.fieldErrors?.[`customerData.${field}`] ?? [];
    expect(err.fieldMessages).toEqual({ [`customerData.${field}`]: [{ code, params, message: english }] });
  });

  it('keeps a phone typed in Arabic-Indic digits, in the digits every system reads (outside review)', async () => {
    const { customer } = await core.call('customers.create', { ...layla, customerData: { ...layla.customerData, phoneNumber: '٠٦٦١ ٢٣ ٤٥ ٦٨' } });
    expect((await core.call('customers.get', { id: customer.id })).localData.phoneNumber).toBe('0661 23 45 68');
  });

  it('refuses unknown keys rather than dropping them silently', async () => {
    const input = { ...layla, customerData: { ...layla.customerData, firstname: 'typo' } };
    const err = await expectError('customers.create', input, 'validation', 400);
    expect(Object.keys(err.fieldErrors ?? {})).toEqual(['customerData']);
  });

  it('checks optical values with the prescription rules, naming each field', async () => {
    const input = {
      ...layla,
      opticData: { distanceVision: { rightEye: { sph: 'abc', cyl: '-1.00', axis: '181' }, leftEye: { sph: '-1.30' } } },
    };
    const err = await expectError('customers.create', input, 'validation', 400);
    expect(Object.keys(err.fieldErrors ?? {}).sort()).toEqual([
      'opticData.distanceVision.leftEye.sph',
      'opticData.distanceVision.rightEye.axis',
      'opticData.distanceVision.rightEye.sph',
    ]);
    expect(err.fieldErrors?.['opticData.distanceVision.leftEye.sph']?.[0]).toMatch(/0\.25 steps/);
  });

  it('refuses an intermediate row beyond the near row the ADD comes from, naming the field', async () => {
    const err = await expectError(
      'customers.create',
      {
        ...person('Nadia', 'Optics'),
        opticData: {
          distanceVision: { rightEye: { sph: '+1.00' }, leftEye: { sph: '+1.00' } },
          intermediateVision: { rightEye: { sph: '+3.50' }, leftEye: { sph: '+2.00' } },
          nearVision: { rightEye: { sph: '+3.00' }, leftEye: { sph: '+3.00' } },
        },
      },
      'validation',
      400,
    );
    expect(Object.keys(err.fieldErrors ?? {})).toEqual(['opticData.intermediateVision.rightEye.sph']);
    expect((await core.call('customers.list', { search: 'nadia' })).data).toEqual([]);
  });

  it('refuses line breaks, controls and direction overrides in names, naming the field; finds names with invisible joiners', async () => {
    const withName = (first: string, last: string) => ({ customerData: { ...person('X', 'Y').customerData, firstName: first, lastName: last } });
    let err = await expectError('customers.create', withName('Jean\nPierre', 'Qwzlast'), 'validation', 400);
    expect(Object.keys(err.fieldErrors ?? {})).toEqual(['customerData.firstName']);
    err = await expectError('customers.create', withName('Nadia', 'Rtl\u202Ezyx'), 'validation', 400);
    expect(Object.keys(err.fieldErrors ?? {})).toEqual(['customerData.lastName']);
    err = await expectError('customers.create', { ...layla, address: { city: 'Ra\u0000bat' } }, 'validation', 400);
    expect(Object.keys(err.fieldErrors ?? {})).toEqual(['address.city']);
    // A zero-width space or joiner is invisible: search finds the name as it looks.
    const omar = await core.call('customers.create', person('Omar', 'Zw\u200bsp', { email: 'omar.zwsp@example.com' }));
    expect((await core.call('customers.list', { search: 'zwsp' })).data.map((d) => d.id)).toEqual([omar.customer.id]);
  });

  it('stores nothing when a create fails', async () => {
    await core.call('customers.create', layla);
    await expectError('customers.create', { ...layla }, 'customer.emailTaken', 409);
    const list = await core.call('customers.list', {});
    expect(list.pagination.total).toBe(1);
  });
});

describe('customers.get', () => {
  it('returns localData, address and opticData as seed 001 shows them', async () => {
    const { customer } = await core.call('customers.create', layla);
    const got = await core.call('customers.get', { id: customer.id });
    expect(got).toMatchObject({ id: customer.id, isActive: true, deletedAt: null });
    expect(got.localData).toMatchObject(layla.customerData);
    expect(got.address).toEqual({ id: expect.any(String), ...layla.address, customerId: customer.id });
    expect(got.opticData).toEqual({ id: expect.any(String), ...layla.opticData, customerId: customer.id });
  });

  it('returns null address and opticData for a minimal customer', async () => {
    const { customer } = await core.call('customers.create', ahmed);
    const got = await core.call('customers.get', { id: customer.id });
    expect(got.address).toBeNull();
    expect(got.opticData).toBeNull();
  });

  it('answers customer.notFound 404 for an unknown id', async () => {
    await expectError('customers.get', { id: 'no-such-id' }, 'customer.notFound', 404);
  });

  it('answers validation 400 without an id', async () => {
    const err = await expectError('customers.get', {}, 'validation', 400);
    expect(err.fieldErrors).toEqual({ id: ['id is required'] });
  });
});

describe('customers.update', () => {
  it('changes only the fields sent', async () => {
    const { customer } = await core.call('customers.create', layla);
    clock.advance(60_000);
    const out = await core.call('customers.update', { id: customer.id, customerData: { phoneNumber: '+1-555-9999' } });
    expect(out.localData).toMatchObject({ ...layla.customerData, phoneNumber: '+1-555-9999' });
    expect(out.customer.updatedAt).toBe('2026-01-15T10:01:00.000Z');
    expect(out.customer.createdAt).toBe('2026-01-15T10:00:00.000Z');
    const got = await core.call('customers.get', { id: customer.id });
    expect(got.address).toMatchObject(layla.address);
    expect(got.opticData).toMatchObject(layla.opticData);
  });

  it('merges the address field by field; an emptied field is cleared', async () => {
    const { customer } = await core.call('customers.create', layla);
    await core.call('customers.update', { id: customer.id, address: { city: 'Rabat', state: '' } });
    const got = await core.call('customers.get', { id: customer.id });
    expect(got.address).toMatchObject({ street: '123 Vision Ave', city: 'Rabat', zipCode: '20000', state: null });
  });

  it('adds no address for an empty address patch', async () => {
    const { customer } = await core.call('customers.create', ahmed);
    await core.call('customers.update', { id: customer.id, address: {} });
    await core.call('customers.update', { id: customer.id, address: { street: '', city: null } });
    expect((await core.call('customers.get', { id: customer.id })).address).toBeNull();
  });

  it('adds an address and optic data to a customer that had none', async () => {
    const { customer } = await core.call('customers.create', ahmed);
    await core.call('customers.update', {
      id: customer.id,
      address: { city: 'Fès' },
      opticData: { distanceVision: { rightEye: { sph: '-125' }, leftEye: { sph: 'pl' } } },
    });
    const got = await core.call('customers.get', { id: customer.id });
    expect(got.address).toMatchObject({ street: null, city: 'Fès' });
    expect(got.opticData).toMatchObject({
      distanceVision: { rightEye: { sph: '-1.25', cyl: '0', axis: '0' }, leftEye: { sph: '0', cyl: '0', axis: '0' } },
    });
  });

  it('changes only the optical values sent: other eyes and fields stay, an emptied one is cleared', async () => {
    const { customer } = await core.call('customers.create', layla);
    await core.call('customers.update', { id: customer.id, opticData: { distanceVision: { rightEye: { sph: '-1.50' } } } });
    let got = await core.call('customers.get', { id: customer.id });
    expect(got.opticData?.distanceVision).toEqual({
      rightEye: { sph: '-1.50', cyl: '-0.25', axis: '90' },
      leftEye: layla.opticData.distanceVision.leftEye,
    });
    await core.call('customers.update', { id: customer.id, opticData: { distanceVision: { leftEye: { cyl: '', axis: null } } } });
    got = await core.call('customers.get', { id: customer.id });
    expect(got.opticData?.distanceVision?.leftEye).toEqual({ sph: '-1.00', cyl: '0', axis: '0' });
  });

  it('records each optical change as a new prescription version, and an unchanged grid as none', async () => {
    const { customer } = await core.call('customers.create', layla);
    await core.call('customers.update', { id: customer.id, opticData: layla.opticData, customerData: { firstName: 'Laila' } });
    expect(await core.call('prescriptions.list', { customerId: customer.id })).toHaveLength(1);
    const updatesBefore = (await core.call('audit.list', { entity: 'customer', entityId: customer.id })).length;
    await core.call('customers.update', { id: customer.id, opticData: { nearVision: { rightEye: { sph: '-0.25' } } } });
    const versions = await core.call('prescriptions.list', { customerId: customer.id });
    expect(versions.map((v) => [v.version, v.current, v.correctsId])).toEqual([
      [2, true, versions[1]?.id],
      [1, false, null],
    ]);
    expect(versions[0]?.changes).toEqual([{ path: 'nearVision.rightEye.sph', from: '-0.50', to: '-0.25' }]);
    // Only the prescription changed: no customer update row with identical before and after.
    expect((await core.call('audit.list', { entity: 'customer', entityId: customer.id })).length).toBe(updatesBefore);
  });

  it('replaces a vision that is sent and keeps the others', async () => {
    const { customer } = await core.call('customers.create', layla);
    const distanceVision = { rightEye: { sph: '-1.50', cyl: '-0.50', axis: '90' }, leftEye: { sph: '-1.25', cyl: '-0.50', axis: '85' } };
    await core.call('customers.update', { id: customer.id, opticData: { distanceVision } });
    const got = await core.call('customers.get', { id: customer.id });
    expect(got.opticData?.distanceVision).toEqual(distanceVision);
    expect(got.opticData?.nearVision).toEqual(layla.opticData.nearVision);
  });

  it('refuses a near row that contradicts distance + ADD (the Details-tab bug), naming the near field, and records nothing', async () => {
    const { customer } = await core.call('customers.create', person('Nadia', 'Optics'));
    await core.call('prescriptions.create', {
      customerId: customer.id,
      rx: { kind: 'spectacles', examDate: '2026-01-10', distanceVision: { rightEye: { sph: '+1.50', add: '+2.00' }, leftEye: { sph: '+1.25', add: '+2.00' } } },
    });
    const { opticData } = await core.call('customers.get', { id: customer.id });
    expect(opticData?.nearVision?.rightEye).toEqual({ sph: '+3.50', cyl: '0', axis: '0' });
    // The grid as the Details tab sent it: every cell, near OD changed from +3.50 to +3.75.
    const { id: _id, customerId: _c, ...grid } = opticData!;
    const edited = { ...grid, nearVision: { ...grid.nearVision, rightEye: { sph: '+3.75', cyl: '0', axis: '0' } } };
    const err = await expectError('customers.update', { id: customer.id, opticData: edited }, 'validation', 400);
    expect(err.fieldErrors).toEqual({ 'opticData.nearVision.rightEye.sph': ['Near SPH must be distance SPH + ADD (+3.50); leave the near row empty to follow the ADD'] });
    expect(await core.call('prescriptions.list', { customerId: customer.id })).toHaveLength(1);
  });

  it('keeps a near row that was written without an ADD when only the distance row changes: the ADD follows it', async () => {
    const { customer } = await core.call('customers.create', {
      ...person('Nadia', 'Optics'),
      opticData: { distanceVision: { rightEye: { sph: '+1.50' }, leftEye: { sph: '+1.25' } }, nearVision: { rightEye: { sph: '+3.50' }, leftEye: { sph: '+3.25' } } },
    });
    await core.call('customers.update', { id: customer.id, opticData: { distanceVision: { rightEye: { sph: '+1.25' } } } });
    const [current] = await core.call('prescriptions.list', { customerId: customer.id });
    expect(current?.rx.nearVision?.rightEye.sph).toBe('+3.50');
    expect(current?.rx.distanceVision.rightEye.add).toBe('+2.25');
  });

  it('lets a customer keep their own email in another case, but not take another customer’s', async () => {
    const { customer } = await core.call('customers.create', layla);
    await core.call('customers.create', ahmed);
    const own = await core.call('customers.update', { id: customer.id, customerData: { email: 'Layla@Example.com' } });
    expect(own.localData.email).toBe('Layla@Example.com');
    const err = await expectError(
      'customers.update',
      { id: customer.id, customerData: { email: 'AHMED.benali@example.com' } },
      'customer.emailTaken',
      409,
    );
    expect(err.fieldErrors?.['customerData.email']).toBeDefined();
    const got = await core.call('customers.get', { id: customer.id });
    expect(got.localData.email).toBe('Layla@Example.com');
  });

  it('validates partial data with the same rules and changes nothing on error', async () => {
    const { customer } = await core.call('customers.create', layla);
    const err = await expectError('customers.update', { id: customer.id, customerData: { phoneNumber: 'x', firstName: 'Lay' } }, 'validation', 400);
    expect(err.fieldErrors).toHaveProperty(['customerData.phoneNumber']);
    const got = await core.call('customers.get', { id: customer.id });
    expect(got.localData.firstName).toBe('Layla');
  });

  it('answers 404 for an unknown or deleted customer', async () => {
    await expectError('customers.update', { id: 'nope', customerData: { firstName: 'X' } }, 'customer.notFound', 404);
    const { customer } = await core.call('customers.create', layla);
    await core.call('customers.delete', { id: customer.id });
    await expectError('customers.update', { id: customer.id, customerData: { firstName: 'X' } }, 'customer.notFound', 404);
  });
});

describe('walk-ins: saved incomplete, completed later', () => {
  const walkIn = (extra: Record<string, unknown> = {}) => ({ customerData: { firstName: 'Sami', lastName: 'Benali', phoneNumber: '+212 6 11 22 33 44', ...extra } });
  const REACH = 'Give a phone number or an email';

  it('saves a customer with names and a phone only, as incomplete, naming what is missing', async () => {
    const out = await core.call('customers.create', walkIn());
    expect(out.localData).toMatchObject({ firstName: 'Sami', lastName: 'Benali', phoneNumber: '+212 6 11 22 33 44', email: '', dateOfBirth: '', sex: '' });
    const got = await core.call('customers.get', { id: out.customer.id });
    expect(got).toMatchObject({ incomplete: true, missing: ['email', 'dateOfBirth', 'sex'] });
    expect(out.detail).toMatchObject({ incomplete: true, missing: ['email', 'dateOfBirth', 'sex'] });
  });

  it('saves one with an email only; blanks and nulls count as not given', async () => {
    const out = await core.call('customers.create', { customerData: { firstName: 'Lina', lastName: 'Amrani', email: 'lina@example.com', phoneNumber: '  ', dateOfBirth: null, sex: '' } });
    expect((await core.call('customers.get', { id: out.customer.id })).missing).toEqual(['phoneNumber', 'dateOfBirth', 'sex']);
  });

  it.each([
    ['absent', {}],
    ['blank', { email: ' ', phoneNumber: '' }],
    ['null', { email: null, phoneNumber: null }],
  ])('refuses neither phone nor email (%s), on both fields', async (_, reach) => {
    const err = await expectError('customers.create', { customerData: { firstName: 'Sami', lastName: 'Benali', ...reach } }, 'validation', 400);
    expect(err.fieldErrors).toEqual({ 'customerData.email': [REACH], 'customerData.phoneNumber': [REACH] });
  });

  it.each([
    ['email', 'not-an-email', 'Email must be a valid address, like name@example.com'],
    ['dateOfBirth', '2999-01-01', 'Date of birth cannot be in the future'],
    ['sex', 'other', 'Sex must be "male" or "female"'],
    ['phoneNumber', 'call me', 'Phone number may contain only digits, spaces, dashes and a leading +'],
  ])('still checks %s when it is given', async (field, value, message) => {
    const err = await expectError('customers.create', walkIn({ email: 'sami@example.com', [field]: value }), 'validation', 400);
    expect(err.fieldErrors).toEqual({ [`customerData.${field}`]: [message] });
  });

  it('lets two walk-ins without an email coexist (no email is not a duplicate)', async () => {
    await core.call('customers.create', walkIn());
    await core.call('customers.create', walkIn({ firstName: 'Omar', phoneNumber: '+212 6 99 88 77 66' }));
    expect((await core.call('customers.list', { search: 'benali' })).pagination.total).toBe(2);
  });

  it('says incomplete and missing in the list, and is found by name and by phone', async () => {
    await core.call('customers.create', layla);
    const { customer } = await core.call('customers.create', walkIn());
    const byName = await core.call('customers.list', { search: 'sami ben' });
    expect(byName.data).toEqual([expect.objectContaining({ id: customer.id, incomplete: true, missing: ['email', 'dateOfBirth', 'sex'] })]);
    expect((await core.call('customers.list', { search: '611223' })).data.map((d) => d.id)).toEqual([customer.id]);
    const all = await core.call('customers.list', {});
    expect(all.data.find((d) => d.id !== customer.id)).toMatchObject({ incomplete: false, missing: [] });
  });

  it('completing it clears incomplete and missing', async () => {
    const { customer } = await core.call('customers.create', walkIn());
    await core.call('customers.update', { id: customer.id, customerData: { dateOfBirth: '2015-03-12' } });
    expect((await core.call('customers.get', { id: customer.id })).missing).toEqual(['email', 'sex']);
    const out = await core.call('customers.update', { id: customer.id, customerData: { email: 'sami@example.com', sex: 'male' } });
    expect(out.detail).toMatchObject({ incomplete: false, missing: [] });
    expect((await core.call('customers.list', { search: 'sami' })).data[0]).toMatchObject({ incomplete: false, missing: [] });
  });

  it('refuses an update that would leave no way to reach the customer, on both fields', async () => {
    const { customer } = await core.call('customers.create', walkIn());
    const err = await expectError('customers.update', { id: customer.id, customerData: { phoneNumber: '' } }, 'validation', 400);
    expect(err.fieldErrors).toEqual({ 'customerData.email': [REACH], 'customerData.phoneNumber': [REACH] });
    expect((await core.call('customers.get', { id: customer.id })).localData.phoneNumber).toBe('+212 6 11 22 33 44');
  });
});

describe('customers.delete and bulkDelete', () => {
  it('soft-deletes: gone from get and list, email free again', async () => {
    const { customer } = await core.call('customers.create', layla);
    const out = await core.call('customers.delete', { id: customer.id });
    expect(out).toEqual({ message: 'Customer successfully deleted', customerId: customer.id });
    await expectError('customers.get', { id: customer.id }, 'customer.notFound', 404);
    expect((await core.call('customers.list', { search: 'layla' })).pagination.total).toBe(0);
    const again = await core.call('customers.create', layla);
    expect(again.customer.id).not.toBe(customer.id);
  });

  it('answers 404 when deleting twice or an unknown id', async () => {
    const { customer } = await core.call('customers.create', layla);
    await core.call('customers.delete', { id: customer.id });
    await expectError('customers.delete', { id: customer.id }, 'customer.notFound', 404);
    await expectError('customers.delete', { id: 'nope' }, 'customer.notFound', 404);
  });

  it('bulk-deletes the valid ids and counts them', async () => {
    const a = await core.call('customers.create', layla);
    const b = await core.call('customers.create', ahmed);
    const c = await core.call('customers.create', person('Jean', 'Martin'));
    await core.call('customers.delete', { id: c.customer.id });
    const out = await core.call('customers.bulkDelete', { ids: [a.customer.id, b.customer.id, b.customer.id, c.customer.id, 'nope'] });
    expect(out).toEqual({ message: 'Successfully deleted 2 customer(s)', deletedCount: 2 });
    expect((await core.call('customers.list', {})).pagination.total).toBe(0);
  });

  it('answers 400 for no ids and 404 when none is valid', async () => {
    const err = await expectError('customers.bulkDelete', { ids: [] }, 'validation', 400);
    expect(err.fieldErrors).toEqual({ ids: ['No customer IDs provided'] });
    await expectError('customers.bulkDelete', { ids: ['nope', 'nada'] }, 'customer.notFound', 404);
  });
});

describe('app.info', () => {
  it('tells the version, data dir and schema version', async () => {
    const info = await core.call('app.info', undefined);
    expect(info).toEqual({ version: '0.0.0-test', dataDir: core.dataDir, schemaVersion: Object.keys(migrations).length });
  });

  it('refuses unexpected input', async () => {
    await expectError('app.info', { x: 1 }, 'validation', 400);
  });
});

describe('dispatch', () => {
  it('answers channel.unknown for a channel the contract does not have', async () => {
    await expectError('customers.drop', {}, 'channel.unknown', 404);
    await expectError('__proto__', {}, 'channel.unknown', 404);
  });
});

describe('closing', () => {
  it('lets a save under way finish, then refuses new calls', async () => {
    const saving = core.handle('customers.create', layla);
    const closing = core.close();
    const late = await core.handle('customers.list', {});
    expect(await saving).toMatchObject({ ok: true });
    expect(late).toMatchObject({ ok: false, error: { code: 'app.closing', status: 503 } });
    await closing;
  });
});

describe('consent', () => {
  it('records marketing and SMS consent with the date given, keeps it, and clears it when withdrawn', async () => {
    const { customer } = await core.call('customers.create', { ...layla, consent: { marketing: true } });
    expect((await core.call('customers.get', { id: customer.id })).consent).toEqual({ marketingAt: '2026-01-15T10:00:00.000Z', smsAt: null });
    clock.advance(60_000);
    await core.call('customers.update', { id: customer.id, consent: { marketing: true, sms: true } });
    expect((await core.call('customers.get', { id: customer.id })).consent).toEqual({
      marketingAt: '2026-01-15T10:00:00.000Z',
      smsAt: '2026-01-15T10:01:00.000Z',
    });
    await core.call('customers.update', { id: customer.id, consent: { marketing: false } });
    expect((await core.call('customers.get', { id: customer.id })).consent).toEqual({ marketingAt: null, smsAt: '2026-01-15T10:01:00.000Z' });
    const [entry] = await core.call('audit.list', { entity: 'customer', entityId: customer.id });
    expect(entry).toMatchObject({ action: 'update', before: { consent: { marketingAt: '2026-01-15T10:00:00.000Z' } }, after: { consent: { marketingAt: null } } });
  });
});

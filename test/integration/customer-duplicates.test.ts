import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { ahmed, expectFailure, layla, manualClock, openTestCore } from '../helpers/core';

/*
 * Issue 12, item 4: while a customer is created, the form asks which existing customers the one being
 * typed may be, and why; a duplicate email names the customer who has it.
 */
let core: Core;
let close: () => Promise<void>;
const clock = manualClock();

beforeEach(async () => {
  clock.set('2026-01-15T10:00:00.000Z');
  ({ core, close } = await openTestCore({ clock }));
});
afterEach(() => close());

const leila = {
  customerData: { firstName: 'Leïla', lastName: 'Alaoui', email: 'leila@example.ma', phoneNumber: '06 12 34 56 78', dateOfBirth: '1958-04-07', sex: 'female' as const },
};

describe('customers.duplicates', () => {
  it('finds the same name and date of birth whatever the accents, case and order of the names', async () => {
    const { customer } = await core.call('customers.create', leila);
    const out = await core.call('customers.duplicates', { customerData: { firstName: 'ALAOUI', lastName: 'leila', dateOfBirth: '1958-04-07' } });
    expect(out.candidates).toEqual([
      expect.objectContaining({ id: customer.id, firstName: 'Leïla', lastName: 'Alaoui', dateOfBirth: '1958-04-07T00:00:00.000Z', phoneNumber: '06 12 34 56 78', reasons: ['nameAndBirth'] }),
    ]);
  });

  it('does not call a namesake born another day a match', async () => {
    await core.call('customers.create', leila);
    const out = await core.call('customers.duplicates', { customerData: { firstName: 'Leila', lastName: 'Alaoui', dateOfBirth: '1960-04-07' } });
    expect(out.candidates).toEqual([]);
  });

  it('finds the same phone by its digits, +212 and 0 prefixes alike', async () => {
    const { customer } = await core.call('customers.create', leila);
    for (const phoneNumber of ['0612345678', '+212 6 12 34 56 78', '00212-612-345-678', '06.12.34.56.78']) {
      const out = await core.call('customers.duplicates', { customerData: { phoneNumber } });
      expect(out.candidates.map((c) => [c.id, c.reasons]), phoneNumber).toEqual([[customer.id, ['phone']]]);
    }
    const other = await core.call('customers.duplicates', { customerData: { phoneNumber: '0612345679' } });
    expect(other.candidates).toEqual([]);
  });

  it('finds the same email whatever its case, and gives every reason a candidate matches', async () => {
    const { customer } = await core.call('customers.create', leila);
    const out = await core.call('customers.duplicates', {
      customerData: { firstName: 'Leila', lastName: 'Alaoui', dateOfBirth: '1958-04-07', phoneNumber: '0612345678', email: ' LEILA@example.MA ' },
    });
    expect(out.candidates.map((c) => [c.id, c.reasons])).toEqual([[customer.id, ['nameAndBirth', 'phone', 'email']]]);
  });

  it('leaves deleted customers out and answers nothing for too little to go on', async () => {
    const { customer } = await core.call('customers.create', leila);
    expect((await core.call('customers.duplicates', { customerData: { firstName: 'Leila', lastName: 'Alaoui' } })).candidates).toEqual([]);
    expect((await core.call('customers.duplicates', { customerData: { phoneNumber: '12' } })).candidates).toEqual([]);
    await core.call('customers.delete', { id: customer.id });
    expect((await core.call('customers.duplicates', { customerData: { phoneNumber: '0612345678' } })).candidates).toEqual([]);
  });

  it('puts the customers matching on more counts first', async () => {
    const a = await core.call('customers.create', leila);
    const b = await core.call('customers.create', { customerData: { ...leila.customerData, email: 'other@example.ma', dateOfBirth: '1990-01-01' } });
    const out = await core.call('customers.duplicates', { customerData: { firstName: 'Leila', lastName: 'Alaoui', dateOfBirth: '1958-04-07', phoneNumber: '0612345678' } });
    expect(out.candidates.map((c) => c.id)).toEqual([a.customer.id, b.customer.id]);
  });

  it('finds the namesake born that day among hundreds of namesakes', async () => {
    const { customer } = await core.call('customers.create', leila);
    // 400 more Leïla Alaouis, made after her (the index's newest first): the one born on 7 April 1958 is still found.
    const namesakes = Array.from({ length: 400 }, (_, i) => ({
      customerData: { ...leila.customerData, email: `leila${i}@example.ma`, phoneNumber: `+33 1 00 00 ${String(i).padStart(4, '0')}`, dateOfBirth: `19${60 + (i % 30)}-01-01T00:00:00.000Z` },
    }));
    await core.customers.createMany(namesakes as never, { staffId: null, username: 'test' });
    const out = await core.call('customers.duplicates', { customerData: { firstName: 'Leila', lastName: 'Alaoui', dateOfBirth: '1958-04-07' } });
    expect(out.candidates.map((c) => c.id)).toEqual([customer.id]);
  });
});

describe('a duplicate email names the customer who has it', () => {
  it('on create and on update', async () => {
    const { customer } = await core.call('customers.create', layla);
    const dup = { ...ahmed, customerData: { ...ahmed.customerData, email: 'LAYLA@example.com' } };
    expect((await expectFailure(core, 'customers.create', dup, 'customer.emailTaken', 409)).details).toEqual({ customerId: customer.id });
    const other = await core.call('customers.create', ahmed);
    const err = await expectFailure(core, 'customers.update', { id: other.customer.id, customerData: { email: 'layla@example.com' } }, 'customer.emailTaken', 409);
    expect(err.details).toEqual({ customerId: customer.id });
  });
});

import { describe, expect, it } from 'vitest';
import type { CustomerDetail } from '../../../shared/customers/schema';
import { AppError } from '../../../shared/errors';
import { defaultChoices, differing, fieldValues, goneSide, mergeInput, reasonKeys } from './mergeChoices';

const detail = (p: Partial<CustomerDetail['localData']>, address: CustomerDetail['address'] = null) =>
  ({
    localData: { id: 'l', firstName: 'Leila', lastName: 'Alaoui', email: '', phoneNumber: '0612345678', dateOfBirth: '1958-04-07T00:00:00.000Z', sex: 'female', customerId: 'c', ...p },
    address,
  }) as CustomerDetail;

describe('the side-by-side merge', () => {
  const a = fieldValues(detail({}));
  const b = fieldValues(detail({ firstName: 'Leïla', email: 'l@x.ma', sex: '' }, { id: 'x', street: '1 rue Haute', city: 'Lyon', zipCode: '69001', state: null, customerId: 'c' }));

  it('shows a date of birth as a day and the address as one line', () => {
    expect(a.dateOfBirth).toBe('1958-04-07');
    expect(b.address).toBe('1 rue Haute, 69001 Lyon');
    expect(a.address).toBe('');
  });

  it('starts from the kept side, the other filling what the kept one lacks', () => {
    expect(defaultChoices({ a, b }, 'a')).toEqual({ firstName: 'a', lastName: 'a', email: 'b', phoneNumber: 'a', dateOfBirth: 'a', sex: 'a', address: 'b' });
    expect(defaultChoices({ a, b }, 'b')).toMatchObject({ firstName: 'b', email: 'b', sex: 'a', address: 'b' });
  });

  it('lists only the fields that differ', () => {
    expect(differing({ a, b })).toEqual(['firstName', 'email', 'sex', 'address']);
  });

  it('asks the core for every field as chosen, from the kept side', () => {
    const choices = { ...defaultChoices({ a, b }, 'a'), firstName: 'b' as const };
    expect(mergeInput({ a: 'A', b: 'B' }, 'a', choices)).toEqual({
      keepId: 'A',
      mergeId: 'B',
      fields: { firstName: 'merge', lastName: 'keep', email: 'merge', phoneNumber: 'keep', dateOfBirth: 'keep', sex: 'keep', address: 'merge' },
    });
    expect(mergeInput({ a: 'A', b: 'B' }, 'b', choices)).toMatchObject({ keepId: 'B', mergeId: 'A', fields: { firstName: 'keep', lastName: 'merge' } });
  });
});

describe('a pair’s reasons in words', () => {
  it('says how alike the names are with a birthday, and names alike without one', () => {
    expect(reasonKeys({ reasons: ['nameAndBirth', 'phone'], names: 'similar' })).toEqual(['merge.reason.similarNameAndBirth', 'merge.reason.phone']);
    expect(reasonKeys({ reasons: ['nameAndBirth'], names: 'same' })).toEqual(['merge.reason.sameNameAndBirth']);
    expect(reasonKeys({ reasons: ['email'], names: 'same' })).toEqual(['merge.reason.email', 'merge.reason.sameName']);
    expect(reasonKeys({ reasons: ['phone'], names: null })).toEqual(['merge.reason.phone']);
  });
});

describe('a pair gone stale', () => {
  const pair = { a: { id: 'id-a' }, b: { id: 'id-b' } };
  it('names the side the core says no longer exists', () => {
    expect(goneSide(new AppError('customer.notFound', 'gone', undefined, { customerId: 'id-b' }), pair)).toBe('b');
    expect(goneSide(new AppError('customer.notFound', 'gone', undefined, { customerId: 'id-a' }), pair)).toBe('a');
  });
  it('names none for another error or another customer', () => {
    expect(goneSide(new AppError('merge.sameCustomer', 'same', undefined, { customerId: 'id-a' }), pair)).toBeNull();
    expect(goneSide(new AppError('customer.notFound', 'gone', undefined, { customerId: 'id-c' }), pair)).toBeNull();
    expect(goneSide(new Error('network'), pair)).toBeNull();
  });
});

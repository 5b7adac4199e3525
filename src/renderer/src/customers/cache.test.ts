import { describe, expect, it } from 'vitest';
import type { ChannelOutput } from '../../../shared/contract';
import { detailAfterUpdate } from './cache';

type Detail = ChannelOutput<'customers.get'>;
const before: Detail = {
  id: 'c1',
  isActive: true,
  createdAt: '2026-01-01T09:00:00.000Z',
  updatedAt: '2026-01-01T09:00:00.000Z',
  deletedAt: null,
  localData: { id: 'l1', firstName: 'Layla', lastName: 'Hassan', email: 'layla@example.com', phoneNumber: '+1-555-0199', dateOfBirth: '1992-05-12', sex: 'female', customerId: 'c1' },
  address: { id: 'a1', street: '123 Vision Ave', city: 'Casablanca', zipCode: '20000', state: 'MA', customerId: 'c1' },
  opticData: null,
  consent: { marketingAt: '2025-05-05T10:00:00.000Z', smsAt: null },
};
const NOW = '2026-11-22T14:30:00.000Z';
const answer = (phoneNumber = '+1-555-0123'): ChannelOutput<'customers.update'> => ({
  customer: { id: 'c1', isActive: true, createdAt: before.createdAt, updatedAt: NOW, deletedAt: null },
  localData: { ...before.localData, phoneNumber },
});

describe('the customer’s screen after a save, from its answer', () => {
  it('takes the record and personal details the save answered', () => {
    const after = detailAfterUpdate(before, { id: 'c1', customerData: { phoneNumber: '+1-555-0123' } }, answer());
    expect(after).toEqual({ ...before, updatedAt: NOW, localData: { ...before.localData, phoneNumber: '+1-555-0123' } });
  });

  it('dates a consent given now with the save’s time, keeps an older one, clears a withdrawn one', () => {
    const given = detailAfterUpdate(before, { id: 'c1', consent: { sms: true, marketing: true } }, answer());
    expect(given?.consent).toEqual({ marketingAt: before.consent.marketingAt, smsAt: NOW });
    const withdrawn = detailAfterUpdate(before, { id: 'c1', consent: { marketing: false } }, answer());
    expect(withdrawn?.consent).toEqual({ marketingAt: null, smsAt: null });
  });

  it('merges the address sent (read as the core reads it: trimmed, empty is not given)', () => {
    const after = detailAfterUpdate(before, { id: 'c1', address: { street: ' 9 Rue Neuve ', city: '', zipCode: null, state: 'MA' } }, answer());
    expect(after?.address).toEqual({ id: 'a1', street: '9 Rue Neuve', city: null, zipCode: null, state: 'MA', customerId: 'c1' });
  });

  it('says it does not know when the core made something the answer does not carry', () => {
    // A first address: its id is the core's.
    expect(detailAfterUpdate({ ...before, address: null }, { id: 'c1', address: { street: 'x', city: null, zipCode: null, state: null } }, answer())).toBeNull();
    // An address sent empty onto none stays none.
    expect(detailAfterUpdate({ ...before, address: null }, { id: 'c1', address: { street: '', city: null, zipCode: null, state: null } }, answer())?.address).toBeNull();
    // A grid sent as opticData records a prescription version.
    expect(detailAfterUpdate(before, { id: 'c1', opticData: { distanceVision: { rightEye: { sph: '-1.00' } } } }, answer())).toBeNull();
  });
});

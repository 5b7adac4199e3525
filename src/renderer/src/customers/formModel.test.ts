import { describe, expect, it } from 'vitest';
import { createPayload, customerFormSchema, dateInputValue, emptyFormValues, formValuesFromDetail, placeServerErrors, updatePayload } from './formModel';

const values = customerFormSchema.parse({
  customerData: { firstName: ' Layla ', lastName: 'Hassan', email: 'layla@example.com', phoneNumber: '+1-555-0199', dateOfBirth: '1992-05-12', sex: 'female' },
  address: { street: '123 Vision Ave', city: '', zipCode: '', state: '' },
  consent: { marketing: true, sms: false },
});

describe('the customer form’s payloads', () => {
  it('creates with trimmed values, the address given and only the consent given', () => {
    const payload = createPayload(values);
    expect(payload.customerData.firstName).toBe('Layla');
    expect(payload.address).toEqual({ street: '123 Vision Ave' });
    expect(payload.consent).toEqual({ marketing: true });
  });

  it('updates only what staff changed', () => {
    expect(updatePayload('c1', values, {})).toBeNull();
    expect(updatePayload('c1', values, { customerData: { phoneNumber: true } })).toEqual({ id: 'c1', customerData: { phoneNumber: '+1-555-0199' } });
    // A changed address goes whole, cleared fields as null; a consent only when its box changed.
    expect(updatePayload('c1', values, { address: { city: true }, consent: { sms: true } })).toEqual({
      id: 'c1',
      address: { street: '123 Vision Ave', city: null, zipCode: null, state: null },
      consent: { sms: false },
    });
  });

  it('starts from the stored customer (a date input wants the day only)', () => {
    expect(dateInputValue('1992-05-12T00:00:00.000Z')).toBe('1992-05-12');
    const detail = {
      id: 'c1',
      isActive: true,
      createdAt: '',
      updatedAt: '',
      deletedAt: null,
      localData: { id: 'l1', firstName: 'Layla', lastName: 'Hassan', email: 'e@x.com', phoneNumber: '1', dateOfBirth: '1992-05-12T00:00:00.000Z', sex: 'female' as const, customerId: 'c1' },
      address: null,
      opticData: null,
      consent: { marketingAt: '2026-01-01T00:00:00.000Z', smsAt: null },
      incomplete: false,
      missing: [],
      seenAt: '',
    };
    const form = formValuesFromDetail(detail);
    expect(form.customerData.dateOfBirth).toBe('1992-05-12');
    expect(form.address).toEqual(emptyFormValues().address);
    expect(form.consent).toEqual({ marketing: true, sms: false });
  });
});

describe('where a refused save’s errors go', () => {
  it('puts field errors on the form’s fields and leaves the rest to the banner', () => {
    expect(placeServerErrors({ 'customerData.phoneNumber': ['Bad phone'], 'opticData.x': ['elsewhere'] }, 'validation', 'taken')).toEqual([
      { path: 'customerData.phoneNumber', message: 'Bad phone' },
    ]);
  });

  it('puts a duplicate email on the email field, named or not', () => {
    expect(placeServerErrors(undefined, 'customer.emailTaken', 'This email is taken')).toEqual([{ path: 'customerData.email', message: 'This email is taken' }]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  createPayload,
  customerFormSchema,
  dateInputValue,
  duplicateProbe,
  emailHolder,
  emptyFormValues,
  firstEmptyField,
  formValuesFromDetail,
  placeServerErrors,
  prefillFromSearch,
  updatePayload,
} from './formModel';

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
      detailsArriving: false,
      groups: [],
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

describe('a new customer from a search that found nobody', () => {
  it('fills the names, first then last, the last alone when one word', () => {
    expect(prefillFromSearch('leila alaoui')).toEqual({ firstName: 'Leila', lastName: 'Alaoui' });
    expect(prefillFromSearch('  Alaoui ')).toEqual({ lastName: 'Alaoui' });
    // Typed with capitals: kept as typed ("de la" stays small).
    expect(prefillFromSearch('Yasmine de la Tour')).toEqual({ firstName: 'Yasmine', lastName: 'de la Tour' });
  });

  it('takes a name in capitals as the last name, wherever it is', () => {
    expect(prefillFromSearch('ALAOUI Leïla')).toEqual({ firstName: 'Leïla', lastName: 'ALAOUI' });
    expect(prefillFromSearch('Leïla BEN ALI')).toEqual({ firstName: 'Leïla', lastName: 'BEN ALI' });
  });

  it('fills the phone or the email instead when that is what was typed', () => {
    expect(prefillFromSearch('06 12 34 56 78')).toEqual({ phoneNumber: '06 12 34 56 78' });
    expect(prefillFromSearch('+212-6-12345678')).toEqual({ phoneNumber: '+212-6-12345678' });
    expect(prefillFromSearch('leila@example.ma')).toEqual({ email: 'leila@example.ma' });
    expect(prefillFromSearch('0612')).toEqual({ lastName: '0612' });
    expect(prefillFromSearch('   ')).toEqual({});
  });

  it('starts the form from it, the cursor on the first field still empty', () => {
    const values = emptyFormValues(prefillFromSearch('leila alaoui'));
    expect(values.customerData).toMatchObject({ firstName: 'Leila', lastName: 'Alaoui', email: '', phoneNumber: '' });
    expect(firstEmptyField(values)).toBe('customerData.email');
    expect(firstEmptyField(emptyFormValues())).toBe('customerData.firstName');
  });
});

describe('the duplicate check while a customer is typed', () => {
  const data = (over: Partial<Record<string, string>>) => ({ ...emptyFormValues().customerData, ...over });

  it('asks nothing while there is nothing to go on', () => {
    expect(duplicateProbe(data({}))).toBeNull();
    expect(duplicateProbe(data({ firstName: 'Leila', lastName: 'Alaoui' }))).toBeNull();
    // A half-typed date or phone, an email without its domain: not yet.
    expect(duplicateProbe(data({ firstName: 'Leila', lastName: 'Alaoui', dateOfBirth: '07/04/19' }))).toBeNull();
    expect(duplicateProbe(data({ phoneNumber: '0612' }))).toBeNull();
    expect(duplicateProbe(data({ email: 'leila@exa' }))).toBeNull();
  });

  it('asks with the names and the date of birth together, the phone and the email each alone', () => {
    expect(duplicateProbe(data({ firstName: ' Leila ', lastName: 'Alaoui', dateOfBirth: '1958-04-07' }))).toEqual({
      customerData: { firstName: 'Leila', lastName: 'Alaoui', dateOfBirth: '1958-04-07' },
    });
    expect(duplicateProbe(data({ firstName: 'Leila', phoneNumber: '06 12 34 56 78', email: 'leila@example.ma' }))).toEqual({
      customerData: { phoneNumber: '06 12 34 56 78', email: 'leila@example.ma' },
    });
  });
});

describe('a refused duplicate email', () => {
  it('names the customer who has it, when the core said', () => {
    expect(emailHolder('customer.emailTaken', { customerId: 'c9' })).toBe('c9');
    expect(emailHolder('customer.emailTaken', undefined)).toBeNull();
    expect(emailHolder('validation', { customerId: 'c9' })).toBeNull();
  });
});

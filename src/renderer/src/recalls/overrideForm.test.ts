import { describe, expect, it } from 'vitest';
import { addressLines, selectedItems } from './letter';
import { overrideOf, valuesOf } from './overrideForm';
import type { RecallItem } from '../../../shared/recalls/schema';

describe('the customer recall form', () => {
  it('round-trips each kind of override', () => {
    for (const o of [null, { type: 'months', months: 6 }, { type: 'date', date: '2026-09-30' }, { type: 'none' }] as const) {
      expect(overrideOf(valuesOf(o))).toEqual({ ok: true, override: o });
    }
  });

  it('names the field that is wrong: months outside 1-120 or not whole, a date that does not exist', () => {
    expect(overrideOf({ mode: 'months', months: '0', date: '' })).toEqual({ ok: false, field: 'months' });
    expect(overrideOf({ mode: 'months', months: '121', date: '' })).toEqual({ ok: false, field: 'months' });
    expect(overrideOf({ mode: 'months', months: '1.5', date: '' })).toEqual({ ok: false, field: 'months' });
    expect(overrideOf({ mode: 'months', months: ' 18 ', date: '' })).toEqual({ ok: true, override: { type: 'months', months: 18 } });
    expect(overrideOf({ mode: 'date', months: '', date: '2026-02-30' })).toEqual({ ok: false, field: 'date' });
    expect(overrideOf({ mode: 'date', months: '', date: '30/02/2026' })).toEqual({ ok: false, field: 'date' });
  });
});

describe('recall letters', () => {
  const item = (id: string, address: RecallItem['address']): RecallItem => ({
    customerId: id,
    firstName: 'A',
    lastName: id,
    phoneNumber: '',
    email: '',
    address,
    consent: { marketing: false, sms: false },
    kind: 'spectacles',
    lastExamDate: '2024-01-01',
    dueDate: '2026-01-01',
    state: 'overdue',
    lastOutcome: null,
    lastOutcomeDate: null,
    lastOutcomeNote: null,
    overridden: false,
  });

  it('address the envelope with no blank line', () => {
    expect(addressLines({ street: '4 rue de Fès', zipCode: '20250', city: 'Casablanca', state: '' })).toEqual(['4 rue de Fès', '20250 Casablanca']);
    expect(addressLines({ street: ' ', zipCode: '', city: 'Rabat', state: '' })).toEqual(['Rabat']);
    expect(addressLines(null)).toEqual([]);
  });

  it('print for the ticked customers in the list order', () => {
    const items = [item('a', null), item('b', null), item('c', null)];
    expect(selectedItems(items, new Set(['c', 'a', 'gone'])).map((i) => i.customerId)).toEqual(['a', 'c']);
  });
});

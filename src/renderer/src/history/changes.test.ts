import { describe, expect, it } from 'vitest';
import { fieldChanges, leaves, textField } from './changes';

describe('what an audit entry changed', () => {
  it('lists the leaves that differ, treating null, empty and absent alike, ids left out', () => {
    const before = { id: 'c1', phoneNumber: '1', address: { city: 'Casablanca', street: null } };
    const after = { id: 'c1', phoneNumber: '2', address: { city: 'Casablanca', street: '' }, email: 'e@x.com' };
    expect(fieldChanges(before, after)).toEqual([
      { path: 'phoneNumber', from: '1', to: '2' },
      { path: 'email', from: undefined, to: 'e@x.com' },
    ]);
    expect([...leaves({ a: { b: 1 } }).entries()]).toEqual([['a.b', 1]]);
  });

  it('reads a text field of a recorded object', () => {
    expect(textField({ fileName: 'scan.pdf' }, 'fileName')).toBe('scan.pdf');
    expect(textField({ fileName: 3 }, 'fileName')).toBeNull();
    expect(textField(null, 'fileName')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { importFields } from '../../../shared/import/schema';
import { base64Of, doubleMapped, fieldGroups, fieldKey, percentDone, problemFieldKey, remap, rowChoices } from './importModel';

describe('the mapping', () => {
  it('offers every field once, the customer’s before the prescription’s', () => {
    const all = fieldGroups.flatMap((g) => g.fields);
    expect([...all].sort()).toEqual([...importFields].sort());
    expect(fieldGroups[1]?.fields.every((f) => f.startsWith('rx.'))).toBe(true);
  });

  it('names fields and problems by keys without dots', () => {
    expect(fieldKey('rx.rightEye.sph')).toBe('rx_rightEye_sph');
    expect(problemFieldKey('dateOfBirth')).toBe('dateOfBirth');
    expect(problemFieldKey('rx')).toBe('rx');
    expect(problemFieldKey('rx.leftEye.axis')).toBe('rx_leftEye_axis');
    expect(problemFieldKey('somethingElse')).toBeNull();
  });

  it('tells which field two columns claim', () => {
    const twice = doubleMapped({ Nom: 'lastName', 'Nom de famille': 'lastName', Tél: 'phoneNumber', Note: null });
    expect([...twice]).toEqual([['lastName', ['Nom', 'Nom de famille']]]);
  });

  it('changes one column; the empty choice leaves it out; nothing unknown gets in', () => {
    const m = { Nom: 'lastName' as const, Tél: null };
    expect(remap(m, 'Tél', 'phoneNumber')).toEqual({ Nom: 'lastName', Tél: 'phoneNumber' });
    expect(remap(m, 'Nom', '')).toEqual({ Nom: null, Tél: null });
    expect(remap(m, 'Nom', 'password')).toEqual({ Nom: null, Tél: null });
  });
});

describe('the duplicates’ choices', () => {
  it('sends only the rows whose choice is not the default', () => {
    const choices = new Map([
      [2, 'merge' as const],
      [5, 'skip' as const],
      [9, 'import' as const],
    ]);
    expect(rowChoices(choices, 'skip')).toEqual({ '2': 'merge', '9': 'import' });
    expect(rowChoices(new Map(), 'merge')).toEqual({});
  });
});

describe('the progress', () => {
  it('counts whole percents and reaches 100 only at the end', () => {
    expect(percentDone(0, 0)).toBe(0);
    expect(percentDone(0, 100_000)).toBe(0);
    expect(percentDone(50_000, 100_000)).toBe(50);
    expect(percentDone(99_999, 100_000)).toBe(99);
    expect(percentDone(100_000, 100_000)).toBe(100);
  });
});

describe('a file as base64, a slice at a time', () => {
  it('is the base64 of the whole file, whatever its length', async () => {
    for (const length of [0, 1, 2, 3, 4, 196_607, 196_608, 196_609, 500_000]) {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = (i * 131 + 7) % 256;
      let pauses = 0;
      const out = await base64Of(bytes, async () => {
        pauses++;
      });
      expect(out).toBe(btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join('')));
      expect(pauses).toBe(Math.max(0, Math.ceil(length / 196_608) - 1));
    }
  });
});

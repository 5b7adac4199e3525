import { describe, expect, it } from 'vitest';
import { chooseFields, type MergeValues } from '../../src/main/customers/merge';
import { comparePair, findPairs, MAX_BUCKET, type PairRow, pairStrength } from '../../src/main/customers/duplicate-pairs';
import { samePhone } from '../../src/main/customers/duplicates';
import { editDistance, nameLikeness } from '../../src/main/customers/name-similarity';
import { phoneE164 } from '../../src/main/customers/phone';

const n = (firstName: string, lastName: string) => ({ firstName, lastName });

describe('name similarity', () => {
  it('counts edits, giving up past the allowed number', () => {
    expect(editDistance('martin', 'martin')).toBe(0);
    expect(editDistance('martin', 'marten')).toBe(1);
    expect(editDistance('martin', 'mratin')).toBe(2);
    expect(editDistance('martin', 'dupont', 2)).toBe(Infinity);
  });

  it('calls names the same whatever the accents, case and order', () => {
    expect(nameLikeness(n('Leïla', 'ALAOUI'), n('alaoui', 'leila'))).toBe('same');
    expect(nameLikeness(n('Marie-Claire', "D'Arc"), n('Marie Claire', 'd arc'))).toBe('same');
  });

  it('calls names with a slip similar, in either order', () => {
    expect(nameLikeness(n('Leila', 'Alaoui'), n('Leila', 'Alaui'))).toBe('similar');
    expect(nameLikeness(n('Jon', 'Smith'), n('Smith', 'John'))).toBe('similar');
    // Two slips are allowed from 12 letters on, one below.
    expect(nameLikeness(n('Catherine', 'Dubois'), n('Katherine', 'Duboiz'))).toBe('similar');
    expect(nameLikeness(n('Ali', 'Sami'), n('Ala', 'Sima'))).toBeNull();
  });

  it('does not call other people similar', () => {
    // Alaoui and Alami are two families: two edits in an 11-letter name is more than a slip.
    expect(nameLikeness(n('Leila', 'Alaoui'), n('Leila', 'Alami'))).toBeNull();
    expect(nameLikeness(n('Leila', 'Alaoui'), n('Youssef', 'Alaoui'))).toBeNull();
    expect(nameLikeness(n('Anna', 'Li'), n('Anne', 'Lu'))).toBeNull(); // short names: no slip allowed
    expect(nameLikeness(n('', ''), n('Anne', 'Lu'))).toBeNull();
  });
});

describe('one phone rule', () => {
  it('reads national numbers in the store country as E.164', () => {
    expect(phoneE164('06 12 34 56 78', 'FR')).toBe('+33612345678');
    expect(phoneE164('0033 6 12 34 56 78', 'MA')).toBe('+33612345678');
    expect(phoneE164('06 12 34 56 78', null)).toBeNull();
    expect(phoneE164('12', 'FR')).toBeNull();
    expect(samePhone('06 12 34 56 78', '+33 6 12 34 56 78', 'FR')).toBe(true);
    // The same national number is another line in another country.
    expect(samePhone('06 12 34 56 78', '+212 6 12 34 56 78', 'FR')).toBe(false);
    expect(samePhone('06 12 34 56 78', '+212 6 12 34 56 78', 'MA')).toBe(true);
  });
});

const row = (id: string, p: Partial<PairRow> = {}): PairRow => ({
  id,
  first_name: 'A',
  last_name: id,
  email_key: `${id}@x.test`,
  phone_number: '',
  date_of_birth: '',
  updated_at: '2026-01-01T00:00:00.000Z',
  ...p,
});

describe('pair strength and finding pairs', () => {
  it('weighs email over phone over the same name and birthday, and names alike add', () => {
    expect(pairStrength(['email'], null)).toBeGreaterThan(pairStrength(['phone'], null));
    expect(pairStrength(['phone'], 'same')).toBeGreaterThan(pairStrength(['phone'], null));
    expect(pairStrength(['nameAndBirth'], 'same')).toBeGreaterThan(pairStrength(['nameAndBirth'], 'similar'));
    expect(pairStrength(['nameAndBirth', 'phone'], 'same')).toBeGreaterThan(pairStrength(['email'], null));
  });

  it('gives the reasons of a pair, a birthday counting only with a similar name', () => {
    const a = row('a', { first_name: 'Leïla', last_name: 'Alaoui', date_of_birth: '1958-04-07T00:00:00.000Z', phone_number: '06 12 34 56 78' });
    expect(comparePair(a, row('b', { first_name: 'leila', last_name: 'alaui', date_of_birth: '1958-04-07' }), 'FR')?.reasons).toEqual(['nameAndBirth']);
    expect(comparePair(a, row('c', { first_name: 'Paul', last_name: 'Durand', date_of_birth: '1958-04-07' }), 'FR')).toBeNull();
    expect(comparePair(a, row('d', { first_name: 'Paul', last_name: 'Durand', phone_number: '+33612345678' }), 'FR')).toMatchObject({ reasons: ['phone'], names: null });
  });

  it('lists pairs strongest first, leaving dismissed ones out', () => {
    const rows = [
      row('a', { first_name: 'Leila', last_name: 'Alaoui', date_of_birth: '1958-04-07', phone_number: '0612345678' }),
      row('b', { first_name: 'Alaoui', last_name: 'Leila', date_of_birth: '1958-04-07', phone_number: '+33 6 12 34 56 78' }),
      row('c', { first_name: 'Paul', last_name: 'Durand', phone_number: '0700000001' }),
      row('d', { first_name: 'Marie', last_name: 'Durand', phone_number: '07 00 00 00 01' }),
    ];
    const pairs = findPairs(rows, 'FR');
    expect(pairs.map((p) => [p.aId, p.bId, p.reasons])).toEqual([
      ['a', 'b', ['nameAndBirth', 'phone']],
      ['c', 'd', ['phone']],
    ]);
    expect(findPairs(rows, 'FR', new Set(['a|b'])).map((p) => p.aId)).toEqual(['c']);
  });

  it('never compares all pairs: a phone shared by a crowd is no sign', () => {
    const crowd = Array.from({ length: MAX_BUCKET + 1 }, (_, i) => row(`x${i}`, { first_name: `P${i}`, last_name: `Q${i}`, phone_number: '05 22 00 00 00' }));
    expect(findPairs(crowd, 'MA')).toEqual([]);
    // A crowded birthday is split by the names' initials: the namesakes in it are still found.
    const day = Array.from({ length: MAX_BUCKET + 1 }, (_, i) => row(`y${i}`, { first_name: `Person${i}`, last_name: `Name${i}x`, date_of_birth: '1900-01-01' }));
    day.push(row('z1', { first_name: 'Zora', last_name: 'Kadiri', date_of_birth: '1900-01-01' }), row('z2', { first_name: 'Zora', last_name: 'Kadiry', date_of_birth: '1900-01-01' }));
    expect(findPairs(day, 'MA').some((p) => p.aId === 'z1' && p.bId === 'z2')).toBe(true);
  });
});

describe('choosing the merged fields', () => {
  const keep: MergeValues = { firstName: 'Leila', lastName: 'Alaoui', email: '', phoneNumber: '0612345678', dateOfBirth: '', sex: 'female', address: null };
  const other: MergeValues = { firstName: 'Leïla', lastName: 'Alaoui', email: 'l@x.ma', phoneNumber: '0700000000', dateOfBirth: '1958-04-07', sex: '', address: { street: '1 rue', city: 'Rabat', zipCode: null, state: null } };

  it('keeps the kept values, fills the empty ones from the other, and takes what is asked', () => {
    const c = chooseFields(keep, other, { firstName: 'merge' });
    expect(c.after).toEqual({ ...keep, firstName: 'Leïla', email: 'l@x.ma', dateOfBirth: '1958-04-07', address: other.address });
    expect(c.changed.sort()).toEqual(['address', 'dateOfBirth', 'email', 'firstName']);
    expect(c.before).toEqual({ firstName: 'Leila', email: '', dateOfBirth: '', address: null });
  });

  it('keeps an empty value when asked to', () => {
    expect(chooseFields(keep, other, { email: 'keep' }).after.email).toBe('');
  });
});

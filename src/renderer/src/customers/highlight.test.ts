import { describe, expect, it } from 'vitest';
import { highlight } from './highlight';

const marks = (...args: Parameters<typeof highlight>) =>
  highlight(...args)
    .map((p) => (p.match ? `[${p.text}]` : p.text))
    .join('');

describe('highlight', () => {
  it('marks what the search found, accents and case aside', () => {
    expect(marks('Leïla Alaoui', 'leila')).toBe('[Leïla] Alaoui');
    expect(marks('Leïla Alaoui', 'ALA lei')).toBe('[Leï]la [Ala]oui');
  });

  it('prefers the start of a word, as the ranking does', () => {
    expect(marks('Yacine Abensour', 'ben')).toBe('Yacine A[ben]sour');
    expect(marks('Ben Abensour', 'ben')).toBe('[Ben] Abensour');
    expect(marks('Abensour Benali', 'ben')).toBe('Abensour [Ben]ali');
  });

  it('marks a phone’s digits across its spaces and dashes', () => {
    expect(marks('+212 661 000 111', '661000', 'phone')).toBe('+212 [661 000] 111');
    expect(marks('+212 661 000 111', '661-000', 'phone')).toBe('+212 [661 000] 111');
    expect(marks('+212 661 000 111', 'leila', 'phone')).toBe('+212 661 000 111');
  });

  it('marks letters that fold to two (ß) and decomposed accents whole', () => {
    expect(marks('Straße', 'strass')).toBe('[Straß]e');
    expect(marks('Ele\u0301onore', 'eleo')).toBe('[Ele\u0301o]nore');
  });

  it('leaves the value alone without a search or a match', () => {
    expect(highlight('Layla', '  ')).toEqual([{ text: 'Layla', match: false }]);
    expect(highlight('Layla', 'zz')).toEqual([{ text: 'Layla', match: false }]);
  });
});

import { describe, expect, it } from 'vitest';
import { documentFileName } from '../../src/main/attachments/content';

describe('documentFileName (the names files get in an export)', () => {
  it('never cuts a character in half: a long name ending in an emoji stays well-formed', () => {
    const name = documentFileName(`prescription-${'a'.repeat(186)}😀${'b'.repeat(10)}.pdf`, 'application/pdf');
    expect(name).not.toMatch(/\p{Cs}/u);
    expect(name.endsWith('.pdf')).toBe(true);
    expect([...name.replace(/\.pdf$/, '')].length).toBeLessThanOrEqual(200);
  });

  it('gives one name to a name typed composed or decomposed (é vs e + ◌́), as macOS would clash them', () => {
    expect(documentFileName('other-\u00e9t\u00e9.pdf', 'application/pdf')).toBe(documentFileName('other-e\u0301te\u0301.pdf', 'application/pdf'));
  });
});

import { describe, expect, it } from 'vitest';
import { CROCKFORD, checkKey, checkSymbol, formatKey, keyFromData, maskKey, normaliseKey } from '../../src/shared/licence/key';
import { decodeRequestCode, encodeRequestCode } from '../../src/main/licence/request-code';

const DATA = ['7K3M9QXZ0ABCDEF', '000000000000000', 'ZZZZZZZZZZZZZZZ', 'H8P2W4T6R1N3J5G'];
const VALID = DATA.map(keyFromData);

describe('licence keys (cloud-api.md)', () => {
  it('accepts valid keys and answers them in the XXXX-XXXX-XXXX-XXXX form', () => {
    for (const key of VALID) {
      expect(key).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      expect(checkKey(key)).toEqual({ ok: true, key });
    }
  });

  it('computes the check symbol as (Σ (2i+1)·v_i) mod 32', () => {
    const data = '123456789ABCDEF';
    const sum = [...data].reduce((s, c, i) => s + (2 * i + 1) * CROCKFORD.indexOf(c), 0);
    expect(checkSymbol(data)).toBe(CROCKFORD[sum % 32]);
  });

  it('catches EVERY single-character substitution, at every position, with every other symbol', () => {
    let tried = 0;
    for (const key of VALID) {
      const symbols = key.replace(/-/g, '');
      for (let pos = 0; pos < 16; pos++) {
        for (const other of CROCKFORD) {
          if (other === symbols[pos]) continue;
          const typo = formatKey(symbols.slice(0, pos) + other + symbols.slice(pos + 1));
          const res = checkKey(typo);
          expect(res.ok, `${typo} (position ${pos}) passed`).toBe(false);
          if (!res.ok) expect(res.code).toBe('licence.keyCheck');
          tried++;
        }
      }
    }
    expect(tried).toBe(VALID.length * 16 * 31);
  });

  it('normalises case, O/I/L, spaces and dashes before checking', () => {
    const key = keyFromData('1O0IL1ABCDEFGHJ'.replace(/O/g, '0').replace(/[IL]/g, '1'));
    const symbols = key.replace(/-/g, '');
    expect(normaliseKey(' ab-cd o i l ')).toBe('ABCD011');
    // Lower case, O for 0, I and L for 1, spaces instead of dashes, no separators at all.
    const sloppy = symbols.toLowerCase().replace(/0/g, 'o').replace(/1/g, (_, i: number) => (i % 2 ? 'I' : 'l'));
    expect(checkKey(sloppy)).toEqual({ ok: true, key });
    expect(checkKey(symbols.match(/.{4}/g)!.join(' '))).toEqual({ ok: true, key });
    expect(checkKey(`  ${symbols.slice(0, 8)}--${symbols.slice(8)} `)).toEqual({ ok: true, key });
  });

  it('says what is wrong with the length or a symbol', () => {
    const short = checkKey('ABCD-EFGH-JKMN');
    expect(short).toMatchObject({ ok: false, code: 'licence.keyLength' });
    if (!short.ok) expect(short.message).toContain('16 characters');
    expect(checkKey(`${VALID[0]}-0`)).toMatchObject({ ok: false, code: 'licence.keyLength' });
    expect(checkKey('')).toMatchObject({ ok: false, code: 'licence.keyLength' });
    const u = checkKey('UUUU-0000-0000-0000');
    expect(u).toMatchObject({ ok: false, code: 'licence.keySymbol' });
    if (!u.ok) expect(u.message).toContain('"U"');
    expect(checkKey('ABC*-0000-0000-0000')).toMatchObject({ ok: false, code: 'licence.keySymbol' });
  });

  it('masks a key to its last group', () => {
    expect(maskKey(VALID[0]!)).toBe(`****-****-****-${VALID[0]!.slice(-4)}`);
  });
});

describe('offline-activation request code', () => {
  const data = { machineId: 'ab'.repeat(32), appVersion: '1.2.3', storeId: 'store-42' };

  it('round-trips the machine id, app version and store id, and holds no key', () => {
    const code = encodeRequestCode(data);
    expect(code).toMatch(/^[0-9A-Z]{1,5}(-[0-9A-Z]{1,5})*$/);
    expect(decodeRequestCode(code)).toEqual({ ok: true, data });
    // Read back over the phone: lower case and spaces are forgiven.
    expect(decodeRequestCode(code.toLowerCase().replace(/-/g, ' '))).toEqual({ ok: true, data });
  });

  it('catches a mistyped symbol', () => {
    const code = encodeRequestCode(data).replace(/-/g, '');
    for (let pos = 0; pos < code.length; pos++) {
      const other = code[pos] === 'A' ? 'B' : 'A';
      expect(decodeRequestCode(code.slice(0, pos) + other + code.slice(pos + 1)).ok).toBe(false);
    }
  });
});

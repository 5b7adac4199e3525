import { describe, expect, it } from 'vitest';
import { illFormedTextPaths, isWellFormedText } from '../../src/shared/well-formed-text';

describe('well-formed text', () => {
  it('tells lone surrogates from pairs', () => {
    for (const bad of ['\uD800', 'a\uDC00', '\uDBFF\uDBFF', '\uDFFF\uD800', 'x\uD83D']) expect(isWellFormedText(bad), JSON.stringify(bad)).toBe(false);
    for (const good of ['', 'plain', 'Zoë', '😀', '\uD83D\uDE00', '𝔸', 'مرحبا', '\u202Eexe.png']) expect(isWellFormedText(good), good).toBe(true);
  });

  it('finds every bad string and key by its path, in document order', () => {
    const input = { a: 'ok', b: { c: ['fine', 'x\uD800', { d: '\uDC00' }] }, ['k\uD800']: 1, e: 'y\uDFFF' };
    expect(illFormedTextPaths(input)).toEqual([['b', 'c', 1], ['b', 'c', 2, 'd'], ['k\\uD800'], ['e']]);
    expect(illFormedTextPaths('\uD800')).toEqual([[]]);
    expect(illFormedTextPaths({ ok: ['a', 1, null, true, { b: 'c' }] })).toEqual([]);
  });

  it('copes with cycles, deep nesting and binary views', () => {
    const cyclic: Record<string, unknown> = { name: 'a\uD800' };
    cyclic.self = cyclic;
    expect(illFormedTextPaths(cyclic)).toEqual([['name']]);
    let deep: unknown = '\uD800';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(illFormedTextPaths(deep)).toHaveLength(1);
    expect(illFormedTextPaths({ bytes: new Uint8Array(1_000_000) })).toEqual([]);
  });
});

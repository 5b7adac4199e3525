import { describe, expect, it } from 'vitest';
import { anchorBreaks } from '../../src/main/audit/anchor';

/** The rule of audit/anchor.ts over a table given as rows (id -> seal, time). */
const table = new Map([
  [1, { hash: 'h1', at: 't1' }],
  [2, { hash: 'h2', at: 't2' }],
  [3, { hash: 'h3', at: 't3' }],
]);
const rowAt = (id: number) => table.get(id);
const last = { id: 3, at: 't3' };

describe('what the anchored head says of the table', () => {
  it('nothing when the anchored row is there with its seal, the anchor lagging behind included (a power cut)', () => {
    expect(anchorBreaks({ kind: 'ok', head: { id: 3, hash: 'h3' } }, true, rowAt, last)).toEqual([]);
    expect(anchorBreaks({ kind: 'ok', head: { id: 2, hash: 'h2' } }, true, rowAt, last)).toEqual([]);
    expect(anchorBreaks({ kind: 'ok', head: { id: 0, hash: '' } }, true, rowAt, last)).toEqual([]);
  });

  it('a cut tail, a whole trail emptied, a different row at the anchored id', () => {
    expect(anchorBreaks({ kind: 'ok', head: { id: 5, hash: 'h5' } }, true, rowAt, last)).toEqual([{ problem: 'truncated', id: 3, at: 't3', missing: 2 }]);
    expect(anchorBreaks({ kind: 'ok', head: { id: 5, hash: 'h5' } }, true, () => undefined, undefined)).toEqual([{ problem: 'truncated', id: 0, at: null, missing: 5 }]);
    expect(anchorBreaks({ kind: 'ok', head: { id: 2, hash: 'forged' } }, true, rowAt, last)).toEqual([{ problem: 'changed', id: 2, at: 't2' }]);
  });

  it('a missing or unreadable anchor: reported for a store marked as anchored; a store from before it, none; no SecretBox on this PC, none', () => {
    expect(anchorBreaks({ kind: 'absent' }, true, rowAt, last)).toEqual([{ problem: 'anchorMissing', id: 0, at: null }]);
    expect(anchorBreaks({ kind: 'unreadable' }, false, rowAt, last)).toEqual([{ problem: 'anchorMissing', id: 0, at: null }]);
    expect(anchorBreaks({ kind: 'absent' }, false, rowAt, last)).toEqual([]);
    expect(anchorBreaks({ kind: 'unavailable' }, true, rowAt, last)).toEqual([]);
  });
});

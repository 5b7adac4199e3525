import { describe, expect, it } from 'vitest';
import { channels, contract } from '../../../shared/contract';
import { isWriteBlocked } from './useWriteGate';

describe('which buttons a read-only install turns off', () => {
  it('every licensed write of the contract, and nothing else', () => {
    const blocked = channels.filter((c) => isWriteBlocked(c, { canWrite: false }));
    expect(blocked).toEqual(channels.filter((c) => contract[c].kind === 'write'));
    expect(blocked).toContain('customers.create');
    expect(blocked).not.toContain('customers.purge');
  });

  it('none while licensed, or while the status is not known yet (the core decides)', () => {
    expect(channels.filter((c) => isWriteBlocked(c, { canWrite: true }))).toEqual([]);
    expect(channels.filter((c) => isWriteBlocked(c, undefined))).toEqual([]);
  });
});

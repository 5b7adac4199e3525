import { describe, expect, it } from 'vitest';
import { recoveryFileText } from './recoveryFile';

describe('the saved recovery code file (issue 12 item 12)', () => {
  it('saves as a small text file with what it is, whose it is, and the code', () => {
    const text = recoveryFileText('01234-56789-ABCDE-FGHJK', { title: 'T', account: 'Owner account: owner', explain: 'E' });
    expect(text.split('\r\n')).toEqual(['T', '', 'Owner account: owner', '', '01234-56789-ABCDE-FGHJK', '', 'E', '']);
  });
});

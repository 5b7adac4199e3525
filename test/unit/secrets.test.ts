import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyFileSecretBox } from '../../src/main/secrets';
import { tempDir } from '../helpers/core';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('key-file secret box (browser host, tests)', () => {
  it('seals with a key only this user can read, and opens only its own seals', () => {
    const { dir, remove } = tempDir();
    cleanups.push(remove);
    const box = keyFileSecretBox(dir);
    const sealed = box.seal('cloud-password-1');
    expect(sealed).not.toContain('cloud-password-1');
    expect(box.seal('cloud-password-1')).not.toBe(sealed); // a fresh IV each time
    expect(keyFileSecretBox(dir).open(sealed)).toBe('cloud-password-1');
    if (process.platform !== 'win32') expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);

    const other = tempDir();
    cleanups.push(other.remove);
    expect(() => keyFileSecretBox(other.dir).open(sealed)).toThrow(expect.objectContaining({ code: 'sync.secretUnreadable' }));
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = [v, iv, tag, Buffer.from(Buffer.from(body!, 'base64').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64')].join('.');
    expect(() => box.open(flipped)).toThrow(expect.objectContaining({ code: 'sync.secretUnreadable' }));
  });
});

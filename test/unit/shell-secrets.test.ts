import { beforeEach, describe, expect, it, vi } from 'vitest';

/* The desktop app's secret box, against a fake safeStorage (the Electron binary is not available here). */
const keychain = vi.hoisted(() => ({ available: true, backend: 'gnome_libsecret', encrypted: [] as string[] }));
vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => keychain.available,
    getSelectedStorageBackend: () => keychain.backend,
    encryptString: (s: string) => {
      keychain.encrypted.push(s);
      return Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a));
    },
    decryptString: (b: Buffer) => {
      if (b.length === 0) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from([...b].map((x) => x ^ 0x5a)).toString();
    },
  },
}));

const { safeStorageSecretBox } = await import('../../src/main/shell/secrets');

describe('safeStorage secret box', () => {
  beforeEach(() => {
    keychain.available = true;
    keychain.backend = 'gnome_libsecret';
  });

  it('seals through the OS keychain and opens what it sealed', () => {
    const box = safeStorageSecretBox('linux');
    const sealed = box.seal('cloud-password-1');
    expect(sealed).not.toContain('cloud-password-1');
    expect(box.open(sealed)).toBe('cloud-password-1');
  });

  it('refuses Linux’s basic_text fallback and a missing keychain, saying why', () => {
    keychain.backend = 'basic_text';
    expect(() => safeStorageSecretBox('linux').seal('x')).toThrow(expect.objectContaining({ code: 'sync.noKeychain' }));
    expect(safeStorageSecretBox('win32').open(safeStorageSecretBox('win32').seal('y'))).toBe('y');
    keychain.available = false;
    expect(() => safeStorageSecretBox('win32').seal('x')).toThrow(expect.objectContaining({ code: 'sync.noKeychain' }));
  });

  it('answers sync.secretUnreadable for something it did not seal', () => {
    const box = safeStorageSecretBox('darwin');
    expect(() => box.open('v1.abc.def.ghi')).toThrow(expect.objectContaining({ code: 'sync.secretUnreadable' }));
    expect(() => box.open('safeStorage.')).toThrow(expect.objectContaining({ code: 'sync.secretUnreadable' }));
  });
});

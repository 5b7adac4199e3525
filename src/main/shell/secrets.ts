import { safeStorage } from 'electron';
import { AppError } from '../../shared/errors';
import type { SecretBox } from '../secrets';

const PREFIX = 'safeStorage.';

/**
 * The desktop app's secrets at rest: the OS keychain through Electron's safeStorage (DPAPI on
 * Windows, Keychain on macOS, libsecret/kwallet on Linux). On Linux with no keyring Electron falls
 * back to `basic_text`, a key built into Electron itself: that protects nothing, so it is refused
 * and the owner is told why. Asked lazily: safeStorage answers only once the app is ready.
 */
export function safeStorageSecretBox(platform: NodeJS.Platform = process.platform): SecretBox {
  const check = () => {
    if (!safeStorage.isEncryptionAvailable()) throw noKeychain();
    if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') throw noKeychain();
  };
  return {
    seal(plain) {
      check();
      return PREFIX + safeStorage.encryptString(plain).toString('base64');
    },
    open(sealed) {
      check();
      if (!sealed.startsWith(PREFIX)) throw unreadable();
      try {
        return safeStorage.decryptString(Buffer.from(sealed.slice(PREFIX.length), 'base64'));
      } catch {
        throw unreadable();
      }
    },
  };
}

function noKeychain() {
  return new AppError('sync.noKeychain', 'This computer has no secure keychain to keep the cloud password in (on Linux: install and unlock a keyring, e.g. GNOME Keyring)');
}

function unreadable() {
  return new AppError('sync.secretUnreadable', 'The stored cloud password cannot be read on this computer; set up sync again');
}

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../shared/errors';
import { privateDir } from './private-files';

/**
 * Seals secrets kept at rest (the store's cloud password). The desktop app uses the OS keychain
 * through Electron's safeStorage (shell/secrets.ts); the browser host and tests a key file only this
 * user can read.
 */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

const KEY_FILE = 'secret.key';

/** AES-256-GCM with a random key in `<dir>/secret.key` (mode 0600). */
export function keyFileSecretBox(dir: string): SecretBox {
  let key: Buffer | null = null;
  const keyOf = () => {
    if (key) return key;
    const file = join(dir, KEY_FILE);
    if (!existsSync(file)) {
      mkdirSync(dir, privateDir);
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    }
    chmodSync(file, 0o600);
    key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    return key;
  };
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyOf(), iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw unreadable();
      try {
        const decipher = createDecipheriv('aes-256-gcm', keyOf(), Buffer.from(iv, 'base64'));
        decipher.setAuthTag(Buffer.from(tag, 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        throw unreadable();
      }
    },
  };
}

function unreadable() {
  // e.g. a data folder restored on another computer: its key did not come along.
  return new AppError('sync.secretUnreadable', 'The stored cloud password cannot be read on this computer; set up sync again');
}

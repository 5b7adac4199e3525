import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TrustedKey } from './verify';

/**
 * The public keys shipped with the app: every `<kid>.pem` (SPKI) in the folder. Several may be there
 * so keys can rotate: a licence names the key that signed it. A missing folder trusts nothing.
 */
export function readTrustedKeyDir(dir: string): TrustedKey[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.pem')).sort();
  } catch {
    return [];
  }
  return names.map((n) => readTrustedKeyFile(join(dir, n)));
}

/** One `<kid>.pem` file; its key id is the file's base name without `.pem`. */
export function readTrustedKeyFile(file: string): TrustedKey {
  return { kid: basename(file).replace(/\.pem$/, ''), pem: readFileSync(file, 'utf8') };
}

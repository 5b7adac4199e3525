import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../shared/errors';
import { SHIPPED_LICENCE_KEYS } from './trusted-keys';
import type { TrustedKey } from './verify';

const FLAG = '--trust-licence-key';

export interface KeyLaunch {
  /** An installed build (Electron's app.isPackaged; NODE_ENV=production for the browser host). */
  packaged: boolean;
  /** The command line after the program (Electron's process.argv is fine: the flag is looked for). */
  args: readonly string[];
}

/**
 * The licence keys a launch trusts: the ones compiled in (trusted-keys.ts), plus, in development and
 * tests only, each `--trust-licence-key FILE.pem` (key id = the file's base name). An installed build
 * refuses the flag outright (licence.keyRefused) rather than ignoring it, and reads no key folder: a
 * key anyone can add is a licence anyone can forge.
 */
export function licenceKeysForLaunch({ packaged, args }: KeyLaunch): TrustedKey[] {
  const files = trustFlags(args);
  if (files.length > 0 && packaged) {
    throw new AppError('licence.keyRefused', `${FLAG} is refused by an installed build: it trusts only the licence keys compiled into it`);
  }
  return [...SHIPPED_LICENCE_KEYS, ...files.map(readTrustedKeyFile)];
}

function trustFlags(args: readonly string[]): string[] {
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith(`${FLAG}=`)) files.push(arg.slice(FLAG.length + 1));
    else if (arg === FLAG) {
      const file = args[++i];
      if (!file || file.startsWith('--')) throw new AppError('validation', `${FLAG} needs a .pem file after it`);
      files.push(file);
    }
  }
  return files;
}

/** One `<kid>.pem` file; its key id is the file's base name without `.pem`. */
export function readTrustedKeyFile(file: string): TrustedKey {
  return { kid: basename(file).replace(/\.pem$/, ''), pem: readFileSync(file, 'utf8') };
}

import { randomBytes } from 'node:crypto';
import { argon2Verify, argon2id } from 'hash-wasm';

/*
 * Passwords and PINs are stored as argon2id hashes (seed 004), with OWASP's minimum parameters:
 * 19 MiB of memory, 2 passes, 1 lane. hash-wasm is WebAssembly, so the same code runs in Node and in
 * Electron without a native build.
 */
const PARAMS = { memorySize: 19_456, iterations: 2, parallelism: 1, hashLength: 32, outputType: 'encoded' } as const;

export function hashSecret(secret: string): Promise<string> {
  return argon2id({ ...PARAMS, password: secret, salt: randomBytes(16) });
}

export async function verifySecret(hash: string, secret: string): Promise<boolean> {
  try {
    return await argon2Verify({ password: secret, hash });
  } catch {
    return false;
  }
}

/** A hash to verify against when the account does not exist, so timing does not tell. */
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  decoy ??= hashSecret(randomBytes(16).toString('hex'));
  return decoy;
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

import { type KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The Ed25519 key the licence endpoints sign with. With a data dir it is kept there, so a restarted
 * server signs with the key the app already trusts; the private key file is readable by its owner
 * only. Without one, each server gets a fresh key.
 */
export interface LicenceSigner {
  kid: string;
  privateKey: KeyObject;
}

export const DEFAULT_KID = 'test-1';
const KEY_FILE = 'licence-signing-key.pem';

export function loadSigner(dataDir: string | undefined): LicenceSigner {
  if (!dataDir) return { kid: DEFAULT_KID, privateKey: generateKeyPairSync('ed25519').privateKey };
  const file = join(dataDir, KEY_FILE);
  if (!existsSync(file)) {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  }
  return { kid: DEFAULT_KID, privateKey: createPrivateKey(readFileSync(file)) };
}

/** SPKI PEM: the form the app ships as `<kid>.pem`. */
export function publicKeyPem(signer: LicenceSigner): string {
  return createPublicKey(signer.privateKey).export({ type: 'spki', format: 'pem' }).toString();
}

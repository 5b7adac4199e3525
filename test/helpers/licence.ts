import { type KeyObject, generateKeyPairSync, sign } from 'node:crypto';
import { canonicalJson } from '../../src/shared/licence/canonical';
import { keyFromData } from '../../src/shared/licence/key';
import type { Licence, LicenceFile } from '../../src/shared/licence/schema';

/** A licence signing key made for the test: the private half signs, the public half is trusted. */
export interface TestSigner {
  kid: string;
  privateKey: KeyObject;
  /** What CoreOptions.trustedLicenceKeys takes. */
  trusted: { kid: string; pem: string };
}

export function testSigner(kid = 'test-licence-key'): TestSigner {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { kid, privateKey, trusted: { kid, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() } };
}

export const TEST_MACHINE = 'a'.repeat(64);
export const OTHER_MACHINE = 'b'.repeat(64);
export const TEST_KEY = keyFromData('TESTKEY00000001');

/** A licence the way the server signs it: canonical JSON, Ed25519, base64. */
export function signLicence(signer: TestSigner, license: Record<string, unknown>): LicenceFile {
  const signature = sign(null, Buffer.from(canonicalJson(license), 'utf8'), signer.privateKey).toString('base64');
  return { license: license as Licence, signature, kid: signer.kid };
}

export function makeLicence(overrides: Partial<Licence> = {}, now = new Date('2026-01-15T10:00:00.000Z')): Licence {
  return {
    id: 'license_789',
    key: TEST_KEY,
    productType: 'base_product',
    status: 'active',
    expiresAt: null,
    storeId: 'store-1',
    machineId: TEST_MACHINE,
    issuedAt: now.toISOString(),
    refreshAfter: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    ...overrides,
  };
}

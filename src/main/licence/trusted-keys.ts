import type { TrustedKey } from './verify';

/**
 * The licence public keys this build trusts (SPKI PEM, by key id), compiled into the main bundle.
 * They used to be .pem files in resources/licence-keys, beside app.asar: outside its integrity check
 * and writable by the user on a per-user install, so dropping in one's own key forged licences.
 * Here they are part of the signed, integrity-checked code. To rotate, add the new key (its private
 * half stays with the vendor's licence server) and keep the old one while its licences live.
 */
export const SHIPPED_LICENCE_KEYS: readonly TrustedKey[] = [
  {
    kid: 'opticounter-2026-1',
    pem: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEABSUEPk43bx8mck13uf8OMNFIl3FXqatih6vE0Ty8zR4=\n-----END PUBLIC KEY-----\n',
  },
];

import { type KeyObject, createPublicKey, verify as verifySignature } from 'node:crypto';
import { canonicalJson } from '../../shared/licence/canonical';
import { type Licence, LicenceFile, type LicenceReason } from '../../shared/licence/schema';

/** The product this app is (seed 002: the one product sold). */
export const PRODUCT_TYPE = 'base_product';

/**
 * How far the clock may run behind the latest time this install has seen (or behind the licence's
 * issue time) before it counts as turned back: a PC with a flat CMOS battery or a wrong time zone is
 * off by hours, not days; someone stretching an expiry turns it back by weeks.
 */
export const CLOCK_TOLERANCE_MS = 48 * 3_600_000;

/** A public key the app trusts, by its key id (compiled in: trusted-keys.ts). */
export interface TrustedKey {
  kid: string;
  pem: string;
}

export type TrustedKeys = ReadonlyMap<string, KeyObject>;

/** An old licence file replayed (after a revocation, an expiry, a deactivation or a newer licence). */
export const STALE_REASON =
  'This licence file is not newer than the licence this computer already has, or has seen revoked, expired or deactivated: ask your vendor for a new one';

/** Reads the PEMs once; a key that does not parse as an Ed25519 SPKI key is refused loudly. */
export function trustedKeys(keys: readonly TrustedKey[]): TrustedKeys {
  const out = new Map<string, KeyObject>();
  for (const { kid, pem } of keys) {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`licence key ${kid} is not an Ed25519 public key`);
    out.set(kid, key);
  }
  return out;
}

export interface VerifyContext {
  keys: TrustedKeys;
  machineId: string;
  now: Date;
  /** The latest time this install has seen (the ledger's clock floor); null on a first start. */
  lastSeenAt: Date | null;
  /** A licence issued before this is stale (the ledger's issued floor): an older file replayed. */
  issuedFloor?: Date | null;
}

export type Verdict =
  | { ok: true; state: 'active'; licence: Licence; file: LicenceFile }
  | { ok: false; state: 'invalid' | 'expired' | 'revoked'; reasonCode: LicenceReason; reason: string; licence: Licence | null };

/**
 * Everything a licence must pass at every start, offline: the JSON is a licence file; its key id is
 * one we trust; the signature over the canonical JSON of the licence *as it came* verifies; it is
 * for this product and this machine; not revoked; the clock has not been turned back; not expired.
 * Each failure says which, in words and as a code. Pure: the caller brings the clock and the keys.
 */
export function verifyLicence(raw: unknown, ctx: VerifyContext): Verdict {
  const value = typeof raw === 'string' ? parseJson(raw) : raw;
  const parsed = LicenceFile.safeParse(value);
  if (!parsed.success) return fail('invalid', 'malformed', 'This is not a licence file', null);
  const file = parsed.data;
  const licence = file.license;
  const key = ctx.keys.get(file.kid);
  if (!key) return fail('invalid', 'unknownKid', `The licence is signed with a key this app does not trust ("${file.kid}")`, licence);

  // The signature covers the licence exactly as the server sent it, unknown fields included.
  const bytes = Buffer.from(canonicalJson((value as { license: unknown }).license), 'utf8');
  const signature = Buffer.from(file.signature, 'base64');
  let valid = false;
  try {
    valid = signature.length === 64 && verifySignature(null, bytes, key, signature);
  } catch {
    valid = false;
  }
  if (!valid) return fail('invalid', 'signature', 'The licence has been altered: its signature does not match', licence);

  if (licence.productType !== PRODUCT_TYPE) return fail('invalid', 'product', `The licence is for another product ("${licence.productType}")`, licence);
  if (licence.machineId !== ctx.machineId) return fail('invalid', 'machine', 'The licence belongs to another computer', licence);
  if (licence.status === 'revoked') return fail('revoked', 'revoked', 'The licence has been revoked', licence);
  if (ctx.issuedFloor && Date.parse(licence.issuedAt) < ctx.issuedFloor.getTime()) {
    return fail('invalid', 'stale', STALE_REASON, licence);
  }

  const now = ctx.now.getTime();
  const floor = Math.max(ctx.lastSeenAt?.getTime() ?? -Infinity, Date.parse(licence.issuedAt));
  if (now < floor - CLOCK_TOLERANCE_MS) {
    return fail('invalid', 'clock', `The computer's clock is behind (it says ${ctx.now.toISOString()}, but ${new Date(floor).toISOString()} has been seen): set the right date and time`, licence);
  }
  // Expiry is judged at the latest time seen, not the clock: once seen expired, turning the clock
  // back within the tolerance above does not make it valid again.
  if (licence.expiresAt !== null && Math.max(now, ctx.lastSeenAt?.getTime() ?? -Infinity) >= Date.parse(licence.expiresAt)) {
    return fail('expired', 'expired', `The licence expired on ${licence.expiresAt.slice(0, 10)}`, licence);
  }
  return { ok: true, state: 'active', licence, file };
}

function fail(state: 'invalid' | 'expired' | 'revoked', reasonCode: LicenceReason, reason: string, licence: Licence | null): Verdict {
  return { ok: false, state, reasonCode, reason, licence };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

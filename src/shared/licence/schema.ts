import { z } from 'zod';
import { serverUrl } from '../server-url';

/** ISO 8601 times as the licence server writes them (UTC, `Z`; an offset is read too). */
const IsoTime = z.iso.datetime({ offset: true });

export const licenceStates = ['trial', 'unlicensed', 'active', 'expired', 'revoked', 'invalid'] as const;
export type LicenceState = (typeof licenceStates)[number];

/**
 * The licence as the server signs it (cloud-api.md "Licences"). Loose: a field a newer server adds is
 * kept, because the signature covers the licence exactly as it was sent.
 */
export const Licence = z.looseObject({
  id: z.string().min(1),
  key: z.string().min(1),
  productType: z.string().min(1),
  status: z.enum(['active', 'revoked']),
  expiresAt: IsoTime.nullable(),
  storeId: z.string(),
  machineId: z.string().min(1),
  issuedAt: IsoTime,
  refreshAfter: IsoTime,
});
export type Licence = z.infer<typeof Licence>;

/** What `/licenses/activate` and `/licenses/refresh` answer, and what a store imports offline. */
export const LicenceFile = z.object({
  license: Licence,
  /** base64 of the Ed25519 signature over the UTF-8 bytes of canonicalJson(license). */
  signature: z.string().min(1),
  /** Which trusted public key signed it (src/main/licence/trusted-keys.ts). */
  kid: z.string().min(1),
});
export type LicenceFile = z.infer<typeof LicenceFile>;

/** Why a licence does not count, as a machine-readable code (the message says it in words). */
export const licenceReasons = ['malformed', 'unknownKid', 'signature', 'product', 'machine', 'revoked', 'clock', 'expired', 'stale'] as const;
export type LicenceReason = (typeof licenceReasons)[number];

export const LicenceServer = z.object({ baseUrl: z.string(), storeId: z.string().nullable() });

export const LicenceStatus = z.object({
  state: z.enum(licenceStates),
  /** Days of the trial left (0 once over); null once a licence file is in place. */
  trialDaysLeft: z.number().int().min(0).nullable(),
  /** The key, masked (`****-****-****-WXYZ`); null without a licence. */
  key: z.string().nullable(),
  productType: z.string().nullable(),
  expiresAt: z.string().nullable(),
  /** This PC's id as the licence server sees it (a hash, never the raw hardware id); null when the OS's id cannot be read. */
  machineId: z.string().nullable(),
  /** When the licence server last confirmed the licence. */
  lastCheckedAt: z.string().nullable(),
  /** Why it does not count (expired, revoked, invalid; the trial over), in words. */
  reason: z.string().nullable(),
  /** tampered: the licence ledger's two copies disagree (ledger.ts); machineUnreadable: see licence/machine.ts. */
  reasonCode: z.enum([...licenceReasons, 'trialOver', 'tampered', 'machineUnreadable']).nullable(),
  /** Whether creating and editing is allowed (trial or active). */
  canWrite: z.boolean(),
  server: LicenceServer,
});
export type LicenceStatus = z.infer<typeof LicenceStatus>;

export const LicenceConfigureInput = z.strictObject({
  baseUrl: serverUrl('The licence server address'),
  storeId: z.string().trim().max(200).nullable().optional(),
});

/** Checked again with checkKey (key.ts) by the core: a typo answers licence.keyCheck before any call. */
export const LicenceActivateInput = z.strictObject({
  key: z.string({ error: 'Licence key is required' }).trim().min(1, 'Licence key is required').max(64, 'A licence key has 16 characters'),
  /** The store the key was sold to (on the purchase); kept for later calls. Needed once, if not configured. */
  storeId: z.string().trim().min(1, 'Store ID is required').max(200, 'Store ID is too long').optional(),
});

export const LicenceImportInput = z.strictObject({
  contents: z.string({ error: 'The licence file is required' }).min(1, 'The licence file is empty').max(100_000, 'This is not a licence file (too large)'),
});

export const LicenceRequestCode = z.object({ code: z.string() });

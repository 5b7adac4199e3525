import { createHash } from 'node:crypto';
import { AppError } from '../../shared/errors';
import { defaultStoreProfile, MAX_LOGO_BYTES, StoreProfile, type StoreProfileInput } from '../../shared/store-profile/schema';
import { sniffAttachmentType } from '../attachments/content';
import type { Actor } from '../audit/log';
import type { Clock } from '../clock';
import type { Db } from '../db/schema';
import { readSetting, writeSetting } from '../settings';
import type { UnitOfWork } from '../unit-of-work';

const KEY = 'store.profile';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The logo's type from its bytes, never from a name: PNG or JPEG, at most MAX_LOGO_BYTES. The length
 * is checked on the text first, so an oversized image is refused without decoding it.
 */
export function readLogo(base64: string): StoreProfile['logo'] {
  if (base64.length > Math.ceil(MAX_LOGO_BYTES / 3) * 4) throw logoTooLarge();
  if (base64.length === 0 || base64.length % 4 !== 0 || !BASE64.test(base64)) throw logoBadType();
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > MAX_LOGO_BYTES) throw logoTooLarge();
  const mime = sniffAttachmentType(bytes);
  if (mime !== 'image/png' && mime !== 'image/jpeg') throw logoBadType();
  return { mimeType: mime, bytes: base64 };
}

const logoTooLarge = () => new AppError('storeProfile.logoTooLarge', `The logo must be at most ${MAX_LOGO_BYTES / 1024} KB`, { logo: [`at most ${MAX_LOGO_BYTES / 1024} KB`] });
const logoBadType = () => new AppError('storeProfile.logoBadType', 'The logo must be a PNG or JPEG image', { logo: ['must be a PNG or JPEG image'] });

/** What the audit trail keeps of a profile: the logo by its digest (the image itself is not history). */
function audited(p: StoreProfile) {
  return { ...p, logo: p.logo ? { mimeType: p.logo.mimeType, sha256: createHash('sha256').update(p.logo.bytes, 'base64').digest('hex') } : null };
}

/** The store's identity and prescription defaults, one settings row (`store.profile`). */
export class StoreProfileService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly writes: UnitOfWork,
  ) {}

  async get(): Promise<StoreProfile> {
    const raw = await readSetting(this.db, KEY);
    // A row missing a field a later version added reads it from the defaults; one that cannot be read is the defaults.
    const stored = StoreProfile.safeParse({ ...defaultStoreProfile, ...(raw && typeof raw === 'object' ? raw : {}) });
    return stored.success ? stored.data : { ...defaultStoreProfile };
  }

  async set(input: StoreProfileInput & { logo: string | null }, actor: Actor): Promise<StoreProfile> {
    const next: StoreProfile = StoreProfile.parse({ ...input, logo: input.logo === null ? null : readLogo(input.logo) });
    const before = await this.get();
    if (JSON.stringify(before) === JSON.stringify(next)) return next;
    await this.writes.run(actor, async ({ trx, record }) => {
      await writeSetting(trx, KEY, next, this.clock.now().toISOString());
      record({ entity: 'setting', entityId: KEY, action: 'update', before: audited(before), after: audited(next) });
    });
    return next;
  }
}

import type { HandlersOf } from '../handlers';
import type { PrivacyService } from './service';

/** A person's rights over their data: everything about them (export), and erasure for good (purge). */
export function privacyHandlers(privacy: PrivacyService): HandlersOf<'customers.export' | 'customers.purge'> {
  return {
    'customers.export': ({ id }, ctx) => privacy.export(id, ctx.actor),
    'customers.purge': ({ id }, ctx) => privacy.purge(id, ctx.actor),
  };
}

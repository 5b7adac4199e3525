import type { GroupChannels, HandlersOf } from '../handlers';
import type { SyncService } from './service';

export function syncHandlers(sync: SyncService): HandlersOf<GroupChannels<'sync'>> {
  return {
    'sync.configure': (input, ctx) => sync.configure(input, ctx.actor),
    'sync.setEnabled': ({ enabled }, ctx) => sync.setEnabled(enabled, ctx.actor),
    'sync.status': () => sync.status(),
    'sync.now': () => sync.now(),
    'sync.conflicts': ({ customerId }) => sync.conflicts(customerId),
    'sync.resolve': ({ id, keep }, ctx) => sync.resolve(id, keep, ctx.actor),
    'sync.retryParked': ({ id }, ctx) => sync.retryParked(id, ctx.actor),
  };
}

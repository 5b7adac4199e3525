import type { HandlersOf } from '../handlers';
import type { StoreProfileService } from './service';

export function storeProfileHandlers(profile: StoreProfileService): HandlersOf<'settings.getStore' | 'settings.setStore'> {
  return {
    'settings.getStore': () => profile.get(),
    'settings.setStore': (input, ctx) => profile.set(input, ctx.actor),
  };
}

import type { GroupChannels, HandlersOf } from '../handlers';
import type { UpdateService } from './service';

export function updateHandlers(updates: UpdateService): HandlersOf<GroupChannels<'update'>> {
  return {
    'update.status': ({ busy }) => updates.status(busy),
    'update.restart': () => updates.restart(),
  };
}

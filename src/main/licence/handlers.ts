import type { GroupChannels, HandlersOf } from '../handlers';
import type { LicenceService } from './service';

export function licenceHandlers(licence: LicenceService): HandlersOf<GroupChannels<'licence'>> {
  return {
    'licence.status': () => licence.status(),
    'licence.configure': (input, ctx) => licence.configure(input, ctx.actor),
    'licence.activate': (input, ctx) => licence.activate(input, ctx.actor),
    'licence.deactivate': (_, ctx) => licence.deactivate(ctx.actor),
    'licence.refresh': (_, ctx) => licence.refresh(ctx.actor),
    'licence.requestCode': () => licence.requestCode(),
    'licence.importFile': ({ contents }, ctx) => licence.importFile(contents, ctx.actor),
  };
}

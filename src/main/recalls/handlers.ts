import type { GroupChannels, HandlersOf } from '../handlers';
import type { RecallService } from './service';

export function recallHandlers(recalls: RecallService): HandlersOf<GroupChannels<'recalls'>> {
  return {
    'recalls.settings': () => recalls.settings(),
    'recalls.setSettings': (input, ctx) => recalls.setSettings(input, ctx.actor),
    'recalls.list': (input) => recalls.list(input),
    'recalls.customer': (input) => recalls.customer(input.customerId),
    'recalls.record': (input, ctx) => recalls.record(input, ctx.actor),
    'recalls.setOverride': (input, ctx) => recalls.setOverride(input, ctx.actor),
    'recalls.exportCalls': (input, ctx) => recalls.exportCalls(input, ctx.actor),
  };
}

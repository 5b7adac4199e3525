import type { GroupChannels, HandlersOf } from '../handlers';
import type { PrescriptionService } from './service';

export function prescriptionHandlers(prescriptions: PrescriptionService): HandlersOf<GroupChannels<'prescriptions'>> {
  return {
    'prescriptions.check': ({ rx, customerId }) => prescriptions.check(rx, customerId),
    'prescriptions.create': ({ customerId, rx }, ctx) => prescriptions.create(customerId, rx, ctx.actor),
    'prescriptions.correct': ({ id, rx }, ctx) => prescriptions.correct(id, rx, ctx.actor),
    'prescriptions.list': ({ customerId }) => prescriptions.list(customerId),
  };
}

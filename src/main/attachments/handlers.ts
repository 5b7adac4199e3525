import type { GroupChannels, HandlersOf } from '../handlers';
import type { AttachmentService } from './service';

export function attachmentHandlers(attachments: AttachmentService): HandlersOf<GroupChannels<'attachments'>> {
  return {
    'attachments.add': (input, ctx) => attachments.add(input, ctx.actor),
    'attachments.list': ({ customerId }) => attachments.list(customerId),
    'attachments.remove': ({ id }, ctx) => attachments.remove(id, ctx.actor),
    'attachments.setType': ({ id, field }, ctx) => attachments.setType(id, field, ctx.actor),
    'attachments.read': ({ id }) => attachments.read(id),
  };
}

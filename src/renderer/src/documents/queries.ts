import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Attachment } from '../../../shared/attachments/schema';
import type { ChannelInput } from '../../../shared/contract';
import { useCall } from '../api/context';
import { historyKeys } from '../history/queries';

export const attachmentKeys = {
  all: ['attachments'] as const,
  list: (customerId: string) => [...attachmentKeys.all, 'list', customerId] as const,
  bytes: (id: string) => [...attachmentKeys.all, 'read', id] as const,
};

export function useAttachments(customerId: string) {
  const call = useCall();
  return useQuery({ queryKey: attachmentKeys.list(customerId), queryFn: () => call('attachments.list', { customerId }) });
}

/** A file's bytes (base64), for its preview. Files can be large: not kept long once unused. */
export function useAttachmentBytes(id: string | null) {
  const call = useCall();
  return useQuery({
    queryKey: attachmentKeys.bytes(id ?? ''),
    queryFn: () => call('attachments.read', { id: id ?? '' }),
    enabled: id !== null,
    // Stored content-addressed and never rewritten: the bytes of an id do not change.
    staleTime: Infinity,
    gcTime: 30_000,
  });
}

export function useAddAttachment() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'attachments.add'>) => call('attachments.add', input),
    // The list takes the file the save answered (newest first, as the core lists them); the history is read again.
    onSuccess: (added) => {
      const list = qc.getQueryData<Attachment[]>(attachmentKeys.list(added.customerId));
      if (list) qc.setQueryData(attachmentKeys.list(added.customerId), [added, ...list.filter((f) => f.id !== added.id)]);
      else void qc.invalidateQueries({ queryKey: attachmentKeys.list(added.customerId) });
      return qc.invalidateQueries({ queryKey: historyKeys.customer(added.customerId) });
    },
  });
}

export function useRemoveAttachment(customerId: string) {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call('attachments.remove', { id }),
    onSuccess: (_out, id) => {
      qc.removeQueries({ queryKey: attachmentKeys.bytes(id) });
      qc.setQueryData<Attachment[]>(attachmentKeys.list(customerId), (list) => list?.filter((f) => f.id !== id));
      return qc.invalidateQueries({ queryKey: historyKeys.customer(customerId) });
    },
  });
}

/** A document's new type: the list takes the answer, the history is read again. */
export function useSetAttachmentType(customerId: string) {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'attachments.setType'>) => call('attachments.setType', input),
    onSuccess: (changed) => {
      qc.setQueryData<Attachment[]>(attachmentKeys.list(customerId), (list) => list?.map((f) => (f.id === changed.id ? changed : f)));
      return qc.invalidateQueries({ queryKey: historyKeys.customer(customerId) });
    },
  });
}

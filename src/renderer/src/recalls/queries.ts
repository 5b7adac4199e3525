import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelInput } from '../../../shared/contract';
import { useCall } from '../api/context';
import { historyKeys } from '../history/queries';

export const recallKeys = {
  all: ['recalls'] as const,
  lists: () => [...recallKeys.all, 'list'] as const,
  list: (input: ChannelInput<'recalls.list'>) => [...recallKeys.lists(), input] as const,
  customer: (id: string) => [...recallKeys.all, 'customer', id] as const,
  settings: () => [...recallKeys.all, 'settings'] as const,
};

/** A page of the recall list; the previous page stays shown while the next one loads. */
export function useRecallList(input: ChannelInput<'recalls.list'>) {
  const call = useCall();
  return useQuery({ queryKey: recallKeys.list(input), queryFn: () => call('recalls.list', input), placeholderData: keepPreviousData });
}

export function useCustomerRecall(customerId: string) {
  const call = useCall();
  return useQuery({ queryKey: recallKeys.customer(customerId), queryFn: () => call('recalls.customer', { customerId }) });
}

export function useRecallSettings() {
  const call = useCall();
  return useQuery({ queryKey: recallKeys.settings(), queryFn: () => call('recalls.settings', {}), staleTime: 60_000 });
}

/** An outcome changes the lists, the customer's recall and their history. */
export function useRecordOutcome() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'recalls.record'>) => call('recalls.record', input),
    onSuccess: (_out, input) => {
      void qc.invalidateQueries({ queryKey: recallKeys.all });
      void qc.invalidateQueries({ queryKey: historyKeys.customer(input.customerId) });
    },
  });
}

export function useSetRecallOverride() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'recalls.setOverride'>) => call('recalls.setOverride', input),
    onSuccess: (saved, input) => {
      qc.setQueryData(recallKeys.customer(input.customerId), saved);
      void qc.invalidateQueries({ queryKey: recallKeys.lists() });
      void qc.invalidateQueries({ queryKey: historyKeys.customer(input.customerId) });
    },
  });
}

export function useSetRecallSettings() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'recalls.setSettings'>) => call('recalls.setSettings', input),
    onSuccess: (saved) => {
      qc.setQueryData(recallKeys.settings(), saved);
      void qc.invalidateQueries({ queryKey: recallKeys.all });
    },
  });
}

export function useExportCalls() {
  const call = useCall();
  return useMutation({ mutationFn: (input: ChannelInput<'recalls.exportCalls'>) => call('recalls.exportCalls', input) });
}

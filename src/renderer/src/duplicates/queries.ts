import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelInput } from '../../../shared/contract';
import { useCall } from '../api/context';
import { customerKeys } from '../customers/queries';
import { historyKeys } from '../history/queries';

/** Possible duplicates and past merges (issue 13, item 3): a merge or an undo changes them all. */
export const mergeKeys = {
  all: ['merges'] as const,
  pairs: (page: number) => [...mergeKeys.all, 'pairs', page] as const,
  past: () => [...mergeKeys.all, 'past'] as const,
};

export const PAIRS_PER_PAGE = 20;

export function useDuplicatePairs(page: number) {
  const call = useCall();
  return useQuery({ queryKey: mergeKeys.pairs(page), queryFn: () => call('customers.duplicatePairs', { page, limit: PAIRS_PER_PAGE }), placeholderData: keepPreviousData });
}

export function usePastMerges() {
  const call = useCall();
  return useQuery({ queryKey: mergeKeys.past(), queryFn: () => call('customers.merges', {}) });
}

/** After a merge or an undo: the pairs, the merges, the customers and their histories changed. */
function useInvalidateAll() {
  const qc = useQueryClient();
  return () =>
    Promise.all([qc.invalidateQueries({ queryKey: mergeKeys.all }), qc.invalidateQueries({ queryKey: customerKeys.all }), qc.invalidateQueries({ queryKey: historyKeys.all })]);
}

export function useMerge() {
  const call = useCall();
  const invalidate = useInvalidateAll();
  // Settled, not only succeeded: a refusal (a pair gone stale) means the list is out of date too.
  return useMutation({ mutationFn: (input: ChannelInput<'customers.merge'>) => call('customers.merge', input), onSettled: invalidate });
}

export function useUnmerge() {
  const call = useCall();
  const invalidate = useInvalidateAll();
  return useMutation({ mutationFn: (mergeRecordId: string) => call('customers.unmerge', { mergeRecordId }), onSuccess: invalidate });
}

export function useDismissPair() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({ mutationFn: (input: ChannelInput<'customers.dismissPair'>) => call('customers.dismissPair', input), onSuccess: () => qc.invalidateQueries({ queryKey: mergeKeys.all }) });
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelInput } from '../../../shared/contract';
import { useCall } from '../api/context';

export function useSetAutoLock() {
  const call = useCall();
  return useMutation({ mutationFn: (minutes: number) => call('settings.setAutoLock', { minutes }) });
}

export const storeProfileKey = ['settings', 'store'] as const;

/** The store's letterhead and prescription defaults: read by every role (cards print it). */
export function useStoreProfile() {
  const call = useCall();
  return useQuery({ queryKey: storeProfileKey, queryFn: () => call('settings.getStore', {}), staleTime: 60_000 });
}

export function useSetStoreProfile() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'settings.setStore'>) => call('settings.setStore', input),
    onSuccess: (saved) => qc.setQueryData(storeProfileKey, saved),
  });
}

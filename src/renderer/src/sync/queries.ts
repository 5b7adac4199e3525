import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ChannelInput } from '../../../shared/contract';
import { useAppEvents, useCall } from '../api/context';
import { customerKeys } from '../customers/queries';
import { historyKeys } from '../history/queries';
import { prescriptionKeys } from '../prescriptions/queries';

/** The sync status and its conflicts: refreshed together when main says the status changed. */
export const syncKeys = {
  all: ['sync'] as const,
  status: () => [...syncKeys.all, 'status'] as const,
  conflicts: () => [...syncKeys.all, 'conflicts'] as const,
};

/** Refreshed on main's events (useSyncEvents); polled slowly as well, in case an event was missed. */
export const SYNC_POLL_MS = 30_000;

/** Allowed even while the screen is locked: the header keeps showing it. */
export function useSyncStatus() {
  const call = useCall();
  return useQuery({ queryKey: syncKeys.status(), queryFn: () => call('sync.status', {}), refetchInterval: SYNC_POLL_MS });
}

/**
 * Every open conflict and parked change (one call for the whole app: badges build a set from it).
 * Not asked while the screen is locked (the core would refuse: it is staff data).
 */
export function useSyncConflicts(enabled = true) {
  const call = useCall();
  return useQuery({ queryKey: syncKeys.conflicts(), queryFn: () => call('sync.conflicts', {}), refetchInterval: SYNC_POLL_MS, enabled });
}

/** Subscribes to main's "sync status changed" events for as long as the caller is mounted. */
export function useSyncEvents() {
  const subscribe = useAppEvents();
  const qc = useQueryClient();
  useEffect(() => {
    if (!subscribe) return;
    return subscribe((event) => {
      if (event.type === 'sync.status') void qc.invalidateQueries({ queryKey: syncKeys.all });
    });
  }, [subscribe, qc]);
}

/** A sync channel that answers the new status: it goes straight into the cache, the rest is refreshed. */
function useSyncMutation<C extends 'sync.configure' | 'sync.now' | 'sync.retryParked' | 'sync.setEnabled'>(channel: C) {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<C>) => call(channel, input),
    onSuccess: (status) => {
      qc.setQueryData(syncKeys.status(), status);
      return qc.invalidateQueries({ queryKey: syncKeys.conflicts() });
    },
  });
}

export const useConfigureSync = () => useSyncMutation('sync.configure');
export const useSyncNow = () => useSyncMutation('sync.now');
export const useRetryParked = () => useSyncMutation('sync.retryParked');
export const useSetSyncEnabled = () => useSyncMutation('sync.setEnabled');

/** Keeping one side changes the customer (its prescription too, when the cloud's grid is kept): refreshed. */
export function useResolveConflict() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'sync.resolve'>) => call('sync.resolve', input),
    onSuccess: (out) =>
      Promise.all([
        qc.invalidateQueries({ queryKey: syncKeys.all }),
        qc.invalidateQueries({ queryKey: customerKeys.detail(out.customerId) }),
        qc.invalidateQueries({ queryKey: customerKeys.lists() }),
        qc.invalidateQueries({ queryKey: prescriptionKeys.list(out.customerId) }),
        qc.invalidateQueries({ queryKey: historyKeys.customer(out.customerId) }),
      ]),
  });
}

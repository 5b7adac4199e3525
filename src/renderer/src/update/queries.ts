import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useCall } from '../api/context';

/** The running version (and its data folder), for the footer: it does not change while the app runs. */
export function useAppInfo() {
  const call = useCall();
  return useQuery({ queryKey: ['app.info'] as const, queryFn: () => call('app.info', {}), staleTime: Infinity });
}

const POLL_MS = 60_000;

/** The updater's state; `busy` (a customer's screen is open) is reported with each poll. */
export function useUpdateStatus(busy: boolean) {
  const call = useCall();
  return useQuery({
    // A change of `busy` reports it at once; the interval renews the report.
    queryKey: ['update.status', { busy }],
    queryFn: () => call('update.status', { busy }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.state === 'unsupported' ? false : POLL_MS),
    refetchIntervalInBackground: true,
  });
}

export function useRestartToUpdate() {
  const call = useCall();
  return useMutation({ mutationFn: () => call('update.restart', {}) });
}

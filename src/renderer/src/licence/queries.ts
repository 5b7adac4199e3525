import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelInput } from '../../../shared/contract';
import { useCall } from '../api/context';

export const licenceKeys = { status: ['licence'] as const };

/** The licence state (public: the activation screen asks before anyone signs in). */
export function useLicenceStatus() {
  const call = useCall();
  return useQuery({ queryKey: licenceKeys.status, queryFn: () => call('licence.status', {}), staleTime: 60_000, refetchInterval: 15 * 60_000 });
}

type LicenceChannel = 'licence.activate' | 'licence.importFile' | 'licence.refresh' | 'licence.deactivate' | 'licence.configure';

/** Every licence change answers the new status: it goes straight into the cache. */
function useLicenceMutation<C extends LicenceChannel>(channel: C) {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<C>) => call(channel, input),
    onSuccess: (status) => qc.setQueryData(licenceKeys.status, status),
  });
}

export const useActivateLicence = () => useLicenceMutation('licence.activate');
export const useImportLicence = () => useLicenceMutation('licence.importFile');
export const useRefreshLicence = () => useLicenceMutation('licence.refresh');
export const useDeactivateLicence = () => useLicenceMutation('licence.deactivate');
export const useConfigureLicence = () => useLicenceMutation('licence.configure');

export function useRequestCode() {
  const call = useCall();
  return useMutation({ mutationFn: () => call('licence.requestCode', {}) });
}

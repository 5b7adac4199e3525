import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { ChannelInput } from '../../../shared/contract';
import { useCall } from '../api/context';
import { customerKeys } from '../customers/queries';
import { historyKeys } from '../history/queries';

export const prescriptionKeys = {
  all: ['prescriptions'] as const,
  list: (customerId: string) => [...prescriptionKeys.all, 'list', customerId] as const,
};

export function usePrescriptions(customerId: string) {
  const call = useCall();
  return useQuery({ queryKey: prescriptionKeys.list(customerId), queryFn: () => call('prescriptions.list', { customerId }) });
}

/** After a save: the timeline, the customer's plain grid (built from the current version) and the checks. */
function invalidatePrescriptions(qc: QueryClient, customerId: string) {
  void qc.invalidateQueries({ queryKey: historyKeys.customer(customerId) });
  return Promise.all([
    qc.invalidateQueries({ queryKey: prescriptionKeys.list(customerId) }),
    qc.invalidateQueries({ queryKey: customerKeys.detail(customerId) }),
  ]);
}

export function useCreatePrescription() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'prescriptions.create'>) => call('prescriptions.create', input),
    onSuccess: (out) => invalidatePrescriptions(qc, out.customerId),
  });
}

export function useCorrectPrescription() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'prescriptions.correct'>) => call('prescriptions.correct', input),
    onSuccess: (out) => invalidatePrescriptions(qc, out.customerId),
    // Someone else corrected it first: the timeline is out of date.
    onError: () => qc.invalidateQueries({ queryKey: prescriptionKeys.all }),
  });
}

import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { ChannelInput } from '../../../shared/contract';
import type { PrescriptionVersion } from '../../../shared/prescriptions/schema';
import { useCall } from '../api/context';
import { withSavedVersion } from './cache';
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

/**
 * After a save: the timeline gets the version the save returned (no refetch of what it answered).
 * The customer's plain grid (opticData, built by the core from the current version) and the history
 * change in ways the answer does not say: they are marked stale and read again when next shown.
 */
function savedVersion(qc: QueryClient, saved: PrescriptionVersion) {
  const { customerId } = saved;
  const list = qc.getQueryData<PrescriptionVersion[]>(prescriptionKeys.list(customerId));
  if (list) qc.setQueryData(prescriptionKeys.list(customerId), withSavedVersion(list, saved));
  else void qc.invalidateQueries({ queryKey: prescriptionKeys.list(customerId) });
  void qc.invalidateQueries({ queryKey: historyKeys.customer(customerId) });
  void qc.invalidateQueries({ queryKey: customerKeys.detail(customerId), refetchType: 'none' });
}

export function useCreatePrescription() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'prescriptions.create'>) => call('prescriptions.create', input),
    onSuccess: (saved) => savedVersion(qc, saved),
  });
}

export function useCorrectPrescription() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'prescriptions.correct'>) => call('prescriptions.correct', input),
    onSuccess: (saved) => savedVersion(qc, saved),
    // Someone else corrected it first: the timeline is out of date.
    onError: () => qc.invalidateQueries({ queryKey: prescriptionKeys.all }),
  });
}

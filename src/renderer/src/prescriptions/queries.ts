import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { ChannelInput } from '../../../shared/contract';
import { useCall } from '../api/context';
import { customerKeys } from '../customers/queries';
import { historyKeys } from '../history/queries';

export const prescriptionKeys = {
  all: ['prescriptions'] as const,
  list: (customerId: string) => [...prescriptionKeys.all, 'list', customerId] as const,
  /** Checks depend on the customer's current version (sign changed, eyes swapped): refreshed with it. */
  checks: () => [...prescriptionKeys.all, 'check'] as const,
  check: (input: ChannelInput<'prescriptions.check'>) => [...prescriptionKeys.checks(), input] as const,
};

export function usePrescriptions(customerId: string) {
  const call = useCall();
  return useQuery({ queryKey: prescriptionKeys.list(customerId), queryFn: () => call('prescriptions.list', { customerId }) });
}

/**
 * The core's check of an Rx being typed (nothing saved), with the input it answers: the last answer
 * stays on screen while the next loads, and the screen can tell which fields it still describes.
 */
export function usePrescriptionCheck(input: ChannelInput<'prescriptions.check'>) {
  const call = useCall();
  return useQuery({
    queryKey: prescriptionKeys.check(input),
    queryFn: async () => ({ input, result: await call('prescriptions.check', input) }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

/** After a save: the timeline, the customer's plain grid (built from the current version) and the checks. */
function invalidatePrescriptions(qc: QueryClient, customerId: string) {
  void qc.invalidateQueries({ queryKey: historyKeys.customer(customerId) });
  return Promise.all([
    qc.invalidateQueries({ queryKey: prescriptionKeys.list(customerId) }),
    qc.invalidateQueries({ queryKey: prescriptionKeys.checks() }),
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

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelInput } from '../../../shared/contract';
import { useCall } from '../api/context';

export const staffKeys = { all: ['staff'] as const };

export function useStaffList() {
  const call = useCall();
  return useQuery({ queryKey: staffKeys.all, queryFn: () => call('staff.list', {}) });
}

function useStaffMutation<C extends 'staff.create' | 'staff.update' | 'staff.disable' | 'staff.resetPassword'>(channel: C) {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<C>) => call(channel, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: staffKeys.all }),
  });
}

export const useCreateStaff = () => useStaffMutation('staff.create');
export const useUpdateStaff = () => useStaffMutation('staff.update');
export const useDisableStaff = () => useStaffMutation('staff.disable');
export const useResetStaffPassword = () => useStaffMutation('staff.resetPassword');

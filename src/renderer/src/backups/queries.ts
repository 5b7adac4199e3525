import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCall } from '../api/context';

export const backupKeys = { all: ['backups'] as const };

export function useBackups() {
  const call = useCall();
  return useQuery({ queryKey: backupKeys.all, queryFn: () => call('backup.list', {}) });
}

export function useCreateBackup() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({ mutationFn: () => call('backup.create', {}), onSuccess: () => qc.invalidateQueries({ queryKey: backupKeys.all }) });
}

/** Ends every session: the caller goes back to the sign-in screen (the cache is cleared there). */
export function useRestoreBackup() {
  const call = useCall();
  return useMutation({ mutationFn: (name: string) => call('backup.restore', { name }) });
}

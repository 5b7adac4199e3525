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

/** Where the backups are kept on this computer. */
export function useBackupLocation() {
  const call = useCall();
  return useQuery({ queryKey: [...backupKeys.all, 'location'], queryFn: () => call('backup.location', {}), staleTime: Infinity });
}

/** The desktop's folder dialog; `handled: false` where there is none (the page asks for a path). */
export function usePickFolder() {
  const call = useCall();
  return useMutation({ mutationFn: () => call('app.pickFolder', {}) });
}

export function useCopyBackup() {
  const call = useCall();
  return useMutation({ mutationFn: (input: { name: string; folder: string }) => call('backup.copyTo', input) });
}

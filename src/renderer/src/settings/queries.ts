import { useMutation } from '@tanstack/react-query';
import { useCall } from '../api/context';

export function useSetAutoLock() {
  const call = useCall();
  return useMutation({ mutationFn: (minutes: number) => call('settings.setAutoLock', { minutes }) });
}

import {
  keepPreviousData,
  QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { ChannelInput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { useCall } from './context';

/** One place for the cache keys, so a mutation invalidates exactly what it changed. */
export const keys = {
  customers: ['customers'] as const,
  lists: () => [...keys.customers, 'list'] as const,
  list: (search: string) => [...keys.lists(), { search }] as const,
  detail: (id: string) => [...keys.customers, 'detail', id] as const,
  appInfo: ['app.info'] as const,
};

export const PAGE_SIZE = 50;

export function useCustomerSearch(search: string) {
  const call = useCall();
  const query = search.trim();
  return useInfiniteQuery({
    queryKey: keys.list(query),
    initialPageParam: 1,
    queryFn: ({ pageParam }) =>
      call('customers.list', {
        ...(query ? { search: query } : {}),
        page: pageParam,
        limit: PAGE_SIZE,
        // With no search, the newest customers first (the ones staff just saw); otherwise by name.
        ...(query ? { sortBy: 'name', sortOrder: 'asc' } : { sortBy: 'createdAt', sortOrder: 'desc' }),
      }),
    getNextPageParam: (last) => (last.pagination.page < last.pagination.totalPages ? last.pagination.page + 1 : undefined),
    // Keep showing the last results while the next keystroke's results load: no flicker.
    placeholderData: keepPreviousData,
  });
}

export function useCustomer(id: string | null) {
  const call = useCall();
  return useQuery({
    queryKey: keys.detail(id ?? ''),
    queryFn: () => call('customers.get', { id: id ?? '' }),
    enabled: id !== null,
  });
}

export function useAppInfo() {
  const call = useCall();
  return useQuery({ queryKey: keys.appInfo, queryFn: () => call('app.info', {}), staleTime: Infinity });
}

export function useCreateCustomer() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'customers.create'>) => call('customers.create', input),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.lists() }),
  });
}

export function useUpdateCustomer() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'customers.update'>) => call('customers.update', input),
    onSuccess: async (_out, input) => {
      await Promise.all([
        qc.invalidateQueries({ queryKey: keys.detail(input.id) }),
        qc.invalidateQueries({ queryKey: keys.lists() }),
      ]);
    },
  });
}

export function useDeleteCustomer() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call('customers.delete', { id }),
    onSuccess: (_out, id) => {
      qc.removeQueries({ queryKey: keys.detail(id) });
      return qc.invalidateQueries({ queryKey: keys.lists() });
    },
  });
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx answer will not change by asking again; a dropped connection might.
        retry: (count, error) => !(error instanceof AppError && error.status < 500) && count < 1,
        refetchOnWindowFocus: false,
      },
    },
  });
}

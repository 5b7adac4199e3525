import { useCallback } from 'react';
import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import type { ChannelInput, ChannelOutput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { useCall } from '../api/context';
import { historyKeys } from '../history/queries';


/** The customers' cache keys: a mutation touches exactly what it changed. */
export const customerKeys = {
  all: ['customers'] as const,
  lists: () => [...customerKeys.all, 'list'] as const,
  list: (search: string, groupId?: string) => [...customerKeys.lists(), groupId ? { search, groupId } : { search }] as const,
  groups: () => [...customerKeys.all, 'groups'] as const,
  detail: (id: string) => [...customerKeys.all, 'detail', id] as const,
  duplicates: (probe: ChannelInput<'customers.duplicates'> | null) => [...customerKeys.all, 'duplicates', probe] as const,
};

// More than a tall screen's rows and their overscan (SearchScreen's next-page rule): a keystroke
// fetches one page. At 30, a 768-pixel screen asked for the second page on every keystroke.
export const PAGE_SIZE = 50;

/** The search's query: one definition for the list and for the keystroke that asks ahead (usePrefetchSearch). */
function customerSearchOptions(call: ReturnType<typeof useCall>, search: string, groupId?: string) {
  const query = search.trim();
  return infiniteQueryOptions({
    queryKey: customerKeys.list(query, groupId),
    initialPageParam: 1,
    queryFn: async ({ pageParam }) => ({
      ...(await call('customers.list', {
        ...(query ? { search: query } : {}),
        ...(groupId ? { groupId } : {}),
        page: pageParam,
        limit: PAGE_SIZE,
        // With no search, the newest customers first (the ones staff just saw); otherwise the best matches first.
        ...(query ? { sortBy: 'relevance' } : { sortBy: 'createdAt', sortOrder: 'desc' }),
      })),
      // The search that found these rows: what they are marked by, also while a newer one loads.
      foundBy: query,
    }),
    getNextPageParam: (last) => (last.pagination.page < last.pagination.totalPages ? last.pagination.page + 1 : undefined),
    // Keep showing the last results while the next keystroke's results load: no flicker.
    placeholderData: keepPreviousData,
  });
}

export function useCustomerSearch(search: string, groupId?: string) {
  return useInfiniteQuery(customerSearchOptions(useCall(), search, groupId));
}

/**
 * Asks for a keystroke's results from the key handler itself, before React renders the screen for
 * it: the request leaves ~10–25 ms sooner (the list's query, mounted next, finds it under way).
 * Hands the text on, for the handler that stores it.
 */
export function usePrefetchSearch() {
  const call = useCall();
  const qc = useQueryClient();
  return useCallback(
    (search: string, groupId?: string) => {
      void qc.prefetchInfiniteQuery(customerSearchOptions(call, search, groupId));
      return search;
    },
    [call, qc],
  );
}

/** `search` as typed when its results (already on screen, so in the cache) found nobody; else undefined. */
export function useNobodyFound() {
  const qc = useQueryClient();
  return useCallback(
    (search: string) => {
      const typed = search.trim();
      if (!typed) return undefined;
      const found = qc.getQueryData<InfiniteData<ChannelOutput<'customers.list'>>>(customerKeys.list(typed));
      if (found) return found.pages[0]?.pagination.total === 0 ? typed : undefined;
      // Ctrl+N before the last keystroke's answer: the screen already says nobody, from a shorter
      // search that found nobody (or an empty store), and what was typed since only narrows it.
      const nobodyBefore = qc
        .getQueriesData<InfiniteData<ChannelOutput<'customers.list'>>>({ queryKey: customerKeys.lists() })
        .some(([key, data]) => typed.startsWith((key[2] as { search: string } | undefined)?.search ?? '') && data?.pages[0]?.pagination.total === 0);
      return nobodyBefore ? typed : undefined;
    },
    [qc],
  );
}

/** The cloud's groups with their counts, for the search screen's filter (none: no filter shown). */
export function useCustomerGroups() {
  const call = useCall();
  return useQuery({ queryKey: customerKeys.groups(), queryFn: () => call('customers.groups', {}) });
}

export function useCustomer(id: string | null) {
  const call = useCall();
  return useQuery({
    queryKey: customerKeys.detail(id ?? ''),
    queryFn: () => call('customers.get', { id: id ?? '' }),
    enabled: id !== null,
  });
}

/** Who the customer being typed may already be; nothing is asked while there is nothing to go on. */
export function useDuplicates(probe: ChannelInput<'customers.duplicates'> | null) {
  const call = useCall();
  return useQuery({
    queryKey: customerKeys.duplicates(probe),
    queryFn: () => call('customers.duplicates', probe ?? { customerData: {} }),
    enabled: probe !== null,
    // The warning stays while the next keystroke's answer loads: no flicker.
    placeholderData: keepPreviousData,
  });
}

export function useCreateCustomer() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'customers.create'>) => call('customers.create', input),
    onSuccess: (answer) => {
      // The new customer's screen opens on what the save answered.
      qc.setQueryData(customerKeys.detail(answer.customer.id), answer.detail);
      return qc.invalidateQueries({ queryKey: customerKeys.lists() });
    },
  });
}

/** The details only: a prescription is saved by its own editor (prescriptions/queries.ts), never as opticData here. */
export type CustomerUpdate = Omit<ChannelInput<'customers.update'>, 'opticData'>;

/**
 * Saves the details; the customer's screen takes what the save answered (no refetch). The lists
 * (search results: order, matches) and the history change in ways the answer does not say: refreshed.
 * Resolves with the customer as now stored.
 */
export function useUpdateCustomer() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CustomerUpdate) => call('customers.update', input),
    onSuccess: (answer, input) => {
      qc.setQueryData(customerKeys.detail(input.id), answer.detail);
      void qc.invalidateQueries({ queryKey: historyKeys.customer(input.id) });
      void qc.invalidateQueries({ queryKey: customerKeys.lists() });
    },
  });
}

/** The customer is gone from every list and its screen. */
function useForget() {
  const qc = useQueryClient();
  return (id: string) => {
    qc.removeQueries({ queryKey: customerKeys.detail(id) });
    return qc.invalidateQueries({ queryKey: customerKeys.lists() });
  };
}

export function useDeleteCustomer() {
  const call = useCall();
  const forget = useForget();
  return useMutation({ mutationFn: (id: string) => call('customers.delete', { id }), onSuccess: (_out, id) => forget(id) });
}

/** Erasure for good: deleted first when still live (purge erases deleted customers only), then purged. */
export function usePurgeCustomer() {
  const call = useCall();
  const forget = useForget();
  return useMutation({
    mutationFn: async (id: string) => {
      // Already deleted (a retry after the purge itself failed): go on to the purge.
      await call('customers.delete', { id }).catch((err: unknown) => {
        if (!(err instanceof AppError && err.code === 'customer.notFound')) throw err;
      });
      return call('customers.purge', { id });
    },
    onSuccess: (_out, id) => forget(id),
  });
}

/** A subject-access export: the zip of everything held on the customer (owner only). */
export function useExportCustomer() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call('customers.export', { id }),
    // The export is recorded in the customer's history.
    onSuccess: (_out, id) => qc.invalidateQueries({ queryKey: historyKeys.customer(id) }),
  });
}

/** The customer list as a CSV or .xlsx file (owner): customers.exportList. */
export function useExportList() {
  const call = useCall();
  return useMutation({ mutationFn: (input: ChannelInput<'customers.exportList'>) => call('customers.exportList', input) });
}

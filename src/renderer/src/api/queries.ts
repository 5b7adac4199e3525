import {
  keepPreviousData,
  QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ChannelInput, ChannelOutput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { AuditEntry } from '../../../shared/staff/schema';
import { useAppEvents, useCall } from './context';

/** One place for the cache keys, so a mutation invalidates exactly what it changed. */
export const keys = {
  customers: ['customers'] as const,
  lists: () => [...keys.customers, 'list'] as const,
  list: (search: string) => [...keys.lists(), { search }] as const,
  detail: (id: string) => [...keys.customers, 'detail', id] as const,
  appInfo: ['app.info'] as const,
  prescriptions: ['prescriptions'] as const,
  prescriptionList: (customerId: string) => [...keys.prescriptions, 'list', customerId] as const,
  /** Checks depend on the customer's current version (sign changed, eyes swapped): refreshed with it. */
  prescriptionChecks: () => [...keys.prescriptions, 'check'] as const,
  prescriptionCheck: (input: ChannelInput<'prescriptions.check'>) => [...keys.prescriptionChecks(), input] as const,
  attachments: ['attachments'] as const,
  attachmentList: (customerId: string) => [...keys.attachments, 'list', customerId] as const,
  attachmentBytes: (id: string) => [...keys.attachments, 'read', id] as const,
  /** The audit trail: every change to a customer, prescription or document refreshes it. */
  audit: ['audit'] as const,
  customerHistory: (customerId: string) => [...keys.audit, 'customer', customerId] as const,
  staff: ['staff'] as const,
  backups: ['backups'] as const,
  licence: ['licence'] as const,
  /** The sync status and its conflicts: refreshed together when main says the status changed. */
  sync: ['sync'] as const,
  syncStatus: () => [...keys.sync, 'status'] as const,
  syncConflicts: () => [...keys.sync, 'conflicts'] as const,
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
      // The history refreshes in the background: the save need not wait for it.
      void qc.invalidateQueries({ queryKey: keys.customerHistory(input.id) });
      await Promise.all([
        qc.invalidateQueries({ queryKey: keys.detail(input.id) }),
        qc.invalidateQueries({ queryKey: keys.lists() }),
        // A changed prescription grid records a new version.
        ...(input.opticData
          ? [qc.invalidateQueries({ queryKey: keys.prescriptionList(input.id) }), qc.invalidateQueries({ queryKey: keys.prescriptionChecks() })]
          : []),
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

/** Erasure for good: deleted first when still live (purge erases deleted customers only), then purged. */
export function usePurgeCustomer() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      // Already deleted (a retry after the purge itself failed): go on to the purge.
      await call('customers.delete', { id }).catch((err: unknown) => {
        if (!(err instanceof AppError && err.code === 'customer.notFound')) throw err;
      });
      return call('customers.purge', { id });
    },
    onSuccess: (_out, id) => {
      qc.removeQueries({ queryKey: keys.detail(id) });
      return qc.invalidateQueries({ queryKey: keys.lists() });
    },
  });
}

// ---- prescriptions ----

export function usePrescriptions(customerId: string) {
  const call = useCall();
  return useQuery({ queryKey: keys.prescriptionList(customerId), queryFn: () => call('prescriptions.list', { customerId }) });
}

/**
 * The core's check of an Rx being typed (nothing saved), with the input it answers: the last answer
 * stays on screen while the next loads, and the screen can tell which fields it still describes.
 */
export function usePrescriptionCheck(input: ChannelInput<'prescriptions.check'>) {
  const call = useCall();
  return useQuery({
    queryKey: keys.prescriptionCheck(input),
    queryFn: async () => ({ input, result: await call('prescriptions.check', input) }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

/** After a save: the timeline, the customer's plain grid (built from the current version) and the checks. */
function invalidatePrescriptions(qc: QueryClient, customerId: string) {
  void qc.invalidateQueries({ queryKey: keys.customerHistory(customerId) });
  return Promise.all([
    qc.invalidateQueries({ queryKey: keys.prescriptionList(customerId) }),
    qc.invalidateQueries({ queryKey: keys.prescriptionChecks() }),
    qc.invalidateQueries({ queryKey: keys.detail(customerId) }),
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
    onError: () => qc.invalidateQueries({ queryKey: keys.prescriptions }),
  });
}

// ---- documents ----

export function useAttachments(customerId: string) {
  const call = useCall();
  return useQuery({ queryKey: keys.attachmentList(customerId), queryFn: () => call('attachments.list', { customerId }) });
}

/** A file's bytes (base64), for its preview. Files can be large: not kept long once unused. */
export function useAttachmentBytes(id: string | null) {
  const call = useCall();
  return useQuery({
    queryKey: keys.attachmentBytes(id ?? ''),
    queryFn: () => call('attachments.read', { id: id ?? '' }),
    enabled: id !== null,
    // Stored content-addressed and never rewritten: the bytes of an id do not change.
    staleTime: Infinity,
    gcTime: 30_000,
  });
}

export function useAddAttachment() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'attachments.add'>) => call('attachments.add', input),
    onSuccess: (out) =>
      Promise.all([qc.invalidateQueries({ queryKey: keys.attachmentList(out.customerId) }), qc.invalidateQueries({ queryKey: keys.customerHistory(out.customerId) })]),
  });
}

export function useRemoveAttachment(customerId: string) {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call('attachments.remove', { id }),
    onSuccess: (_out, id) => {
      qc.removeQueries({ queryKey: keys.attachmentBytes(id) });
      return Promise.all([
        qc.invalidateQueries({ queryKey: keys.attachmentList(customerId) }),
        qc.invalidateQueries({ queryKey: keys.customerHistory(customerId) }),
      ]);
    },
  });
}

// ---- a customer's history (audit trail) and data export ----

export type CustomerHistory = {
  entries: AuditEntry[];
  /** The customer's prescription versions, to describe what each prescription entry saved. */
  versions: ChannelOutput<'prescriptions.list'>;
};

/** Who changed what on a customer, newest first: its own rows and those of its prescriptions and documents. */
export const HISTORY_SCAN = 500;

export function useCustomerHistory(customerId: string) {
  const call = useCall();
  const qc = useQueryClient();
  return useQuery({
    queryKey: keys.customerHistory(customerId),
    queryFn: async (): Promise<CustomerHistory> => {
      const [entries, versions] = await Promise.all([
        call('audit.list', { customerId, limit: HISTORY_SCAN }),
        // Shared with the Prescription tab's timeline.
        qc.fetchQuery({ queryKey: keys.prescriptionList(customerId), queryFn: () => call('prescriptions.list', { customerId }) }),
      ]);
      return { entries, versions };
    },
  });
}

/** Where the audit trail's hash chain breaks, as checked when the store was opened (audit/chain.ts). */
export function useAuditChain() {
  const call = useCall();
  return useQuery({ queryKey: [...keys.audit, 'chain'] as const, queryFn: () => call('audit.chain', {}), staleTime: 60_000 });
}

/** A subject-access export: the zip of everything held on the customer (owner only). */
export function useExportCustomer() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call('customers.export', { id }),
    // The export is recorded in the customer's history.
    onSuccess: (_out, id) => qc.invalidateQueries({ queryKey: keys.customerHistory(id) }),
  });
}

// ---- staff accounts and settings (owner) ----

export function useStaffList() {
  const call = useCall();
  return useQuery({ queryKey: keys.staff, queryFn: () => call('staff.list', {}) });
}

function useStaffMutation<C extends 'staff.create' | 'staff.update' | 'staff.disable' | 'staff.resetPassword'>(channel: C) {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<C>) => call(channel, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.staff }),
  });
}

export const useCreateStaff = () => useStaffMutation('staff.create');
export const useUpdateStaff = () => useStaffMutation('staff.update');
export const useDisableStaff = () => useStaffMutation('staff.disable');
export const useResetStaffPassword = () => useStaffMutation('staff.resetPassword');

export function useSetAutoLock() {
  const call = useCall();
  return useMutation({ mutationFn: (minutes: number) => call('settings.setAutoLock', { minutes }) });
}

// ---- backups (owner) ----

export function useBackups() {
  const call = useCall();
  return useQuery({ queryKey: keys.backups, queryFn: () => call('backup.list', {}) });
}

export function useCreateBackup() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({ mutationFn: () => call('backup.create', {}), onSuccess: () => qc.invalidateQueries({ queryKey: keys.backups }) });
}

/** Ends every session: the caller goes back to the sign-in screen (the cache is cleared there). */
export function useRestoreBackup() {
  const call = useCall();
  return useMutation({ mutationFn: (name: string) => call('backup.restore', { name }) });
}

// ---- licence ----

/** The licence state (public: the activation screen asks before anyone signs in). */
export function useLicenceStatus() {
  const call = useCall();
  return useQuery({ queryKey: keys.licence, queryFn: () => call('licence.status', {}), staleTime: 60_000, refetchInterval: 15 * 60_000 });
}

type LicenceChannel = 'licence.activate' | 'licence.importFile' | 'licence.refresh' | 'licence.deactivate' | 'licence.configure';

/** Every licence change answers the new status: it goes straight into the cache. */
function useLicenceMutation<C extends LicenceChannel>(channel: C) {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<C>) => call(channel, input),
    onSuccess: (status) => qc.setQueryData(keys.licence, status),
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

// ---- sync with the store's cloud ----

/** Refreshed on main's events (useSyncEvents); polled slowly as well, in case an event was missed. */
export const SYNC_POLL_MS = 30_000;

/** Allowed even while the screen is locked: the header keeps showing it. */
export function useSyncStatus() {
  const call = useCall();
  return useQuery({ queryKey: keys.syncStatus(), queryFn: () => call('sync.status', {}), refetchInterval: SYNC_POLL_MS });
}

/**
 * Every open conflict and parked change (one call for the whole app: badges build a set from it).
 * Not asked while the screen is locked (the core would refuse: it is staff data).
 */
export function useSyncConflicts(enabled = true) {
  const call = useCall();
  return useQuery({ queryKey: keys.syncConflicts(), queryFn: () => call('sync.conflicts', {}), refetchInterval: SYNC_POLL_MS, enabled });
}

/** Subscribes to main's "sync status changed" events for as long as the caller is mounted. */
export function useSyncEvents() {
  const subscribe = useAppEvents();
  const qc = useQueryClient();
  useEffect(() => {
    if (!subscribe) return;
    return subscribe((event) => {
      if (event.type === 'sync.status') void qc.invalidateQueries({ queryKey: keys.sync });
    });
  }, [subscribe, qc]);
}

/** A sync channel that answers the new status: it goes straight into the cache, the rest is refreshed. */
function useSyncMutation<C extends 'sync.configure' | 'sync.now' | 'sync.retryParked'>(channel: C) {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<C>) => call(channel, input),
    onSuccess: (status) => {
      qc.setQueryData(keys.syncStatus(), status);
      return qc.invalidateQueries({ queryKey: keys.syncConflicts() });
    },
  });
}

export const useConfigureSync = () => useSyncMutation('sync.configure');
export const useSyncNow = () => useSyncMutation('sync.now');
export const useRetryParked = () => useSyncMutation('sync.retryParked');

/** Keeping one side changes the customer: its screen and the lists are refreshed too. */
export function useResolveConflict() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'sync.resolve'>) => call('sync.resolve', input),
    onSuccess: (out) =>
      Promise.all([
        qc.invalidateQueries({ queryKey: keys.sync }),
        qc.invalidateQueries({ queryKey: keys.detail(out.customerId) }),
        qc.invalidateQueries({ queryKey: keys.lists() }),
        qc.invalidateQueries({ queryKey: keys.customerHistory(out.customerId) }),
      ]),
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

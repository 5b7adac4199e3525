import { useQuery } from '@tanstack/react-query';
import { useCall } from '../api/context';

/** The audit trail: every change to a customer, prescription or document refreshes its customer's. */
export const historyKeys = {
  all: ['audit'] as const,
  customer: (customerId: string) => [...historyKeys.all, 'customer', customerId] as const,
  chain: () => [...historyKeys.all, 'chain'] as const,
};

/** Who changed what on a customer, newest first: its own rows and those of its prescriptions and documents. */
export const HISTORY_SCAN = 500;

export function useCustomerHistory(customerId: string) {
  const call = useCall();
  return useQuery({ queryKey: historyKeys.customer(customerId), queryFn: () => call('audit.list', { customerId, limit: HISTORY_SCAN }) });
}

/** Where the audit trail's hash chain breaks, as checked when the store was opened (audit/chain.ts). */
export function useAuditChain() {
  const call = useCall();
  return useQuery({ queryKey: historyKeys.chain(), queryFn: () => call('audit.chain', {}), staleTime: 60_000 });
}

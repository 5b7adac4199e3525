import type { HandlersOf } from '../handlers';
import type { MergeService } from './merge';
import type { CustomerService } from './service';
import type { CustomerListExport } from './export-list';

/** Fetches a customer's detail from the cloud ahead of the first sync's queue; resolves within `waitMs` whatever happens. */
export type DetailsNow = (id: string, waitMs: number) => Promise<void>;
/** How long opening a customer whose detail is still arriving waits for it (it is shown within 1 s). */
const DETAIL_WAIT_MS = 800;

export function customerHandlers(
  customers: CustomerService,
  detailsNow?: DetailsNow,
): HandlersOf<'customers.create' | 'customers.get' | 'customers.duplicates' | 'customers.list' | 'customers.update' | 'customers.delete' | 'customers.bulkDelete' | 'customers.groups'> {
  return {
    'customers.create': async (input, ctx) => withDetail(customers, await customers.create(input, ctx.actor)),
    'customers.get': async ({ id }) => {
      const detail = await customers.get(id);
      if (!detail.detailsArriving || !detailsNow) return detail;
      await detailsNow(id, DETAIL_WAIT_MS);
      return customers.get(id);
    },
    'customers.groups': () => customers.groups(),
    'customers.list': (input) => customers.list(input),
    'customers.duplicates': async ({ customerData }) => ({ candidates: await customers.duplicates(customerData) }),
    'customers.update': async (input, ctx) => withDetail(customers, await customers.update(input, ctx.actor)),
    'customers.delete': ({ id }, ctx) => customers.delete(id, ctx.actor),
    'customers.bulkDelete': ({ ids }, ctx) => customers.bulkDelete(ids, ctx.actor),
  };
}

/** A save's answer with the customer as now stored (see CustomerCreateOutput). */
async function withDetail<T extends { customer: { id: string } }>(customers: CustomerService, saved: T) {
  return { ...saved, detail: await customers.get(saved.customer.id) };
}

/** The customer list as a file (owner; audited): customers.exportList. */
export function customerExportHandlers(exporter: CustomerListExport): HandlersOf<'customers.exportList'> {
  return {
    'customers.exportList': (input, ctx) => exporter.export(input, ctx.actor),
  };
}

/** Possible duplicates, merge and undo (issue 13, item 3). */
export function mergeHandlers(merges: MergeService): HandlersOf<'customers.duplicatePairs' | 'customers.dismissPair' | 'customers.merge' | 'customers.unmerge' | 'customers.merges'> {
  return {
    'customers.duplicatePairs': ({ page, limit }) => merges.duplicatePairs(page, limit),
    'customers.dismissPair': ({ aId, bId }, ctx) => merges.dismissPair(aId, bId, ctx.actor),
    'customers.merge': (input, ctx) => merges.merge(input, ctx.actor),
    'customers.unmerge': ({ mergeRecordId }, ctx) => merges.unmerge(mergeRecordId, ctx.actor),
    'customers.merges': async ({ limit }) => ({ merges: await merges.list(limit) }),
  };
}

import type { HandlersOf } from '../handlers';
import type { CustomerService } from './service';
import type { CustomerListExport } from './export-list';

export function customerHandlers(customers: CustomerService): HandlersOf<'customers.create' | 'customers.get' | 'customers.duplicates' | 'customers.list' | 'customers.update' | 'customers.delete' | 'customers.bulkDelete'> {
  return {
    'customers.create': async (input, ctx) => withDetail(customers, await customers.create(input, ctx.actor)),
    'customers.get': ({ id }) => customers.get(id),
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

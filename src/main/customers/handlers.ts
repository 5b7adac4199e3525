import type { HandlersOf } from '../handlers';
import type { CustomerService } from './service';

export function customerHandlers(customers: CustomerService): HandlersOf<'customers.create' | 'customers.get' | 'customers.list' | 'customers.update' | 'customers.delete' | 'customers.bulkDelete'> {
  return {
    'customers.create': (input, ctx) => customers.create(input, ctx.actor),
    'customers.get': ({ id }) => customers.get(id),
    'customers.list': (input) => customers.list(input),
    'customers.update': (input, ctx) => customers.update(input, ctx.actor),
    'customers.delete': ({ id }, ctx) => customers.delete(id, ctx.actor),
    'customers.bulkDelete': ({ ids }, ctx) => customers.bulkDelete(ids, ctx.actor),
  };
}

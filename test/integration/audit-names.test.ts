import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { layla, openTestCore } from '../helpers/core';

/** Issue 12 item 10: a history says who made a change by the name staff know, not by a sign-in name. */
let core: Core;
let raw: Core;
let close: () => Promise<void>;

beforeEach(async () => {
  ({ core, raw, close } = await openTestCore());
});
afterEach(() => close());

describe('audit.list names who made each change', () => {
  it('by display name, kept after the account is disabled; the sign-in name stays as recorded', async () => {
    const nadia = await core.call('staff.create', { username: 'nadia', displayName: 'Nadia Benali', password: 'staff-password-1', role: 'staff' });
    const session = { sessionToken: (await raw.call('auth.login', { username: 'nadia', password: 'staff-password-1' })).sessionToken };
    const { customer } = await raw.call('customers.create', layla, session);
    await core.call('customers.update', { id: customer.id, customerData: { firstName: 'Leila' } });
    await core.call('staff.disable', { id: nadia.id });

    const entries = await core.call('audit.list', { customerId: customer.id });
    expect(entries.map((e) => [e.action, e.staffName, e.staffDisplayName])).toEqual([
      ['update', 'owner', 'Store Owner'],
      ['create', 'nadia', 'Nadia Benali'], // Layla's prescription, saved with her
      ['create', 'nadia', 'Nadia Benali'],
    ]);
  });
});

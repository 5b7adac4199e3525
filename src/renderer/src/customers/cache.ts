import type { ChannelInput, ChannelOutput, ParsedInput } from '../../../shared/contract';
import { CustomerUpdateInput } from '../../../shared/customers/schema';

type Detail = ChannelOutput<'customers.get'>;
type Parsed = ParsedInput<'customers.update'>;

/*
 * A customer's screen as the core would answer it after a save of its details, from what the save
 * returned (the record and personal details) and what was sent (address, consent), read with the
 * core's own rules: no refetch of what the save already answered. Pure.
 */

/** A consent given keeps the date it was first given (the save's time if new); withdrawn, it is cleared. */
function consentAt(given: boolean | undefined, was: string | null, now: string): string | null {
  return given === undefined ? was : given ? (was ?? now) : null;
}

/**
 * The detail after `customers.update`, or null when the answer does not say enough (a first address,
 * whose id the core made; a prescription grid sent as opticData): the caller reads it again then.
 */
export function detailAfterUpdate(before: Detail, sent: ChannelInput<'customers.update'>, answer: ChannelOutput<'customers.update'>): Detail | null {
  const input: Parsed = CustomerUpdateInput.parse(sent);
  if (input.opticData) return null;
  let address = before.address;
  if (input.address) {
    const fields = { street: input.address.street ?? null, city: input.address.city ?? null, zipCode: input.address.zipCode ?? null, state: input.address.state ?? null };
    if (before.address) address = { ...before.address, ...fields };
    else if (Object.values(fields).some((v) => v !== null)) return null;
  }
  const now = answer.customer.updatedAt;
  return {
    ...before,
    ...answer.customer,
    localData: answer.localData,
    address,
    consent: {
      marketingAt: consentAt(input.consent?.marketing, before.consent.marketingAt, now),
      smsAt: consentAt(input.consent?.sms, before.consent.smsAt, now),
    },
  };
}

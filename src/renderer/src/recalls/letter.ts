import type { RecallItem } from '../../../shared/recalls/schema';

/** The lines of a letter's address as an envelope window shows them: street, then postal code and city, then state; none blank. */
export function addressLines(address: RecallItem['address']): string[] {
  if (!address) return [];
  const town = [address.zipCode, address.city].map((s) => s.trim()).filter(Boolean).join(' ');
  return [address.street.trim(), town, address.state.trim()].filter(Boolean);
}

/** The customers whose letters print: those ticked, in the list's order (ids of rows no longer shown are dropped). */
export function selectedItems(items: readonly RecallItem[], selected: ReadonlySet<string>): RecallItem[] {
  return items.filter((i) => selected.has(i.customerId));
}

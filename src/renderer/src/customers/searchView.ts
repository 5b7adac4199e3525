import type { CustomerListItem } from '../../../shared/customers/schema';

/**
 * What the search screen shows, kept by App while a customer is open: Esc comes back to the same
 * search, group and selected customer (review 7). The selection is a customer (a save can move them
 * in the list), with their place as it was as the fallback.
 */
export type SearchView = { search: string; groupId: string; selected: { index: number; id: string | null } };
export const emptySearchView: SearchView = { search: '', groupId: '', selected: { index: 0, id: null } };

/**
 * The selected customer's row: where they are now among the rows loaded; -1 while their place is
 * on a page not loaded yet (back after the list's cached pages were let go: review 8); else whoever
 * is at their place now (they were deleted, or moved past what is loaded).
 */
export function activeIndex(rows: readonly Pick<CustomerListItem, 'id'>[], selected: SearchView['selected'], morePages: boolean): number {
  if (selected.id === null || rows[selected.index]?.id === selected.id) return selected.index;
  const now = rows.findIndex((r) => r.id === selected.id);
  if (now >= 0) return now;
  if (morePages && rows.length <= selected.index) return -1;
  return Math.min(selected.index, Math.max(0, rows.length - 1));
}

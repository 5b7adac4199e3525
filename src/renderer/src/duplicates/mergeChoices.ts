import type { CustomerDetail } from '../../../shared/customers/schema';
import { type DuplicatePair, type MergeField, type MergeSide, mergeFields } from '../../../shared/customers/merge';
import { AppError } from '../../../shared/errors';

/*
 * The side-by-side merge's rules, pure: which value each field starts with and what the core is
 * asked. The screen says exactly what will happen: every field is sent as chosen.
 */

export type Side = 'a' | 'b';
/** A field's value as compared and shown ('' when not given). */
export type FieldValues = Record<MergeField, string>;

/** The values a merge chooses between, the address as one line. */
export function fieldValues(d: CustomerDetail): FieldValues {
  const l = d.localData;
  const address = d.address ? [d.address.street, [d.address.zipCode, d.address.city].filter(Boolean).join(' '), d.address.state].filter(Boolean).join(', ') : '';
  return { firstName: l.firstName, lastName: l.lastName, email: l.email, phoneNumber: l.phoneNumber, dateOfBirth: l.dateOfBirth.slice(0, 10), sex: l.sex, address };
}

/** As the core does by default: the kept customer's value, the other's where the kept one has none. */
export function defaultChoices(values: Record<Side, FieldValues>, kept: Side): Record<MergeField, Side> {
  const other: Side = kept === 'a' ? 'b' : 'a';
  return Object.fromEntries(mergeFields.map((f) => [f, values[kept][f] === '' && values[other][f] !== '' ? other : kept])) as Record<MergeField, Side>;
}

/** Fields whose two values differ: the only ones where a choice means anything. */
export function differing(values: Record<Side, FieldValues>): MergeField[] {
  return mergeFields.filter((f) => values.a[f] !== values.b[f]);
}

/** customers.merge's input for what the screen shows. */
export function mergeInput(ids: Record<Side, string>, kept: Side, choices: Record<MergeField, Side>) {
  const fields = Object.fromEntries(mergeFields.map((f) => [f, (choices[f] === kept ? 'keep' : 'merge') satisfies MergeSide])) as Record<MergeField, MergeSide>;
  return { keepId: ids[kept], mergeId: ids[kept === 'a' ? 'b' : 'a'], fields };
}

/** Why a pair may be one person, as the i18n keys of its words: a birthday says how alike the names are; names alike count even without one. */
export function reasonKeys(p: Pick<DuplicatePair, 'reasons' | 'names'>): string[] {
  const keys = p.reasons.map((r) => (r === 'nameAndBirth' ? (p.names === 'same' ? 'merge.reason.sameNameAndBirth' : 'merge.reason.similarNameAndBirth') : `merge.reason.${r}`));
  if (!p.reasons.includes('nameAndBirth') && p.names) keys.push(p.names === 'same' ? 'merge.reason.sameName' : 'merge.reason.similarName');
  return keys;
}

/** Which customer of a pair the core says no longer exists (merged or deleted meanwhile), if that is the refusal. */
export function goneSide(error: unknown, pair: { a: { id: string }; b: { id: string } }): Side | null {
  if (!(error instanceof AppError) || error.code !== 'customer.notFound') return null;
  const id = error.details?.customerId;
  return id === pair.a.id ? 'a' : id === pair.b.id ? 'b' : null;
}

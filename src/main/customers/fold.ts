import { foldText } from '../../shared/customers/fold';

// The folding rules are shared with the renderer (its highlight of what matched).
export { foldText, searchTokens } from '../../shared/customers/fold';

export interface SearchableFields {
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber: string;
}

/** What search-as-you-type matches against: names, email, and the phone number's digits. */
export function searchTextOf(c: SearchableFields): string {
  return foldText(`${c.firstName} ${c.lastName}\n${c.email}\n${c.phoneNumber.replace(/\D/g, '')}`);
}

import { Email } from '../../shared/customers/schema';
import { searchTextOf } from './fold';
import { type CustomerRow, emailKey } from './records';

/**
 * What the cloud's list says of a customer (seed 001: `name` = "first last", `userName` = email):
 * enough to find them by name and email while their detail is on its way (issue 14). Pure.
 */
export interface CustomerSummary {
  name: string;
  email: string | null;
}

const HIDDEN_LAYOUT = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

/**
 * The row a summary makes: the name split at its first space (the list joins first and last name
 * with one; the detail brings the exact split), the email when it is a valid one, every field the
 * list lacks '' and `summary_at` set (when it was made so). null when there is nothing to find them by.
 */
export function summaryRow(s: CustomerSummary, o: { id: string; localDataId: string; now: string }): CustomerRow | null {
  const name = s.name.replace(/\s+/g, ' ').trim().slice(0, 201);
  const parsed = Email.safeParse(s.email ?? '');
  const email = parsed.success ? parsed.data : '';
  if ((name === '' && email === '') || HIDDEN_LAYOUT.test(name)) return null;
  const space = name.indexOf(' ');
  const firstName = (space === -1 ? name : name.slice(0, space)).slice(0, 100);
  const lastName = (space === -1 ? '' : name.slice(space + 1)).slice(0, 100);
  return {
    id: o.id,
    local_data_id: o.localDataId,
    is_active: 1,
    first_name: firstName,
    last_name: lastName,
    email,
    email_key: emailKey(email),
    phone_number: '',
    date_of_birth: '',
    sex: '',
    search_text: searchTextOf({ firstName, lastName, email, phoneNumber: '' }),
    created_at: o.now,
    updated_at: o.now,
    deleted_at: null,
    marketing_consent_at: null,
    sms_consent_at: null,
    purged_at: null,
    summary_at: o.now,
  };
}

import type { TFunction } from 'i18next';
import type { CompletableField } from '../../../shared/customers/schema';
import { intlLocale } from '../format';

/** "email and date of birth": the fields an incomplete customer still lacks, as a list in the UI language. */
export function missingFieldsText(missing: readonly CompletableField[], t: TFunction, language: string): string {
  const names = missing.map((f) => t(`incompleteCustomer.fields.${f}`));
  return new Intl.ListFormat(intlLocale(language), { style: 'long', type: 'conjunction' }).format(names);
}

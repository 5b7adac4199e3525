import { addressHasState, type StoreCountry } from '../../../shared/store-profile/schema';

/*
 * A customer's address fields as the store's country writes an address: in Morocco or France
 * "street, postal code, city" and no state; in the US and Canada "street, city, state, ZIP code".
 * The stored fields stay seed 001's (street, city, zipCode, state).
 */
export type AddressField = { name: 'street' | 'city' | 'zipCode' | 'state'; labelKey: string; wide?: true };

export function addressLayout(country: StoreCountry | null, stateValue: string | null | undefined): AddressField[] {
  const street: AddressField = { name: 'street', labelKey: 'form.street', wide: true };
  const city: AddressField = { name: 'city', labelKey: 'form.city' };
  if (addressHasState(country)) {
    return [street, city, { name: 'state', labelKey: country === 'CA' ? 'addressFields.province' : 'form.state' }, { name: 'zipCode', labelKey: country === 'CA' ? 'addressFields.postalCode' : 'form.zipCode' }];
  }
  const fields: AddressField[] = [street, { name: 'zipCode', labelKey: 'addressFields.postalCode' }, city];
  // A region already recorded (an import, the cloud) is still shown, so it can be read and cleared.
  if (stateValue?.trim()) fields.push({ name: 'state', labelKey: 'addressFields.region' });
  return fields;
}

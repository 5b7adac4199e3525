import { describe, expect, it } from 'vitest';
import { addressLayout } from './addressLayout';

const names = (f: ReturnType<typeof addressLayout>) => f.map((x) => `${x.name}:${x.labelKey}`);

describe("a customer's address fields follow the store's country (issue 12, item 11)", () => {
  it('is street, postal code, city and no state in Morocco and France, and when no country is set', () => {
    const expected = ['street:form.street', 'zipCode:addressFields.postalCode', 'city:form.city'];
    expect(names(addressLayout('MA', ''))).toEqual(expected);
    expect(names(addressLayout('FR', null))).toEqual(expected);
    expect(names(addressLayout(null, undefined))).toEqual(expected);
  });

  it('shows a region already recorded, so it can be read and cleared', () => {
    expect(names(addressLayout('MA', 'Grand Casablanca')).at(-1)).toBe('state:addressFields.region');
  });

  it('is street, city, state and ZIP code in the US; province and postal code in Canada', () => {
    expect(names(addressLayout('US', ''))).toEqual(['street:form.street', 'city:form.city', 'state:form.state', 'zipCode:form.zipCode']);
    expect(names(addressLayout('CA', ''))).toEqual(['street:form.street', 'city:form.city', 'state:addressFields.province', 'zipCode:addressFields.postalCode']);
  });
});

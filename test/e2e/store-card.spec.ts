import type { Page } from '@playwright/test';
import { callHost, expect, shot, signInThroughUi, signOutThroughUi, test } from './fixtures';
import { readFileSync } from 'node:fs';

/*
 * Issue 12, items 7 (default expiry), 9 (the store's letterhead on the printed card) and 11 (address
 * fields by the store's country, one axis format), in English and in French.
 */

/** A 96×32 PNG standing in for a logo (a logo is taken by its bytes). */
const LOGO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAGAAAAAgCAIAAABiouoDAAAAT0lEQVR42u3QMQ0AIAwAsIlAxNRNHcKQgAK4Fh6aVEFjZHERCgQJEiRIkCBBghDUHLRm/kOQIEGCBAkSJEiQIEGvghAkSJAgQYIECRLEyQYzZ9EQ643CdAAAAABJRU5ErkJggg==',
  'base64',
);

const words = {
  en: {
    settings: 'Settings',
    storeName: 'Store name',
    address: 'Address',
    phone: 'Phone',
    registration: 'Registration number',
    country: 'Country',
    logo: 'Logo (optional)',
    contactsMonths: 'Contact lenses (months)',
    saveStore: 'Save store',
    storeSaved: 'Store saved',
    details: 'Details',
    prescription: 'Prescription',
    postalCode: 'Postal code',
    kind: 'Kind',
    contacts: 'Contact lenses',
    expires: 'Expires',
    odSph: 'OD distance SPH',
    osSph: 'OS distance SPH',
    customerNote: 'Note for the customer (printed on the card)',
    internalNotes: 'Internal notes (never printed)',
    save: 'Save prescription',
    saved: 'Version 1 saved',
    print: 'Print',
    regPrinted: 'Reg. no. RC 123456',
    title: 'Contact lens prescription',
    newExam: 'New exam',
  },
  fr: {
    settings: 'Réglages',
    storeName: 'Nom du magasin',
    address: 'Adresse',
    phone: 'Téléphone',
    registration: 'Numéro d’immatriculation',
    country: 'Pays',
    logo: 'Logo (facultatif)',
    contactsMonths: 'Lentilles de contact (mois)',
    saveStore: 'Enregistrer le magasin',
    storeSaved: 'Magasin enregistré',
    details: 'Fiche',
    prescription: 'Ordonnance',
    postalCode: 'Code postal',
    kind: 'Type',
    contacts: 'Lentilles de contact',
    expires: 'Valable jusqu’au',
    odSph: 'OD loin SPH',
    osSph: 'OG loin SPH',
    customerNote: 'Note pour le client (imprimée sur l’ordonnance)',
    internalNotes: 'Remarques internes (jamais imprimées)',
    save: 'Enregistrer l’ordonnance',
    saved: 'Version 1 enregistrée',
    print: 'Imprimer',
    regPrinted: 'N° d’immatriculation RC 123456',
    title: 'Ordonnance de lentilles',
    newExam: 'Nouvel examen',
  },
} as const;

/** A local day `months` after today, as a date input holds it. */
/** The day `months` from today as the date field shows it in `lang` (item 6: dd/mm/yyyy in French). */
function monthsFromToday(months: number, lang: 'en' | 'fr'): string {
  const d = new Date();
  const target = new Date(d.getFullYear(), d.getMonth() + months, 1);
  const last = new Date(target.getFullYear(), target.getMonth() + 1, 0).getDate();
  target.setDate(Math.min(d.getDate(), last));
  const pad = (n: number) => String(n).padStart(2, '0');
  const [day, month, year] = [pad(target.getDate()), pad(target.getMonth() + 1), target.getFullYear()];
  return lang === 'fr' ? `${day}/${month}/${year}` : `${month}/${day}/${year}`;
}

async function describeStore(page: Page, w: (typeof words)['en' | 'fr'], lang: string) {
  await page.getByRole('button', { name: w.settings, exact: true }).click();
  const form = page.locator('form.store-profile');
  await form.getByLabel(w.storeName, { exact: true }).fill('Optique Atlas');
  await form.getByLabel(w.address, { exact: true }).fill('12 rue Allal Ben Abdellah\n20000 Casablanca');
  await form.getByLabel(w.phone, { exact: true }).fill('+212 5 22 00 00 00');
  await form.getByLabel(w.registration, { exact: true }).fill('RC 123456');
  await form.getByLabel(w.country, { exact: true }).selectOption('MA');
  await form.getByLabel(w.logo, { exact: true }).setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: LOGO });
  await expect(form.getByRole('img')).toBeVisible();
  await form.getByRole('heading', { level: 2 }).evaluate((h) => h.scrollIntoView());
  await shot(page, `store-settings-filled-${lang}`);
  // A logo is checked by its bytes: a PDF named .png is refused at once.
  await form.getByLabel(w.logo, { exact: true }).setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('%PDF-1.4 not an image') });
  await expect(form.getByText(lang === 'fr' ? 'Le logo doit être une image PNG ou JPEG' : 'The logo must be a PNG or JPEG image')).toBeVisible();
  await expect(form.getByLabel(w.contactsMonths, { exact: true })).toHaveValue('12');
  await form.getByRole('button', { name: w.saveStore }).click();
  await expect(form.getByRole('status')).toHaveText(w.storeSaved);
  await expect(form.getByText(lang === 'fr' ? 'Le logo doit être une image PNG ou JPEG' : 'The logo must be a PNG or JPEG image')).toHaveCount(0);
  await shot(page, `store-settings-${lang}`);

  // Item 11: the licence panel says the trial once ("Trial: 14 days left", not "Trial · Trial: …")
  // and asks the store id once (the activation form asks it; the server form then does not).
  const licence = page.locator('.licence-panel');
  await expect(licence.locator('.licence-state')).toHaveText(lang === 'fr' ? 'Essai : 14 jours restants' : 'Trial: 14 days left');
  await expect(licence.getByText(lang === 'fr' ? 'Essai' : 'Trial', { exact: true })).toHaveCount(0);
  await licence.getByText(lang === 'fr' ? 'Serveur de licences' : 'Licence server', { exact: false }).first().click();
  await expect(licence.getByLabel(lang === 'fr' ? 'Identifiant du magasin' : 'Store ID', { exact: true })).toHaveCount(1);
}

for (const lang of ['en', 'fr'] as const) {
  const w = words[lang];
  test(`[${lang}] the store's identity prints as the card's letterhead, with the expiry and the customer's note, never the internal notes`, async ({ page, host, request }) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    if (lang === 'fr') await page.getByLabel('Language').selectOption('fr');
    await describeStore(page, w, lang);

    await callHost(request, host, 'customers.create', {
      customerData: { firstName: 'Nadia', lastName: 'Optics', email: 'nadia@example.com', phoneNumber: '+212 600 111 222', dateOfBirth: '1988-02-20', sex: 'female' },
      address: { street: '4 rue de Fès', city: 'Casablanca', zipCode: '20250' },
    });
    await page.getByRole('button', { name: lang === 'fr' ? 'Clients' : 'Customers', exact: true }).click();
    // The search box by its role: its name is in the page's language.
    await page.getByRole('searchbox').fill('nadia');
    await page.getByRole('searchbox').press('Enter');
    await expect(page.getByRole('heading', { name: 'Nadia Optics' })).toBeVisible();

    // Item 11: a Moroccan store's addresses have a postal code and no state.
    await expect(page.getByLabel(w.postalCode, { exact: true })).toHaveValue('20250');
    await expect(page.getByLabel(lang === 'fr' ? 'État' : 'State', { exact: true })).toHaveCount(0);
    await expect(page.getByLabel('ZIP code', { exact: true })).toHaveCount(0);

    // Item 7: the expiry is pre-filled from the store's months for the kind, and follows the kind.
    await page.getByRole('tab', { name: w.prescription }).click();
    const editor = page.getByRole('form', { name: w.newExam });
    await expect(editor.getByLabel(w.expires, { exact: true })).toHaveValue(monthsFromToday(24, lang));
    await editor.getByLabel(w.kind, { exact: true }).selectOption('contacts');
    await expect(editor.getByLabel(w.expires, { exact: true })).toHaveValue(monthsFromToday(12, lang));

    // A whole line with its ADD, on the new-exam form (ADD is on the create form).
    await page.getByLabel(w.odSph, { exact: true }).fill('-1.25 -0.50 x 10 add +2.00');
    await page.getByLabel(w.odSph, { exact: true }).press('Tab');
    await page.getByLabel(w.osSph, { exact: true }).fill('-1.00');
    await page.getByLabel(w.osSph, { exact: true }).press('Tab');
    await editor.getByLabel(w.customerNote, { exact: true }).fill('Wear them for driving');
    await editor.getByLabel(w.internalNotes, { exact: true }).fill('Owes 200 MAD');
    await shot(page, `store-rx-expiry-${lang}`);
    await editor.getByRole('button', { name: w.save }).click();
    await expect(page.getByRole('status').filter({ hasText: w.saved })).toBeVisible();

    await page.evaluate(() => {
      window.print = () => undefined;
    });
    await page.getByRole('button', { name: w.print, exact: true }).click();
    const card = page.locator('.print-card');
    await page.emulateMedia({ media: 'print' });
    await expect(card).toBeVisible();
    await expect(card.locator('.print-store')).toHaveText('Optique Atlas');
    await expect(card).toContainText('20000 Casablanca');
    await expect(card).toContainText(w.regPrinted);
    await expect(card.locator('img.print-logo')).toBeVisible();
    await expect(card).toContainText(w.title);
    await expect(card).toContainText(String(new Date().getFullYear() + 1));
    await expect(card).toContainText('Wear them for driving');
    await expect(card).not.toContainText('Owes 200 MAD');
    await expect(card).not.toContainText('OptiCounter');
    await expect(card).not.toContainText(/version|v1/i);
    // One axis format everywhere: 010 on the card as in the grid.
    await expect(card.getByRole('row').filter({ hasText: 'OD' }).first()).toContainText('010');
    await shot(page, `store-print-${lang}`);
    await page.emulateMedia({ media: 'screen' });

    // The Details tab's read-only grid writes the axis the same way.
    await page.getByRole('tab', { name: w.details }).click();
    await expect(page.locator('.optic-grid, .current-rx').first()).toContainText('010');

    // Arabic (outside review): the store's phone keeps its digit order on the card, never reversed.
    const ar = JSON.parse(readFileSync(new URL('../../src/renderer/src/i18n/ar.json', import.meta.url), 'utf8')) as { tabs: { prescription: string }; print: { button: string } };
    await page.getByLabel(lang === 'fr' ? 'Langue' : 'Language').selectOption('ar');
    await page.getByRole('tab', { name: ar.tabs.prescription }).click();
    await page.getByRole('button', { name: ar.print.button, exact: true }).click();
    await page.emulateMedia({ media: 'print' });
    const phone = card.locator('.print-contact bdi').first();
    await expect(phone).toHaveText('+212 5 22 00 00 00');
    expect(await phone.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
    await shot(page, `store-print-ar-from-${lang}`);
    await page.emulateMedia({ media: 'screen' });
  });
}

test("staff see none of the owner's settings: no Settings screen, no requests per minute on the Sync screen (issue 12, item 11)", async ({ page, host, request }) => {
  await callHost(request, host, 'settings.setStore', {
    name: 'Optique Atlas',
    address: '',
    phone: '',
    registrationNumber: '',
    country: 'FR',
    logo: null,
    rxExpiryMonths: { spectacles: 24, contacts: 12 },
  });
  await callHost(request, host, 'sync.configure', { baseUrl: 'http://127.0.0.1:9', storeId: 'store-1', email: 'owner@example.com', password: 'cloud-password-1', requestsPerMinute: 60 });
  await callHost(request, host, 'staff.create', { username: 'sami', displayName: 'Sami', password: 'sami-password-1', role: 'staff' });
  await signOutThroughUi(page);
  await signInThroughUi(page, 'sami', 'sami-password-1');
  await expect(page.getByRole('button', { name: 'Settings', exact: true })).toHaveCount(0);
  await page.getByRole('banner').getByRole('button', { name: /sync/i }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByText('Requests per minute')).toHaveCount(0);
  await expect(page.getByLabel('Requests per minute')).toHaveCount(0);
});

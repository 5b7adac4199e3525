import type { Page, Request } from '@playwright/test';
import { callHost, expect, searchBox, test } from './fixtures';

/*
 * A save answers what it stored: the screen takes that answer instead of asking the core again
 * for the same thing, and the prescription being typed is checked in the page (the shared rules),
 * not by a call per keystroke. Counted on the wire, as the browser host serves it.
 */

function countCalls(page: Page, channels: string[]): Map<string, number> {
  const counts = new Map(channels.map((c) => [c, 0]));
  page.on('request', (req: Request) => {
    const channel = new URL(req.url()).pathname.replace(/^\/api\//, '');
    if (counts.has(channel)) counts.set(channel, (counts.get(channel) ?? 0) + 1);
  });
  return counts;
}

test('saving the details, a prescription and a document asks nothing back that the save answered', async ({ page, host, request }) => {
  await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Layla', lastName: 'Hassan', email: 'layla@example.com', phoneNumber: '+1-555-0199', dateOfBirth: '1992-05-12', sex: 'female' },
    address: { street: '123 Vision Ave', city: 'Casablanca', zipCode: '20000', state: 'MA' },
  });
  await searchBox(page).fill('layla');
  await expect(page.getByTestId('result-count')).toHaveText('1 match');
  await searchBox(page).press('Enter');
  await expect(page.getByRole('heading', { name: 'Layla Hassan' })).toBeVisible();
  // The Details tab's current prescription has been read (none yet).
  await expect(page.getByText('No prescription saved yet for this customer.')).toBeVisible();

  const calls = countCalls(page, ['customers.get', 'prescriptions.list', 'prescriptions.check', 'attachments.list']);

  // ---- the details: a new phone number and a consent given ----
  await page.getByLabel('Phone number', { exact: true }).fill('+1-555-0123');
  await page.getByLabel('City', { exact: true }).fill('Rabat');
  await page.getByLabel('Marketing consent').check();
  await page.keyboard.press('Control+s');
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  expect(calls.get('customers.get')).toBe(0);
  await expect(page.getByLabel('Phone number', { exact: true })).toHaveValue('+1-555-0123');
  await expect(page.getByLabel('City', { exact: true })).toHaveValue('Rabat');
  await expect(page.getByLabel('Street', { exact: true })).toHaveValue('123 Vision Ave');
  // The date the consent was given comes from the save's answer (its time), as the core records it.
  await expect(page.getByText(/^Given on /)).toBeVisible();
  const stored = await callHost(request, host, 'customers.get', { id: (await callHost(request, host, 'customers.list', { search: 'layla' })).data[0]?.id ?? '' });
  expect(stored.localData.phoneNumber).toBe('+1-555-0123');
  expect(stored.address?.city).toBe('Rabat');
  expect(stored.consent.marketingAt).not.toBeNull();

  // ---- a prescription: checked in the page while typed, the timeline takes the saved version ----
  await page.getByRole('tab', { name: 'Prescription' }).click();
  const sph = page.getByLabel('OD distance SPH', { exact: true });
  await sph.click();
  await page.keyboard.type('-125');
  await page.keyboard.press('Tab');
  await page.getByLabel('OS distance SPH', { exact: true }).click();
  await page.keyboard.type('-350');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('OS spherical equivalent')).toHaveText('-3.50');
  await expect(page.getByText(/spherical equivalents differ by 2\.25 D/)).toBeVisible();
  expect(calls.get('prescriptions.check')).toBe(0);
  // Opening the tab read the list again (as any screen that shows it); the save must not.
  const listedBeforeSave = calls.get('prescriptions.list') ?? 0;
  await page.getByRole('button', { name: 'Save prescription' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Version 1 saved' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'History' }).getByRole('listitem', { name: 'Version 1' })).toBeVisible();
  expect(calls.get('prescriptions.list')).toBe(listedBeforeSave);

  // ---- a document: the list takes the file the save answered ----
  await page.getByRole('tab', { name: 'Documents' }).click();
  const docs = page.getByRole('region', { name: 'Documents' });
  await expect(docs.getByText('No documents yet.')).toBeVisible();
  const listedOnOpen = calls.get('attachments.list') ?? 0;
  await docs.getByLabel('Add files…').setInputFiles({ name: 'rx-scan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n') });
  await expect(docs.getByRole('row').filter({ hasText: 'rx-scan.pdf' })).toBeVisible();

  expect(calls.get('customers.get')).toBe(0);
  expect(calls.get('prescriptions.check')).toBe(0);
  // Read once when the tab first opened, not again after the add.
  expect(calls.get('attachments.list')).toBe(listedOnOpen);
});

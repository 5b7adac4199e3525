import type { Page } from '@playwright/test';
import { callHost, expect, searchBox, shot, test } from './fixtures';

/*
 * The customer form as a busy counter uses it (issue 12): dates typed in the language's order with
 * the age beside them (item 6), a possible duplicate said while typing, a duplicate email opening
 * its holder, Ctrl+N from a search that found nobody (item 4), and what a walk-in still lacks (item 1).
 */

const leila = {
  customerData: { firstName: 'Leïla', lastName: 'Alaoui', email: 'leila.alaoui@example.ma', phoneNumber: '+212 661 234 567', dateOfBirth: '1958-04-07', sex: 'female' as const },
};

/** Age in whole years on this PC's today, as the form counts it. */
function ageOf(iso: string): number {
  const now = new Date();
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return now.getFullYear() - y - (now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d) ? 1 : 0);
}

async function toFrench(page: Page) {
  await page.getByLabel('Language').selectOption('fr');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
}

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
});

test('English: a date of birth typed month first, one tab stop, its age; an impossible date is refused', async ({ page, request, host }) => {
  await page.keyboard.press('Control+n');
  const dob = page.getByLabel('Date of birth', { exact: true });
  await expect(dob).toHaveAttribute('placeholder', 'mm/dd/yyyy');
  await dob.fill('02/31/1985');
  await dob.press('Tab');
  // One tab stop: the next field is Sex, not the month of a three-part date input.
  await expect(page.getByLabel('Sex', { exact: true })).toBeFocused();
  await expect(page.getByText('There is no day 31 in February 1985')).toBeVisible();
  await expect(dob).toHaveAttribute('aria-invalid', 'true');

  await dob.fill('4758');
  await dob.blur();
  await expect(page.getByText('Not a date: type it as mm/dd/yyyy, e.g. 04/07/1958')).toBeVisible();

  // The same digits as the French test's 7 April: month first in English, so 4 July.
  await dob.fill('070458');
  await dob.blur();
  await expect(dob).toHaveValue('07/04/1958');
  await expect(page.getByText(`${ageOf('1958-07-04')} years old`)).toBeVisible();
  await expect(page.getByText(/There is no day|Not a date/)).toHaveCount(0);

  await page.getByLabel('First name', { exact: true }).fill('Nora');
  await page.getByLabel('Last name', { exact: true }).fill('Idrissi');
  await page.getByLabel('Phone number', { exact: true }).fill('0600000001');
  await shot(page, 'form-en-date');
  await page.getByRole('button', { name: 'Create customer' }).click();
  await expect(page.getByRole('heading', { name: 'Nora Idrissi' })).toBeVisible();
  await expect(page.getByLabel('Date of birth', { exact: true })).toHaveValue('07/04/1958');
  const list = await callHost(request, host, 'customers.list', { search: 'idrissi' });
  const saved = await callHost(request, host, 'customers.get', { id: list.data[0]?.id ?? '' });
  // Month first in English: 4 July.
  expect(saved.localData.dateOfBirth).toBe('1958-07-04T00:00:00.000Z');
});

test('French: 07/04/1958 is 7 April, typed as digits alone, with the age; the exam date too', async ({ page, request, host }) => {
  await toFrench(page);
  await page.keyboard.press('Control+n');
  const dob = page.getByLabel('Date de naissance', { exact: true });
  await expect(dob).toHaveAttribute('placeholder', 'jj/mm/aaaa');
  await page.getByLabel('Prénom', { exact: true }).fill('Nadia');
  await page.getByLabel('Nom', { exact: true }).fill('Tazi');
  await page.getByLabel('Téléphone', { exact: true }).fill('0600000002');
  await dob.fill('07041958');
  await dob.press('Tab');
  await expect(dob).toHaveValue('07/04/1958');
  await expect(page.getByText(`${ageOf('1958-04-07')} ans`)).toBeVisible();
  await dob.fill('31/02/85');
  await dob.blur();
  await expect(page.getByText('Il n’y a pas de jour 31 en février 1985')).toBeVisible();
  await dob.fill('7.4.58');
  await dob.blur();
  await expect(dob).toHaveValue('07/04/1958');
  await shot(page, 'form-fr-date');
  await page.getByRole('button', { name: 'Créer le client' }).click();
  await expect(page.getByRole('heading', { name: 'Nadia Tazi' })).toBeVisible();
  const list = await callHost(request, host, 'customers.list', { search: 'tazi' });
  const id = list.data[0]?.id ?? '';
  expect((await callHost(request, host, 'customers.get', { id })).localData.dateOfBirth).toBe('1958-04-07T00:00:00.000Z');

  // The prescription's exam date: typed the same way, one tab stop.
  await page.getByRole('tab', { name: 'Ordonnance' }).click();
  const exam = page.getByLabel('Date de l’examen', { exact: true });
  await exam.fill('3/2/25');
  await exam.press('Tab');
  await expect(exam).toHaveValue('03/02/2025');
  await expect(page.getByLabel('Valable jusqu’au', { exact: true })).toBeFocused();
  await shot(page, 'form-fr-exam-date');
});

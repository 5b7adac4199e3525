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
  await exam.fill('31/02/25');
  await exam.blur();
  // One message under the field: why it is no date (not the core's refusal beside it).
  await expect(page.locator('.rx-meta .field-error')).toHaveText(['Il n’y a pas de jour 31 en février 2025']);
  await exam.fill('3/2/25');
  await exam.press('Tab');
  await expect(exam).toHaveValue('03/02/2025');
  await expect(page.getByLabel('Valable jusqu’au', { exact: true })).toBeFocused();
  await shot(page, 'form-fr-exam-date');
});

const karim = {
  customerData: { firstName: 'Karim', lastName: 'Alaoui', email: 'karim.alaoui@example.ma', phoneNumber: '0661 23 45 67', dateOfBirth: '1990-01-01', sex: 'male' as const },
};

/** The discard question a dirty new form asks before leaving it. */
async function discard(page: Page, confirm: string) {
  await page.getByRole('dialog').getByRole('button', { name: confirm }).click();
}

test('English: a possible duplicate shows while typing; "It’s someone else" puts it aside; Open goes to them', async ({ page, request, host }) => {
  await callHost(request, host, 'customers.create', leila);
  await callHost(request, host, 'customers.create', karim);
  await page.keyboard.press('Control+n');
  await page.getByLabel('First name', { exact: true }).fill('leila');
  await page.getByLabel('Last name', { exact: true }).fill('ALAOUI');
  const dob = page.getByLabel('Date of birth', { exact: true });
  await dob.fill('04/07/1958');
  const warning = page.locator('.duplicate-warning');
  await expect(warning).toContainText('Possible match: Leïla Alaoui · Apr 7, 1958 · +212 661 234 567 · leila.alaoui@example.ma (same name and date of birth)');
  // The warning never takes the keys: staff go on typing where they were.
  await expect(dob).toBeFocused();
  await shot(page, 'form-en-duplicate');

  await warning.getByRole('button', { name: 'It’s someone else' }).click();
  await expect(warning).toHaveCount(0);
  // Her phone: she stays aside; Karim has the same number, written another way.
  await page.getByLabel('Phone number', { exact: true }).fill('+212661234567');
  await expect(warning).toContainText('Karim Alaoui');
  await expect(warning).toContainText('(same phone)');
  await expect(warning).not.toContainText('Leïla');
  await warning.getByRole('button', { name: 'Open' }).click();
  await discard(page, 'Discard');
  await expect(page.getByRole('heading', { name: 'Karim Alaoui' })).toBeVisible();
});

test('English: a taken email offers to open the customer who has it', async ({ page, request, host }) => {
  await callHost(request, host, 'customers.create', leila);
  await page.keyboard.press('Control+n');
  await page.getByLabel('First name', { exact: true }).fill('Lina');
  await page.getByLabel('Last name', { exact: true }).fill('Berrada');
  await page.getByLabel('Email', { exact: true }).fill('LEILA.alaoui@example.ma');
  await page.getByRole('button', { name: 'Create customer' }).click();
  await expect(page.getByText('A customer with this email already exists')).toBeVisible();
  await shot(page, 'form-en-email-taken');
  await page.getByRole('button', { name: 'Open the customer with this email' }).click();
  await discard(page, 'Discard');
  await expect(page.getByRole('heading', { name: 'Leïla Alaoui' })).toBeVisible();
});

test('English: Ctrl+N after a search that found nobody starts from what was typed', async ({ page }) => {
  const search = searchBox(page);
  await search.fill('samira bennani');
  await expect(page.getByText('No customer matches “samira bennani”')).toBeVisible();
  await page.keyboard.press('Control+n');
  await expect(page.getByLabel('First name', { exact: true })).toHaveValue('Samira');
  await expect(page.getByLabel('Last name', { exact: true })).toHaveValue('Bennani');
  // Straight to the first field still empty.
  await expect(page.getByLabel('Email', { exact: true })).toBeFocused();
  await shot(page, 'form-en-prefill');

  await page.keyboard.press('Escape');
  await search.fill('06 12 34 56 78');
  await expect(page.getByText('No customer matches “06 12 34 56 78”')).toBeVisible();
  await page.keyboard.press('Control+n');
  await expect(page.getByLabel('Phone number', { exact: true })).toHaveValue('06 12 34 56 78');
  await expect(page.getByLabel('First name', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('First name', { exact: true })).toBeFocused();
});

test('English: a walk-in’s screen lists what the cloud still needs and marks those fields', async ({ page, request, host }) => {
  await callHost(request, host, 'customers.create', { customerData: { firstName: 'Omar', lastName: 'Chraibi', phoneNumber: '0600000003' } });
  const search = searchBox(page);
  await search.fill('chraibi');
  await expect(page.getByRole('option', { name: /Omar Chraibi/ })).toBeVisible();
  await search.press('Enter');
  await expect(page.getByRole('heading', { name: 'Omar Chraibi' })).toBeVisible();
  await expect(page.getByText('Missing before it can be sent to the cloud: email, date of birth, and sex')).toBeVisible();
  // Nothing was refused: no error banner.
  await expect(page.locator('.form-error')).toHaveCount(0);
  const todo = page.getByText('To do', { exact: true });
  await expect(todo).toHaveCount(3);
  // Marked, not refused: a to-do is no error.
  await expect(page.getByLabel('Email', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Email', { exact: true })).toHaveAccessibleDescription('To do');
  await shot(page, 'form-en-todo');
  await page.getByLabel('Email', { exact: true }).fill('omar@example.ma');
  await expect(todo).toHaveCount(2);
});

test('French: the to-do, the duplicate warning and Open, a taken email, Ctrl+N from an empty search', async ({ page, request, host }) => {
  await callHost(request, host, 'customers.create', leila);
  await callHost(request, host, 'customers.create', { customerData: { firstName: 'Omar', lastName: 'Chraibi', email: 'omar@example.ma' } });
  await toFrench(page);
  const search = page.getByRole('searchbox', { name: 'Rechercher des clients' });

  // ---- the walk-in's to-do ----
  await search.fill('chraibi');
  await expect(page.getByRole('option', { name: /Omar Chraibi/ })).toBeVisible();
  await search.press('Enter');
  await expect(page.getByText('Manque avant l’envoi au cloud : téléphone, date de naissance et sexe')).toBeVisible();
  await expect(page.getByText('À compléter', { exact: true })).toHaveCount(3);
  await shot(page, 'form-fr-todo');
  await page.keyboard.press('Escape');

  // ---- Ctrl+N from a search that found nobody ----
  await search.fill('ALAOUI Leïla-Rose');
  await expect(page.getByText('Aucun client ne correspond à « ALAOUI Leïla-Rose »')).toBeVisible();
  await page.keyboard.press('Control+n');
  await expect(page.getByLabel('Prénom', { exact: true })).toHaveValue('Leïla-Rose');
  await expect(page.getByLabel('Nom', { exact: true })).toHaveValue('ALAOUI');
  await expect(page.getByText('Obligatoire maintenant : prénom, nom, et un téléphone ou un e-mail.', { exact: false })).toBeVisible();

  // ---- a possible duplicate: her phone, written the national way ----
  await page.getByLabel('Téléphone', { exact: true }).fill('0661234567');
  const warning = page.locator('.duplicate-warning');
  await expect(warning).toContainText('Client peut-être déjà enregistré : Leïla Alaoui · 7 avr. 1958 · +212 661 234 567 · leila.alaoui@example.ma (même téléphone)');
  await shot(page, 'form-fr-duplicate');

  // ---- a taken email: saving is not blocked by the warning, the refusal opens her ----
  await page.getByLabel('E-mail', { exact: true }).fill('leila.alaoui@example.ma');
  await page.getByRole('button', { name: 'Créer le client' }).click();
  await expect(page.getByRole('button', { name: 'Ouvrir le client qui a cet e-mail' })).toBeVisible();
  await shot(page, 'form-fr-email-taken');
  await warning.getByRole('button', { name: 'Ouvrir' }).click();
  await discard(page, 'Abandonner');
  await expect(page.getByRole('heading', { name: 'Leïla Alaoui' })).toBeVisible();
  await expect(page.getByLabel('Date de naissance', { exact: true })).toHaveValue('07/04/1958');
});

test('Arabic: a date of birth is typed day first, left to right, with the age in Arabic', async ({ page }) => {
  await page.getByLabel('Language').selectOption('ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await page.keyboard.press('Control+n');
  const dob = page.getByLabel('تاريخ الازدياد', { exact: true });
  await dob.fill('07041958');
  await dob.blur();
  await expect(dob).toHaveValue('07/04/1958');
  await expect(dob).toHaveAttribute('dir', 'ltr');
  await expect(page.locator('.date-age')).toHaveText(`${ageOf('1958-04-07')} سنة`);
  await shot(page, 'form-ar-date');
});

test('Arabic: the possible match keeps its name, date, phone and email each in its own direction, its reasons joined the Arabic way', async ({ page, request, host }) => {
  await callHost(request, host, 'customers.create', leila);
  await page.getByLabel('Language').selectOption('ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await page.keyboard.press('Control+n');
  await page.getByLabel('الاسم الشخصي', { exact: true }).fill('Leïla');
  await page.getByLabel('الاسم العائلي', { exact: true }).fill('Alaoui');
  await page.getByLabel('تاريخ الازدياد', { exact: true }).fill('07/04/1958');
  await page.getByLabel('البريد الإلكتروني', { exact: true }).fill('leila.alaoui@example.ma');
  const who = page.locator('.duplicate-warning .duplicate-who');
  await expect(page.locator('.duplicate-why')).toHaveText('(نفس الاسم وتاريخ الميلاد، نفس البريد الإلكتروني)');
  // Each part isolated: a Latin name beside a date, or a phone's digits, no longer run into each other right to left.
  // The date as Arabic formats it, right-to-left marks between its numbers included.
  await expect(who.locator('bdi')).toHaveText(['Leïla Alaoui', /^07\u200f?\/04\u200f?\/1958$/, '+212 661 234 567', 'leila.alaoui@example.ma']);
  await expect(who.locator('bdi[dir="ltr"]')).toHaveText(['+212 661 234 567', 'leila.alaoui@example.ma']);
  await shot(page, 'form-ar-duplicate');
});

// Review 34: Ctrl+S pressed twice before the first save answered created a walk-in twice.
test('Ctrl+S pressed twice in a hurry saves a new walk-in once', async ({ page, request, host }) => {
  await page.keyboard.press('Control+n');
  await page.getByLabel('First name', { exact: true }).fill('Walk');
  await page.getByLabel('Last name', { exact: true }).fill('Inn');
  await page.getByLabel('Phone number', { exact: true }).fill('+1 555 010 2020');
  await page.keyboard.press('Control+s');
  await page.keyboard.press('Control+s');
  await expect(page.getByRole('heading', { name: 'Walk Inn' })).toBeVisible();
  // A second save, sent with the first, would have been answered by now (the page never goes quiet: its event stream).
  await page.waitForTimeout(1_000);
  const list = await callHost(request, host, 'customers.list', { search: 'walk inn' });
  expect(list.pagination.total).toBe(1);
});

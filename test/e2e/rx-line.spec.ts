import type { APIRequestContext, Page } from '@playwright/test';
import { callHost, expect, searchBox, test, type Host, shot } from './fixtures';

/*
 * Issue 12, item 7: a whole line typed in an eye's SPH cell fills the eye; the binocular PD is the
 * sum of the monocular ones; a new exam starts from the current version, changed cells marked.
 */

function cell(page: Page, eye: 'OD' | 'OS', measure: 'SPH' | 'CYL' | 'AXIS' | 'ADD') {
  return page.getByLabel(`${eye} distance ${measure}`, { exact: true });
}

async function openPrescription(page: Page, request: APIRequestContext, host: Host) {
  await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Nadia', lastName: 'Optics', email: 'nadia@example.com', phoneNumber: '+212 600 111 222', dateOfBirth: '1968-02-20', sex: 'female' },
  });
  await searchBox(page).fill('nadia');
  await expect(page.getByTestId('result-count')).toHaveText('1 match');
  await searchBox(page).press('Enter');
  await expect(page.getByRole('heading', { name: 'Nadia Optics' })).toBeVisible();
  await page.getByRole('tab', { name: 'Prescription' }).click();
  await expect(page.getByRole('tabpanel', { name: 'Prescription' }).getByText('No prescription saved yet for this customer.')).toBeVisible();
}

test('type each eye on one line, see the binocular PD summed, save, and start the next exam from it', async ({ page, host, request }) => {
  await openPrescription(page, request, host);

  // ---- one line per eye, in the SPH cell; leaving the cell fills the eye ----
  await cell(page, 'OD', 'SPH').click();
  await page.keyboard.type('-1.25 -0.50 x 90 add +2.00');
  await page.keyboard.press('Tab');
  await expect(cell(page, 'OD', 'SPH')).toHaveValue('-1.25');
  await expect(cell(page, 'OD', 'CYL')).toHaveValue('-0.50');
  await expect(cell(page, 'OD', 'AXIS')).toHaveValue('090');
  await expect(cell(page, 'OD', 'ADD')).toHaveValue('+2.00');

  // A line that cannot be read stays as typed, and says why under the row.
  await cell(page, 'OS', 'SPH').click();
  await page.keyboard.type('pl/-0.50x45 add 2 foo');
  await page.keyboard.press('Tab');
  await expect(cell(page, 'OS', 'SPH')).toHaveValue('pl/-0.50x45 add 2 foo');
  await expect(page.getByText('Cannot read “foo” in this line')).toBeVisible();
  await cell(page, 'OS', 'SPH').fill('pl/-0.50x45 add 2');
  await cell(page, 'OS', 'SPH').press('Tab');
  await expect(page.getByText('Cannot read “foo” in this line')).toBeHidden();
  await expect(cell(page, 'OS', 'SPH')).toHaveValue('PL');
  await expect(cell(page, 'OS', 'CYL')).toHaveValue('-0.50');
  await expect(cell(page, 'OS', 'AXIS')).toHaveValue('045');
  await expect(cell(page, 'OS', 'ADD')).toHaveValue('+2.00');

  // ---- the binocular PD: the sum of the monocular ones, shown while it is empty ----
  await page.getByLabel('PD OD (mono)', { exact: true }).fill('31.5');
  await page.getByLabel('PD OS (mono)', { exact: true }).fill('32');
  await page.getByLabel('PD OS (mono)', { exact: true }).press('Tab');
  const binocular = page.getByLabel('PD binocular', { exact: true });
  await expect(binocular).toHaveValue('');
  await expect(binocular).toHaveAttribute('placeholder', '63.5');
  await shot(page, 'rx-line');

  await page.getByRole('button', { name: 'Save prescription' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Version 1 saved' })).toBeVisible();
  // The core agrees: the saved version has the summed binocular PD.
  const reference = page.getByRole('region', { name: /Current prescription/ });
  await expect(reference.getByRole('definition').filter({ hasText: '63.5' })).toBeVisible();

  // ---- the next exam starts from version 1; what staff change is marked against it ----
  await expect(cell(page, 'OD', 'SPH')).toHaveValue('-1.25');
  await expect(cell(page, 'OS', 'AXIS')).toHaveValue('045');
  await expect(cell(page, 'OD', 'ADD')).toHaveValue('+2.00');
  await expect(binocular).toHaveAttribute('placeholder', '63.5');
  await expect(cell(page, 'OD', 'SPH')).not.toHaveAttribute('title', /Before/);
  await cell(page, 'OD', 'SPH').fill('-1.50 -0.50 x 95');
  await cell(page, 'OD', 'SPH').press('Tab');
  await expect(cell(page, 'OD', 'SPH')).toHaveValue('-1.50');
  await expect(cell(page, 'OD', 'SPH')).toHaveAttribute('title', 'Before: -1.25');
  await expect(cell(page, 'OD', 'AXIS')).toHaveAttribute('title', 'Before: 090');
  await expect(cell(page, 'OD', 'CYL')).not.toHaveAttribute('title', /Before/);
  // The ADD is kept when the line does not state one.
  await expect(cell(page, 'OD', 'ADD')).toHaveValue('+2.00');
  await page.getByLabel('PD OS (mono)', { exact: true }).fill('32.5');
  await expect(binocular).toHaveAttribute('placeholder', '64.0');
  await page.getByRole('button', { name: 'Save prescription' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Version 2 saved' })).toBeVisible();
  await expect(page.getByRole('region', { name: /Current prescription/ }).getByRole('definition').filter({ hasText: '64.0' })).toBeVisible();
});

test('en français : une ligne avec des virgules remplit l’œil, une ligne illisible le dit en français', async ({ page, host, request }) => {
  await openPrescription(page, request, host);
  await page.getByLabel('Language').selectOption('fr');
  await expect(page.getByText('Saisissez une ligne entière dans SPH', { exact: false })).toBeVisible();
  const od = (m: string) => page.getByLabel(`OD loin ${m}`, { exact: true });
  await od('SPH').click();
  await page.keyboard.type('-1,25 -0,50 x 90 add 2,25');
  await page.keyboard.press('Tab');
  await expect(od('SPH')).toHaveValue('-1.25');
  await expect(od('CYL')).toHaveValue('-0.50');
  await expect(od('AXE')).toHaveValue('090');
  await expect(od('ADD')).toHaveValue('+2.25');

  const os = page.getByLabel('OG loin SPH', { exact: true });
  await os.fill('-1,00 x 90');
  await os.press('Tab');
  await expect(page.getByText('Un axe demande un cylindre (« x90 »)')).toBeVisible();
  await expect(os).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('EP OD (mono)', { exact: true }).fill('30');
  await page.getByLabel('EP OG (mono)', { exact: true }).fill('31');
  await expect(page.getByLabel('EP binoculaire', { exact: true })).toHaveAttribute('placeholder', '61.0');
});

// Outside review: after a line typed in OD SPH, Tab went to OD CYL (just filled), so the OS line typed
// straight on went into it. Two lines typed fast, one Tab between: each eye gets its own.
for (const lang of ['en', 'fr'] as const) {
  test(`[${lang}] two lines typed straight on: Tab after OD's line goes to OS SPH, then on past the grid`, async ({ page, host, request }) => {
    await openPrescription(page, request, host);
    if (lang === 'fr') await page.getByLabel('Language').selectOption('fr');
    const [vision, os, axis, pd] = lang === 'fr' ? ['loin', 'OG', 'AXE', 'EP OD (mono)'] : ['distance', 'OS', 'AXIS', 'PD OD (mono)'];
    const at = (eye: string, m: string) => page.getByLabel(`${eye} ${vision} ${m}`, { exact: true });

    await at('OD', 'SPH').click();
    await page.keyboard.type('-1.25 -0.50 x 90 add +2.00');
    await page.keyboard.press('Tab');
    await page.keyboard.type('+2.00/-0.75x180');
    await page.keyboard.press('Tab');
    await expect(at('OD', 'SPH')).toHaveValue('-1.25');
    await expect(at('OD', 'CYL')).toHaveValue('-0.50');
    await expect(at('OD', axis)).toHaveValue('090');
    await expect(at('OD', 'ADD')).toHaveValue('+2.00');
    await expect(at(os, 'SPH')).toHaveValue('+2.00');
    await expect(at(os, 'CYL')).toHaveValue('-0.75');
    await expect(at(os, axis)).toHaveValue('180');
    // The rows the ADD gives are skipped: the PD is next.
    await expect(page.getByLabel(pd, { exact: true })).toBeFocused();
    await expect(page.locator('[aria-invalid="true"]')).toHaveCount(0);

    // Enter moves on the same way.
    await at('OD', 'SPH').fill('-1.50 -0.25 x 80');
    await at('OD', 'SPH').press('Enter');
    await expect(at(os, 'SPH')).toBeFocused();
    await expect(at('OD', 'CYL')).toHaveValue('-0.25');
    // A single value still goes to the next cell.
    await at('OD', 'SPH').fill('-1.75');
    await at('OD', 'SPH').press('Tab');
    await expect(at('OD', 'CYL')).toBeFocused();
    await shot(page, `rx-two-lines-${lang}`);
  });
}

// The review's findings (issue 12, item 7): Arabic-Indic digits are read, an axis with a fraction and
// a plano ADD are named for what they are, in English and in French.
for (const lang of ['en', 'fr'] as const) {
  test(`[${lang}] a line in Arabic-Indic digits fills the eye; an axis with a fraction and a plano ADD say what is wrong`, async ({ page, host, request }) => {
    await openPrescription(page, request, host);
    if (lang === 'fr') await page.getByLabel('Language').selectOption('fr');
    const [vision, os, axis] = lang === 'fr' ? ['loin', 'OG', 'AXE'] : ['distance', 'OS', 'AXIS'];
    const odCell = (m: string) => page.getByLabel(`OD ${vision} ${m}`, { exact: true });
    const osSph = page.getByLabel(`${os} ${vision} SPH`, { exact: true });

    await odCell('SPH').fill('-١٫٢٥ -٠٫٥٠ x ٩٠ add +٢٫٠٠');
    await odCell('SPH').press('Tab');
    await expect(odCell('SPH')).toHaveValue('-1.25');
    await expect(odCell('CYL')).toHaveValue('-0.50');
    await expect(odCell(axis)).toHaveValue('090');
    await expect(odCell('ADD')).toHaveValue('+2.00');

    await osSph.fill('-1.25 -0.50 x 090.5');
    await osSph.press('Tab');
    await expect(osSph).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText(lang === 'fr' ? 'L’axe est un nombre entier de degrés (« x090.5 »)' : 'The axis is a whole number of degrees (“x090.5”)', { exact: false })).toBeVisible();

    await osSph.fill('-1.25 add pl');
    await osSph.press('Tab');
    await expect(page.getByText(lang === 'fr' ? 'Une ADD ne peut pas être plan' : 'An ADD cannot be plano', { exact: false })).toBeVisible();
    await shot(page, `rx-line-review-${lang}`);
  });
}

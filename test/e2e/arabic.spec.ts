import type { Locator, Page, TestInfo } from '@playwright/test';
import { callHost, expect, shot, test } from './fixtures';

/*
 * Arabic, right to left (issue 12, item 8): the page is mirrored, the prescription grid is not (as
 * printed Rx cards are). With OPTICOUNTER_SHOTS set, the screens are kept for a person to look at.
 */

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error('not laid out');
  return b;
}

/** Kept in the run's test-results (and in OPTICOUNTER_SHOTS): the right-to-left screens are checked by eye. */
async function keep(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
  await shot(page, name);
}

test('in Arabic the page reads right to left, the prescription grid stays left to right', async ({ page, host, request }, testInfo) => {
  const { customer } = await callHost(request, host, 'customers.create', {
    customerData: {
      firstName: 'Leïla',
      lastName: 'Alaoui',
      email: 'leila.alaoui@example.ma',
      phoneNumber: '+212 661 234 567',
      dateOfBirth: '1958-04-07',
      sex: 'female',
    },
    address: { street: '12 rue Ibn Batouta', city: 'Casablanca', zipCode: '20250', state: 'Casablanca-Settat' },
  });
  await callHost(request, host, 'prescriptions.create', {
    customerId: customer.id,
    rx: {
      kind: 'spectacles',
      examDate: '2025-11-20',
      distanceVision: { rightEye: { sph: '-1.25', cyl: '-0.50', axis: '090', add: '+2.00' }, leftEye: { sph: '+0.75', cyl: '-0.25', axis: '180', add: '+2.00' } },
      pd: { right: '31.5', left: '32' },
    },
  });
  await page.setViewportSize({ width: 1366, height: 768 });

  await page.getByLabel('Language').selectOption('ar');
  const html = page.locator('html');
  await expect(html).toHaveAttribute('lang', 'ar');
  await expect(html).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('option', { name: 'العربية' })).toBeAttached();

  // ---- search: the search box and the results in Arabic, laid out from the right ----
  const search = page.getByRole('searchbox', { name: 'البحث عن الزبائن' });
  await expect(search).toBeFocused();
  await search.fill('alaoui');
  await expect(page.getByTestId('result-count')).toHaveText('نتيجة واحدة');
  const banner = page.getByRole('banner');
  // The language switch sits at the header's end: on the left in Arabic.
  expect((await box(banner.getByLabel('اللغة'))).x).toBeLessThan((await box(banner)).width / 2);
  await keep(page, testInfo, 'ar-search');

  // ---- the customer's details: a right-to-left form, tabs from the right ----
  await search.press('Enter');
  await expect(page.getByRole('heading', { name: 'Leïla Alaoui' })).toBeVisible();
  const tabs = page.getByRole('tablist', { name: 'أقسام الزبون' });
  const detailsTab = tabs.getByRole('tab', { name: 'البطاقة' });
  const rxTab = tabs.getByRole('tab', { name: 'الوصفة الطبية' });
  expect((await box(detailsTab)).x).toBeGreaterThan((await box(rxTab)).x);
  const firstName = page.getByLabel('الاسم الشخصي', { exact: true });
  await expect(firstName).toHaveValue('Leïla');
  expect(await firstName.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
  await keep(page, testInfo, 'ar-customer-details');

  // ---- the prescription tab: the grid and the saved version left to right, OD before OS ----
  await rxTab.click();
  const panel = page.getByRole('tabpanel', { name: 'الوصفة الطبية' });
  const grid = panel.locator('table.rx-grid');
  await expect(grid).toBeVisible();
  expect(await grid.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
  const reference = panel.locator('table.rx-reference-table');
  expect(await reference.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
  // The saved version reads as on a printed card: -1.25 with its sign in front, SPH left of CYL.
  await expect(reference).toContainText('-1.25');
  const sph = page.getByLabel('OD بعيد SPH', { exact: true });
  const cyl = page.getByLabel('OD بعيد CYL', { exact: true });
  expect((await box(sph)).x).toBeLessThan((await box(cyl)).x);
  await sph.fill('-2');
  await sph.press('Tab');
  await expect(sph).toHaveValue('-2.00');
  expect(await sph.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
  // OD above OS, as on the card.
  expect((await box(sph)).y).toBeLessThan((await box(page.getByLabel('OG بعيد SPH', { exact: true }))).y);
  await keep(page, testInfo, 'ar-prescription');

  // ---- a dialog, mirrored too ----
  await page.keyboard.press('Escape');
  const discard = page.getByRole('dialog', { name: 'التخلّي عن التعديلات؟' });
  await expect(discard).toBeVisible();
  await keep(page, testInfo, 'ar-dialog');
  await discard.getByRole('button', { name: 'التخلّي', exact: true }).click();
  await expect(page.getByRole('searchbox', { name: 'البحث عن الزبائن' })).toBeFocused();

  // The choice is remembered: a reload opens in Arabic, right to left.
  await page.reload();
  await expect(html).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('searchbox', { name: 'البحث عن الزبائن' })).toBeVisible();
});

test('in Arabic, a phone quoted in the search lines keeps its own order (set apart with bdi)', async ({ page }, testInfo) => {
  await page.getByLabel('Language').selectOption('ar');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  const search = page.getByRole('searchbox');
  // No one matches: the empty line quotes it.
  await search.fill('+212 661');
  const empty = page.locator('.list-message');
  await expect(empty).toContainText('+212 661');
  await expect(empty.locator('bdi')).toHaveText('+212 661');
  // Answers held: the "searching" line quotes it too.
  await page.route('**/api/customers.list', async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await search.fill('0661 000');
  const cue = page.locator('.searching');
  await expect(cue.locator('bdi')).toHaveText('0661 000');
  // Each number reads left to right on screen: on each line, the characters left to right spell it.
  for (const [line, typed] of [[cue, '0661 000'], [page.locator('.list-message'), '+212 661']] as const) {
    if (typed === '+212 661') {
      await page.unroute('**/api/customers.list');
      await search.fill(typed);
    }
    const shown = await line.locator('bdi').evaluate((el) => {
      const text = el.firstChild as Text;
      const chars = [...(text.textContent ?? '')].map((c, i) => {
        const r = document.createRange();
        r.setStart(text, i);
        r.setEnd(text, i + 1);
        return { c, x: r.getBoundingClientRect().left };
      });
      return chars.sort((a, b) => a.x - b.x).map((ch) => ch.c).join('');
    });
    expect(shown.replace(/ /g, ''), `${typed} as drawn, left to right`).toBe(typed.replace(/ /g, ''));
  }
  await keep(page, testInfo, 'arabic-search-cue');
});

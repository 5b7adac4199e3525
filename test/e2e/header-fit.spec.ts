import { expect, shot, test } from './fixtures';

/*
 * The header holds every area of the owner (issue 13 added Recalls, Import and Duplicates) beside who
 * is signed in, Lock, Sign out and the language: on a counter PC's 1366×768 screen it must fit in
 * every language, or the language switch slides off screen and the page scrolls sideways.
 */
test.use({ viewport: { width: 1366, height: 768 } });

for (const lang of ['en', 'fr', 'ar'] as const) {
  test(`[${lang}] the owner's header fits a 1366-pixel screen, the language switch in view`, async ({ page }) => {
    if (lang !== 'en') await page.getByLabel('Language').selectOption(lang);
    const header = page.getByRole('banner');
    await expect(header.getByRole('navigation').getByRole('button')).toHaveCount(7);
    const fit = await page.evaluate(() => {
      const h = document.querySelector('header')!;
      const select = h.querySelector('select')!.getBoundingClientRect();
      return { page: document.documentElement.scrollWidth, header: h.scrollWidth, view: window.innerWidth, select: [select.left, select.right] };
    });
    await shot(page, `header-${lang}`);
    expect(fit.page).toBeLessThanOrEqual(fit.view);
    expect(fit.header).toBeLessThanOrEqual(fit.view);
    expect(fit.select[0]).toBeGreaterThanOrEqual(0);
    expect(fit.select[1]).toBeLessThanOrEqual(fit.view);
  });
}

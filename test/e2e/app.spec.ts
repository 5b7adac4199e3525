import { expect, searchBox, test } from './fixtures';

test('the header switches to French', async ({ page }) => {
  await page.getByLabel('Language').selectOption('fr');
  await expect(page.getByRole('searchbox', { name: 'Rechercher des clients' })).toBeVisible();
  await expect(page.getByText('Aucun client pour l’instant — Ctrl+N pour en ajouter un')).toBeVisible();
  await page.keyboard.press('Control+n');
  await expect(page.getByLabel('Prénom', { exact: true })).toBeFocused();
  await expect(page.getByText('L’ordonnance se saisit dans l’onglet Ordonnance une fois le client créé.')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
});

test('the token survives a reload but never stays in the address bar', async ({ page, host }) => {
  await expect(page).toHaveURL(`${host.url}/`);
  await page.reload();
  await expect(searchBox(page)).toBeFocused();
  await expect(page.getByText('No customers yet — Ctrl+N to add one')).toBeVisible();
});

test('without its token the page says how to open it', async ({ context, host }) => {
  // sessionStorage is per tab: a new tab has no token unless its address brings one.
  const page = await context.newPage();
  await page.goto(`${host.url}/`);
  await expect(page.getByRole('alert')).toContainText('Open the address printed by the host, including #token=…');
  await page.close();
});

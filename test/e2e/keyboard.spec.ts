import { callHost, results, expect, searchBox, slowAfterPaint, test } from './fixtures';

test('the keyboard drives the counter: focus on open, Ctrl+N, Esc, Ctrl+K, /, arrows and Enter', async ({ page, host, request }) => {
  const search = searchBox(page);
  await expect(search).toBeFocused();

  // Ctrl+N opens the new-customer form with the first field ready; Esc comes back.
  await page.keyboard.press('Control+n');
  await expect(page.getByRole('heading', { name: 'New customer' })).toBeVisible();
  await expect(page.getByLabel('First name', { exact: true })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(search).toBeFocused();
  await expect(page.getByRole('heading', { name: 'New customer' })).toBeHidden();

  // Ctrl+K, and / outside a field, come back to the search from anywhere.
  await page.keyboard.press('Control+n');
  await expect(page.getByLabel('First name', { exact: true })).toBeFocused();
  await page.keyboard.press('Control+k');
  await expect(search).toBeFocused();
  // A spot of the header with nothing on it (its middle moves with the width of the language names).
  await page.getByRole('banner').click({ position: { x: 4, y: 4 } });
  await expect(search).not.toBeFocused();
  await page.keyboard.press('/');
  await expect(search).toBeFocused();
  await expect(search).toHaveValue('');

  // Arrows move the selection through the results, Enter opens the selected one.
  for (const [firstName, lastName, email] of [
    ['Amina', 'Berrada', 'amina@example.com'],
    ['Amine', 'Bennani', 'amine@example.com'],
    ['Zoé', 'Ambre', 'zoe@example.com'],
  ] as const) {
    await callHost(request, host, 'customers.create', {
      customerData: { firstName, lastName, email, phoneNumber: '+212 600 000 001', dateOfBirth: '1985-03-04', sex: 'female' },
    });
  }
  await search.fill('amin');
  const options = results(page);
  await expect(options).toHaveCount(2);
  await expect(options.nth(0)).toHaveAttribute('aria-selected', 'true');
  await search.press('ArrowDown');
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(options.nth(0)).toHaveAttribute('aria-selected', 'false');
  await expect(search).toHaveAttribute('aria-activedescendant', (await options.nth(1).getAttribute('id')) ?? 'missing');
  const second = (await options.nth(1).textContent()) ?? '';
  await search.press('Enter');
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toBeVisible();
  expect(second).toContain((await heading.textContent()) ?? 'missing');

  // Esc comes back to the same search with the opened customer still selected (review 7), not the first row.
  await page.keyboard.press('Escape');
  await expect(search).toHaveValue('amin');
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(options.nth(0)).toHaveAttribute('aria-selected', 'false');

  // Accent-insensitive search finds Zoé from "zoe".
  await search.fill('zoe');
  await expect(results(page).filter({ hasText: /Zoé Ambre/ })).toBeVisible();
  await expect(page.getByTestId('result-count')).toHaveText('1 match');

  // A paste longer than a search can be stops at the search's limit (200) instead of failing the list (review 7).
  await search.fill('');
  await search.focus();
  await page.keyboard.insertText(`zoe ${'x'.repeat(250)}`);
  await expect(search).toHaveValue(`zoe ${'x'.repeat(196)}`);
  await expect(page.getByTestId('result-count')).toHaveText('0 matches');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a long list is virtualised and loads further pages as it scrolls', async ({ page, host, request }) => {
  // Over two pages of 50.
  const total = 110;
  for (let i = 0; i < total; i++) {
    const n = String(i).padStart(3, '0');
    await callHost(request, host, 'customers.create', {
      customerData: { firstName: `Client${n}`, lastName: 'Listing', email: `client${n}@example.com`, phoneNumber: `+1 555 100 ${n}`, dateOfBirth: '1970-01-01', sex: i % 2 ? 'male' : 'female' },
    });
  }
  const search = searchBox(page);
  await search.fill('listing');
  await expect(page.getByTestId('result-count')).toHaveText(`${total} matches`);
  // Only the rows on screen (plus a few) are in the page, not all 130.
  const rendered = await results(page).count();
  expect(rendered).toBeGreaterThan(5);
  expect(rendered).toBeLessThan(60);

  // Holding PageDown walks to the end; the later pages load on the way. Equally good matches come
  // most recently seen first (issue 12), so the first created is the last.
  const last = results(page).filter({ hasText: /Client000 Listing/ });
  await expect(async () => {
    await search.press('PageDown');
    await expect(last).toHaveAttribute('aria-selected', 'true', { timeout: 250 });
  }).toPass({ timeout: 20_000 });
  await expect(last).toBeInViewport();

  // Opening it and coming back with Esc finds it still selected and on screen, far down the list (review 7).
  await search.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: /Client000 Listing/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(last).toHaveAttribute('aria-selected', 'true');
  await expect(last).toBeInViewport();

  // A save while they are open makes them the most recently seen: coming back, they are still the
  // one selected, at the top now, and on screen (review 8: the list stayed scrolled to their old place).
  await search.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: /Client000 Listing/ })).toBeVisible();
  const [client000] = (await callHost(request, host, 'customers.list', { search: 'client000@example.com' })).data;
  await callHost(request, host, 'customers.update', { id: client000!.id, customerData: { phoneNumber: '+1 555 199 000' } });
  await page.keyboard.press('Escape');
  await expect(last).toHaveAttribute('aria-posinset', '1');
  await expect(last).toHaveAttribute('aria-selected', 'true');
  await expect(last).toBeInViewport();
});

// CI run 21: staff who type a name and press Enter before the first results came (a fresh sign-in:
// no earlier results to show meanwhile) got nothing opened. Held back here, the answer comes after the Enter.
test('Enter pressed before a search’s first results arrive opens the first of them when they do', async ({ page, host, request }) => {
  await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Layla', lastName: 'Hassan', email: 'layla@example.com', phoneNumber: '+1-555-0199', dateOfBirth: '1992-05-12', sex: 'female' },
  });
  await page.reload();
  await page.route('**/api/customers.list', async (route) => {
    await new Promise((r) => setTimeout(r, 600));
    await route.continue();
  });
  await searchBox(page).fill('layla');
  await searchBox(page).press('Enter');
  await expect(page.getByRole('heading', { name: 'Layla Hassan' })).toBeVisible();
});

test('a shortcut or a name typed the moment the counter appears is not lost, on a PC too slow to finish its first render at once', async ({ page }) => {
  // The project's CI lost a Ctrl+N pressed as the counter appeared, before React's after-paint work.
  await slowAfterPaint(page);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await page.keyboard.press('Control+n');
  // A name typed at once lands in the form's first field (review 34: its focus came after the paint).
  await page.keyboard.type('Ann');
  await expect(page.getByRole('heading', { name: 'New customer' })).toBeVisible();
  await expect(page.getByLabel('First name', { exact: true })).toBeFocused();
  await expect(page.getByLabel('First name', { exact: true })).toHaveValue('Ann');

  // A name typed as soon as the search shows lands in the search box.
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: 'Discard changes?' }).getByRole('button', { name: 'Discard' }).click();
  await page.reload();
  await expect(searchBox(page)).toBeVisible();
  await page.keyboard.type('zz');
  await expect(searchBox(page)).toHaveValue('zz');
});

// Review 35: with no form on screen, Ctrl+S was the browser's own "Save page as" (the search, a customer loading).
test('Ctrl+S never opens the browser’s own “save the page”, whatever the screen', async ({ page }) => {
  await expect(searchBox(page)).toBeFocused();
  await page.evaluate(() => {
    const seen: boolean[] = ((window as unknown as { savesKept: boolean[] }).savesKept = []);
    // Added after the app's own listeners on the window: it sees what they did with the key.
    window.addEventListener('keydown', (e) => {
      if (e.ctrlKey && e.key === 's') seen.push(e.defaultPrevented);
    });
  });
  await page.keyboard.press('Control+s');
  await page.getByRole('banner').click({ position: { x: 4, y: 4 } });
  await page.keyboard.press('Control+s');
  expect(await page.evaluate(() => (window as unknown as { savesKept: boolean[] }).savesKept)).toEqual([true, true]);
});

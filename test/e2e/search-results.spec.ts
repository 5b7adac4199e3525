import { callHost, expect, results, searchBox, shot, test } from './fixtures';

// A typical counter PC's screen: every column of a result must fit.
test.use({ viewport: { width: 1366, height: 768 } });

/** Whole years between a date of birth and today, as the row shows them. */
function yearsOld(dob: string): number {
  const [y, m, d] = dob.split('-').map(Number) as [number, number, number];
  const now = new Date();
  return now.getFullYear() - y - (now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d) ? 1 : 0);
}

const leila = (email: string, phoneNumber: string, dateOfBirth: string, city?: string) => ({
  customerData: { firstName: 'Leïla', lastName: 'Alaoui', email, phoneNumber, dateOfBirth, sex: 'female' as const },
  ...(city ? { address: { city } } : {}),
});

test('three namesakes are told apart, and the phone that matched is marked', async ({ page, host, request }) => {
  const a = await callHost(request, host, 'customers.create', leila('l.alaoui@example.com', '+212 661 000 111', '1958-04-07', 'Casablanca'));
  await callHost(request, host, 'customers.create', leila('leila.alaoui@example.com', '+212 662 222 333', '1990-11-30', 'Rabat'));
  await callHost(request, host, 'customers.create', leila('alaoui.l@example.com', '+212 663 444 555', '2001-06-15', 'Fès'));
  await callHost(request, host, 'prescriptions.create', {
    customerId: a.customer.id,
    rx: { kind: 'spectacles', examDate: '2025-04-20', distanceVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-1.25' } } },
  });

  const search = searchBox(page);
  await search.fill('leila alaoui');
  await expect(page.getByTestId('result-count')).toHaveText('3 matches');
  const rows = results(page);
  // Same name, told apart by age and date of birth, phone and city; the latest seen first.
  await expect(rows).toHaveText([
    new RegExp(`Leïla Alaoui${yearsOld('2001-06-15')} yrsBorn Jun 15, 2001\\+212 663 444 555Fès`),
    new RegExp(`Leïla Alaoui${yearsOld('1990-11-30')} yrsBorn Nov 30, 1990\\+212 662 222 333Rabat`),
    new RegExp(`Leïla Alaoui${yearsOld('1958-04-07')} yrsBorn Apr 7, 1958\\+212 661 000 111Casablanca.*Last Rx Apr 20, 2025`),
  ]);
  // The status column is gone: an active customer says nothing about it.
  await expect(rows.first()).not.toContainText('Active');
  // What was typed is marked in the name, accents aside.
  await expect(rows.first().locator('.cell-name mark')).toHaveText(['Leïla', 'Alaoui']);
  await shot(page, 'search-namesakes');

  // A phone typed with other separators finds her, and the digits that matched are marked.
  await search.fill('661-000');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Casablanca');
  await expect(rows.first().locator('mark')).toHaveText(['661 000']);
  await expect(rows.first().locator('.cell-phone')).toHaveText('+212 661 000 111');
  await shot(page, 'search-phone');

  // In French: the same row, in French words and dates.
  await page.getByLabel('Language').selectOption('fr');
  const lignes = page.getByRole('listbox', { name: 'Clients' }).getByRole('option');
  await expect(lignes.first()).toContainText(`${yearsOld('1958-04-07')} ans`);
  await expect(lignes.first()).toContainText('7 avr. 1958');
  await expect(lignes.first()).toContainText('20 avr. 2025');
  await expect(page.locator('.list-head')).toContainText('Dernière ordonnance');
  await page.getByRole('searchbox').fill('leila alaoui');
  await expect(lignes).toHaveCount(3);
  await shot(page, 'search-namesakes-fr');
});

test('"ben" puts Benali and Bennani before Abensour', async ({ page, host, request }) => {
  const person = (firstName: string, lastName: string) => ({
    customerData: { firstName, lastName, email: `${firstName}.${lastName}@example.com`.toLowerCase(), phoneNumber: '+212 600 000 000', dateOfBirth: '1980-01-01', sex: 'male' as const },
  });
  await callHost(request, host, 'customers.create', person('Sara', 'Bennani'));
  await callHost(request, host, 'customers.create', person('Ahmed', 'Benali'));
  // Created last, so it is the most recent: still after the names that start with "ben".
  await callHost(request, host, 'customers.create', person('Yacine', 'Abensour'));

  await searchBox(page).fill('ben');
  await expect(results(page).locator('.cell-name')).toHaveText(['Ahmed Benali', 'Sara Bennani', 'Yacine Abensour']);
  await expect(results(page).last().locator('.cell-name mark')).toHaveText(['ben']);
  await shot(page, 'search-ranked');
  // Enter opens the best match.
  await searchBox(page).press('Enter');
  await expect(page.getByRole('heading', { name: 'Ahmed Benali' })).toBeVisible();
});

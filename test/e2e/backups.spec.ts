import { callHost, expect, OWNER, results, searchBox, signInThroughUi, test, shot } from './fixtures';

const person = (firstName: string, email: string) => ({
  customerData: { firstName, lastName: 'Backup', email, phoneNumber: '+212 600 000 009', dateOfBirth: '1980-01-01', sex: 'male' as const },
});

// After the restore every session is gone: a status poll in flight then is answered 401, as it should.
test.use({ allowedStatuses: [401] });

test('the owner backs up, adds a customer, restores the backup: everyone signs in again and the customer is gone', async ({
  page,
  host,
  request,
}) => {
  await callHost(request, host, 'customers.create', person('Before', 'before@example.com'));

  // ---- back up now ----
  await page.getByRole('navigation', { name: 'Owner’s areas' }).getByRole('button', { name: 'Backups' }).click();
  await expect(page.getByRole('heading', { name: 'Backups', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Back up now' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Backup made: / })).toBeVisible();
  const table = page.getByRole('table', { name: 'Backups' });
  const manual = table.getByRole('row').filter({ hasText: 'Manual' });
  await expect(manual).toHaveCount(1);
  await shot(page, 'backups');

  // ---- a customer added after it ----
  await page.getByRole('navigation', { name: 'Owner’s areas' }).getByRole('button', { name: 'Customers' }).click();
  await page.keyboard.press('Control+n');
  await page.getByLabel('First name', { exact: true }).fill('After');
  await page.getByLabel('Last name', { exact: true }).fill('Backup');
  await page.getByLabel('Email', { exact: true }).fill('after@example.com');
  await page.getByLabel('Phone number', { exact: true }).fill('+212 600 000 010');
  await page.getByLabel('Date of birth', { exact: true }).fill('1985-06-15');
  await page.getByLabel('Sex', { exact: true }).selectOption({ label: 'Female' });
  await page.getByRole('button', { name: 'Create customer' }).click();
  await expect(page.getByRole('heading', { name: 'After Backup' })).toBeVisible();
  await page.keyboard.press('Escape');
  await searchBox(page).fill('backup');
  await expect(results(page)).toHaveCount(2);

  // ---- restore, with a confirmation ----
  await page.getByRole('navigation', { name: 'Owner’s areas' }).getByRole('button', { name: 'Backups' }).click();
  await manual.getByRole('button', { name: /^Restore the backup of / }).click();
  const confirm = page.getByRole('dialog', { name: 'Restore this backup?' });
  await expect(confirm).toContainText('Everyone will have to sign in again.');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await shot(page, 'backups-confirm');
  await confirm.getByRole('button', { name: 'Restore', exact: true }).click();

  // Every session ended: back to the sign-in screen, saying why.
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText(/^The backup of .+ was restored\. Everyone signs in again\.$/);
  await shot(page, 'backups-restored');
  await signInThroughUi(page, OWNER.username, OWNER.password);
  await expect(searchBox(page)).toBeFocused();

  // The customer added after the backup is gone; the one before it is there.
  await searchBox(page).fill('backup');
  await expect(results(page)).toHaveCount(1);
  await expect(results(page)).toContainText('Before Backup');
  await searchBox(page).fill('after');
  await expect(page.getByText('No customer matches “after”')).toBeVisible();

  // The state the restore replaced was kept aside, to undo it with.
  await page.getByRole('navigation', { name: 'Owner’s areas' }).getByRole('button', { name: 'Backups' }).click();
  await expect(table.getByRole('row').filter({ hasText: 'Before a restore' })).toHaveCount(1);
});

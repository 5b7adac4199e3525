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
  // From the keyboard: the focus stays on the button while and after it works.
  const backUpNow = page.getByRole('button', { name: /^(Back up now|Backing up…)$/ });
  await backUpNow.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: /^Backup made: / })).toBeVisible();
  await expect(backUpNow).toBeFocused();
  const table = page.getByRole('table', { name: 'Backups' });
  const manual = table.getByRole('row').filter({ hasText: 'Manual' });
  await expect(manual).toHaveCount(1);
  await expect(table.getByRole('columnheader', { name: 'Customers' })).toBeVisible();
  // Its audit trail, checked when it was made.
  await expect(manual.getByRole('cell').nth(4)).toHaveText('Intact');
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
  // Its customer count, to recognise the state about to come back.
  await expect(confirm).toContainText('It holds 1 customer.');
  await expect(confirm).toContainText('Its audit trail is intact.');
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

test('erasing a customer for good says what happens to backups, and a restore of an older backup does not bring them back', async ({ page, host, request }) => {
  const created = await callHost(request, host, 'customers.create', person('Erased', 'erased@example.com'));
  await callHost(request, host, 'attachments.add', {
    customerId: created.customer.id,
    field: 'prescription',
    fileName: 'scan.pdf',
    bytes: Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64'),
  });
  await callHost(request, host, 'customers.create', person('Kept', 'kept@example.com'));
  const before = await callHost(request, host, 'backup.create', {});

  await searchBox(page).fill('erased');
  await results(page).filter({ hasText: 'Erased Backup' }).click();
  await expect(page.getByRole('heading', { name: 'Erased Backup' })).toBeVisible();
  await page.getByRole('button', { name: 'Erase for good…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Erase this customer for good?' });
  await expect(dialog).toContainText('Backups made before now are not changed');
  await expect(dialog).toContainText('If one of those backups is restored, Erased Backup is erased again straight away, documents included');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await shot(page, 'purge-dialog');
  // Esc cancels, and the keyboard is back on the button that opened it (not lost to the page).
  const eraseButton = page.getByRole('button', { name: 'Erase for good…' });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(eraseButton).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Erase for good', exact: true }).click();
  await expect(searchBox(page)).toBeVisible();

  // The owner restores the backup made before the erasure.
  await page.getByRole('navigation', { name: 'Owner’s areas' }).getByRole('button', { name: 'Backups' }).click();
  await page
    .getByRole('table', { name: 'Backups' })
    .getByRole('row')
    .filter({ has: page.locator(`th[title="${before.name}"]`) })
    .getByRole('button', { name: /^Restore the backup of / })
    .click();
  const confirm = page.getByRole('dialog', { name: 'Restore this backup?' });
  await expect(confirm).toContainText('It holds 2 customers.');
  await confirm.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await signInThroughUi(page, OWNER.username, OWNER.password);

  await searchBox(page).fill('backup');
  await expect(results(page)).toHaveCount(1);
  await expect(results(page)).toContainText('Kept Backup');
  await searchBox(page).fill('erased');
  await expect(page.getByText('No customer matches “erased”')).toBeVisible();
});

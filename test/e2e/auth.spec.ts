import {
  callFromPage,
  callHost,
  expect,
  OWNER,
  postHost,
  results,
  searchBox,
  signInThroughUi,
  signOutThroughUi,
  test,
  shot,
} from './fixtures';

const SAM = { username: 'sam', displayName: 'Sam Staff', password: 'sam-password-22', pin: '1357' } as const;

test.describe('a fresh install', () => {
  test.use({ account: 'none', allowedStatuses: [401] });

  test('first start asks for the owner account, shows the recovery code once, then signs in; sign-out and sign-in', async ({ page }) => {
    const form = page.getByRole('form', { name: 'Create the owner account' });
    await expect(form).toBeVisible();
    await expect(page.getByLabel('Username', { exact: true })).toBeFocused();
    // Nothing else is reachable before the owner exists.
    await expect(searchBox(page)).toHaveCount(0);

    // The rules are checked before asking the core, in the staff's language.
    await form.getByRole('button', { name: 'Create the owner account' }).click();
    await expect(page.getByRole('alert')).toContainText('Please correct the highlighted fields');
    await expect(page.getByLabel('Username', { exact: true })).toHaveAccessibleDescription('Username is required');
    await expect(page.getByLabel('Username', { exact: true })).toBeFocused();
    await page.getByLabel('Username', { exact: true }).fill(OWNER.username);
    await page.getByLabel('Display name', { exact: true }).fill(OWNER.displayName);
    await page.getByLabel('Password', { exact: true }).fill('too short');
    await page.getByLabel('PIN (optional)', { exact: true }).fill('12');
    await form.getByRole('button', { name: 'Create the owner account' }).click();
    await expect(page.getByLabel('Password', { exact: true })).toHaveAccessibleDescription(/Password must be at least 10 characters/);
    await expect(page.getByLabel('PIN (optional)', { exact: true })).toHaveAccessibleDescription(/PIN must be 4 to 8 digits/);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Confirm password', { exact: true }).fill(`${OWNER.password}x`);
    await page.getByLabel('PIN (optional)', { exact: true }).fill(OWNER.pin);
    await form.getByRole('button', { name: 'Create the owner account' }).click();
    await expect(page.getByLabel('Confirm password', { exact: true })).toHaveAccessibleDescription('The two passwords differ');
    await page.getByLabel('Confirm password', { exact: true }).fill(OWNER.password);
    await shot(page, 'auth-setup');
    await form.getByRole('button', { name: 'Create the owner account' }).click();

    // The recovery code is shown once first (issue 12 item 12; its own flows: recovery.spec.ts).
    await expect(page.getByRole('heading', { name: 'Your recovery code' })).toBeVisible();
    await page.getByLabel('I have printed or saved my recovery code').check();
    await page.getByRole('button', { name: 'Continue to OptiCounter' }).click();

    // Then in: the counter, with the owner in the header and the owner's areas.
    await expect(searchBox(page)).toBeFocused();
    const header = page.getByRole('banner');
    await expect(header).toContainText('Olivia Owner');
    await expect(header).toContainText('Owner');
    const nav = page.getByRole('navigation', { name: 'Owner’s areas' });
    for (const area of ['Customers', 'Staff', 'Settings', 'Backups']) await expect(nav.getByRole('button', { name: area })).toBeVisible();

    // The session survives a reload of the tab.
    await page.reload();
    await expect(searchBox(page)).toBeFocused();

    // Sign out: the sign-in screen, and a reload does not bring the session back.
    await signOutThroughUi(page);
    await expect(page.getByRole('status')).toHaveText('You are signed out.');
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await expect(page.getByLabel('Username', { exact: true })).toBeFocused();

    // One message for every bad credential, never which part was wrong.
    await signInThroughUi(page, OWNER.username, 'not-the-password');
    await expect(page.getByRole('alert')).toHaveText('Wrong username or password');
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
    await expect(page.getByLabel('Password', { exact: true })).toBeFocused();
    await page.getByLabel('Username', { exact: true }).fill('nobody-here');
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('alert')).toHaveText('Wrong username or password');
    await shot(page, 'auth-sign-in');

    await signInThroughUi(page, OWNER.username, OWNER.password);
    await expect(searchBox(page)).toBeFocused();
    await expect(page.getByRole('banner')).toContainText('Olivia Owner');
  });
});

test.describe('staff', () => {
  // A wrong password (401), a staff member calling an owner's channel (403).
  test.use({ allowedStatuses: [401, 403] });

  test('the owner adds a staff member, who signs in, does not see the owner’s actions and is refused when calling them', async ({
    page,
    host,
    request,
  }) => {
    const layla = await callHost(request, host, 'customers.create', {
      customerData: { firstName: 'Layla', lastName: 'Hassan', email: 'layla@example.com', phoneNumber: '+1-555-0199', dateOfBirth: '1992-05-12', sex: 'female' },
    });

    // ---- the owner adds Sam ----
    await page.getByRole('navigation', { name: 'Owner’s areas' }).getByRole('button', { name: 'Staff' }).click();
    await expect(page.getByRole('heading', { name: 'Staff', level: 1 })).toBeVisible();
    const table = page.getByRole('table', { name: 'Staff' });
    await expect(table.getByRole('row', { name: /Olivia Owner/ })).toContainText('you');

    await page.getByRole('button', { name: 'Add staff member…' }).click();
    const add = page.getByRole('dialog', { name: 'Add a staff member' });
    await expect(add.getByLabel('Username', { exact: true })).toBeFocused();
    await add.getByLabel('Username', { exact: true }).fill(SAM.username);
    await add.getByLabel('Display name', { exact: true }).fill(SAM.displayName);
    await expect(add.getByLabel('Role', { exact: true })).toHaveValue('staff');
    await add.getByLabel('Password', { exact: true }).fill(SAM.password);
    await add.getByLabel('Confirm password', { exact: true }).fill(SAM.password);
    await add.getByLabel('PIN (optional)', { exact: true }).fill(SAM.pin);
    await shot(page, 'staff-add');
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(add).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: 'Sam Staff added' })).toBeVisible();
    const samRow = table.getByRole('row', { name: /Sam Staff/ });
    await expect(samRow.getByRole('cell')).toHaveText(['sam', 'Staff', 'Set', 'Active', /\d/, /Edit…/]);

    // A username is taken whatever its case: said on the field.
    await page.getByRole('button', { name: 'Add staff member…' }).click();
    await add.getByLabel('Username', { exact: true }).fill('SAM');
    await add.getByLabel('Display name', { exact: true }).fill('Another Sam');
    await add.getByLabel('Password', { exact: true }).fill(SAM.password);
    await add.getByLabel('Confirm password', { exact: true }).fill(SAM.password);
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(add.getByLabel('Username', { exact: true })).toHaveAccessibleDescription('This username is taken');
    await add.getByRole('button', { name: 'Cancel' }).click();
    await expect(add).toBeHidden();
    await shot(page, 'staff-list');

    // ---- Sam signs in ----
    await signOutThroughUi(page);
    await signInThroughUi(page, SAM.username, 'sam-wrong-password');
    await expect(page.getByRole('alert')).toHaveText('Wrong username or password');
    await signInThroughUi(page, SAM.username, SAM.password);
    await expect(searchBox(page)).toBeFocused();
    const header = page.getByRole('banner');
    await expect(header).toContainText('Sam Staff');
    await expect(header).toContainText('Staff');
    await expect(header.getByRole('button', { name: 'Lock' })).toBeVisible();

    // No owner's areas, no owner's actions on a customer.
    await expect(page.getByRole('navigation', { name: 'Owner’s areas' })).toHaveCount(0);
    await expect(header.getByRole('button', { name: 'Backups' })).toHaveCount(0);
    await searchBox(page).fill('layla');
    await expect(results(page)).toHaveCount(1);
    await searchBox(page).press('Enter');
    await expect(page.getByRole('heading', { name: 'Layla Hassan' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Delete…' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Export data' })).toHaveCount(0);
    // What staff do is still there: edit, prescriptions, documents, history.
    await expect(page.getByRole('tab')).toHaveText(['Details', 'Prescription', 'Documents', 'History']);
    await page.getByLabel('Phone number', { exact: true }).fill('+1-555-2222');
    await page.keyboard.press('Control+s');
    await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    await shot(page, 'staff-customer');
    // Staff see a customer's history, their own changes in it.
    await page.getByRole('tab', { name: 'History' }).click();
    const edited = page.getByRole('region', { name: 'Change history' }).getByRole('listitem', { name: 'Details edited' });
    await expect(edited).toContainText('by Sam Staff');
    await expect(edited.getByRole('listitem')).toHaveText(['Phone number: +1-555-0199 → +1-555-2222']);

    // ---- and the core refuses the owner's channels, whatever the page is made to send ----
    const bulk = await callFromPage(page, 'customers.bulkDelete', { ids: [layla.customer.id] });
    expect(bulk.status).toBe(403);
    expect(bulk.body).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });
    for (const [channel, input] of [
      ['customers.delete', { id: layla.customer.id }],
      ['customers.export', { id: layla.customer.id }],
      ['staff.list', {}],
      ['staff.create', { username: 'mallory', displayName: 'Mallory', password: 'mallory-password', role: 'owner' }],
      ['settings.setAutoLock', { minutes: 240 }],
      ['backup.list', {}],
      ['backup.restore', { name: 'anything' }],
      // The history of anything but customers, prescriptions and documents is the owner's.
      ['audit.list', { entity: 'staff' }],
    ] as const) {
      const answer = await callFromPage(page, channel, input);
      expect(answer.status, channel).toBe(403);
      expect(answer.body, channel).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });
    }
    // Layla is still there.
    await page.keyboard.press('Escape');
    await expect(results(page)).toHaveCount(1);

    // Without any session, nothing but the way in answers.
    const anonymous = await postHost(request, host, 'customers.list', {}, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ ok: false, error: { code: 'auth.required' } });
  });
});

test.describe('staff accounts', () => {
  // Refusals provoked on purpose: the last owner (403), a disabled account signing in (401).
  test.use({ allowedStatuses: [401, 403] });

  test('the owner renames a staff member, clears their PIN, resets their password and disables them; the last owner stays one', async ({
    page,
    host,
    request,
  }) => {
    await callHost(request, host, 'staff.create', { ...SAM, role: 'staff' });
    await page.getByRole('navigation', { name: 'Owner’s areas' }).getByRole('button', { name: 'Staff' }).click();
    const table = page.getByRole('table', { name: 'Staff' });
    await expect(table.getByRole('row', { name: /Sam Staff/ })).toContainText('Set');

    // ---- rename, and take the PIN away ----
    await page.getByRole('button', { name: 'Edit Sam Staff' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Sam Staff' });
    await expect(edit).toContainText('Username: sam');
    await edit.getByLabel('Display name', { exact: true }).fill('Samir Staff');
    await edit.getByLabel('Remove the PIN').check();
    await expect(edit.getByLabel('New PIN', { exact: true })).toBeDisabled();
    await edit.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(edit).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: 'Samir Staff saved' })).toBeVisible();
    const samir = table.getByRole('row', { name: /Samir Staff/ });
    await expect(samir.getByRole('cell').nth(2)).toHaveText('Not set');

    // ---- the only owner cannot make themselves staff ----
    await page.getByRole('button', { name: 'Edit Olivia Owner' }).click();
    const self = page.getByRole('dialog', { name: 'Edit Olivia Owner' });
    await self.getByLabel('Role', { exact: true }).selectOption('staff');
    await self.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(self.getByRole('alert')).toHaveText('The store must keep at least one active owner.');
    await self.getByRole('button', { name: 'Cancel' }).click();
    await expect(table.getByRole('row', { name: /Olivia Owner/ })).toContainText('Owner');

    // ---- a new password ----
    await page.getByRole('button', { name: 'Reset password for Samir Staff' }).click();
    const reset = page.getByRole('dialog', { name: 'Reset the password of Samir Staff' });
    await expect(reset).toContainText('Samir Staff will be signed out everywhere');
    await reset.getByLabel('New password', { exact: true }).fill('samir-new-password');
    await reset.getByLabel('Confirm password', { exact: true }).fill('samir-new-password');
    await reset.getByRole('button', { name: 'Reset password' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Password of Samir Staff reset' })).toBeVisible();

    // ---- disabled, after a confirmation ----
    await page.getByRole('button', { name: 'Disable Samir Staff' }).click();
    const disable = page.getByRole('dialog', { name: 'Disable Samir Staff?' });
    await expect(disable.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await disable.getByRole('button', { name: 'Disable', exact: true }).click();
    await expect(disable).toBeHidden();
    await expect(samir).toContainText('Disabled');
    await expect(samir.getByRole('button')).toHaveCount(0);
    // Nobody can disable their own account: the button is not even there.
    await expect(page.getByRole('button', { name: 'Disable Olivia Owner' })).toHaveCount(0);
    await shot(page, 'staff-edited');

    // A disabled account signs in no more, with the same message as any bad credential.
    await signOutThroughUi(page);
    await signInThroughUi(page, SAM.username, 'samir-new-password');
    await expect(page.getByRole('alert')).toHaveText('Wrong username or password');
  });
});

test.describe('the rate limit', () => {
  test.use({ allowedStatuses: [401, 429] });

  test('five wrong passwords in a minute make sign-in wait, and say how long', async ({ page }) => {
    await signOutThroughUi(page);
    for (let i = 0; i < 5; i++) {
      await signInThroughUi(page, OWNER.username, `wrong-password-${i}`);
      await expect(page.getByRole('alert')).toHaveText('Wrong username or password');
    }
    // The sixth is not even checked: the right password waits too.
    await signInThroughUi(page, OWNER.username, OWNER.password);
    await expect(page.getByRole('alert')).toHaveText(/^Too many attempts\. Wait \d+ seconds and try again\.$/);
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeDisabled();
    await shot(page, 'auth-rate-limited');
  });
});

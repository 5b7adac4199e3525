import type { Page } from '@playwright/test';
import { OWNER, callHost, expect, searchBox, shot, signInThroughUi, signOutThroughUi, test } from './fixtures';

/*
 * Issue 12 item 10: focus goes back to the field after "Keep editing" and after unlocking (the next Tab
 * used to land on Lock / Sign out); a Customers button in the header for every role; a colleague
 * takes over the lock screen with their PIN (their tile), unsaved changes asked about as at sign-out.
 */

const SAM = { username: 'sam', displayName: 'Sam Staff', password: 'sam-password-22', pin: '1357' } as const;

const en = {
  lang: 'en',
  firstName: 'First name',
  lastName: 'Last name',
  staffNav: 'Staff',
  customers: 'Customers',
  recalls: 'Recalls',
  lock: 'Lock',
  locked: 'Screen locked',
  pin: 'PIN',
  unlock: 'Unlock',
  discardTitle: 'Discard changes?',
  keep: 'Keep editing',
  discard: 'Discard',
  someoneElse: 'Someone else at the counter?',
  pinOf: `PIN of ${SAM.displayName}`,
  switchTo: `Continue as ${SAM.displayName}`,
  wrongPin: 'Wrong PIN',
  back: `Back to ${OWNER.displayName}`,
  areas: 'Areas',
};
const fr: typeof en = {
  lang: 'fr',
  firstName: 'Prénom',
  lastName: 'Nom',
  staffNav: 'Équipe',
  customers: 'Clients',
  recalls: 'Rappels',
  lock: 'Verrouiller',
  locked: 'Écran verrouillé',
  pin: 'Code PIN',
  unlock: 'Déverrouiller',
  discardTitle: 'Abandonner les modifications ?',
  keep: 'Continuer la saisie',
  discard: 'Abandonner',
  someoneElse: 'Quelqu’un d’autre au comptoir ?',
  pinOf: `Code PIN de ${SAM.displayName}`,
  switchTo: `Continuer en tant que ${SAM.displayName}`,
  wrongPin: 'Code PIN incorrect',
  back: `Revenir à ${OWNER.displayName}`,
  areas: 'Rubriques',
};

async function chooseLanguage(page: Page, lang: string) {
  await page.locator('.language select').first().selectOption(lang);
}

// A wrong PIN is a 401; a locked session's calls are 423s.
test.use({ allowedStatuses: [401, 423] });

for (const L of [en, fr]) {
  test(`focus returns to the field after "Keep editing" and after unlocking (${L.lang})`, async ({ page }) => {
    await chooseLanguage(page, L.lang);
    await page.keyboard.press('Control+n');
    const firstName = page.getByLabel(L.firstName, { exact: true });
    await expect(firstName).toBeFocused();
    await page.keyboard.type('Half');

    // The owner clicks another area with the form half typed: asked, keeps editing, is back in the field.
    await page.getByRole('banner').getByRole('button', { name: L.staffNav }).click();
    const ask = page.getByRole('dialog', { name: L.discardTitle });
    await ask.getByRole('button', { name: L.keep }).click();
    await expect(ask).toBeHidden();
    await expect(firstName).toBeFocused();
    await page.keyboard.type(' more');
    await expect(firstName).toHaveValue('Half more');
    // The next Tab goes on through the form, not to the header.
    await page.keyboard.press('Tab');
    await expect(page.getByLabel(L.lastName, { exact: true })).toBeFocused();
    await page.keyboard.type('Way');

    // Locked with the Lock button, unlocked with the PIN: back in the field where the typing was.
    await page.getByRole('banner').getByRole('button', { name: L.lock }).click();
    const lock = page.getByRole('dialog', { name: L.locked });
    await lock.getByLabel(L.pin, { exact: true }).fill(OWNER.pin);
    await lock.getByRole('button', { name: L.unlock }).click();
    await expect(lock).toBeHidden();
    await expect(page.getByLabel(L.lastName, { exact: true })).toBeFocused();
    await expect(page.getByLabel(L.lastName, { exact: true })).toHaveValue('Way');
    await shot(page, `lock-${L.lang}-focus-back`);
  });

  test(`a colleague takes over the lock screen with their PIN; unsaved changes are asked about first (${L.lang})`, async ({ page, host, request }) => {
    await callHost(request, host, 'staff.create', { ...SAM, role: 'staff' });
    await chooseLanguage(page, L.lang);
    await page.keyboard.press('Control+n');
    await page.keyboard.type('Unsaved');
    await page.getByRole('banner').getByRole('button', { name: L.lock }).click();
    const lock = page.getByRole('dialog', { name: L.locked });
    const tiles = lock.getByRole('group', { name: L.someoneElse });
    // The colleagues with a PIN, by display name; not the signed-in owner.
    await expect(tiles.getByRole('button')).toHaveText([SAM.displayName]);
    await shot(page, `lock-${L.lang}-tiles`);

    // Picking a colleague ends this session once their PIN is right: the owner's unsaved typing is asked about first.
    await tiles.getByRole('button', { name: SAM.displayName }).click();
    const ask = page.getByRole('dialog', { name: L.discardTitle });
    await expect(ask).toBeVisible();
    await shot(page, `lock-${L.lang}-switch-unsaved`);
    await ask.getByRole('button', { name: L.keep }).click();
    // Kept: still the owner's own PIN, the tile has the focus back.
    await expect(lock.getByLabel(L.pin, { exact: true })).toBeVisible();
    await expect(tiles.getByRole('button', { name: SAM.displayName })).toBeFocused();
    await tiles.getByRole('button', { name: SAM.displayName }).click();
    await ask.getByRole('button', { name: L.discard }).click();
    const pin = lock.getByLabel(L.pinOf, { exact: true });
    await expect(pin).toBeFocused();
    await pin.fill('0000');
    await lock.getByRole('button', { name: L.switchTo }).click();
    await expect(lock.getByRole('alert')).toHaveText(L.wrongPin);
    await shot(page, `lock-${L.lang}-switch-wrong-pin`);
    // A wrong PIN changed nothing: back to the owner's own PIN, the typing still there.
    await lock.getByRole('button', { name: L.back }).click();
    await expect(lock.getByLabel(L.pin, { exact: true })).toBeFocused();
    await tiles.getByRole('button', { name: SAM.displayName }).click();
    await ask.getByRole('button', { name: L.discard }).click();
    await lock.getByLabel(L.pinOf, { exact: true }).fill(SAM.pin);
    await lock.getByRole('button', { name: L.switchTo }).click();

    // Sam is signed in, on a fresh counter; the owner's session is over.
    await expect(lock).toBeHidden();
    const header = page.getByRole('banner');
    await expect(header).toContainText(SAM.displayName);
    await expect(page.getByRole('searchbox')).toBeFocused();
    await expect(page.getByText('Unsaved')).toHaveCount(0);
    // Staff have the way home too: Customers, in the header, and their Recalls (issue 13).
    await expect(header.getByRole('navigation', { name: L.areas }).getByRole('button')).toHaveText([L.customers, L.recalls]);
    await shot(page, `lock-${L.lang}-switched`);
  });
}

test('the Customers button takes staff home from a customer (en)', async ({ page, host, request }) => {
  await callHost(request, host, 'staff.create', { ...SAM, role: 'staff' });
  await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Layla', lastName: 'Hassan', email: 'layla@example.com', phoneNumber: '+1-555-0199', dateOfBirth: '1992-05-12', sex: 'female' },
  });
  await signOutThroughUi(page);
  await signInThroughUi(page, SAM.username, SAM.password);
  await searchBox(page).fill('layla');
  await searchBox(page).press('Enter');
  await expect(page.getByRole('heading', { name: 'Layla Hassan' })).toBeVisible();
  await page.getByRole('banner').getByRole('navigation', { name: 'Areas' }).getByRole('button', { name: 'Customers' }).click();
  await expect(searchBox(page)).toBeVisible();
});

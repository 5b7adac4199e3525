import { expectAccessible } from './axe';
import { callHost, expect, test, shot } from './fixtures';
import type { Page } from '@playwright/test';

/*
 * Issue 13, item 3: the owner finds a pair on "Possible duplicates", merges it side by side taking a
 * field from the other customer, and undoes it; in English, in French, and a glance in Arabic.
 */

// The counter PCs' screen.
test.use({ viewport: { width: 1366, height: 768 } });

const STORE = { name: 'Optique Atlas', address: '', phone: '', registrationNumber: '', country: 'FR', logo: null, rxExpiryMonths: { spectacles: 24, contacts: 12 } } as const;
const RX = { kind: 'spectacles', examDate: '2025-06-01', distanceVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-1.25' } } } as const;

async function twoLeilas(request: Parameters<typeof callHost>[0], host: Parameters<typeof callHost>[1]) {
  await callHost(request, host, 'settings.setStore', STORE);
  const a = await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Leïla', lastName: 'Alaoui', email: 'leila@example.fr', phoneNumber: '06 12 34 56 78', dateOfBirth: '1958-04-07', sex: 'female' },
    address: { street: '12 rue Haute', city: 'Lyon', zipCode: '69001' },
  });
  const b = await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Leila', lastName: 'Alaoui', email: 'l.alaoui@example.fr', phoneNumber: '+33 6 12 34 56 78', dateOfBirth: '1958-04-07', sex: 'female' },
  });
  await callHost(request, host, 'prescriptions.create', { customerId: b.customer.id, rx: RX });
  // Someone else entirely, so the list is not only the pair.
  await callHost(request, host, 'customers.create', { customerData: { firstName: 'Paul', lastName: 'Durand', email: 'paul@example.fr', phoneNumber: '07 00 00 00 01', dateOfBirth: '1970-01-01', sex: 'male' } });
  return { a: a.customer.id, b: b.customer.id };
}

async function openDuplicates(page: Page, nav: string, title: string) {
  await page.getByRole('navigation', { name: nav }).getByRole('button', { name: title === 'Possible duplicates' ? 'Duplicates' : 'Doublons' }).click();
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
}

test('the owner finds a pair, merges it choosing a field from the other side, and undoes it', async ({ page, host, request }) => {
  const ids = await twoLeilas(request, host);
  await openDuplicates(page, 'Owner’s areas', 'Possible duplicates');
  const pairs = page.getByRole('table', { name: 'Possible duplicates' });
  await expect(pairs.getByRole('row')).toHaveCount(2);
  await expect(pairs).toContainText('same name and date of birth, same phone');
  await expect(pairs).toContainText('1 prescription(s), 0 document(s)');
  await shot(page, 'duplicates-list');
  await expectAccessible(page, 'duplicates');

  // ---- side by side: keep Leïla (with the address), take the other's email ----
  await pairs.getByRole('button', { name: /^Compare and merge (Leïla Alaoui and Leila Alaoui|Leila Alaoui and Leïla Alaoui)$/ }).click();
  await expect(page.getByRole('heading', { name: 'Merge two customers' })).toBeVisible();
  await page.getByRole('radio', { name: 'Keep Leïla Alaoui' }).check();
  await page.getByRole('radio', { name: 'l.alaoui@example.fr' }).check();
  await expect(page.getByText('Leïla Alaoui is kept; Leila Alaoui is deleted, and their 1 prescription(s) and 0 document(s) move to Leïla Alaoui.')).toBeVisible();
  await shot(page, 'duplicates-merge');
  await expectAccessible(page, 'merge side by side');
  await page.getByRole('button', { name: 'Merge…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Merge these customers?' });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Merge', exact: true }).click();

  await expect(page.getByRole('status').filter({ hasText: 'Leila Alaoui was merged into Leïla Alaoui.' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Undo', exact: true })).toBeVisible();
  await expect(page.getByText('No possible duplicates.')).toBeVisible();
  const past = page.getByRole('table', { name: 'Past merges' });
  await expect(past.getByRole('row')).toHaveCount(2);
  const kept = await callHost(request, host, 'customers.get', { id: ids.a });
  expect(kept.localData).toMatchObject({ firstName: 'Leïla', email: 'l.alaoui@example.fr' });
  expect(kept.address).toMatchObject({ city: 'Lyon' });
  expect(await callHost(request, host, 'prescriptions.list', { customerId: ids.a })).toHaveLength(1);
  await shot(page, 'duplicates-merged');

  // ---- the kept customer's History tells the merge, and holds the other's own history ----
  await past.getByRole('button', { name: 'Leïla Alaoui', exact: true }).click();
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByText('Merged with Leila Alaoui (their prescriptions, documents and history moved here)')).toBeVisible();
  await expect(page.getByText('Customer created')).toHaveCount(2);
  await shot(page, 'duplicates-history');
  await openDuplicates(page, 'Owner’s areas', 'Possible duplicates');

  // ---- undo ----
  // From the list of past merges (right after a merge, the flash above offers Undo too).
  await past.getByRole('button', { name: 'Undo the merge of Leila Alaoui into Leïla Alaoui' }).click();
  const undo = page.getByRole('dialog', { name: 'Undo this merge?' });
  await undo.getByRole('button', { name: 'Undo the merge' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Undone: Leila Alaoui is back, Leïla Alaoui as before the merge.' })).toBeVisible();
  await expect(past).toContainText('Undone');
  await expect(pairs.getByRole('row')).toHaveCount(2);
  const back = await callHost(request, host, 'customers.get', { id: ids.b });
  expect(back.localData.email).toBe('l.alaoui@example.fr');
  expect((await callHost(request, host, 'customers.get', { id: ids.a })).localData.email).toBe('leila@example.fr');
  await shot(page, 'duplicates-undone');
});

test('in French, and a glance in Arabic', async ({ page, host, request }) => {
  await twoLeilas(request, host);
  await page.getByLabel('Language').selectOption('fr');
  await openDuplicates(page, 'Espaces du gérant', 'Doublons possibles');
  const pairs = page.getByRole('table', { name: 'Doublons possibles' });
  await expect(pairs).toContainText('même nom et même date de naissance, même téléphone');
  await pairs.getByRole('button', { name: /^Comparer et fusionner / }).click();
  await expect(page.getByRole('heading', { name: 'Fusionner deux clients' })).toBeVisible();
  await page.getByRole('radio', { name: 'leila@example.fr' }).check();
  await shot(page, 'duplicates-merge-fr');
  await page.getByRole('button', { name: 'Fusionner…' }).click();
  await page.getByRole('dialog', { name: 'Fusionner ces clients ?' }).getByRole('button', { name: 'Fusionner', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: /a été fusionné\(e\) dans/ })).toBeVisible();
  await shot(page, 'duplicates-merged-fr');
  // Undo from the flash right after the merge ("Défaire": "Annuler" is Cancel in French).
  await page.getByRole('button', { name: 'Défaire', exact: true }).click();
  await page.getByRole('dialog', { name: 'Défaire cette fusion ?' }).getByRole('button', { name: 'Défaire la fusion' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Fusion défaite : / })).toBeVisible();
  await expect(pairs.getByRole('row')).toHaveCount(2);

  await page.getByLabel('Langue').selectOption('ar');
  await expect(page.getByRole('heading', { name: 'زبائن مكررون محتملون', level: 1 })).toBeVisible();
  await expect(page.getByRole('table', { name: 'عمليات دمج سابقة' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'زبائن مكررون محتملون' })).toContainText('نفس الاسم وتاريخ الميلاد');
  // What was said in French is said again in Arabic.
  await expect(page.getByRole('status').filter({ hasText: 'تم التراجع' })).toBeVisible();
  await page.getByRole('button', { name: /^قارن وادمج / }).click();
  await expect(page.getByRole('heading', { name: 'دمج زبونين' })).toBeVisible();
  await shot(page, 'duplicates-merge-ar');
  await expectAccessible(page, 'merge side by side (ar)');
  await shot(page, 'duplicates-ar');
  await expectAccessible(page, 'duplicates (ar)');
});

test('a pair merged elsewhere meanwhile says who is gone and the list is read again; an older merge of a chain says which to undo first', async ({ page, host, request }) => {
  const ids = await twoLeilas(request, host);
  await openDuplicates(page, 'Owner’s areas', 'Possible duplicates');
  const pairs = page.getByRole('table', { name: 'Possible duplicates' });
  await pairs.getByRole('button', { name: /^Compare and merge / }).click();
  await expect(page.getByRole('heading', { name: 'Merge two customers' })).toBeVisible();
  // Another PC (or tab) merges the same pair meanwhile.
  await callHost(request, host, 'customers.merge', { keepId: ids.a, mergeId: ids.b });
  await page.getByRole('button', { name: 'Merge…' }).click();
  await page.getByRole('dialog', { name: 'Merge these customers?' }).getByRole('button', { name: 'Merge', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Possible duplicates', level: 1 })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('Leila Alaoui no longer exists: merged or deleted meanwhile, on this or another computer. The list below is up to date again');
  await expect(page.getByText('No possible duplicates.')).toBeVisible();
  await shot(page, 'duplicates-stale');

  // A chain: Leïla merged into Paul, then Paul into Paula: the older merge waits for the newer's undo.
  const paul = (await callHost(request, host, 'customers.list', { search: 'Durand' })).data[0]!.id;
  const paula = await callHost(request, host, 'customers.create', { customerData: { firstName: 'Paula', lastName: 'Durand', email: 'paula@example.fr', phoneNumber: '07 00 00 00 02', dateOfBirth: '1970-01-01', sex: 'female' } });
  await callHost(request, host, 'customers.merge', { keepId: paul, mergeId: ids.a });
  await callHost(request, host, 'customers.merge', { keepId: paula.customer.id, mergeId: paul });
  await page.reload();
  await openDuplicates(page, 'Owner’s areas', 'Possible duplicates');
  const past = page.getByRole('table', { name: 'Past merges' });
  await expect(past).toContainText('Undo the later merge of Paul Durand first');
  await shot(page, 'duplicates-undo-first');
  await page.getByLabel('Language').selectOption('fr');
  await expect(page.getByRole('table', { name: 'Fusions passées' })).toContainText('Défaites d’abord la fusion plus récente de Paul Durand');
  await shot(page, 'duplicates-undo-first-fr');
});

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { callHost, expect, shot, signInThroughUi, signOutThroughUi, test } from './fixtures';

/*
 * Issue 12, the owner's side of items 10 and 11: sync turned off and on again from Settings, the
 * history naming people, a backup copied to a folder the owner picks, a document's type changed and
 * removal kept to the owner. Each in English and in French, at a counter PC's 1366×768.
 */
test.use({ viewport: { width: 1366, height: 768 } });

const STORE = { storeId: 'store-e2e-admin', email: 'owner@store.test', password: 'cloud-password-1' };
type Cloud = {
  url: string;
  addUser(u: { storeId: string; email: string; password: string }): Promise<void>;
  customers(storeId: string): { localData: { lastName: string } }[];
  requestLog(): { method: string; path: string }[];
  clearRequestLog(): void;
  close(): Promise<void>;
};
const CLOUD_MODULE = '../cloud/server';
async function startTestCloud(): Promise<Cloud> {
  const { startCloud } = (await import(CLOUD_MODULE)) as { startCloud(o: object): Promise<Cloud> };
  const cloud = await startCloud({});
  await cloud.addUser(STORE);
  return cloud;
}

const ownersAreas = (page: Page) => page.getByRole('navigation', { name: /^(Owner’s areas|Espaces du gérant)$/ });
const indicator = (page: Page) => page.getByRole('banner').locator('.sync-indicator');
const walkIn = (lastName: string) => ({
  customerData: { firstName: 'Nadia', lastName, email: `${lastName.toLowerCase()}@example.com`, phoneNumber: '+212 600 000 321', dateOfBirth: '1990-02-03', sex: 'female' as const },
});

const SYNC_TEXT = {
  en: { settings: 'Settings', open: 'Sync settings…', off: 'Turn sync off', on: 'Turn sync on', offState: 'Sync turned off', onState: 'Online', turnedOff: 'Sync is off. Changes wait on this computer.' },
  fr: { settings: 'Réglages', open: 'Réglages de synchronisation…', off: 'Couper la synchronisation', on: 'Réactiver la synchronisation', offState: 'Synchro coupée', onState: 'En ligne', turnedOff: 'Synchronisation coupée. Les modifications attendent sur cet ordinateur.' },
} as const;

for (const lang of ['en', 'fr'] as const) {
  test(`${lang}: the owner turns sync off from Settings: nothing reaches the cloud, changes queue; on again, they arrive`, async ({ page, host, request }) => {
    const text = SYNC_TEXT[lang];
    const cloud = await startTestCloud();
    try {
      await callHost(request, host, 'sync.configure', { baseUrl: cloud.url, storeId: STORE.storeId, email: STORE.email, password: STORE.password });
      if (lang === 'fr') await page.getByLabel('Language').selectOption('fr');
      await expect(indicator(page)).toContainText(text.onState);

      // ---- Settings leads to sync: its state, the switch, and the way to its setup ----
      await ownersAreas(page).getByRole('button', { name: text.settings }).click();
      // Issue 12 item 11: the licence's state says "Trial" once, then the days left.
      await expect(page.locator('.licence-panel dd').first()).toHaveText(lang === 'en' ? 'Trial: 14 days left' : 'Essai : 14 jours restants');
      await page.getByRole('button', { name: text.off }).click();
      await expect(page.getByRole('status').filter({ hasText: text.turnedOff })).toBeVisible();
      await expect(indicator(page)).toContainText(text.offState);
      await expect(indicator(page)).not.toContainText(lang === 'en' ? /Offline|error/ : /Hors ligne|Erreur/);
      await shot(page, `admin-sync-off-settings-${lang}`);

      // ---- staff keep working: the changes queue, none is sent ----
      cloud.clearRequestLog();
      await callHost(request, host, 'customers.create', walkIn(`Queued${lang}`));
      await expect(indicator(page)).toContainText(lang === 'en' ? '1 pending' : '1 en attente');
      await page.waitForTimeout(1_500);
      expect(cloud.requestLog()).toEqual([]);

      // ---- the sync screen says why, and turns it on again ----
      await page.getByRole('button', { name: text.open }).click();
      await expect(page.getByTestId('sync-turned-off')).toBeVisible();
      await shot(page, `admin-sync-off-screen-${lang}`);
      await page.getByRole('button', { name: text.on }).click();
      await expect.poll(() => cloud.customers(STORE.storeId).map((c) => c.localData.lastName), { timeout: 10_000 }).toContain(`Queued${lang}`);
      await expect(indicator(page)).toContainText(text.onState);
    } finally {
      await cloud.close();
    }
  });
}

const DOCS_TEXT = {
  en: { docs: 'Documents', history: 'History', type: 'Type of id.png', idCard: 'ID card', saved: '“id.png” is now filed as ID card.', entry: 'Document id.png filed as ID card (was Prescription)', by: 'by Olivia Owner', remove: 'Remove id.png' },
  fr: { docs: 'Documents', history: 'Historique', type: 'Type de id.png', idCard: 'Pièce d’identité', saved: '« id.png » est maintenant classé comme Pièce d’identité.', entry: 'Document id.png classé comme Pièce d’identité (avant : Ordonnance)', by: 'par Olivia Owner', remove: 'Retirer id.png' },
} as const;

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082',
  'hex',
);

/** Finds the one customer matching `name` and opens it (the search box in either language). */
async function openCustomer(page: Page, name: string) {
  const search = page.getByRole('searchbox', { name: /^(Search customers|Rechercher des clients)$/ });
  await search.fill(name);
  await expect(page.getByTestId('result-count')).toHaveText(/^1 /);
  await search.press('Enter');
}

for (const lang of ['en', 'fr'] as const) {
  test(`${lang}: a document's type is changed after upload, the history says who by name; staff see no Remove button`, async ({ page, host, request }) => {
    const text = DOCS_TEXT[lang];
    const { customer } = await callHost(request, host, 'customers.create', walkIn('Docs'));
    await callHost(request, host, 'attachments.add', { customerId: customer.id, field: 'prescription', fileName: 'id.png', bytes: PNG.toString('base64') });
    await callHost(request, host, 'staff.create', { username: 'sam', displayName: 'Sam Staff', password: 'sam-password-1', role: 'staff' });
    if (lang === 'fr') await page.getByLabel('Language').selectOption('fr');

    // ---- the owner files the scan as an ID card ----
    await openCustomer(page, 'docs');
    await page.getByRole('tab', { name: text.docs }).click();
    const docs = page.getByRole('region', { name: text.docs });
    const type = docs.getByRole('combobox', { name: text.type });
    await expect(type).toHaveValue('prescription');
    await type.selectOption('idCard');
    await expect(docs.getByTestId('docs-retype-status')).toHaveText(text.saved);
    await expect(docs.getByRole('button', { name: text.remove })).toBeVisible();
    await shot(page, `admin-docs-owner-${lang}`);

    // ---- the history names the owner by name, not by username ----
    await page.getByRole('tab', { name: text.history }).click();
    const latest = page.locator('.history-item').first();
    await expect(latest).toContainText(text.entry);
    await expect(latest).toContainText(text.by);
    await shot(page, `admin-history-${lang}`);

    // ---- staff: the type can be changed, the document cannot be removed ----
    if (lang === 'en') {
      await signOutThroughUi(page);
      await signInThroughUi(page, 'sam', 'sam-password-1');
    } else {
      await page.getByRole('banner').getByRole('button', { name: 'Se déconnecter' }).click();
      await expect(page.getByRole('heading', { name: 'Connexion' })).toBeVisible();
      await page.locator('input[autocomplete="username"]').fill('sam');
      await page.locator('input[type="password"]').fill('sam-password-1');
      await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    }
    await openCustomer(page, 'docs');
    await page.getByRole('tab', { name: text.docs }).click();
    await expect(docs.getByRole('combobox', { name: text.type })).toHaveValue('idCard');
    await expect(docs.getByRole('button', { name: text.remove })).toHaveCount(0);
    await docs.getByRole('combobox', { name: text.type }).selectOption('other');
    await expect(docs.getByRole('combobox', { name: text.type })).toHaveValue('other');
    await shot(page, `admin-docs-staff-${lang}`);
    await page.getByRole('tab', { name: text.history }).click();
    await expect(page.locator('.history-item').first()).toContainText(lang === 'en' ? 'by Sam Staff' : 'par Sam Staff');
  });
}

const BACKUP_TEXT = {
  en: { backups: 'Backups', create: 'Back up now', copy: /^Copy the backup of /, dialog: 'Copy this backup', folder: 'Folder', choose: 'Choose folder…', typeHint: 'Type or paste the folder’s full path', go: 'Copy', notFound: 'This folder does not exist. Is the USB stick plugged in?', done: /was copied and checked: /, exists: 'A copy of this backup is already in that folder', cancel: 'Cancel' },
  fr: { backups: 'Sauvegardes', create: 'Sauvegarder maintenant', copy: /^Copier la sauvegarde du /, dialog: 'Copier cette sauvegarde', folder: 'Dossier', choose: 'Choisir le dossier…', typeHint: 'Saisissez ou collez le chemin complet du dossier', go: 'Copier', notFound: 'Ce dossier n’existe pas. La clé USB est-elle branchée ?', done: /a été copiée et vérifiée : /, exists: 'Une copie de cette sauvegarde est déjà dans ce dossier', cancel: 'Annuler' },
} as const;

async function copyDialog(page: Page, text: (typeof BACKUP_TEXT)['en' | 'fr']): Promise<Locator> {
  await page.getByRole('button', { name: text.copy }).first().click();
  const dialog = page.getByRole('dialog', { name: text.dialog });
  await expect(dialog).toBeVisible();
  return dialog;
}

for (const lang of ['en', 'fr'] as const) {
  test(`${lang}: the Backups screen says where backups are and copies one to a folder the owner gives (a USB stick)`, async ({ page, host, request }) => {
    const text = BACKUP_TEXT[lang];
    const usb = await mkdtemp(join(tmpdir(), 'opticounter-e2e-usb-'));
    try {
      const made = await callHost(request, host, 'backup.create', {});
      if (lang === 'fr') await page.getByLabel('Language').selectOption('fr');
      await ownersAreas(page).getByRole('button', { name: text.backups }).click();
      await expect(page.getByTestId('backups-folder')).toHaveText(join(host.dataDir, 'backups'));

      // ---- the browser host has no folder dialog: the owner types the path ----
      let dialog = await copyDialog(page, text);
      await dialog.getByRole('button', { name: text.choose }).click();
      await expect(dialog).toContainText(text.typeHint);
      await expect(dialog.getByRole('button', { name: text.choose })).toHaveCount(0);
      await dialog.getByLabel(text.folder, { exact: true }).fill(join(usb, 'not-plugged-in'));
      await dialog.getByRole('button', { name: text.go, exact: true }).click();
      await expect(dialog).toContainText(text.notFound);
      await shot(page, `admin-backup-copy-refused-${lang}`);
      await dialog.getByLabel(text.folder, { exact: true }).fill(usb);
      await dialog.getByRole('button', { name: text.go, exact: true }).click();
      await expect(dialog).toBeHidden();
      await expect(page.getByRole('status').filter({ hasText: text.done })).toBeVisible();
      expect(await readdir(usb)).toEqual([made.name]);
      expect(await readdir(join(usb, made.name))).toContain('backup.json');
      await shot(page, `admin-backup-copied-${lang}`);

      // ---- never over a copy already there ----
      dialog = await copyDialog(page, text);
      await dialog.getByLabel(text.folder, { exact: true }).fill(usb);
      await dialog.getByRole('button', { name: text.go, exact: true }).click();
      await expect(dialog.getByRole('alert')).toContainText(text.exists);
      await dialog.getByRole('button', { name: text.cancel }).click();
      await expect(dialog).toBeHidden();
    } finally {
      await rm(usb, { recursive: true, force: true });
    }
  });
}

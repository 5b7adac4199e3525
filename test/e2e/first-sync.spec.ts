import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectAccessible } from './axe';
import { callHost, expect, results, searchBox, shot, test } from './fixtures';

/*
 * A new PC joining a store (issue 14 item 1) and the cloud's groups (issue 13 item 5), through the
 * screens, against the test cloud with its default rate limit (100 requests a minute, real time):
 * every customer is findable from the list at once, marked "details arriving" until its detail
 * comes; the header counts them in; groups show as badges and filter the results.
 */
const STORE = { storeId: 'store-e2e-first-sync', email: 'owner@store.test', password: 'cloud-password-1' };
const COUNT = 250;
const VIP = { id: 'group-vip', name: 'VIP Customers' };

/** The test cloud is Node code typechecked with the Node config: named in variables (see sync.spec.ts). */
type Cloud = {
  url: string;
  addUser(u: { storeId: string; email: string; password: string }): Promise<void>;
  customers(storeId: string): { id: string; localData: { lastName: string } }[];
  putInGroup(storeId: string, customerId: string, group: { id: string; name: string } | null): unknown;
  faults: { set(f: { errorRate?: number; only?: string[] }): void; reset(): void };
  close(): Promise<void>;
};
const SERVER = '../cloud/server';
const CUSTOMERS = '../cloud/customers';
const STORE_FILE = '../cloud/store';

let cloud: Cloud;
let cloudDir: string;
test.beforeEach(async () => {
  cloudDir = await mkdtemp(join(tmpdir(), 'opticounter-e2e-cloud-'));
  // The store's customers, written into the cloud's own file (no requests), one second apart: Zz000 oldest.
  const { openStore } = (await import(STORE_FILE)) as { openStore(dir: string): { close(): void } };
  const { Customers } = (await import(CUSTOMERS)) as { Customers: new (db: unknown, now: () => Date) => { create(storeId: string, input: unknown, files: unknown[]): unknown } };
  const db = openStore(cloudDir);
  let i = 0;
  const base = Date.now() - 3_600_000;
  const seed = new Customers(db, () => new Date(base + i * 1_000));
  for (i = 0; i < COUNT; i++) {
    const nth = String(i).padStart(3, '0');
    seed.create(STORE.storeId, { customerData: { firstName: 'Nadia', lastName: `Zz${nth}`, email: `nadia-${nth}@example.com`, phoneNumber: `0612345${nth}`, dateOfBirth: '1984-03-02T00:00:00.000Z', sex: 'female' } }, []);
  }
  db.close();
  const { startCloud } = (await import(SERVER)) as { startCloud(o: object): Promise<Cloud> };
  cloud = await startCloud({ dataDir: cloudDir }); // its default rate limit: 100 requests a minute per user, sliding
  await cloud.addUser(STORE);
  for (const c of cloud.customers(STORE.storeId).filter((c) => ['Zz000', 'Zz001', 'Zz002'].includes(c.localData.lastName))) cloud.putInGroup(STORE.storeId, c.id, VIP);
});
test.afterEach(async () => {
  await cloud.close();
  await rm(cloudDir, { recursive: true, force: true });
});

test('a new PC: every customer findable at once with "details arriving", the header counting details in, groups as badges and a filter', async ({ page, request, host }) => {
  test.setTimeout(120_000);
  // The oldest customers' details are the last in the queue; while the cloud refuses details, they stay arriving.
  cloud.faults.set({ errorRate: 1, only: ['GET /customer/'] });
  await callHost(request, host, 'sync.configure', { baseUrl: cloud.url, ...STORE });
  await expect.poll(async () => (await callHost(request, host, 'customers.list', { limit: 1 })).pagination.total, { timeout: 20_000 }).toBe(COUNT);

  // Findable by name at once, marked, with its group.
  await searchBox(page).fill('zz000');
  await expect(results(page)).toHaveCount(1);
  const row = results(page).first();
  await expect(row.getByTestId('details-arriving')).toHaveText(/Details arriving/);
  await expect(row.getByTestId('group-badges')).toContainText('VIP Customers');
  await shot(page, 'first-sync-results');
  await expectAccessible(page, 'results with details arriving and a group');

  // Its screen says the details are on their way; what the list lacks cannot be typed meanwhile.
  await row.click();
  await expect(page.getByTestId('details-arriving-note')).toBeVisible();
  await expect(page.getByLabel('Phone number', { exact: true })).toBeDisabled();
  await expect(page.getByLabel('First name', { exact: true })).toBeEnabled();
  await expect(page.locator('.form-toolbar').getByTestId('group-badges')).toContainText('VIP Customers');
  await shot(page, 'first-sync-customer-arriving');
  await expectAccessible(page, 'a customer whose details are arriving');

  // The cloud gives details again (the engine tries again on its backoff timer, seconds here): the
  // screen left open fills in as the first sync moves, and the fields can be changed.
  cloud.faults.reset();
  await expect(page.getByLabel('Phone number', { exact: true })).toHaveValue('0612345000', { timeout: 45_000 });
  await expect(page.getByLabel('Phone number', { exact: true })).toBeEnabled();
  await expect(page.getByTestId('details-arriving-note')).toHaveCount(0);
  await page.getByRole('button', { name: '← Back to search' }).click();

  // The header counts the details in, newest first, with the time left.
  const progress = page.getByRole('banner').getByTestId('sync-first');
  await expect(progress).toHaveText(/^[1-9]\d*\/250 complete · (\d+ min left|under 1 min left)$/, { timeout: 45_000 });
  await expect(page.getByRole('banner').getByRole('button', { name: /^Sync:/ })).toHaveAccessibleName(/of 250 customers have their details here; every one can already be found by name and email/);
  await shot(page, 'first-sync-header');

  // Opening one not fetched yet brings it at once, ahead of the queue.
  await searchBox(page).fill('zz001');
  await expect(results(page)).toHaveCount(1);
  await results(page).first().click();
  await expect(page.getByLabel('Phone number', { exact: true })).toHaveValue('0612345001', { timeout: 1_500 });
  await expect(page.getByTestId('details-arriving-note')).toHaveCount(0);
  await page.getByRole('button', { name: '← Back to search' }).click();

  // Filter by group.
  await searchBox(page).fill('');
  await page.getByTestId('group-filter').selectOption({ label: 'VIP Customers (3)' });
  await expect(results(page)).toHaveCount(3);
  await expect(page.getByTestId('result-count')).toHaveText('3 customers');
  await shot(page, 'first-sync-group-filter');

  // French, and a glance at Arabic.
  await page.getByRole('banner').getByRole('combobox').selectOption('fr');
  await expect(page.getByTestId('group-filter')).toContainText('Tous les groupes');
  await expect(page.getByRole('banner').getByTestId('sync-first')).toHaveText(/\/250 complets · (≈ \d+ min|< 1 min)$/);
  await shot(page, 'first-sync-group-filter-fr');
  await page.getByTestId('group-filter').selectOption('');
  await page.getByRole('searchbox').fill('zz002');
  await expect(page.getByRole('listbox').getByRole('option').first().getByTestId('group-badges')).toContainText('VIP Customers');
  await shot(page, 'first-sync-results-fr');
  await page.getByRole('banner').getByRole('combobox').selectOption('ar');
  await expect(page.getByTestId('group-filter')).toContainText('كل المجموعات');
  await shot(page, 'first-sync-results-ar');
  await expectAccessible(page, 'results in Arabic with the group filter');
});

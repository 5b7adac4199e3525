import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CustomerEntry, callHost, expect, fillCustomer, postHost, searchBox, signIn, signInThroughUi, OWNER, shot, test } from './fixtures';

/*
 * Licences through the screens: the test cloud (in this process) issues licences signed with a key
 * made here; the browser host trusts its public half (`--trust-licence-key <dir>/<kid>.pem`) and, to
 * end the trial, is restarted with its clock moved on (`--clock-offset-days`, a test knob).
 */
const KID = 'e2e-licence';
const NADIA: CustomerEntry = {
  firstName: 'Nadia',
  lastName: 'Amrani',
  email: 'nadia@example.com',
  phoneNumber: '+212 6 00 00 00 00',
  dateOfBirth: '1990-01-01',
  sex: 'Female',
};
const STORE = 'store-e2e';
/** The line a write button shows while the install is read-only (licence/useWriteGate.tsx). */
const READ_ONLY_REASON = 'Read-only: OptiCounter is not licensed. Activate a licence in Settings → Licence.';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keyDir = mkdtempSync(join(tmpdir(), 'opticounter-e2e-keys-'));
const pemFile = join(keyDir, `${KID}.pem`);
writeFileSync(pemFile, publicKey.export({ type: 'spki', format: 'pem' }));

/**
 * The test cloud (test/cloud/server.ts) runs in this process. It is Node code, typechecked with the
 * Node config (tsconfig.json); this DOM-flavoured config sees only the part of it used here, so the
 * module is named in a variable rather than imported statically.
 */
type Cloud = {
  url: string;
  addLicence(l: { storeId: string }): string;
  revokeLicence(key: string): void;
  requestLog(): { method: string; path: string; status: number | string }[];
  clearRequestLog(): void;
  close(): Promise<void>;
};
const CLOUD_MODULE = '../cloud/server';
async function startTestCloud(opts: object): Promise<Cloud> {
  const { startCloud } = (await import(CLOUD_MODULE)) as { startCloud(o: object): Promise<Cloud> };
  return startCloud(opts);
}

let cloud: Cloud;
test.beforeAll(async () => {
  cloud = await startTestCloud({ licenceSigner: { kid: KID, privateKey }, rateLimitPerMinute: null });
});
test.afterAll(async () => {
  await cloud.close();
  rmSync(keyDir, { recursive: true, force: true });
});

test.use({ hostArgs: ['--trust-licence-key', pemFile], allowedStatuses: [401, 403] });

function footer(page: import('@playwright/test').Page) {
  return page.locator('footer.app-footer');
}

/** Points the install at the test cloud, then ends the trial: the host starts again 30 days on. */
async function endTrial(page: import('@playwright/test').Page, request: import('@playwright/test').APIRequestContext, host: import('./fixtures').Host) {
  await callHost(request, host, 'licence.configure', { baseUrl: cloud.url, storeId: STORE });
  // Off the app while its host is down: no poll of the page's meets a closed port.
  await page.goto('about:blank');
  await host.restart(['--clock-offset-days', '30']);
  host.apiSession = undefined;
  await page.goto(`${host.url}/`);
}

test('a fresh install runs as a trial and shows the days left', async ({ page }) => {
  await expect(searchBox(page)).toBeVisible();
  await expect(footer(page)).toContainText('Trial: 14 days left');
});

test('with the trial over the activation screen comes first; a typo is caught locally; a valid key unlocks the counter', async ({ page, host, request }) => {
  const key = cloud.addLicence({ storeId: STORE });
  await endTrial(page, request, host);

  await expect(page.getByRole('heading', { name: 'Activate OptiCounter' })).toBeVisible();
  await expect(page.getByText('The 14-day trial is over.')).toBeVisible();

  // One mistyped character: the check symbol catches it here, before any call to the licence server.
  cloud.clearRequestLog();
  const typo = key.slice(0, 5) + (key[5] === 'A' ? 'B' : 'A') + key.slice(6);
  const keyField = page.getByLabel('Licence key', { exact: true });
  await keyField.fill(typo);
  await page.getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(page.getByText('This licence key has a typo: please check each character again')).toBeVisible();
  await keyField.fill('ABCD-EFGH');
  await page.getByRole('button', { name: 'Activate', exact: true }).click();
  await expect(page.getByText('A licence key has 16 characters (XXXX-XXXX-XXXX-XXXX); this one has 8')).toBeVisible();
  expect(cloud.requestLog()).toEqual([]);

  // The real key, typed the way people type: lower case, spaces.
  await keyField.fill(key.toLowerCase().replace(/-/g, ' '));
  await page.getByRole('button', { name: 'Activate', exact: true }).click();
  // Activated: on to the counter (the restart ended the session, so signing in first).
  await signInThroughUi(page, OWNER.username, OWNER.password);
  await expect(searchBox(page)).toBeVisible();
  await expect(footer(page)).not.toContainText('Trial');
  await expect(footer(page)).not.toContainText('Read-only');
  expect(cloud.requestLog().map((r) => `${r.method} ${r.path} ${r.status}`)).toContain('POST /licenses/activate 200');

  // Writes work again: a new customer through the screens.
  await page.getByRole('button', { name: 'New customer' }).click();
  await fillCustomer(page, NADIA);
  await page.getByRole('button', { name: 'Create customer' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Customer created' })).toBeVisible();

  // The owner's licence panel shows the masked key and this PC's machine id.
  await page.getByRole('button', { name: 'Settings' }).click();
  const panel = page.getByRole('region', { name: 'Licence' });
  await expect(panel).toContainText('Active');
  await expect(panel).toContainText(`****-****-****-${key.slice(-4)}`);
  await expect(panel.getByText(/^[0-9a-f]{64}$/)).toBeVisible();
});

test('without a licence the counter goes on read-only: data readable, changes refused with the reason', async ({ page, host, request }) => {
  const layla = await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Layla', lastName: 'Hassan', email: 'layla@example.com', phoneNumber: '+1-555-0199', dateOfBirth: '1992-05-12', sex: 'female' },
  });
  await callHost(request, host, 'prescriptions.create', {
    customerId: layla.customer.id,
    rx: { kind: 'spectacles', examDate: '2026-01-10', distanceVision: { rightEye: { sph: '-1.00' }, leftEye: { sph: '-1.25' } } },
  });
  await endTrial(page, request, host);

  await expect(page.getByRole('heading', { name: 'Activate OptiCounter' })).toBeVisible();
  // Offline activation: the request code to give the vendor.
  await page.getByText('No internet? Offline activation').click();
  await page.getByRole('button', { name: 'Show the request code' }).click();
  await expect(page.getByLabel('Request code:')).toHaveText(/^[0-9A-Z]{5}(-[0-9A-Z]{1,5})+$/);

  await page.getByRole('button', { name: 'Continue read-only' }).click();
  await signInThroughUi(page, OWNER.username, OWNER.password);
  await expect(footer(page)).toContainText('Read-only: not licensed');
  await searchBox(page).fill('layla');
  await expect(page.getByRole('listbox', { name: 'Customers' }).getByRole('option')).toHaveCount(1);

  // A write is turned off where it starts, with the reason in its title and on a line beside it:
  // staff do not fill a form only to learn on submit that it is refused.
  const newCustomer = page.getByRole('button', { name: 'New customer' });
  await expect(newCustomer).toBeDisabled();
  await expect(newCustomer).toHaveAttribute('title', READ_ONLY_REASON);
  await expect(page.getByRole('note').filter({ hasText: READ_ONLY_REASON })).toBeVisible();
  // Nor does Ctrl+N open a form that could not be saved (reviewer D6).
  await page.keyboard.press('Control+n');
  await expect(page.getByRole('heading', { name: 'New customer' })).toHaveCount(0);
  await expect(searchBox(page)).toBeVisible();
  await shot(page, 'licence-read-only-search');

  // Reading still works: Layla's screen opens with her details; Save is off, with the reason.
  await page.getByRole('listbox', { name: 'Customers' }).getByRole('option').first().click();
  await expect(page.getByLabel('Phone number', { exact: true })).toHaveValue('+1-555-0199');
  const save = page.getByRole('button', { name: 'Save', exact: true });
  await expect(save).toBeDisabled();
  await expect(save).toHaveAttribute('title', READ_ONLY_REASON);
  // Each gated button says why (the customer's recall rule, issue 13, has its own): the form's first.
  await expect(page.getByRole('note').filter({ hasText: READ_ONLY_REASON }).first()).toBeVisible();
  await shot(page, 'licence-read-only-customer');
  // So are a new prescription and a new document.
  await page.getByRole('tab', { name: 'Prescription' }).click();
  await expect(page.getByRole('button', { name: 'Save prescription' })).toBeDisabled();
  // Correcting a saved version is a write too: off, with the reason (reviewer D6).
  const correct = page.getByRole('button', { name: 'Correct version 1' });
  await expect(correct).toBeDisabled();
  await expect(correct).toHaveAttribute('title', READ_ONLY_REASON);
  await shot(page, 'licence-read-only-prescription');
  await page.getByRole('tab', { name: 'Documents' }).click();
  await expect(page.getByRole('region', { name: 'Documents' }).getByLabel('Add files…')).toBeDisabled();
  await shot(page, 'licence-read-only-documents');

  // A change sent anyway is refused by the core, with the reason.
  const session = (await signIn(request, host, OWNER.username, OWNER.password)).sessionToken;
  const refused = await postHost(request, host, 'customers.create', { customerData: { firstName: 'Nadia', lastName: 'Amrani', email: NADIA.email, phoneNumber: NADIA.phoneNumber, dateOfBirth: NADIA.dateOfBirth, sex: 'female' } }, session);
  expect(refused.status).toBe(403);
  expect(refused.body.ok ? null : refused.body.error.code).toBe('licence.required');
  expect(refused.body.ok ? '' : refused.body.error.message).toMatch(/licen[cs]e/i);
});

test('deleting the sealed licence record makes the counter read-only, with the reason, until a licence is activated', async ({ page, host, request }) => {
  const key = cloud.addLicence({ storeId: STORE });
  await callHost(request, host, 'licence.configure', { baseUrl: cloud.url, storeId: STORE });
  const sealed = join(host.dataDir, 'licence.sealed');
  expect(existsSync(sealed)).toBe(true);
  await page.goto('about:blank');
  rmSync(sealed);
  await host.restart();
  host.apiSession = undefined;
  await page.goto(`${host.url}/`);

  await expect(page.getByRole('heading', { name: 'Activate OptiCounter' })).toBeVisible();
  await expect(page.getByText('The licence records of this computer were changed or removed')).toBeVisible();
  // An online activation seals the records again.
  await page.getByLabel('Licence key', { exact: true }).fill(key);
  await page.getByRole('button', { name: 'Activate', exact: true }).click();
  await signInThroughUi(page, OWNER.username, OWNER.password);
  await expect(searchBox(page)).toBeVisible();
  await expect(footer(page)).not.toContainText('Read-only');
  expect(existsSync(sealed)).toBe(true);
});

test('a save refused for want of a licence makes the page read the licence again: the buttons then say why (second review)', async ({ page, host, request }) => {
  const key = cloud.addLicence({ storeId: STORE });
  await callHost(request, host, 'licence.configure', { baseUrl: cloud.url, storeId: STORE });
  await callHost(request, host, 'licence.activate', { key });
  const layla = await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Layla', lastName: 'Hassan', email: 'layla@example.com', phoneNumber: '+1-555-0199', dateOfBirth: '1992-05-12', sex: 'female' },
  });
  await searchBox(page).fill('layla');
  await page.getByRole('listbox', { name: 'Customers' }).getByRole('option').first().click();
  await expect(page.getByLabel('Phone number', { exact: true })).toHaveValue('+1-555-0199');

  // Revoked while the page is open: the page still believes it may write.
  cloud.revokeLicence(key);
  expect((await callHost(request, host, 'licence.refresh', {})).canWrite).toBe(false);
  await page.getByLabel('Phone number', { exact: true }).fill('+1-555-0100');
  const save = page.getByRole('button', { name: 'Save', exact: true });
  await save.click();
  await expect(save).toBeDisabled();
  await expect(save).toHaveAttribute('title', READ_ONLY_REASON);
  await expect(footer(page)).toContainText('Read-only');
  expect((await callHost(request, host, 'customers.get', { id: layla.customer.id })).localData.phoneNumber).toBe('+1-555-0199');
});

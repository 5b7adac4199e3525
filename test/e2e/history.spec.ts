import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { OWNER, callHost, expect, searchBox, signInThroughUi, test, shot } from './fixtures';

test('the History tab shows who changed what, field by field; consent is dated; the owner exports the data', async ({ page, host, request }) => {
  const eyes = (odSph: string) => ({
    distanceVision: { rightEye: { sph: odSph, cyl: '-0.25', axis: '90' }, leftEye: { sph: '-1.00', cyl: '-0.25', axis: '85' } },
  });
  const { customer } = await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Layla', lastName: 'Hassan', email: 'layla@example.com', phoneNumber: '+1-555-0199', dateOfBirth: '1992-05-12', sex: 'female' },
    opticData: eyes('-1.25'),
  });
  // A change of the grid records a corrected prescription.
  await callHost(request, host, 'customers.update', { id: customer.id, opticData: eyes('-1.50') });

  await searchBox(page).fill('layla');
  await expect(page.getByTestId('result-count')).toHaveText('1 match');
  await searchBox(page).press('Enter');
  await expect(page.getByRole('heading', { name: 'Layla Hassan' })).toBeVisible();

  // ---- edit: a phone, a city (no address before), marketing consent ----
  const marketing = page.getByLabel('Marketing consent');
  await expect(marketing).not.toBeChecked();
  await expect(page.getByLabel('SMS consent')).not.toBeChecked();
  await page.getByLabel('Phone number', { exact: true }).fill('+1-555-9999');
  await page.getByLabel('City', { exact: true }).fill('Rabat');
  await marketing.check();
  await expect(marketing).toHaveAccessibleDescription('Recorded with today’s date when saved');
  await page.keyboard.press('Control+s');
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await expect(marketing).toBeChecked();
  await expect(marketing).toHaveAccessibleDescription(/^Given on \w{3} \d+, \d{4}/);
  await expect(page.getByLabel('SMS consent')).not.toBeChecked();

  // ---- the history: newest first, who, when, and each changed field before → after ----
  await page.getByRole('tab', { name: 'History' }).click();
  const history = page.getByRole('region', { name: 'Change history' });
  const entries = history.getByRole('list', { name: 'Change history' }).locator(':scope > li');
  await expect(entries).toHaveCount(4);
  await expect(entries.nth(0)).toHaveAccessibleName('Details edited');
  await expect(entries.nth(1)).toHaveAccessibleName('Prescription v2 saved, correcting v1');
  await expect(entries.nth(2)).toHaveAccessibleName(/^Prescription v1 saved \(exam /);
  await expect(entries.nth(3)).toHaveAccessibleName('Customer created');
  for (let i = 0; i < 4; i++) await expect(entries.nth(i)).toContainText('by Olivia Owner');

  const edit = entries.nth(0);
  await expect(edit.getByRole('list', { name: 'Changed fields' }).getByRole('listitem')).toHaveText([
    'Phone number: +1-555-0199 → +1-555-9999',
    'City: — → Rabat',
    /^Marketing consent: — → given on \w{3} \d+, \d{4}/,
  ]);
  await expect(entries.nth(1).getByRole('list', { name: 'Changed fields' })).toHaveText('OD distance SPH: -1.25 → -1.50');
  await shot(page, 'history');

  // ---- a subject-access export: the zip of everything held on her, recorded in the history ----
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export data' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.zip$/);
  expect(download.suggestedFilename()).not.toContain('Layla');
  const zip = await readFile(await download.path());
  expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
  await expect(page.getByRole('status').filter({ hasText: `Exported as ${download.suggestedFilename()}` })).toBeVisible();
  await expect(entries).toHaveCount(5);
  await expect(entries.nth(0)).toHaveAccessibleName('Data exported');

  // ---- withdrawn consent is recorded too ----
  await page.getByRole('tab', { name: 'Details' }).click();
  await marketing.uncheck();
  await page.keyboard.press('Control+s');
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await expect(marketing).not.toBeChecked();
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(entries).toHaveCount(6);
  await expect(entries.nth(0).getByRole('listitem')).toHaveText([/^Marketing consent: given on .+ → —$/]);
});

test('the store’s history, edited outside the app: each History says where, marks the records concerned, and Backups say which copy is intact', async ({
  page,
  host,
  request,
}) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  const { customer } = await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Layla', lastName: 'Hassan', email: 'layla@example.com', phoneNumber: '+1-555-0199', dateOfBirth: '1992-05-12', sex: 'female' },
  });
  await callHost(request, host, 'customers.update', { id: customer.id, customerData: { phoneNumber: '+1-555-9999' } });
  await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Omar', lastName: 'Benali', email: 'omar@example.com', phoneNumber: '+1-555-0123', dateOfBirth: '1980-02-02', sex: 'male' },
  });
  const before = await callHost(request, host, 'backup.create', {});

  // Someone with the file and an SQLite shell: the trigger dropped, the edit's values rewritten.
  const db = new BetterSqlite3(join(host.dataDir, 'opticounter.sqlite3'));
  const edited = db.prepare("select id, at from audit_log where entity_id = ? and action = 'update'").get(customer.id) as { id: number; at: string };
  db.exec('drop trigger audit_log_only_redact');
  db.prepare("update audit_log set after = replace(after, '9999', '1234') where id = ?").run(edited.id);
  db.close();

  // The chain is checked when the store opens (which puts the trigger back, and says so).
  await page.goto('about:blank');
  await host.restart();
  host.apiSession = undefined;
  await page.goto(`${host.url}/`);
  await signInThroughUi(page, OWNER.username, OWNER.password);
  await searchBox(page).fill('layla');
  await searchBox(page).press('Enter');
  await page.getByRole('tab', { name: 'History' }).click();

  // Worded as the store's trail, located by record number and time.
  const warning = page.getByRole('alert').filter({ hasText: 'The store’s history was altered outside the app' });
  await expect(warning).toBeVisible();
  await expect(warning.getByRole('strong')).toHaveText(new RegExp(`^The store’s history was altered outside the app at record #${edited.id} \\(.+\\)$`));
  await expect(warning.getByRole('listitem')).toHaveText([
    new RegExp(`^Record #${edited.id} \\(.+\\) was altered after it was written\\.$`),
    /^The protection against rewriting records \(audit_log_only_redact\) had been removed; found and put back when OptiCounter started \(.+, record #\d+\)\.$/,
  ]);
  await expect(warning).toContainText('This customer’s records concerned are marked below.');
  // Her edit is the record: marked in the list, which numbers its records.
  const history = page.getByRole('region', { name: 'Change history' });
  const entries = history.getByRole('list', { name: 'Change history' }).locator(':scope > li');
  await expect(entries).toHaveCount(2);
  await expect(entries.nth(0)).toContainText(`Record #${edited.id}`);
  await expect(entries.nth(0)).toContainText('Altered outside the app after it was written');
  await expect(entries.nth(1)).not.toContainText('outside the app');
  await shot(page, 'history-tampered');

  // Another customer's History: the same store-wide warning, none of his records marked.
  await page.keyboard.press('Escape');
  await searchBox(page).fill('omar');
  await searchBox(page).press('Enter');
  await expect(page.getByRole('heading', { name: 'Omar Benali' })).toBeVisible();
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(warning).toContainText('None of this customer’s records listed below is at a break.');
  await expect(entries).toHaveCount(1);
  await expect(entries.nth(0)).not.toContainText('outside the app');
  await shot(page, 'history-tampered-other');

  // Backups: which copy holds the history from before the edit.
  await page.getByRole('navigation', { name: 'Owner’s areas' }).getByRole('button', { name: 'Backups' }).click();
  await page.getByRole('button', { name: 'Back up now' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Backup made: / })).toBeVisible();
  const table = page.getByRole('table', { name: 'Backups' });
  await expect(table.getByRole('columnheader', { name: 'Audit trail' })).toBeVisible();
  const rows = table.getByRole('row').filter({ hasText: 'Manual' });
  await expect(rows).toHaveCount(2);
  const beforeRow = rows.filter({ has: page.locator(`th[title="${before.name}"]`) });
  const afterRow = rows.filter({ hasNot: page.locator(`th[title="${before.name}"]`) });
  await expect(beforeRow.getByRole('cell').nth(4)).toHaveText('Intact');
  await expect(afterRow.getByRole('cell').nth(4)).toHaveText(`Altered (record #${edited.id})`);
  await shot(page, 'backups-audit-trail');

  // The restore confirmation says it too.
  await afterRow.getByRole('button', { name: /^Restore the backup of / }).click();
  const confirm = page.getByRole('dialog', { name: 'Restore this backup?' });
  await expect(confirm).toContainText(`Its audit trail was altered outside the app (record #${edited.id}).`);
  await shot(page, 'backups-confirm-altered');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await beforeRow.getByRole('button', { name: /^Restore the backup of / }).click();
  await expect(confirm).toContainText('Its audit trail is intact.');
});

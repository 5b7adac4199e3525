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
  for (let i = 0; i < 4; i++) await expect(entries.nth(i)).toContainText('by owner');

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

test('the History tab warns, saying where, when the audit trail was edited outside the app', async ({ page, host, request }) => {
  const { customer } = await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Layla', lastName: 'Hassan', email: 'layla@example.com', phoneNumber: '+1-555-0199', dateOfBirth: '1992-05-12', sex: 'female' },
  });
  await callHost(request, host, 'customers.update', { id: customer.id, customerData: { phoneNumber: '+1-555-9999' } });

  // Someone with the file and an SQLite shell: the trigger dropped, the edit's values rewritten.
  const db = new BetterSqlite3(join(host.dataDir, 'opticounter.sqlite3'));
  const edited = db.prepare("select id, at from audit_log where entity_id = ? and action = 'update'").get(customer.id) as { id: number; at: string };
  db.exec('drop trigger audit_log_only_redact');
  db.prepare("update audit_log set after = replace(after, '9999', '1234') where id = ?").run(edited.id);
  db.close();

  // The chain is checked when the store opens.
  await page.goto('about:blank');
  await host.restart();
  host.apiSession = undefined;
  await page.goto(`${host.url}/`);
  await signInThroughUi(page, OWNER.username, OWNER.password);
  await searchBox(page).fill('layla');
  await searchBox(page).press('Enter');
  await page.getByRole('tab', { name: 'History' }).click();

  const warning = page.getByRole('alert').filter({ hasText: 'This history was tampered with' });
  await expect(warning).toBeVisible();
  await expect(warning.getByRole('listitem')).toHaveText([new RegExp(`^Record #${edited.id} \\(.+\\) was altered after it was written\\.$`)]);
  await shot(page, 'history-tampered');
});

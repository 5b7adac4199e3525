import { join } from 'node:path';
import type { Page } from '@playwright/test';
import BetterSqlite3 from 'better-sqlite3';
import { callHost, expect, postHost, searchBox, test, type Host, shot } from './fixtures';
import type { APIRequestContext } from '@playwright/test';

/** Any prescription cell, of the Prescription tab's grid ("OD near SPH") or of an old Details grid ("Near vision, OD (right eye), SPH"). */
const rxCells = /^(OD|OS) (distance|intermediate|near) |vision, O[DS] \(/;

/** The grid's cells are named the way staff read them: "OD distance SPH". */
function cell(page: Page, eye: 'OD' | 'OS', vision: 'distance' | 'intermediate' | 'near', measure: 'SPH' | 'CYL' | 'AXIS' | 'ADD' | 'PRISM' | 'BASE') {
  return page.getByLabel(`${eye} ${vision} ${measure}`, { exact: true });
}

async function openCustomer(page: Page, request: APIRequestContext, host: Host, dateOfBirth = '1988-02-20') {
  await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Nadia', lastName: 'Optics', email: 'nadia@example.com', phoneNumber: '+212 600 111 222', dateOfBirth, sex: 'female' },
  });
  await searchBox(page).fill('nadia');
  await expect(page.getByTestId('result-count')).toHaveText('1 match');
  await searchBox(page).press('Enter');
  await expect(page.getByRole('heading', { name: 'Nadia Optics' })).toBeVisible();
}

test('type a prescription in shorthand, see the warning, transpose, save, correct it, see both versions', async ({ page, host, request }) => {
  await openCustomer(page, request, host);
  await page.getByRole('tab', { name: 'Prescription' }).click();
  await expect(page.getByRole('tab', { name: 'Prescription' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel', { name: 'Prescription' }).getByText('No prescription saved yet for this customer.')).toBeVisible();
  const editor = page.getByRole('form', { name: 'New exam' });
  await expect(editor.getByLabel('Exam date')).not.toHaveValue('');

  // ---- typed as staff type: shorthand, Tab and Enter to move on ----
  await cell(page, 'OD', 'distance', 'SPH').click();
  await page.keyboard.type('-125');
  await page.keyboard.press('Tab');
  await expect(cell(page, 'OD', 'distance', 'CYL')).toBeFocused();
  await page.keyboard.type('-50');
  await page.keyboard.press('Enter');
  await expect(cell(page, 'OD', 'distance', 'AXIS')).toBeFocused();
  await page.keyboard.type('90');
  await page.keyboard.press('Enter');
  await expect(cell(page, 'OD', 'distance', 'ADD')).toBeFocused();
  await cell(page, 'OS', 'distance', 'SPH').click();
  await page.keyboard.type('-350');
  await page.keyboard.press('Tab');
  await page.keyboard.type('DS');
  await page.keyboard.press('Tab');

  // Normalised on blur: the canonical text an optician reads.
  await expect(cell(page, 'OD', 'distance', 'SPH')).toHaveValue('-1.25');
  await expect(cell(page, 'OD', 'distance', 'CYL')).toHaveValue('-0.50');
  await expect(cell(page, 'OD', 'distance', 'AXIS')).toHaveValue('090');
  await expect(cell(page, 'OS', 'distance', 'SPH')).toHaveValue('-3.50');
  await expect(cell(page, 'OS', 'distance', 'CYL')).toHaveValue('');

  // The core's check: spherical equivalents, and the anisometropia warning beside the distance rows.
  await expect(page.getByLabel('OD spherical equivalent')).toHaveText('-1.50');
  await expect(page.getByLabel('OS spherical equivalent')).toHaveText('-3.50');
  const warning = page.getByText(/spherical equivalents differ by 2\.00 D/);
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('Anisometropia');
  await shot(page, 'rx-warning');

  // ---- transpose: same lenses, the other cylinder form ----
  await page.getByRole('button', { name: 'Transpose (both eyes)' }).click();
  await expect(cell(page, 'OD', 'distance', 'SPH')).toHaveValue('-1.75');
  await expect(cell(page, 'OD', 'distance', 'CYL')).toHaveValue('+0.50');
  await expect(cell(page, 'OD', 'distance', 'AXIS')).toHaveValue('180');
  await expect(cell(page, 'OS', 'distance', 'SPH')).toHaveValue('-3.50');
  await expect(cell(page, 'OS', 'distance', 'CYL')).toHaveValue('');
  // Same lens, same spherical equivalent.
  await expect(page.getByLabel('OD spherical equivalent')).toHaveText('-1.50');

  // ---- save: version 1 ----
  await page.getByRole('button', { name: 'Save prescription' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Version 1 saved' })).toBeVisible();
  const timeline = page.getByRole('region', { name: 'History' });
  const v1 = timeline.getByRole('listitem', { name: 'Version 1' });
  await expect(v1).toBeVisible();
  await expect(v1).toContainText('Current');
  await expect(v1).toContainText('First prescription');
  await expect(v1).toContainText('OD -1.75 +0.50 ×180');
  // A fresh grid, starting from the saved version (issue 12, item 7), which is above it to compare with.
  await expect(page.getByRole('form', { name: 'New exam' })).toBeVisible();
  await expect(cell(page, 'OD', 'distance', 'SPH')).toHaveValue('-1.75');
  await expect(page.getByRole('region', { name: /^Current prescription · v1/ })).toContainText('+0.50');

  // ---- correct it: the version opens in the grid, saved as a correction ----
  await v1.getByRole('button', { name: 'Correct version 1' }).click();
  const correcting = page.getByRole('form', { name: 'Correcting version 1' });
  await expect(correcting).toBeVisible();
  await expect(page.getByRole('region', { name: /^Version 1 as saved/ })).toBeVisible();
  await expect(cell(page, 'OD', 'distance', 'SPH')).toHaveValue('-1.75');
  await expect(cell(page, 'OD', 'distance', 'AXIS')).toHaveValue('180');
  await expect(cell(page, 'OS', 'distance', 'SPH')).toHaveValue('-3.50');
  await cell(page, 'OD', 'distance', 'SPH').fill('-150');
  await cell(page, 'OD', 'distance', 'SPH').press('Tab');
  await expect(cell(page, 'OD', 'distance', 'SPH')).toHaveValue('-1.50');
  await page.keyboard.press('Control+s');

  await expect(page.getByRole('status').filter({ hasText: 'Version 2 saved as a correction' })).toBeVisible();
  // Saved from the keyboard: the keyboard stays in the editor, on its first cell, not on the page.
  await expect(cell(page, 'OD', 'distance', 'SPH')).toBeFocused();
  const items = timeline.getByRole('listitem', { name: /^Version \d+$/ });
  await expect(items).toHaveCount(2);
  // Newest first.
  await expect(items.nth(0)).toHaveAccessibleName('Version 2');
  const v2 = timeline.getByRole('listitem', { name: 'Version 2' });
  await expect(v2).toContainText('Current');
  await expect(v2).toContainText('corrects v1');
  await expect(v2.getByRole('list', { name: 'Changes' })).toHaveText('OD distance SPH: -1.75 → -1.50');
  await expect(v1).not.toContainText('Current');
  await expect(v1).toContainText('corrected by v2');
  // A corrected version cannot be corrected again (the core would answer prescription.superseded).
  await expect(v1.getByRole('button', { name: 'Correct version 1' })).toHaveCount(0);
  await shot(page, 'rx-timeline');

  // The Details tab shows the current version, read-only: no second grid to type in.
  await page.getByRole('tab', { name: 'Details' }).click();
  const summary = page.getByRole('table', { name: /^Current prescription · v2/ });
  await expect(summary.getByRole('row').filter({ hasText: 'OD' }).first()).toContainText('-1.50');
  await expect(summary).toContainText('+0.50');
  await expect(page.getByRole('textbox', { name: rxCells })).toHaveCount(0);
});

test('errors under the cell, derived near rows, ADD for age, copy OD → OS, and the printed card', async ({ page, host, request }) => {
  await openCustomer(page, request, host, '1990-06-01');
  await page.getByRole('tab', { name: 'Prescription' }).click();

  // A cylinder without its axis: the error shows under the axis once staff have been through it.
  await cell(page, 'OD', 'distance', 'SPH').fill('+1');
  await cell(page, 'OD', 'distance', 'CYL').fill('-75');
  await cell(page, 'OD', 'distance', 'AXIS').focus();
  await page.keyboard.press('Tab');
  await expect(cell(page, 'OD', 'distance', 'SPH')).toHaveValue('+1.00');
  await expect(cell(page, 'OD', 'distance', 'CYL')).toHaveValue('-0.75');
  await expect(cell(page, 'OD', 'distance', 'AXIS')).toHaveAttribute('aria-invalid', 'true');
  await expect(cell(page, 'OD', 'distance', 'AXIS')).toHaveAccessibleDescription('Axis is required when CYL is not zero (1 to 180)');
  // Something that cannot be read is named with the form it accepts; it stays as typed.
  await cell(page, 'OD', 'distance', 'AXIS').fill('x190');
  await cell(page, 'OD', 'distance', 'AXIS').press('Tab');
  await expect(cell(page, 'OD', 'distance', 'AXIS')).toHaveValue('x190');
  await expect(cell(page, 'OD', 'distance', 'AXIS')).toHaveAccessibleDescription(/Axis must be a whole number of degrees from 1 to 180/);
  await cell(page, 'OD', 'distance', 'AXIS').fill('x5');
  await cell(page, 'OD', 'distance', 'AXIS').press('Tab');
  await expect(cell(page, 'OD', 'distance', 'AXIS')).toHaveValue('005');
  await expect(cell(page, 'OD', 'distance', 'AXIS')).not.toHaveAttribute('aria-invalid', 'true');

  // An ADD of 2 in the thirties is unusual: the warning sits under the ADD. Near and intermediate rows are derived.
  await cell(page, 'OD', 'distance', 'ADD').fill('2');
  await cell(page, 'OD', 'distance', 'ADD').press('Tab');
  await expect(cell(page, 'OD', 'distance', 'ADD')).toHaveValue('+2.00');
  await page.getByRole('button', { name: 'Copy OD → OS' }).click();
  await expect(cell(page, 'OS', 'distance', 'SPH')).toHaveValue('+1.00');
  await expect(cell(page, 'OS', 'distance', 'AXIS')).toHaveValue('005');
  await expect(cell(page, 'OS', 'distance', 'ADD')).toHaveValue('+2.00');
  await expect(cell(page, 'OD', 'distance', 'ADD')).toHaveAccessibleDescription(/ADD for age ADD \+2\.00 is unusual at \d+/);
  // The rows the ADD gives are shown, read-only: they cannot be made to contradict it.
  await expect(cell(page, 'OD', 'near', 'SPH')).toHaveValue('+3.00');
  await expect(cell(page, 'OD', 'near', 'SPH')).not.toBeEditable();
  await expect(cell(page, 'OS', 'intermediate', 'SPH')).toHaveValue('+2.00');
  await expect(cell(page, 'OS', 'intermediate', 'SPH')).not.toBeEditable();
  await expect(page.getByText('from ADD')).toHaveCount(2);
  await shot(page, 'rx-derived');

  // Copy again over a typed left eye asks first.
  await cell(page, 'OD', 'distance', 'SPH').fill('+1.25');
  await page.getByRole('button', { name: 'Copy OD → OS' }).click();
  const confirm = page.getByRole('dialog', { name: 'Replace the left eye?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(cell(page, 'OS', 'distance', 'SPH')).toHaveValue('+1.00');

  await page.getByLabel('Prescriber', { exact: true }).fill('Dr. Amrani');
  await page.getByLabel('PD binocular', { exact: true }).fill('63');
  await page.getByLabel('PD binocular', { exact: true }).press('Tab');
  await expect(page.getByLabel('PD binocular', { exact: true })).toHaveValue('63.0');
  await page.getByRole('button', { name: 'Save prescription' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Version 1 saved' })).toBeVisible();

  // ---- print: only the card, with the store, the customer and the grid ----
  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => {
      (window as unknown as { printed: number }).printed++;
    };
  });
  await page.getByRole('button', { name: 'Print' }).click();
  // The page first asks the core whether the desktop shell prints to PDF (app.printToPdf), then prints.
  await expect.poll(() => page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

  const card = page.locator('.print-card');
  await expect(card).toBeHidden();
  await page.emulateMedia({ media: 'print' });
  await expect(card).toBeVisible();
  await expect(page.getByRole('banner')).toBeHidden();
  await expect(page.getByRole('tab', { name: 'Prescription' })).toBeHidden();
  // The store's letterhead (none set here), never the app's name nor its version numbers (issue 12, item 9).
  await expect(card).not.toContainText('OptiCounter');
  await expect(card).not.toContainText(/version/i);
  await expect(card).toContainText('Nadia Optics');
  await expect(card).toContainText('Jun 1, 1990');
  await expect(card).toContainText('Dr. Amrani');
  await expect(card).toContainText('63.0 mm');
  await expect(card.getByRole('row').filter({ hasText: 'Near' })).toContainText('+3.25');
  await shot(page, 'rx-print');
  await page.emulateMedia({ media: 'screen' });
  await expect(card).toBeHidden();

  // Leaving with a prescription half typed asks first.
  await cell(page, 'OD', 'distance', 'SPH').fill('-2');
  await page.keyboard.press('Escape');
  const discard = page.getByRole('dialog', { name: 'Discard changes?' });
  await discard.getByRole('button', { name: 'Keep editing' }).click();
  await expect(cell(page, 'OD', 'distance', 'SPH')).toHaveValue('-2.00');
  await page.keyboard.press('Escape');
  await discard.getByRole('button', { name: 'Discard' }).click();
  await expect(searchBox(page)).toBeFocused();
});

test('one prescription editor: rows the ADD gives are read-only, and a near row contradicting it is refused by the core', async ({ page, host, request }) => {
  const { customer } = await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Nadia', lastName: 'Optics', email: 'nadia@example.com', phoneNumber: '+212 600 111 222', dateOfBirth: '1960-02-20', sex: 'female' },
  });
  const distance = { rightEye: { sph: '+1.50', add: '+2.00' }, leftEye: { sph: '+1.25', add: '+2.00' } };
  await callHost(request, host, 'prescriptions.create', { customerId: customer.id, rx: { kind: 'spectacles', examDate: '2025-11-20', distanceVision: distance } });

  // The reported save: the grid sent back with near OD +3.50 changed to +3.75 under ADD +2.00.
  const { opticData } = await callHost(request, host, 'customers.get', { id: customer.id });
  const { id: _id, customerId: _c, ...grid } = opticData!;
  const session = host.apiSession ?? null;
  const viaCustomer = await postHost(request, host, 'customers.update', { id: customer.id, opticData: { ...grid, nearVision: { ...grid.nearVision, rightEye: { sph: '+3.75', cyl: '0', axis: '0' } } } }, session);
  expect(viaCustomer.status).toBe(400);
  expect(viaCustomer.body).toMatchObject({ ok: false, error: { code: 'validation', fieldErrors: { 'opticData.nearVision.rightEye.sph': [expect.stringContaining('+3.50')] } } });
  const nearVision = { rightEye: { sph: '+3.75' }, leftEye: { sph: '+3.25' } };
  const viaRx = await postHost(request, host, 'prescriptions.create', { customerId: customer.id, rx: { kind: 'spectacles', examDate: '2025-11-20', distanceVision: distance, nearVision } }, session);
  expect(viaRx.status).toBe(400);
  expect(viaRx.body).toMatchObject({ ok: false, error: { code: 'validation', fieldErrors: { 'rx.nearVision.rightEye.sph': [expect.stringContaining('+3.50')] } } });

  // ---- the Details tab: the current prescription, read-only, and the way to its editor ----
  await searchBox(page).fill('nadia');
  await expect(page.getByTestId('result-count')).toHaveText('1 match');
  await searchBox(page).press('Enter');
  const summary = page.getByRole('table', { name: /^Current prescription · v1/ });
  await expect(summary.getByRole('row').filter({ hasText: 'Near' })).toContainText('+3.50');
  await expect(summary).toContainText('from ADD');
  await expect(page.getByRole('textbox', { name: rxCells })).toHaveCount(0);
  await page.setViewportSize({ width: 1366, height: 768 });
  await shot(page, 'details-current-rx');
  await page.getByRole('button', { name: 'Open in the Prescription tab' }).click();
  await expect(page.getByRole('tab', { name: 'Prescription' })).toHaveAttribute('aria-selected', 'true');

  // ---- the Prescription tab: correcting v1, the near row follows the ADD ----
  const timeline = page.getByRole('region', { name: 'History' });
  await timeline.getByRole('listitem', { name: 'Version 1' }).getByRole('button', { name: 'Correct version 1' }).click();
  await expect(cell(page, 'OD', 'distance', 'ADD')).toHaveValue('+2.00');
  const nearOd = cell(page, 'OD', 'near', 'SPH');
  await expect(nearOd).toHaveValue('+3.50');
  await expect(nearOd).not.toBeEditable();
  await expect(cell(page, 'OS', 'intermediate', 'SPH')).not.toBeEditable();
  const hint = page.getByText('Near and intermediate rows follow the ADD and cannot be typed.');
  await expect(hint).toBeVisible();
  await hint.scrollIntoViewIfNeeded();
  await shot(page, 'rx-tab-derived-readonly');
  // Typing on it changes nothing.
  await nearOd.focus();
  await page.keyboard.type('5');
  await expect(nearOd).toHaveValue('+3.50');

  // The prescriber wrote the near row: with the ADD left empty it is typed, and the ADD follows it.
  await cell(page, 'OD', 'distance', 'ADD').fill('');
  await cell(page, 'OS', 'distance', 'ADD').fill('');
  await expect(nearOd).toBeEditable();
  await expect(nearOd).toHaveValue('');
  await nearOd.fill('+3.75');
  await cell(page, 'OS', 'near', 'SPH').fill('+3.25');
  await cell(page, 'OS', 'near', 'SPH').press('Tab');
  await expect(cell(page, 'OD', 'distance', 'ADD')).toHaveAttribute('placeholder', '+2.25');
  await page.keyboard.press('Control+s');
  await expect(page.getByRole('status').filter({ hasText: 'Version 2 saved as a correction' })).toBeVisible();
  const changes = timeline.getByRole('listitem', { name: 'Version 2' }).getByRole('list', { name: 'Changes' });
  await expect(changes).toContainText('OD distance ADD: +2.00 → +2.25');
  await expect(changes).toContainText('OD near SPH: +3.50 → +3.75');
});

test('a near row typed without an ADD: editable with no "follows the ADD" hint, and refused on its cell when no ADD can give it', async ({ page, host, request }) => {
  await openCustomer(page, request, host);
  // "Enter a prescription" lands in the grid's first cell, ready to type.
  await page.getByRole('button', { name: 'Enter a prescription' }).click();
  await expect(page.getByRole('tab', { name: 'Prescription' })).toHaveAttribute('aria-selected', 'true');
  await expect(cell(page, 'OD', 'distance', 'SPH')).toBeFocused();
  await page.keyboard.type('+1');
  const type = async (...cells: [ReturnType<typeof cell>, string][]) => {
    for (const [c, value] of cells) {
      await c.fill(value);
      await c.press('Tab');
    }
  };
  // An ADD on OD only, and the near row typed for OS: the near row is the prescriber's to type, so
  // the hint that near rows follow the ADD would be wrong (only the intermediate row follows it).
  await type([cell(page, 'OS', 'distance', 'SPH'), '+1'], [cell(page, 'OD', 'distance', 'ADD'), '+2'], [cell(page, 'OS', 'near', 'SPH'), '+3']);
  const hint = page.getByText('Near and intermediate rows follow the ADD and cannot be typed.');
  await expect(cell(page, 'OD', 'near', 'SPH')).toBeEditable();
  await expect(cell(page, 'OS', 'intermediate', 'SPH')).not.toBeEditable();
  await expect(hint).toBeHidden();
  // With the ADD on both eyes and the near row left empty, both rows follow it: the hint is right.
  await type([cell(page, 'OS', 'near', 'SPH'), ''], [cell(page, 'OS', 'distance', 'ADD'), '+2']);
  await expect(cell(page, 'OD', 'near', 'SPH')).not.toBeEditable();
  await expect(hint).toBeVisible();
  // No ADD: the near row is typed, the hint is gone.
  await type([cell(page, 'OD', 'distance', 'ADD'), ''], [cell(page, 'OS', 'distance', 'ADD'), ''], [cell(page, 'OD', 'near', 'SPH'), '-350'], [cell(page, 'OS', 'near', 'SPH'), '+3']);
  await expect(cell(page, 'OD', 'near', 'SPH')).toBeEditable();
  await expect(hint).toBeHidden();
  // A sign typo: no ADD gives -3.50 over +1.00. Staff see why on the cell, and nothing is saved.
  const nearOd = cell(page, 'OD', 'near', 'SPH');
  await expect(nearOd).toHaveAccessibleDescription('Near SPH must be above the distance SPH (+1.00) by an ADD of +0.25 to +4.00 (from +1.25 to +5.00)');
  await page.getByRole('button', { name: 'Save prescription' }).click();
  await expect(nearOd).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('status').filter({ hasText: /Version 1 saved/ })).toHaveCount(0);
  await page.setViewportSize({ width: 1366, height: 768 });
  await shot(page, 'rx-near-without-add-refused');

  // The sign fixed, the ADD follows the near row, and it saves.
  await nearOd.fill('+3.50');
  await nearOd.press('Tab');
  await expect(cell(page, 'OD', 'distance', 'ADD')).toHaveAttribute('placeholder', '+2.50');
  await page.getByRole('button', { name: 'Save prescription' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Version 1 saved' })).toBeVisible();
});

test('a version an earlier build saved contradicting itself is flagged on Details, the Prescription tab and the printed card', async ({ page, host, request }) => {
  const { customer } = await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Nadia', lastName: 'Optics', email: 'nadia@example.com', phoneNumber: '+212 600 111 222', dateOfBirth: '1960-02-20', sex: 'female' },
  });
  const v1 = await callHost(request, host, 'prescriptions.create', {
    customerId: customer.id,
    rx: { kind: 'spectacles', examDate: '2025-11-20', distanceVision: { rightEye: { sph: '+1.50', add: '+2.00' }, leftEye: { sph: '+1.25', add: '+2.00' } } },
  });
  // What the earlier build let through: near OD +3.75 over +1.50 with ADD +2.00.
  const db = new BetterSqlite3(join(host.dataDir, 'opticounter.sqlite3'));
  const row = db.prepare('select rx from prescriptions where id = ?').get(v1.id) as { rx: string };
  const rx = { ...(JSON.parse(row.rx) as Record<string, unknown>), nearVision: { rightEye: { sph: '+3.75' }, leftEye: { sph: '+3.25' } } };
  db.prepare('update prescriptions set rx = ? where id = ?').run(JSON.stringify(rx), v1.id);
  db.close();

  await page.setViewportSize({ width: 1366, height: 768 });
  await searchBox(page).fill('nadia');
  await expect(page.getByTestId('result-count')).toHaveText('1 match');
  await searchBox(page).press('Enter');
  const title = 'This prescription contradicts itself: OD near SPH. Correct it before using it.';
  const details = page.getByRole('tabpanel', { name: 'Details' });
  await expect(details.getByRole('alert').filter({ hasText: title })).toBeVisible();
  await expect(details.getByRole('alert')).toContainText('OD near SPH: Near SPH must be distance SPH + ADD (+3.50)');
  await expect(details.getByRole('table', { name: /^Current prescription · v1/ }).getByRole('row').filter({ hasText: 'Near' }).first()).toContainText('+3.75');
  await details.getByRole('alert').scrollIntoViewIfNeeded();
  await shot(page, 'rx-contradiction-details');

  await page.getByRole('tab', { name: 'Prescription' }).click();
  const tab = page.getByRole('tabpanel', { name: 'Prescription' });
  await expect(tab.getByRole('region', { name: /^Current prescription · v1/ }).getByRole('alert')).toContainText(title);
  await shot(page, 'rx-contradiction-tab');

  const card = page.locator('.print-card');
  await page.emulateMedia({ media: 'print' });
  await expect(card).toContainText(title);
  await shot(page, 'rx-contradiction-print');
  await page.emulateMedia({ media: 'screen' });

  // Corrected, the warning goes.
  await page.getByRole('region', { name: 'History' }).getByRole('button', { name: 'Correct version 1' }).click();
  await cell(page, 'OD', 'near', 'SPH').fill('');
  await cell(page, 'OS', 'near', 'SPH').fill('');
  await page.getByRole('button', { name: 'Save correction' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Version 2 saved as a correction' })).toBeVisible();
  await expect(tab.getByRole('alert').filter({ hasText: title })).toHaveCount(0);
  await page.getByRole('tab', { name: 'Details' }).click();
  await expect(details.getByRole('table', { name: /^Current prescription · v2/ })).toBeVisible();
  await expect(details.getByRole('alert').filter({ hasText: title })).toHaveCount(0);
});

import { readFile } from 'node:fs/promises';
import Papa from 'papaparse';
import type { Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { callHost, expect, shot, test } from './fixtures';

/*
 * Issue 13 item 1's proof on screen: the owner imports a previous system's CSV (Windows-1252, ';',
 * French headers) through the mapping screen, sees its problems and its likely duplicate, imports it
 * with the progress bar showing, saves the skipped rows, then undoes the batch.
 */

test.use({ viewport: { width: 1366, height: 768 } });
test.setTimeout(180_000);

const GENERATED = 12_000;

/** The previous system's export: two hand-made rows (one breaks rules, one is Sara again), one with no last name, many plain ones. */
function legacyCsv(generated = GENERATED): Buffer {
  const lines = [
    'Nom;Prénom;E-mail;Tél;Date de naissance;Sexe;Localité;Sph OD;Cyl OD;Axe OD;Sph OG;Date examen;Remarque',
    'Bennani;Sara;sara@example.com;0611223344;31/02/1980;F;Rabat;-1,25;-0,50;200;-1;12/03/2024;fidèle',
    'Lefèvre;Hélène;helene@example.fr;0612345678;12/05/1990;X;Paris;+1,00;;;+1,25;01/02/2025;',
    // No last name: skipped; the preview still shows who it is (row 4).
    ';Zoé;zoe@example.com;0699887766;03/03/1983;F;Nantes;;;;;;sans nom',
  ];
  for (let i = 0; i < generated; i++) {
    const n = String(i).padStart(5, '0');
    lines.push(`Client${n};Test;client${n}@example.com;07${n}000;01/01/1970;M;Lyon;-1,00;;;-1,25;01/02/2025;`);
  }
  // Windows-1252: é and è are one byte each, as latin1 writes them.
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1');
}

const TEXT = {
  en: {
    nav: 'Import',
    title: 'Import customers',
    pick: 'Choose a file…',
    fieldOf: (c: string) => `${c} imported as`,
    dobProblem: 'Date of birth: Date of birth “31/02/1980” is not a real date',
    axisProblem: 'OD (right) axis: Axis must be a whole number of degrees from 1 to 180, like 90 or 180',
    duplicates: '1 row looks like a customer already here',
    reasons: 'same phone, same email',
    rowChoice: 'Row 2 (may be Sara Bennani)',
    merge: 'Merge into the customer here',
    import: `Import ${(GENERATED + 3).toLocaleString('en')} rows`,
    progress: 'Import progress',
    done: 'legacy.csv imported',
    saveSkipped: 'Save the skipped rows (CSV)',
    undoLabel: 'Undo the import of legacy.csv',
    undoDialog: 'Undo this import?',
    undoBody: `The ${(GENERATED + 1).toLocaleString('en')} customers imported from legacy.csv are removed`,
    undoConfirm: 'Undo the import',
    undone: /^Import of legacy\.csv undone: /,
    undoneBadge: 'Undone',
    willSkip: 'Will be skipped:',
    encoding: 'Text encoding',
    reportColumns: ['Row', 'Outcome', 'Problems'],
    partial: 'imported without some values',
    skippedOutcome: 'skipped',
    nothingKept: 'Nothing from this file was kept',
    cancel: 'Cancel the import',
    cancelDialog: 'Cancel the import?',
    cancelled: 'The import of legacy.csv was cancelled',
  },
  fr: {
    nav: 'Import',
    title: 'Importer des clients',
    pick: 'Choisir un fichier…',
    fieldOf: (c: string) => `${c} importée comme`,
    dobProblem: 'Date de naissance : ',
    axisProblem: 'OD axe : ',
    duplicates: '1 ligne ressemble à un client déjà enregistré',
    reasons: /même (téléphone|e-mail)/,
    rowChoice: 'Ligne 2 (peut-être Sara Bennani)',
    merge: 'Fusionner avec le client existant',
    import: `Importer ${(GENERATED + 3).toLocaleString('fr')} lignes`,
    progress: 'Avancement de l’import',
    done: 'legacy.csv importé',
    saveSkipped: 'Enregistrer les lignes ignorées (CSV)',
    undoLabel: 'Défaire l’import de legacy.csv',
    undoDialog: 'Défaire cet import ?',
    undoBody: `Les ${(GENERATED + 1).toLocaleString('fr')} clients importés de legacy.csv sont retirés`,
    undoConfirm: 'Défaire l’import',
    undone: /^Import de legacy\.csv défait : /,
    undoneBadge: 'Défait',
    willSkip: 'Sera ignorée :',
    encoding: 'Encodage du texte',
    reportColumns: ['Ligne', 'Résultat', 'Problèmes'],
    partial: 'importée sans certaines valeurs',
    skippedOutcome: 'ignorée',
    nothingKept: 'Rien de ce fichier n’a été gardé',
    cancel: 'Annuler l’import',
    cancelDialog: 'Annuler l’import ?',
    cancelled: 'L’import de legacy.csv a été annulé',
  },
} as const;

async function openImport(page: Page, lang: 'en' | 'fr' | 'ar', nav: string) {
  if (lang !== 'en') await page.getByLabel('Language').selectOption(lang);
  await page.getByRole('banner').getByRole('button', { name: nav, exact: true }).click();
}

/** Picks the file as staff do: the app's button opens the browser's file chooser. */
async function pickFile(page: Page, button: string, file: { name: string; mimeType: string; buffer: Buffer }) {
  const choosing = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: button }).click();
  await (await choosing).setFiles(file);
}

const customersTotal = async (request: Parameters<typeof callHost>[0], host: Parameters<typeof callHost>[1]) =>
  (await callHost(request, host, 'customers.list', {})).pagination.total;

for (const lang of ['en', 'fr'] as const) {
  test(`${lang}: a CSV through the mapping screen, imported with the progress bar, then the batch undone`, async ({ page, host, request }) => {
    const text = TEXT[lang];
    await callHost(request, host, 'customers.create', { customerData: { firstName: 'Sara', lastName: 'Bennani', email: 'sara@example.com', phoneNumber: '+33 6 11 22 33 44' } });
    await openImport(page, lang, text.nav);
    await expect(page.getByRole('heading', { name: text.title, level: 1 })).toBeVisible();
    await shot(page, `import-1-pick-${lang}`);
    await expectAccessible(page, `import-1-pick (${lang})`);

    // ---- the mapping: guessed from the French headers; the owner maps the one it did not know ----
    await pickFile(page, text.pick, { name: 'legacy.csv', mimeType: 'text/csv', buffer: legacyCsv() });
    await expect(page.getByRole('combobox', { name: text.fieldOf('Nom'), exact: true })).toHaveValue('lastName');
    await expect(page.getByRole('combobox', { name: text.fieldOf('Prénom'), exact: true })).toHaveValue('firstName');
    await expect(page.getByRole('combobox', { name: text.fieldOf('Axe OD'), exact: true })).toHaveValue('rx.rightEye.axis');
    await expect(page.getByRole('combobox', { name: text.fieldOf('Remarque'), exact: true })).toHaveValue('');
    // Read as UTF-8 on purpose, the Windows-1252 accents break (Lef�vre); back to detected, they are right.
    const encoding = page.getByRole('combobox', { name: text.encoding, exact: true });
    await expect(encoding).toHaveValue('auto');
    await encoding.selectOption('utf-8');
    const preview = page.locator('table.import-preview');
    await expect(preview.locator('tbody tr').nth(1)).toContainText('Lef\uFFFDvre');
    await encoding.selectOption('auto');
    await expect(preview.locator('tbody tr').nth(1)).toContainText('Lefèvre');
    await page.getByRole('combobox', { name: text.fieldOf('Localité'), exact: true }).selectOption('city');
    await expect(preview.locator('tbody tr').first()).toContainText('Rabat');

    // ---- the preview: the rows as stored, each problem on its field in the form's words ----
    await expect(preview.locator('tbody tr').first()).toContainText(text.dobProblem);
    await expect(preview.locator('tbody tr').first()).toContainText(text.axisProblem);
    // The skipped row: who it is (the file's values) and why it will be skipped.
    const skipped = preview.locator('tbody tr').nth(2);
    await expect(skipped).toHaveClass(/import-skipped/);
    await expect(skipped).toContainText('Zoé');
    await expect(skipped).toContainText('0699887766');
    await expect(skipped).toContainText(text.willSkip);
    await expect(page.getByRole('heading', { name: text.duplicates })).toBeVisible();
    const dupes = page.locator('table.import-duplicates');
    await expect(dupes).toContainText('Sara Bennani');
    await expect(dupes).toContainText(text.reasons);
    await page.getByRole('combobox', { name: text.rowChoice }).selectOption('merge');
    // Checked again with the owner's mapping: Import waits for that answer.
    await expect(page.getByRole('button', { name: text.import })).toBeEnabled();
    await shot(page, `import-2-mapping-${lang}`);
    await expectAccessible(page, `import-2-mapping (${lang})`);
    await page.locator('.import-problem-list').scrollIntoViewIfNeeded();
    await shot(page, `import-3-preview-${lang}`);

    // ---- the import, with the progress bar moving ----
    await page.getByRole('button', { name: text.import }).click();
    const bar = page.getByRole('progressbar', { name: text.progress });
    await expect(bar).toBeVisible();
    // The pressed button is gone: the focus goes on to the step that replaced it, not back to the page's top.
    await expect(page.locator('.import-running > p').first()).toBeFocused();
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 60_000 }).toBeGreaterThan(0);
    await shot(page, `import-4-progress-${lang}`);
    await expect(page.getByRole('heading', { name: text.done })).toBeVisible({ timeout: 120_000 });
    await expect(page.getByRole('heading', { name: text.done })).toBeFocused();
    const counts = page.locator('.import-counts dd');
    await expect(counts).toHaveText([(GENERATED + 1).toLocaleString(lang), '1', '1', (GENERATED + 1).toLocaleString(lang)].map((s) => s.replace(/\s/g, '\u202f')));
    await shot(page, `import-5-result-${lang}`);
    await expectAccessible(page, `import-5-result (${lang})`);
    expect(await customersTotal(request, host)).toBe(GENERATED + 2);

    // ---- the skipped rows, saved as CSV ----
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: text.saveSkipped }).click();
    const report = await readFile(await (await downloading).path());
    // In the person's language, the form's field names, and the file's own ';' (a French Excel splits on it).
    const reportText = report.toString('utf8').replace(/^\uFEFF/, '');
    expect(reportText.split('\r\n')[0]).toBe([...text.reportColumns, 'Nom', 'Prénom'].join(';') + ';' + 'E-mail;Tél;Date de naissance;Sexe;Localité;Sph OD;Cyl OD;Axe OD;Sph OG;Date examen;Remarque');
    const rows = Papa.parse<string[]>(reportText, { skipEmptyLines: true, delimiter: ';' }).data;
    // The row with no last name was skipped; the two hand-made rows came in without their broken values.
    expect(rows.slice(1).map((r) => [r[0], r[1]])).toEqual([
      ['2', text.partial],
      ['3', text.partial],
      ['4', text.skippedOutcome],
    ]);
    expect(rows[1]?.[2]).toContain(text.dobProblem);

    // ---- the batch undone: the dialog names the file and the count ----
    await page.getByRole('button', { name: text.undoLabel }).click();
    const dialog = page.getByRole('dialog', { name: text.undoDialog });
    await expect(dialog).toContainText(text.undoBody);
    await shot(page, `import-6-undo-${lang}`);
    await expectAccessible(page, `import-6-undo (${lang})`);
    await dialog.getByRole('button', { name: text.undoConfirm }).click();
    await expect(page.getByRole('status').filter({ hasText: text.undone })).toBeVisible({ timeout: 60_000 });
    // Its Undo button went with the dialog: the focus is on what the undo did, not the page's top.
    await expect(page.getByRole('status').filter({ hasText: text.undone })).toBeFocused();
    await expect(page.locator('.import-batches tbody tr').first()).toContainText(text.undoneBadge);
    await shot(page, `import-7-undone-${lang}`);
    await expectAccessible(page, `import-7-undone (${lang})`);
    expect(await customersTotal(request, host)).toBe(1);
  });
}

test('en: a running import is cancelled after a confirmation; what it wrote is taken back', async ({ page, host, request }) => {
  const text = TEXT.en;
  await openImport(page, 'en', text.nav);
  // Long enough that the confirmation lands while rows are still being written, on a loaded CI box
  // too (12,000 rows finished first there; finishing first is the next test's case).
  await pickFile(page, text.pick, { name: 'legacy.csv', mimeType: 'text/csv', buffer: legacyCsv(40_000) });
  await page.getByRole('button', { name: `Import ${(40_000 + 3).toLocaleString('en')} rows` }).click();
  await expect(page.getByRole('progressbar', { name: text.progress })).toBeVisible();
  await page.getByRole('button', { name: text.cancel }).click();
  const dialog = page.getByRole('dialog', { name: text.cancelDialog });
  await expect(dialog).toContainText('legacy.csv');
  await shot(page, 'import-8-cancel-en');
  await expectAccessible(page, 'import cancel dialog');
  await dialog.getByRole('button', { name: text.cancel }).click();
  await expect(page.getByRole('heading', { name: text.cancelled })).toBeVisible({ timeout: 60_000 });
  // Nothing stays: 0 new customers, and what the run had written is shown as removed, not as imported.
  await expect(page.locator('.import-result')).toContainText(text.nothingKept);
  await expect(page.locator('.import-counts dt')).toHaveText(['New customers', 'Removed again']);
  await expect(page.locator('.import-counts dd').first()).toHaveText('0');
  // The past imports say the same: 0 kept.
  const batch = page.locator('.import-batches tbody tr').first();
  await expect(batch.locator('td.num').first()).toHaveText('0');
  await shot(page, 'import-9-cancelled-en');
  expect(await customersTotal(request, host)).toBe(0);
});

/** Starts importing `rows` generated rows as big.csv, then leaves for the customers and comes back: this visit did not start the run. */
async function startBigAndComeBack(page: Page, rows: number) {
  const text = TEXT.en;
  await openImport(page, 'en', text.nav);
  await pickFile(page, text.pick, { name: 'big.csv', mimeType: 'text/csv', buffer: legacyCsv(rows) });
  await page.getByRole('button', { name: `Import ${(rows + 3).toLocaleString('en')} rows` }).click();
  await expect(page.getByRole('progressbar', { name: text.progress })).toBeVisible();
  await page.getByRole('banner').getByRole('button', { name: 'Customers', exact: true }).click();
  await page.getByRole('banner').getByRole('button', { name: text.nav, exact: true }).click();
  await expect(page.getByText('Importing big.csv')).toBeVisible();
}

const TOO_LATE = 'Too late to cancel: the import had already finished. Undo it from the list below to take it back.';

for (const order of ['the cancel answered first', 'the result shown first'] as const) {
  test(`en: a cancel confirmed once the import had finished says it came too late (${order})`, async ({ page, host, request }) => {
    const text = TEXT.en;
    await openImport(page, 'en', text.nav);
    await pickFile(page, text.pick, { name: 'legacy.csv', mimeType: 'text/csv', buffer: legacyCsv(50) });
    // The run's answer is held back after the core has finished, so the bar and Cancel are still on screen.
    let releaseRun = () => {};
    const runHeld = new Promise<void>((resolve) => (releaseRun = resolve));
    await page.route('**/api/import.run', async (route) => {
      const response = await route.fetch();
      await runHeld;
      await route.fulfill({ response });
    });
    // The other order (second outside review): the cancel's answer reaches the page after the result.
    let releaseCancel = () => {};
    const cancelHeld = order === 'the result shown first' ? new Promise<void>((resolve) => (releaseCancel = resolve)) : Promise.resolve();
    await page.route('**/api/import.cancel', async (route) => {
      const response = await route.fetch();
      await cancelHeld;
      await route.fulfill({ response });
    });
    await page.getByRole('button', { name: `Import ${(50 + 3).toLocaleString('en')} rows` }).click();
    await expect(page.getByRole('progressbar', { name: text.progress })).toBeVisible();
    await expect.poll(async () => (await callHost(request, host, 'import.batches', {}))[0]?.status, { timeout: 60_000 }).toBe('done');
    await page.getByRole('button', { name: text.cancel }).click();
    await page.getByRole('dialog', { name: text.cancelDialog }).getByRole('button', { name: text.cancel }).click();
    if (order === 'the cancel answered first') await expect(page.getByRole('dialog', { name: text.cancelDialog })).toHaveCount(0);
    releaseRun();
    await expect(page.getByRole('heading', { name: text.done })).toBeVisible();
    releaseCancel();
    await expect(page.getByRole('status').filter({ hasText: TOO_LATE })).toBeVisible();
    await shot(page, `import-9b-too-late-en-${order.replace(/ /g, '-')}`);
    expect(await customersTotal(request, host)).toBe(52);
  });
}

test('en: a cancel confirmed too late on an import found again says so too', async ({ page, host, request }) => {
  const text = TEXT.en;
  await startBigAndComeBack(page, 8_000);
  // The cancel reaches the core only once the import has finished.
  await page.route('**/api/import.cancel', async (route) => {
    await expect.poll(async () => (await callHost(request, host, 'import.batches', {}))[0]?.status, { timeout: 60_000 }).toBe('done');
    await route.continue();
  });
  // The page's own view of the run is held from here until the cancel is confirmed: had it learnt first
  // that the import finished, the bar and the dialog would have gone (the project's CI failed so on
  // 3783e5c, a race of the test). Answers read before `hold` said "running", as the core does below.
  let hold = false;
  let releaseView = () => {};
  const viewHeld = new Promise<void>((resolve) => (releaseView = resolve));
  for (const channel of ['import.progress', 'import.batches']) {
    await page.route(`**/api/${channel}`, async (route) => {
      const response = await route.fetch();
      if (hold) await viewHeld;
      await route.fulfill({ response });
    });
  }
  hold = true;
  expect((await callHost(request, host, 'import.batches', {}))[0]?.status).toBe('running');
  await page.getByRole('button', { name: text.cancel }).click();
  await page.getByRole('dialog', { name: text.cancelDialog }).getByRole('button', { name: text.cancel }).click();
  releaseView();
  await expect(page.getByRole('status').filter({ hasText: TOO_LATE })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('button', { name: text.pick })).toBeVisible();
  await shot(page, 'import-9c-too-late-found-again-en');
  expect(await customersTotal(request, host)).toBe(8_002);
});

test('en: an import left running is found again on the Import screen, with its bar and Cancel', async ({ page, host, request }) => {
  const text = TEXT.en;
  // Away to the customers, then back: this visit did not start the run, the core's list names it.
  await startBigAndComeBack(page, 40_000);
  const bar = page.getByRole('progressbar', { name: text.progress });
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 60_000 }).toBeGreaterThan(0);
  await shot(page, 'import-10-found-again-en');
  await page.getByRole('button', { name: text.cancel }).click();
  const dialog = page.getByRole('dialog', { name: text.cancelDialog });
  await dialog.getByRole('button', { name: text.cancel }).click();
  // Once over, the screen offers a new file again and the list says the batch was cancelled.
  await expect(page.getByRole('button', { name: text.pick })).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('.import-batches tbody tr').first()).toContainText('Cancelled');
  expect(await customersTotal(request, host)).toBe(0);
});

test('ar: the import screen reads right to left', async ({ page }) => {
  await openImport(page, 'ar', 'الاستيراد');
  await expect(page.getByRole('heading', { name: 'استيراد الزبائن', level: 1 })).toBeVisible();
  await pickFile(page, 'اختيار ملف…', { name: 'legacy.csv', mimeType: 'text/csv', buffer: legacyCsv() });
  await expect(page.locator('table.import-preview tbody tr').first()).toContainText('Bennani');
  // A phone and an email stay left to right inside the Arabic table (a phone reversed is another number).
  const first = page.locator('table.import-preview tbody tr').first();
  await expect(first.locator('td[dir="ltr"]').filter({ hasText: '0611223344' })).toHaveCount(1);
  await expect(first.locator('td[dir="ltr"]').filter({ hasText: 'sara@example.com' })).toHaveCount(1);
  await expect(page.locator('table.import-preview tbody tr.import-skipped')).toContainText('سيُتجاوَز هذا السطر');
  await shot(page, 'import-mapping-ar');
  await page.locator('table.import-preview').scrollIntoViewIfNeeded();
  await shot(page, 'import-preview-ar');
  await expectAccessible(page, 'import mapping (ar)');
});

test('en: an import refused (another one is being undone) says so where the focus is, and can be tried again', async ({ page, host, request }) => {
  const text = TEXT.en;
  await openImport(page, 'en', text.nav);
  await pickFile(page, text.pick, { name: 'legacy.csv', mimeType: 'text/csv', buffer: legacyCsv(50) });
  // The core's answer while another batch is undone (import.busy): held to one refusal.
  let refused = false;
  await page.route('**/api/import.run', async (route) => {
    if (refused) return route.fallback();
    refused = true;
    await route.fulfill({
      status: 409,
      contentType: 'application/json',
      body: JSON.stringify({ ok: false, error: { code: 'import.busy', message: 'An import is being undone; wait for it to finish', status: 409 } }),
    });
  });
  const importButton = page.getByRole('button', { name: `Import ${(50 + 3).toLocaleString('en')} rows` });
  await importButton.focus();
  await page.keyboard.press('Enter');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Another import, or the undo of one, is under way; wait for it to finish.');
  // The pressed button went with the step: the message has the focus, not the page's top.
  await expect(alert).toBeFocused();
  await shot(page, 'import-10-refused-en');
  await importButton.click();
  await expect(page.getByRole('heading', { name: text.done })).toBeVisible({ timeout: 60_000 });
  expect(await customersTotal(request, host)).toBe(52);
});

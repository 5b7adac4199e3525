import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import type { Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { callHost, expect, shot, test } from './fixtures';

/*
 * Issue 13 item 2: the owner exports the customer list, the current search as CSV and everyone as
 * .xlsx, with the columns ticked; the saved files are read back as a spreadsheet would.
 */

const TEXT = {
  en: {
    button: 'Export list…',
    dialog: 'Export the customer list',
    search: 'This search, “ben” (2 customers)',
    all: 'All customers',
    csv: 'CSV (.csv)',
    xlsx: 'Excel (.xlsx)',
    submit: 'Export',
    columns: { email: 'Email', city: 'City', firstName: 'First name', lastName: 'Last name', dateOfBirth: 'Date of birth', phoneNumber: 'Phone', lastExamDate: 'Last exam' },
    done: (n: number) => new RegExp(`^${n} customers exported as customers-\\d{4}-\\d{2}-\\d{2}\\.(csv|xlsx)$`),
  },
  fr: {
    button: 'Exporter la liste…',
    dialog: 'Exporter la liste des clients',
    search: 'Cette recherche, « ben » (2 clients)',
    all: 'Tous les clients',
    csv: 'CSV (.csv)',
    xlsx: 'Excel (.xlsx)',
    submit: 'Exporter',
    columns: { email: 'E-mail', city: 'Ville', firstName: 'Prénom', lastName: 'Nom', dateOfBirth: 'Date de naissance', phoneNumber: 'Téléphone', lastExamDate: 'Dernier examen' },
    done: (n: number) => new RegExp(`^${n} clients exportés dans customers-\\d{4}-\\d{2}-\\d{2}\\.(csv|xlsx)$`),
  },
} as const;

async function download(page: Page, click: () => Promise<void>) {
  const downloading = page.waitForEvent('download');
  await click();
  const file = await downloading;
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

test.use({ viewport: { width: 1366, height: 768 } });

for (const lang of ['en', 'fr'] as const) {
  test(`${lang}: the owner exports the current search as CSV and everyone as .xlsx, with the columns ticked`, async ({ page, host, request }) => {
    const text = TEXT[lang];
    const c = text.columns;
    const create = (firstName: string, lastName: string, extra: Record<string, string> = {}, city?: string) =>
      callHost(request, host, 'customers.create', {
        customerData: { firstName, lastName, email: `${firstName}.${lastName}@example.com`.toLowerCase(), phoneNumber: '+33 6 12 34 56 78', dateOfBirth: '1980-03-09', ...extra },
        ...(city ? { address: { city } } : {}),
      });
    await create('Sara', 'Bennani', {}, 'Rabat');
    await create('Ahmed', 'Benali', {}, 'Casablanca');
    await create('=HYPERLINK("http://evil.example")', 'Tazi', { email: 'tazi@example.com' });
    if (lang === 'fr') await page.getByLabel('Language').selectOption('fr');

    await page.getByRole('searchbox').fill('ben');
    await expect(page.getByTestId('result-count')).toHaveText(lang === 'en' ? '2 matches' : '2 résultats');
    await page.getByRole('button', { name: text.button }).click();
    const dialog = page.getByRole('dialog', { name: text.dialog });
    await expect(dialog.getByRole('radio', { name: text.search })).toBeChecked();
    // The columns: the defaults are ticked; the owner takes off the phone, the birth date and the exam, adds nothing else.
    await expect(dialog.getByRole('checkbox', { name: c.phoneNumber, exact: true })).toBeChecked();
    await dialog.getByRole('checkbox', { name: c.phoneNumber, exact: true }).uncheck();
    await dialog.getByRole('checkbox', { name: c.dateOfBirth, exact: true }).uncheck();
    await dialog.getByRole('checkbox', { name: c.lastExamDate, exact: true }).uncheck();
    await dialog.getByRole('radio', { name: text.csv }).check();
    await shot(page, `export-list-dialog-${lang}`);
    await expectAccessible(page, `export list dialog (${lang})`);
    const csv = await download(page, () => dialog.getByRole('button', { name: text.submit, exact: true }).click());
    expect(csv.name).toMatch(/^customers-\d{4}-\d{2}-\d{2}\.csv$/);
    await expect(dialog).toBeHidden();
    await expect(page.locator('.export-done')).toHaveText(text.done(2));
    await shot(page, `export-list-done-${lang}`);
    const rows = Papa.parse<string[]>(csv.bytes.toString('utf8').replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
    expect(rows[0]).toEqual([c.firstName, c.lastName, c.email, c.city]);
    expect(rows.slice(1).map((r) => r.slice(0, 2).join(' ')).sort()).toEqual(['Ahmed Benali', 'Sara Bennani']);

    // ---- everyone, as .xlsx: the columns chosen last time are ticked again ----
    await page.getByRole('button', { name: text.button }).click();
    await expect(dialog.getByRole('checkbox', { name: c.phoneNumber, exact: true })).not.toBeChecked();
    await expect(dialog.getByRole('checkbox', { name: c.email, exact: true })).toBeChecked();
    await dialog.getByRole('radio', { name: text.all }).check();
    await dialog.getByRole('radio', { name: text.xlsx }).check();
    await dialog.getByRole('checkbox', { name: c.dateOfBirth, exact: true }).check();
    const xlsx = await download(page, () => dialog.getByRole('button', { name: text.submit, exact: true }).click());
    expect(xlsx.name).toMatch(/\.xlsx$/);
    await expect(page.locator('.export-done')).toHaveText(text.done(3));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.rowCount).toBe(4);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([c.firstName, c.lastName, c.email, c.dateOfBirth, c.city]);
    // Newest first; the formula-like name is a plain text cell, the birth date a real date.
    expect(sheet.getCell('A2').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell('A2').value).toBe('=HYPERLINK("http://evil.example")');
    expect(sheet.getCell('D2').value).toEqual(new Date('1980-03-09T00:00:00.000Z'));
  });
}

test('ar: the export dialog reads right to left', async ({ page, request, host }) => {
  await callHost(request, host, 'customers.create', { customerData: { firstName: 'Layla', lastName: 'Hassan', email: 'layla@example.com' } });
  // Created after the page loaded its list: loaded again, the list has her.
  await page.reload();
  await page.getByLabel('Language').selectOption('ar');
  await expect(page.getByTestId('result-count')).toHaveText('زبون واحد');
  await page.getByRole('button', { name: 'تصدير القائمة…' }).click();
  const dialog = page.getByRole('dialog', { name: 'تصدير قائمة الزبائن' });
  await expect(dialog.getByRole('checkbox', { name: 'البريد الإلكتروني' })).toBeChecked();
  await shot(page, 'export-list-dialog-ar');
  await expectAccessible(page, 'export list dialog (ar)');
});

import { deflateSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { callHost, expect, searchBox, test, shot } from './fixtures';

// ---- a real PNG, built byte by byte (PNG spec, ISO/IEC 15948: signature, IHDR, IDAT, IEND) ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A width × height RGB image of one colour. */
function png(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, deflate, no filter, not interlaced
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [r, g, b]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', pixels),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

async function openDocuments(page: Page, request: Parameters<typeof callHost>[0], host: Parameters<typeof callHost>[1]) {
  await callHost(request, host, 'customers.create', {
    customerData: { firstName: 'Omar', lastName: 'Files', email: 'omar@example.com', phoneNumber: '+212 600 333 444', dateOfBirth: '1975-09-30', sex: 'male' },
  });
  await searchBox(page).fill('omar');
  await expect(page.getByTestId('result-count')).toHaveText('1 match');
  await searchBox(page).press('Enter');
  await page.getByRole('tab', { name: 'Documents' }).click();
  const docs = page.getByRole('region', { name: 'Documents' });
  await expect(docs.getByText('No documents yet.')).toBeVisible();
  return docs;
}

test('attach a real PNG, see it listed and previewed; a text file named scan.png is refused; remove with confirmation', async ({ page, host, request }) => {
  const docs = await openDocuments(page, request, host);
  const image = png(40, 24, [31, 95, 191]);

  // ---- a real PNG, as a prescription scan ----
  await docs.getByLabel('Document type').selectOption({ label: 'Prescription' });
  await docs.getByLabel('Add files…').setInputFiles({ name: 'rx-scan.png', mimeType: 'image/png', buffer: image });
  const row = docs.getByRole('row').filter({ hasText: 'rx-scan.png' });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Prescription');
  await expect(row).toContainText(`${image.length} bytes`);
  // Previewed straight away, and really decoded (not a broken image).
  const preview = docs.getByRole('img', { name: 'rx-scan.png' });
  await expect(preview).toBeVisible();
  await expect(preview).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(40);

  // ---- a text file pretending to be a PNG: refused by content, with a clear message ----
  await docs.getByLabel('Add files…').setInputFiles({ name: 'scan.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all\n') });
  const alert = docs.getByRole('alert');
  await expect(alert).toContainText('“scan.png” was refused: only PDF, JPEG and PNG files are accepted');
  await expect(docs.getByRole('row').filter({ hasText: 'scan.png' })).toHaveCount(1); // only rx-scan.png
  await shot(page, 'docs-refused');

  // ---- an ID card, dropped on the section ----
  await docs.getByLabel('Document type').selectOption({ label: 'ID card' });
  const dataTransfer = await page.evaluateHandle((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], 'id-card.png', { type: 'image/png' }));
    return transfer;
  }, [...png(8, 8, [200, 30, 30])]);
  await docs.dispatchEvent('dragover', { dataTransfer });
  await docs.dispatchEvent('drop', { dataTransfer });
  const idRow = docs.getByRole('row').filter({ hasText: 'id-card.png' });
  await expect(idRow).toContainText('ID card');
  await expect(alert).toBeHidden();
  // Newest first.
  await expect(docs.getByRole('row').nth(1)).toContainText('id-card.png');
  await expect(docs.getByRole('img', { name: 'id-card.png' })).toBeVisible();

  // Choosing another file previews it.
  await row.getByRole('button', { name: 'rx-scan.png', exact: true }).click();
  await expect(docs.getByRole('img', { name: 'rx-scan.png' })).toBeVisible();
  await shot(page, 'docs-preview');

  // ---- remove, after confirming ----
  await row.getByRole('button', { name: 'Remove rx-scan.png' }).click();
  const confirm = page.getByRole('dialog', { name: 'Remove this document?' });
  await expect(confirm).toContainText('rx-scan.png');
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toHaveCount(0);
  await expect(docs.getByRole('img', { name: 'rx-scan.png' })).toHaveCount(0);
  await expect(idRow).toBeVisible();

  // What the core holds agrees.
  const customers = await callHost(request, host, 'customers.list', { search: 'omar' });
  const listed = await callHost(request, host, 'attachments.list', { customerId: customers.data[0]?.id ?? '' });
  expect(listed.map((a) => [a.fileName, a.field, a.mimeType])).toEqual([['id-card.png', 'idCard', 'image/png']]);
});

test('a PDF previews in a frame; a file over 20 MB is refused before it is sent', async ({ page, host, request }) => {
  const docs = await openDocuments(page, request, host);
  const pdf = Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
      '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  );
  await docs.getByLabel('Document type').selectOption({ label: 'Other' });
  await docs.getByLabel('Add files…').setInputFiles({ name: 'referral.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect(docs.getByRole('row').filter({ hasText: 'referral.pdf' })).toContainText('Other');
  const frame = docs.locator('iframe[title="referral.pdf"]');
  await expect(frame).toBeVisible();
  await expect(frame).toHaveAttribute('src', /^blob:/);

  const adds: string[] = [];
  page.on('request', (req) => {
    if (req.url().includes('/api/attachments.add')) adds.push(req.url());
  });
  await docs.getByLabel('Add files…').setInputFiles({ name: 'huge.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(20 * 1024 * 1024 + 1, 0x20) });
  await expect(docs.getByRole('alert')).toHaveText('“huge.pdf” is too large: a document can be at most 20 MB.');
  expect(adds).toEqual([]);
  // In French the unit is the French one (issue 12, item 11: it read "MB").
  await page.getByLabel('Language').selectOption('fr');
  await expect(docs.locator('.docs-hint')).toContainText(/20\sMo/);
});

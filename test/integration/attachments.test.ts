import { existsSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from '../../src/shared/attachments/schema';
import type { Core } from '../../src/main/core';
import { DB_FILE_NAME } from '../../src/main/db/database';
import { ahmed, layla, manualClock, openTestCore, expectFailure } from '../helpers/core';
import { png, pdf, jpeg, sha256 as sha } from '../helpers/files';

let core: Core;
let dir: string;
let close: () => Promise<void>;
let raw: Core;
let customerId: string;
const clock = manualClock();

beforeEach(async () => {
  clock.set('2026-01-15T10:00:00.000Z');
  ({ core, raw, dir, close } = await openTestCore({ clock }));
  customerId = (await core.call('customers.create', layla)).customer.id;
});
afterEach(() => close());

// --- real files, built here ------------------------------------------------------------------------



const b64 = (b: Buffer) => b.toString('base64');
const storedAt = (hash: string) => join(dir, 'attachments', hash.slice(0, 2), hash);
const storeRoot = () => join(dir, 'attachments');
const storedFiles = () =>
  existsSync(storeRoot()) ? readdirSync(storeRoot(), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];

function add(over: Partial<{ customerId: string; field: string; fileName: string; bytes: string }> = {}) {
  return core.call('attachments.add', { customerId, field: 'prescription', fileName: 'scan.png', bytes: b64(png()), ...over });
}

const expectError = (channel: string, input: unknown, code: string, status?: number) => expectFailure(core, channel, input, code, status);

const addInput = (over: Record<string, unknown>) => ({ customerId, field: 'prescription', fileName: 'scan.png', bytes: b64(png()), ...over });

// --- tests --------------------------------------------------------------------------------------------

describe('attachments.add / list / read', () => {
  it('stores a real PNG content-addressed and reads back the identical bytes', async () => {
    const file = png();
    const added = await add({ field: 'idCard', fileName: 'C:\\fakepath\\id card.png', bytes: b64(file) });
    expect(added).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      customerId,
      field: 'idCard',
      fileName: 'id card.png',
      mimeType: 'image/png',
      size: file.length,
      sha256: sha(file),
      createdAt: '2026-01-15T10:00:00.000Z',
      createdBy: 'owner',
    });

    expect(readFileSync(storedAt(sha(file))).equals(file)).toBe(true);
    expect(storedFiles()).toEqual([sha(file)]); // no temporary file left behind

    expect(await core.call('attachments.list', { customerId })).toEqual([added]);
    const read = await core.call('attachments.read', { id: added.id });
    expect(read.attachment).toEqual(added);
    expect(Buffer.from(read.bytes, 'base64').equals(file)).toBe(true);
  });

  it.each([
    ['a PDF', pdf, 'prescription.pdf', 'application/pdf'],
    ['a JPEG', jpeg, 'ID.JPEG', 'image/jpeg'],
    ['a JPEG named .jpg', jpeg, 'photo.jpg', 'image/jpeg'],
    ['a PNG named in capitals', png(), 'SCAN.PNG', 'image/png'],
  ])('recognises %s by its content', async (_, file, fileName, mimeType) => {
    const added = await add({ fileName, bytes: b64(file) });
    expect(added).toMatchObject({ fileName, mimeType, size: file.length, sha256: sha(file) });
    const read = await core.call('attachments.read', { id: added.id });
    expect(Buffer.from(read.bytes, 'base64').equals(file)).toBe(true);
  });

  it.each([
    ['  scan-from-copier  ', 'scan-from-copier'],
    ['ordonnance.scan', 'ordonnance.scan'],
    ['../../etc/prescription.tmp', 'prescription.tmp'],
    ['/home/staff/Downloads/Rx 2026.pdf.bin', 'Rx 2026.pdf.bin'],
  ])('accepts valid content whatever else the name %j says, keeping its base name', async (fileName, kept) => {
    const added = await add({ fileName, bytes: b64(pdf) });
    expect(added).toMatchObject({ fileName: kept, mimeType: 'application/pdf' });
  });

  it('refuses a name that is only folders', async () => {
    const err = await expectError('attachments.add', addInput({ fileName: 'C:\\fakepath\\' }), 'validation', 400);
    expect(err.fieldErrors).toEqual({ fileName: ['fileName must name a file'] });
  });

  it('stores the same bytes once however often they are attached (two rows, one file)', async () => {
    const file = png();
    const first = await add({ bytes: b64(file), fileName: 'a.png' });
    const second = await add({ bytes: b64(file), fileName: 'b.png', field: 'other' });
    expect(second.id).not.toBe(first.id);
    expect(second.sha256).toBe(first.sha256);
    expect(storedFiles()).toEqual([sha(file)]);
    expect((await core.call('attachments.list', { customerId })).map((a) => a.fileName)).toEqual(['b.png', 'a.png']);
    for (const { id } of [first, second]) {
      expect(Buffer.from((await core.call('attachments.read', { id })).bytes, 'base64').equals(file)).toBe(true);
    }
  });

  it("lists newest first, and only that customer's documents", async () => {
    const other = (await core.call('customers.create', ahmed)).customer.id;
    await add({ fileName: 'oldest.png' });
    clock.advance(60_000);
    await add({ fileName: 'middle.pdf', bytes: b64(pdf) });
    await add({ customerId: other, fileName: 'not-layla.png' });
    clock.advance(60_000);
    await add({ fileName: 'newest.jpg', bytes: b64(jpeg) });
    await add({ fileName: 'same-millisecond.png', bytes: b64(png([1, 2, 3])) });

    const list = await core.call('attachments.list', { customerId });
    expect(list.map((a) => a.fileName)).toEqual(['same-millisecond.png', 'newest.jpg', 'middle.pdf', 'oldest.png']);
    expect(list.map((a) => a.createdAt)).toEqual([
      '2026-01-15T10:02:00.000Z',
      '2026-01-15T10:02:00.000Z',
      '2026-01-15T10:01:00.000Z',
      '2026-01-15T10:00:00.000Z',
    ]);
    expect((await core.call('attachments.list', { customerId: other })).map((a) => a.fileName)).toEqual(['not-layla.png']);
  });

  it('answers an empty list for a customer without documents', async () => {
    expect(await core.call('attachments.list', { customerId })).toEqual([]);
  });
});

describe('what attachments.add refuses', () => {
  it('refuses a text file named scan.png, naming the file, and writes nothing', async () => {
    const text = Buffer.from('Patient: Layla Hassan\nOD -1.25 -0.25 x090\n');
    const err = await expectError('attachments.add', addInput({ fileName: 'scan.png', bytes: b64(text) }), 'attachment.badType', 400);
    expect(err.message).toBe('"scan.png" is not a PDF, JPEG or PNG file');
    expect(storedFiles()).toEqual([]);
    expect(await core.call('attachments.list', { customerId })).toEqual([]);
  });

  it.each([
    ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), 'photo.gif'],
    ['a PDF header without its dash', Buffer.from('%PDF1.4', 'latin1'), 'x.pdf'],
    ['a truncated PNG signature', png().subarray(0, 7), 'x.png'],
    ['two bytes of a JPEG', jpeg.subarray(0, 2), 'x.jpg'],
  ])('refuses %s', async (_, file, fileName) => {
    const err = await expectError('attachments.add', addInput({ fileName, bytes: b64(file) }), 'attachment.badType', 400);
    expect(err.message).toBe(`"${fileName}" is not a PDF, JPEG or PNG file`);
  });

  it.each([
    [png(), 'x.pdf', '"x.pdf" is named .pdf but its content is a PNG'],
    [pdf, 'scan.PNG', '"scan.PNG" is named .png but its content is a PDF'],
    [jpeg, 'card.png', '"card.png" is named .png but its content is a JPEG'],
    [png(), 'photo.JPG', '"photo.JPG" is named .jpg but its content is a PNG'],
  ])('refuses a file whose name lies about its type (%#)', async (file, fileName, message) => {
    const err = await expectError('attachments.add', addInput({ fileName, bytes: b64(file) }), 'attachment.badType', 400);
    expect(err.message).toBe(message);
    expect(storedFiles()).toEqual([]);
  });

  it.each([
    ['characters outside base64', 'iVBORw0K GgoA'],
    ['a stray character', 'iVBORw0KGgo!'],
    ['base64url characters', 'iVBO-w0K_goA'],
    ['line breaks', 'iVBORw0K\nGgoA'],
    ['a data: URL', `data:image/png;base64,${b64(png())}`],
    ['missing padding', 'iVBORw0KGg'],
    ['padding in the middle', 'iV==Rw0KGgoA'],
    ['too much padding', 'iVBORw0KG==='],
  ])('refuses bytes with %s as a validation error on bytes', async (_, bytes) => {
    const err = await expectError('attachments.add', addInput({ bytes }), 'validation', 400);
    expect(Object.keys(err.fieldErrors ?? {})).toEqual(['bytes']);
    expect(err.message).toMatch(/^bytes: /);
  });

  it('refuses an empty file', async () => {
    const err = await expectError('attachments.add', addInput({ bytes: '' }), 'validation', 400);
    expect(err.fieldErrors).toEqual({ bytes: ['The file is empty'] });
  });

  it('refuses a file over 20 MB without decoding it, with the limit in the message', async () => {
    const huge = 'A'.repeat(28 * 1024 * 1024); // 21 MB once decoded
    const err = await expectError('attachments.add', addInput({ fileName: 'big-scan.pdf', bytes: huge }), 'attachment.tooLarge', 413);
    expect(err.message).toBe('"big-scan.pdf" is 21.0 MB; a file can be at most 20 MB');
    expect(storedFiles()).toEqual([]);
  });

  it('draws the line at exactly 20 MB', async () => {
    const limit = Buffer.alloc(MAX_ATTACHMENT_BYTES);
    limit.write('%PDF-1.4\n', 'latin1');
    const added = await add({ fileName: 'limit.pdf', bytes: b64(limit) });
    expect(added.size).toBe(MAX_ATTACHMENT_BYTES);

    const over = Buffer.alloc(MAX_ATTACHMENT_BYTES + 1);
    over.write('%PDF-1.4\n', 'latin1');
    const err = await expectError('attachments.add', addInput({ fileName: 'over.pdf', bytes: b64(over) }), 'attachment.tooLarge', 413);
    expect(err.message).toBe('"over.pdf" is 20.1 MB; a file can be at most 20 MB');
  });

  it('refuses an unknown customer', async () => {
    await expectError('attachments.add', addInput({ customerId: '0190d2a4-0000-7000-8000-000000000000' }), 'customer.notFound', 404);
    await expectError('attachments.list', { customerId: 'nobody' }, 'customer.notFound', 404);
    expect(storedFiles()).toEqual([]);
  });

  it('refuses a field outside the contract', async () => {
    const err = await expectError('attachments.add', addInput({ field: 'selfie' }), 'validation', 400);
    expect(Object.keys(err.fieldErrors ?? {})).toEqual(['field']);
  });
});

describe('a deleted customer', () => {
  it('takes its documents out of reach while their files stay on disk', async () => {
    const added = await add();
    await core.call('customers.delete', { id: customerId });

    await expectError('attachments.add', addInput({}), 'customer.notFound', 404);
    await expectError('attachments.list', { customerId }, 'customer.notFound', 404);
    await expectError('attachments.read', { id: added.id }, 'attachment.notFound', 404);
    await expectError('attachments.remove', { id: added.id }, 'attachment.notFound', 404);
    expect(existsSync(storedAt(added.sha256))).toBe(true);
  });
});

describe('attachments.remove', () => {
  it('hides the document from list and read but keeps the file', async () => {
    const kept = await add({ fileName: 'kept.pdf', bytes: b64(pdf) });
    const gone = await add({ fileName: 'gone.png' });

    expect(await core.call('attachments.remove', { id: gone.id })).toEqual({ message: 'Attachment successfully removed', id: gone.id });
    expect((await core.call('attachments.list', { customerId })).map((a) => a.id)).toEqual([kept.id]);
    await expectError('attachments.read', { id: gone.id }, 'attachment.notFound', 404);
    expect(existsSync(storedAt(gone.sha256))).toBe(true);
  });

  it('refuses to remove twice, or an unknown id', async () => {
    const added = await add();
    await core.call('attachments.remove', { id: added.id });
    await expectError('attachments.remove', { id: added.id }, 'attachment.notFound', 404);
    await expectError('attachments.remove', { id: 'no-such-attachment' }, 'attachment.notFound', 404);
    await expectError('attachments.read', { id: 'no-such-attachment' }, 'attachment.notFound', 404);
  });

  it('leaves the other row sharing the same file readable', async () => {
    const first = await add({ fileName: 'first.png' });
    const second = await add({ fileName: 'second.png' });
    await core.call('attachments.remove', { id: first.id });
    const read = await core.call('attachments.read', { id: second.id });
    expect(Buffer.from(read.bytes, 'base64').equals(png())).toBe(true);
  });
});

/** A signed-in staff member (not an owner) of the same store. */
async function staffToken(): Promise<{ sessionToken: string }> {
  await core.call('staff.create', { username: 'nadia', displayName: 'Nadia Benali', password: 'staff-password-1', role: 'staff' });
  return { sessionToken: (await raw.call('auth.login', { username: 'nadia', password: 'staff-password-1' })).sessionToken };
}

describe('removing a document is the owner\'s', () => {
  it('refuses staff (auth.forbidden) and keeps the document; the owner may remove it', async () => {
    const added = await add();
    const staff = await staffToken();
    expect(await raw.handle('attachments.remove', { id: added.id }, staff)).toMatchObject({ ok: false, error: { code: 'auth.forbidden', status: 403 } });
    expect((await core.call('attachments.list', { customerId })).map((a) => a.id)).toEqual([added.id]);
    await core.call('attachments.remove', { id: added.id });
    expect(await core.call('attachments.list', { customerId })).toEqual([]);
  });
});

describe('attachments.setType', () => {
  it('changes a document\'s type (staff may), audited with the type before and after', async () => {
    const added = await add({ field: 'prescription' });
    const staff = await staffToken();
    const changed = await raw.call('attachments.setType', { id: added.id, field: 'idCard' }, staff);
    expect(changed).toEqual({ ...added, field: 'idCard' });
    expect(await core.call('attachments.list', { customerId })).toEqual([changed]);
    const [entry] = await core.call('audit.list', { entity: 'attachment', entityId: added.id, limit: 1 });
    expect(entry).toMatchObject({ action: 'setType', staffName: 'nadia', before: { field: 'prescription' }, after: { field: 'idCard' } });
  });

  it('refuses a removed or unknown document, and a type the app does not know', async () => {
    const added = await add();
    await expectError('attachments.setType', { id: added.id, field: 'passport' }, 'validation', 400);
    await core.call('attachments.remove', { id: added.id });
    await expectError('attachments.setType', { id: added.id, field: 'other' }, 'attachment.notFound', 404);
    await expectError('attachments.setType', { id: 'no-such-attachment', field: 'other' }, 'attachment.notFound', 404);
  });

  it('records nothing when the type is already the one asked', async () => {
    const added = await add({ field: 'other' });
    const before = (await core.call('audit.list', { entity: 'attachment', limit: 500 })).length;
    expect(await core.call('attachments.setType', { id: added.id, field: 'other' })).toEqual(added);
    expect((await core.call('audit.list', { entity: 'attachment', limit: 500 })).length).toBe(before);
  });
});

describe('a damaged store', () => {
  it('refuses to return bytes that no longer match their checksum, and a re-add repairs the copy', async () => {
    const file = png();
    const added = await add({ fileName: 'rx.png', bytes: b64(file) });
    const damaged = Buffer.from(file);
    damaged[damaged.length - 5]! ^= 0xff;
    writeFileSync(storedAt(added.sha256), damaged);

    const err = await expectError('attachments.read', { id: added.id }, 'internal', 500);
    expect(err.message).toBe('The stored copy of "rx.png" is damaged (its checksum does not match); attach the file again to restore it.');

    await add({ fileName: 'rx-again.png', bytes: b64(file) });
    expect(readFileSync(storedAt(added.sha256)).equals(file)).toBe(true);
    const read = await core.call('attachments.read', { id: added.id });
    expect(Buffer.from(read.bytes, 'base64').equals(file)).toBe(true);
  });

  it('refuses a truncated copy, and says so when the copy is missing', async () => {
    const added = await add({ fileName: 'lost.pdf', bytes: b64(pdf) });
    writeFileSync(storedAt(added.sha256), pdf.subarray(0, 10));
    const damaged = await expectError('attachments.read', { id: added.id }, 'internal', 500);
    expect(damaged.message).toMatch(/^The stored copy of "lost\.pdf" is damaged/);

    unlinkSync(storedAt(added.sha256));
    const missing = await expectError('attachments.read', { id: added.id }, 'internal', 500);
    expect(missing.message).toBe('The stored copy of "lost.pdf" is missing from this computer; attach the file again to restore it.');
  });
});

describe('invisible and direction-changing characters in a file name', () => {
  // U+202E (right-to-left override) makes "photo\u202Egnp.exe" read as "photoexe.png".
  it.each([
    ['photo\u202Egnp.exe', 'photognp.exe'],
    ['\u2067scan\u2069\u200E\u200F.png', 'scan.png'],
    ['rx\u061C\u202A\u202B\u202C\u202D\u2066\u2068.pdf', 'rx.pdf'],
    ['scan\u0000\u0007\u001b\u007f\u0085\u009b.png', 'scan.png'],
    ['zero\u200Bwidth\uFEFF\u00AD\u2060.png', 'zerowidth.png'],
    ['line\u2028break\u2029.png', 'linebreak.png'],
  ])('stores %j as %j', async (fileName, kept) => {
    const file = kept.endsWith('.pdf') ? pdf : png();
    const added = await add({ fileName, bytes: b64(file) });
    expect(added.fileName).toBe(kept);
    expect((await core.call('attachments.list', { customerId }))[0]?.fileName).toBe(kept);
  });

  it('refuses a name made only of such characters', async () => {
    const err = await expectError('attachments.add', addInput({ fileName: '\u202E\u200F\u2066' }), 'validation', 400);
    expect(err.fieldErrors).toEqual({ fileName: ['fileName must name a file'] });
  });

  it('shows a row stored before the rule without them', async () => {
    const added = await add({ fileName: 'photo.png' });
    const sqlite = new BetterSqlite3(join(dir, DB_FILE_NAME));
    sqlite.prepare('update attachments set file_name = ? where id = ?').run('photo\u202Egnp.exe', added.id);
    sqlite.close();
    expect((await core.call('attachments.list', { customerId }))[0]?.fileName).toBe('photognp.exe');
    expect((await core.call('attachments.read', { id: added.id })).attachment.fileName).toBe('photognp.exe');
  });
});

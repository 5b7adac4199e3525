import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyBackupTo } from '../../src/main/backup/copy-out';
import type { Core } from '../../src/main/core';
import { expectFailure, layla, openTestCore, tempDir } from '../helpers/core';
import { png, sha256 as sha } from '../helpers/files';

/**
 * Issue 12 item 10: the owner sees where backups are kept and copies one to a folder they pick (a
 * USB stick): never over an existing copy, refused with a coded error when the folder is missing or
 * cannot be written, and checked byte for byte once copied.
 */
let core: Core;
let raw: Core;
let dir: string;
let usb: string;
let close: () => Promise<void>;
const cleanups: (() => void)[] = [];

beforeEach(async () => {
  ({ core, raw, dir, close } = await openTestCore());
  const stick = tempDir('opticounter-usb-');
  usb = stick.dir;
  cleanups.push(stick.remove);
});
afterEach(async () => {
  await close();
  for (const c of cleanups.splice(0)) c();
});

/** Every file under `root`, by relative path, with its SHA-256. */
function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    out[relative(root, path)] = sha(readFileSync(path));
  }
  return out;
}

async function backupWithAFile() {
  const { customer } = await core.call('customers.create', layla);
  await core.call('attachments.add', { customerId: customer.id, field: 'idCard', fileName: 'id.png', bytes: png().toString('base64') });
  return core.call('backup.create', {});
}

/** A folder this process cannot write into (root ignores permission bits: then a read-only mount). */
function unwritableFolder(): string {
  const ro = join(usb, 'read-only');
  mkdirSync(ro);
  chmodSync(ro, 0o555);
  cleanups.unshift(() => chmodSync(ro, 0o755));
  try {
    writeFileSync(join(ro, 'probe'), '');
    rmSync(join(ro, 'probe'));
    return '/sys';
  } catch {
    return ro;
  }
}

describe('backup.location', () => {
  it('says where the backups are kept', async () => {
    expect(await core.call('backup.location', {})).toEqual({ folder: join(dir, 'backups') });
  });
});

describe('backup.copyTo', () => {
  it('copies a backup (database, documents, manifest) into the folder, identical, and audits it', async () => {
    const made = await backupWithAFile();
    const out = await core.call('backup.copyTo', { name: made.name, folder: usb });
    const copy = join(usb, made.name);
    expect(out).toEqual({ name: made.name, copiedTo: copy, files: Object.keys(tree(join(dir, 'backups', made.name))).length });
    expect(tree(copy)).toEqual(tree(join(dir, 'backups', made.name)));
    expect(Object.keys(tree(copy))).toContain(join('attachments', sha(png()).slice(0, 2), sha(png())));
    // Nothing half-made is left beside it.
    expect(readdirSync(usb)).toEqual([made.name]);
    const [entry] = await core.call('audit.list', { entity: 'backup', entityId: made.name, limit: 5 });
    expect(entry).toMatchObject({ action: 'copy', staffName: 'owner', after: { copiedTo: copy } });
  });

  it('never overwrites a copy already there', async () => {
    const made = await backupWithAFile();
    mkdirSync(join(usb, made.name));
    writeFileSync(join(usb, made.name, 'mine.txt'), 'keep me');
    await expectFailure(core, 'backup.copyTo', { name: made.name, folder: usb }, 'backup.copyExists', 409);
    expect(readdirSync(join(usb, made.name))).toEqual(['mine.txt']);
    expect(readdirSync(usb)).toEqual([made.name]);
  });

  it('refuses a folder that does not exist, a file, and one it cannot write into', async () => {
    const made = await core.call('backup.create', {});
    await expectFailure(core, 'backup.copyTo', { name: made.name, folder: join(usb, 'not-plugged-in') }, 'backup.folderNotFound', 400);
    writeFileSync(join(usb, 'a-file'), 'x');
    await expectFailure(core, 'backup.copyTo', { name: made.name, folder: join(usb, 'a-file') }, 'backup.folderNotFound', 400);
    await expectFailure(core, 'backup.copyTo', { name: made.name, folder: unwritableFolder() }, 'backup.folderNotWritable', 400);
    expect(existsSync(join(usb, 'not-plugged-in'))).toBe(false);
  });

  it('refuses a relative folder, an unknown backup, and staff', async () => {
    const made = await core.call('backup.create', {});
    await expectFailure(core, 'backup.copyTo', { name: made.name, folder: 'usb' }, 'validation', 400);
    await expectFailure(core, 'backup.copyTo', { name: '../secret', folder: usb }, 'backup.notFound', 404);
    await core.call('staff.create', { username: 'nadia', displayName: 'Nadia', password: 'staff-password-1', role: 'staff' });
    const staff = { sessionToken: (await raw.call('auth.login', { username: 'nadia', password: 'staff-password-1' })).sessionToken };
    expect(await raw.handle('backup.copyTo', { name: made.name, folder: usb }, staff)).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });
    expect(readdirSync(usb)).toEqual([]);
  });

  it('checks the copy: a file that differs from the backup is refused and the copy removed', async () => {
    const made = await backupWithAFile();
    const source = join(dir, 'backups', made.name);
    // A stick that garbles what it is given: every file's last byte flipped on the way.
    const garbling = async (from: string, to: string) => {
      const bytes = readFileSync(from);
      if (bytes.length > 0) bytes[bytes.length - 1]! ^= 0xff;
      writeFileSync(to, bytes);
    };
    await expect(copyBackupTo(source, usb, { copyFile: garbling })).rejects.toMatchObject({ code: 'backup.copyFailed' });
    expect(readdirSync(usb)).toEqual([]);
  });
});

describe('app.pickFolder', () => {
  it('answers handled: false without a desktop folder picker (the page asks for the path instead)', async () => {
    expect(await core.call('app.pickFolder', {})).toEqual({ handled: false, folder: null });
  });
});

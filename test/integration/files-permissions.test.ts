import { chmodSync, existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB_FILE_NAME, openDatabase } from '../../src/main/db/database';
import { migrations } from '../../src/main/db/migrations';
import { keyFileSecretBox } from '../../src/main/secrets';
import { layla, manualClock, openTestCore, tempDir } from '../helpers/core';
import { pdf, png } from '../helpers/files';

/*
 * The data dir holds patients' data: other accounts on the counter PC must not read it. On Linux
 * and macOS the folder and every folder in it are 0700 and every file 0600, whatever the umask;
 * a data dir left 0755/0644 by an older version is tightened when the app starts.
 * Windows has no POSIX modes (its per-user profile folder is ACL'd to the user): not run there.
 */
const clock = manualClock();
let tmp: { dir: string; remove: () => void };
let dataDir: string;
const cleanups: (() => unknown)[] = [];

beforeEach(() => {
  tmp = tempDir('opticounter-modes-');
  // Below the temp dir (mkdtemp makes it 0700 already): the app creates the data dir itself.
  dataDir = join(tmp.dir, 'OptiCounter');
  clock.set('2026-01-15T10:00:00.000Z');
});
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  tmp.remove();
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Every folder and file under `root` (root included) whose mode is not private, as `path mode`. */
function notPrivate(root: string): string[] {
  const out: string[] = [];
  const visit = (path: string) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    const want = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o777) !== want) out.push(`${path.slice(root.length) || '/'} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
  return out;
}

/** Every file under `root`, relative, so a test can say what it checked. */
function filesUnder(root: string): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1));
}

async function open() {
  const t = await openTestCore({ clock, dataDir });
  cleanups.push(t.close);
  return t;
}

describe.runIf(process.platform !== 'win32')('file modes of the data dir (Linux, macOS)', () => {
  it('creates the data dir 0700 and the database, WAL and SHM 0600', async () => {
    const { core } = await open();
    await core.call('customers.create', layla);
    expect(modeOf(dataDir)).toBe(0o700);
    for (const f of [DB_FILE_NAME, `${DB_FILE_NAME}-wal`, `${DB_FILE_NAME}-shm`]) {
      expect(existsSync(join(dataDir, f)), f).toBe(true);
      expect(modeOf(join(dataDir, f)), f).toBe(0o600);
    }
    expect(notPrivate(dataDir)).toEqual([]);
  });

  it('keeps documents, backups and a restore private', async () => {
    const { core } = await open();
    const { customer } = await core.call('customers.create', layla);
    await core.call('attachments.add', { customerId: customer.id, field: 'prescription', fileName: 'scan.png', bytes: png().toString('base64') });
    expect(filesUnder(join(dataDir, 'attachments'))).toHaveLength(1);
    expect(notPrivate(dataDir)).toEqual([]);

    const backup = await core.call('backup.create', {});
    await core.call('attachments.add', { customerId: customer.id, field: 'other', fileName: 'letter.pdf', bytes: pdf.toString('base64') });
    const inBackup = filesUnder(join(dataDir, 'backups', backup.name));
    expect(inBackup.sort()).toEqual(expect.arrayContaining([DB_FILE_NAME, 'backup.json', expect.stringMatching(/^attachments\/..\/[0-9a-f]{64}$/)]));
    expect(notPrivate(dataDir)).toEqual([]);

    await core.call('backup.restore', { name: backup.name });
    expect(filesUnder(join(dataDir, 'attachments'))).toHaveLength(1);
    expect(notPrivate(dataDir)).toEqual([]);
  });

  it('keeps the copy taken before a migration private', async () => {
    const older = migrations.slice(0, -1);
    const first = await openDatabase({ dataDir, clock, migrations: older });
    first.sqlite.close();
    const second = await openDatabase({ dataDir, clock });
    second.sqlite.close();
    expect(second.preMigrationBackup).not.toBeNull();
    expect(notPrivate(dataDir)).toEqual([]);
  });

  it('keeps the key file that seals the cloud password private, in a private folder', () => {
    const dir = join(dataDir, 'keys');
    keyFileSecretBox(dir).seal('cloud-password-1');
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(dir, 'secret.key'))).toBe(0o600);
  });

  it('tightens a data dir an older version left readable by everyone, at start', async () => {
    const first = await open();
    const { customer } = await first.core.call('customers.create', layla);
    await first.core.call('attachments.add', { customerId: customer.id, field: 'prescription', fileName: 'scan.png', bytes: png().toString('base64') });
    await first.core.call('backup.create', {});
    await first.close();
    // What an older version (umask 022) left behind.
    const loosen = (path: string) => {
      const st = lstatSync(path);
      chmodSync(path, st.isDirectory() ? 0o755 : 0o644);
      if (st.isDirectory()) for (const name of readdirSync(path)) loosen(join(path, name));
    };
    loosen(dataDir);
    expect(notPrivate(dataDir).length).toBeGreaterThan(8);

    const { core } = await open();
    expect(notPrivate(dataDir)).toEqual([]);
    // And the store still works on the tightened files.
    expect((await core.call('attachments.list', { customerId: customer.id })).map((a) => a.fileName)).toEqual(['scan.png']);
  });
});

import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { AppError } from '../../shared/errors';
import { errCode, isNotFound, sha256OfFile } from './folder';

/*
 * A backup copied out of the data folder, to a folder the owner picked (a USB stick, a network
 * share): the backup's folder (or a pre-migration file) under its own name there. It is built under a
 * dot-name, each file flushed to the drive, compared with the original by SHA-256, and only then
 * renamed into place: a copy that is there is whole. An existing copy is never replaced.
 */

export interface CopyOutOptions {
  /** How one file is copied (tests pass a faulty drive). Must not overwrite `to`. */
  copyFile?: (from: string, to: string) => Promise<void>;
}

export interface CopiedBackup {
  copiedTo: string;
  files: number;
}

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);

function folderNotFound(folder: string): AppError {
  return new AppError('backup.folderNotFound', `The folder ${folder} does not exist (is the drive plugged in?)`, { folder: ['This folder does not exist'] });
}

function folderNotWritable(folder: string): AppError {
  return new AppError('backup.folderNotWritable', `The folder ${folder} cannot be written to (read-only drive, or no permission)`, { folder: ['This folder cannot be written to'] });
}

/** Copies the backup at `source` into `folder`; answers where it is and how many files it holds. */
export async function copyBackupTo(source: string, folder: string, o: CopyOutOptions = {}): Promise<CopiedBackup> {
  const st = await stat(folder).catch((err: unknown) => {
    if (isNotFound(err) || errCode(err) === 'ENOTDIR') throw folderNotFound(folder);
    throw err;
  });
  if (!st.isDirectory()) throw folderNotFound(folder);
  const name = basename(source);
  const dest = join(folder, name);
  if (await exists(dest)) throw copyExists(dest);

  const copy = o.copyFile ?? ((from: string, to: string) => copyFile(from, to, fsConstants.COPYFILE_EXCL));
  const isFolder = (await stat(source)).isDirectory();
  const files = isFolder ? await filesUnder(source) : [''];
  const partial = join(folder, `.${name}.partial-${randomBytes(4).toString('hex')}`);
  try {
    if (isFolder) await mkdir(partial);
    for (const file of files) {
      const to = join(partial, file);
      if (isFolder) await mkdir(dirname(to), { recursive: true });
      await copy(join(source, file), to);
      await flush(to);
    }
    for (const file of files) {
      if ((await sha256OfFile(join(source, file))) !== (await sha256OfFile(join(partial, file)))) {
        throw new AppError('backup.copyFailed', 'The copy does not match the backup (the drive may be failing or was unplugged); nothing was left there');
      }
    }
    // Checked again: another copy may have appeared meanwhile (POSIX rename replaces a file silently).
    if (await exists(dest)) throw copyExists(dest);
    await rename(partial, dest);
  } catch (err) {
    await rm(partial, { recursive: true, force: true }).catch(() => undefined);
    if (err instanceof AppError) throw err;
    if (NOT_WRITABLE.has(errCode(err) ?? '')) throw folderNotWritable(folder);
    if (errCode(err) === 'ENOSPC') throw new AppError('backup.copyFailed', `There is not enough space in ${folder} for this backup; nothing was left there`);
    throw err;
  }
  return { copiedTo: dest, files: files.length };
}

function copyExists(dest: string): AppError {
  return new AppError('backup.copyExists', `A copy of this backup is already at ${dest}: it was left as it is`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (err: unknown) => {
      if (isNotFound(err)) return false;
      throw err;
    },
  );
}

/** Every file under `root`, as paths relative to it. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)));
}

/** On the drive, not in its cache: a stick is pulled out as soon as the screen says "copied". */
async function flush(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

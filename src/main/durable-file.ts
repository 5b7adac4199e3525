import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PRIVATE_FILE_MODE } from './private-files';

/*
 * Writes that survive a power cut (a counter PC loses power): the journal of a restore, the backups'
 * lineage and manifests, the sealed licence ledger and audit anchor all go through here.
 */

export function fsyncFileSync(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes renames and new entries in a folder durable. Windows cannot open a folder to fsync it. */
export function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Best effort: NTFS journals its metadata anyway.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Replaces `file` with `text`, readable by this user only: written to a temporary file beside it,
 * fsynced, renamed over it, the folder fsynced. A power cut leaves the old file or the new one.
 */
export function replaceFileDurably(file: string, text: string): void {
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    writeFileSync(temp, text, { flag: 'wx', mode: PRIVATE_FILE_MODE });
    fsyncFileSync(temp);
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
  fsyncDirSync(dirname(file));
}

import { type Dirent, chmodSync, existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The data dir holds patients' data (the database, scans, backups) and the key sealing the cloud
 * password: no other account on the counter PC may read it. On Linux and macOS the data dir and its
 * folders are 0700 and its files 0600: set explicitly where each is created (the umask, usually 022,
 * would give 0755/0644), and tightened once at start for data dirs an older version left open.
 * The process umask is left alone: it would also change files the user saves elsewhere (printed PDFs).
 *
 * Windows has no POSIX modes (Node's chmod only toggles the read-only flag); there the data dir is in
 * the user's profile (%APPDATA%), whose ACL already admits only that user and administrators.
 */

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const POSIX_MODES = process.platform !== 'win32';

/** `mkdir -p` options for a private folder (only folders it creates get the mode). */
export const privateDir = { recursive: true, mode: PRIVATE_DIR_MODE } as const;

/** Makes a file someone else created (SQLite's backup copies) private. */
export function makeFilePrivate(path: string): void {
  if (POSIX_MODES) chmodSync(path, PRIVATE_FILE_MODE);
}

/** The data dir's own folders, tightened all the way down; anything else there (Electron's) is left as is. */
const APP_FOLDERS = new Set(['attachments', 'backups']);

/**
 * At start: the data dir 0700, the files directly in it 0600 (database, WAL, SHM, key files), and
 * every folder and file under attachments/ and backups/ 0700/0600 (a folder already 0700 is taken
 * as done). Symbolic links are not followed.
 * Returns the paths it could not change (owned by another account, say), for a warning; never throws
 * for them, so a data dir once opened as root still opens.
 */
export function tightenDataDir(dataDir: string): string[] {
  if (!POSIX_MODES || !existsSync(dataDir)) return [];
  const failed: string[] = [];
  const chmod = (path: string, mode: number) => {
    try {
      chmodSync(path, mode);
    } catch {
      failed.push(path);
    }
  };
  const entries = (dir: string): Dirent[] => {
    try {
      return readdirSync(dir, { withFileTypes: true });
    } catch {
      return [];
    }
  };
  const tree = (dir: string) => {
    // A folder already 0700 was made by this version or tightened whole before (its own mode is set
    // last, below): skipping it keeps a start with thousands of documents and backups quick.
    if (((lstatSync(dir, { throwIfNoEntry: false })?.mode ?? PRIVATE_DIR_MODE) & 0o777) === PRIVATE_DIR_MODE) return;
    for (const e of entries(dir)) {
      const path = join(dir, e.name);
      if (e.isDirectory()) tree(path);
      else if (e.isFile()) chmod(path, PRIVATE_FILE_MODE);
    }
    chmod(dir, PRIVATE_DIR_MODE);
  };
  chmod(dataDir, PRIVATE_DIR_MODE);
  for (const e of entries(dataDir)) {
    const path = join(dataDir, e.name);
    if (e.isFile()) chmod(path, PRIVATE_FILE_MODE);
    else if (e.isDirectory() && (APP_FOLDERS.has(e.name) || e.name.startsWith('.attachments-'))) tree(path);
  }
  return failed;
}

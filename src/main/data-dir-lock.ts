import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../shared/errors';

/*
 * One OptiCounter per data directory, the desktop app and the browser host alike (the desktop app's
 * single-instance lock does not see a browser host on the same folder). Two on one store would each
 * act on their own idea of what runs (an import, an undo, the search index, sync's timers): an undo
 * in one and an import in the other lost customers.
 *
 * The lock is SQLite's own on a small file beside the database: an exclusive transaction held open.
 * The system drops it with the process however it ends (a kill -9, a power cut), so no lock is ever
 * left stale, nor taken for another process that happens to get the same pid.
 */
export const LOCK_FILE = 'opticounter.lock';

let held: BetterSqlite3.Database | null = null;

/** Takes the data directory for this process, or throws `dataDir.inUse` (`dataDir.lockUnusable`: see below). */
export function lockDataDir(dataDir: string, nativeBinding?: string): void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const code = tryLock(path, nativeBinding);
  if (code === null) return;
  if (code === 'SQLITE_BUSY') throw new AppError('dataDir.inUse', `Another OptiCounter has ${dataDir} open: close it first`);
  // Not a database (a tool wrote over it): no OptiCounter holds it (its lock would have answered
  // busy before the file was read), so it is made again.
  if (code === 'SQLITE_NOTADB') {
    rmSync(path, { force: true });
    if (tryLock(path, nativeBinding) === null) return;
  }
  throw new AppError('dataDir.lockUnusable', `${path} cannot be used as OptiCounter's lock (${code}): remove it, then start again`);
}

/** null once the lock is held, else why not (SQLite's code, or the system's). */
function tryLock(path: string, nativeBinding?: string): string | null {
  let db: BetterSqlite3.Database | null = null;
  try {
    db = new BetterSqlite3(path, { timeout: 0, ...(nativeBinding ? { nativeBinding } : {}) });
    db.exec('begin exclusive');
  } catch (err) {
    db?.close();
    return (err as { code?: string }).code ?? String(err);
  }
  // Kept referenced for the process's life: the lock goes with the connection.
  held = db;
  return null;
}

/** Lets the directory go (a clean stop; the process's end does it anyway). */
export function unlockDataDir(): void {
  held?.close();
  held = null;
}

import { mkdirSync } from 'node:fs';
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

/** Takes the data directory for this process, or throws `dataDir.inUse`. */
export function lockDataDir(dataDir: string, nativeBinding?: string): void {
  mkdirSync(dataDir, { recursive: true });
  const db = new BetterSqlite3(join(dataDir, LOCK_FILE), { timeout: 0, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    db.exec('begin exclusive');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
    throw new AppError('dataDir.inUse', `Another OptiCounter has ${dataDir} open: close it first`);
  }
  // Kept referenced for the process's life: the lock goes with the connection.
  held = db;
}

/** Lets the directory go (a clean stop; the process's end does it anyway). */
export function unlockDataDir(): void {
  held?.close();
  held = null;
}

import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';

/*
 * One browser host per data directory. The desktop app has Electron's single-instance lock; two
 * hosts on one store would each believe their own in-memory state (an import under way, the search
 * index, the sync queue's timers) and undo one another's work: an undo in one and an import in the
 * other lost customers.
 */
export const LOCK_FILE = 'host.lock';

/** Takes the data directory for this process, or throws `host.dataDirInUse`; returns the release. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const holder = Number(readFileSync(path, 'utf8'));
    if (holder !== process.pid && alive(holder)) {
      throw new AppError('host.dataDirInUse', `Another OptiCounter (process ${holder}) has ${dataDir} open: close it first`);
    }
    // Left by a process that is gone (killed, or a crash): the directory is free.
    writeFileSync(path, String(process.pid));
  }
  return () => {
    try {
      if (Number(readFileSync(path, 'utf8')) === process.pid) unlinkSync(path);
    } catch {
      // Already gone: nothing to release.
    }
  };
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

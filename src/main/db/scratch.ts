import BetterSqlite3 from 'better-sqlite3';

/** Pages a scratch database keeps in memory (SQLite's cache, KiB); the rest waits in its file. */
const SCRATCH_CACHE_KIB = 4000;

/**
 * A private SQLite database for a big job's working data (an import's duplicate lookups): SQLite's
 * temporary file, deleted as soon as it is opened and gone when closed, holding in memory only a
 * few MB of its pages. 100,000 rows held in JS objects cost ~70 MB of heap, and the garbage around
 * them several times that at the peak; here they cost the disk. Its own connection: a store's
 * transactions never see it, nor it theirs. Nothing in it outlives the job, so nothing is fsynced.
 */
export function openScratchDatabase(nativeBinding?: string): BetterSqlite3.Database {
  const db = new BetterSqlite3('', nativeBinding ? { nativeBinding } : {});
  db.pragma(`cache_size = -${SCRATCH_CACHE_KIB}`);
  db.pragma('synchronous = OFF');
  return db;
}

export type OpenScratch = () => BetterSqlite3.Database;

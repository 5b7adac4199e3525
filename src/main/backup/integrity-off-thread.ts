import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { DB_FILE_NAME } from '../db/database';
import { type IntegrityRow, type OrphanRow, type SqliteOptions, databaseFileProblems, integrityProblems, problemsOf } from './integrity';

/*
 * databaseFileProblems() without holding the event loop: its `PRAGMA quick_check` reads the whole
 * file (~0.12 s at 100,000 customers, ~1.5 s at 1,000,000), so opening a store ran it in one piece
 * before anything else could answer. A worker thread runs the two pragmas on its own read-only
 * connection and hands back their rows; the lines are made here, by the same rule. The worker's
 * code is a string (the app is bundled, so there is no file to point a worker at) that loads
 * better-sqlite3 from where this module resolves it. Should the worker not start (a packaging that
 * cannot load it), the check runs here as before: slower to open, never skipped.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
let db;
try {
  db = new Database(workerData.file, { readonly: true, fileMustExist: true, ...(workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {}) });
  parentPort.postMessage({ checks: db.pragma('quick_check'), orphans: db.pragma('foreign_key_check') });
} catch (err) {
  parentPort.postMessage({ error: err && err.code ? err.code + ': ' + err.message : String(err && err.message || err) });
} finally {
  if (db) db.close();
}
`;

type Answer = { checks: IntegrityRow[]; orphans: OrphanRow[] } | { error: string };

export async function databaseFileProblemsOffThread(dataDir: string, opts: SqliteOptions = {}): Promise<string[]> {
  const file = join(dataDir, DB_FILE_NAME);
  if (!existsSync(file)) return [];
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f));
  let answer: Answer | null;
  try {
    answer = await checkInWorker(file, opts);
  } finally {
    for (const f of sidecars) rmSync(f, { force: true });
  }
  if (answer === null) return databaseFileProblems(dataDir, opts);
  return 'error' in answer ? [answer.error] : problemsOf(answer.checks, answer.orphans);
}

/**
 * The same check of the store `sqlite` has open, run beside the rest of the opening (issue 14: on a
 * cold disk the read took 36–73 s at 1,000,000 customers, and nothing answered meanwhile). The
 * -wal and -shm files are that connection's: the worker's reader never removes them. Should the
 * worker not start, the check runs on `sqlite` itself.
 */
export async function openStoreProblems(file: string, sqlite: BetterSqlite3.Database, opts: SqliteOptions = {}): Promise<string[]> {
  const answer = await checkInWorker(file, opts);
  if (answer === null) return integrityProblems(sqlite, 'quick');
  return 'error' in answer ? [answer.error] : problemsOf(answer.checks, answer.orphans);
}

/** The worker's answer, or null when the worker itself could not run. */
export function checkInWorker(file: string, opts: SqliteOptions): Promise<Answer | null> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      const module = createRequire(import.meta.url).resolve('better-sqlite3');
      worker = new Worker(WORKER, { eval: true, workerData: { file, module, nativeBinding: opts.nativeBinding } });
    } catch {
      return resolve(null);
    }
    let answered = false;
    worker.once('message', (m: Answer) => {
      answered = true;
      resolve(m);
    });
    worker.once('error', () => resolve(null));
    worker.once('exit', () => {
      if (!answered) resolve(null);
    });
  });
}

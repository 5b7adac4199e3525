import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { CompiledQuery } from 'kysely';

/*
 * Reads of the store that no one waits for (the search index's load at start), run on a read-only
 * connection of their own in a worker thread. On a cold disk a page of the load's 2,000 rows took
 * up to 56 ms to come off the disk, the event loop held all that time while staff signed in and
 * searched (issue 14: no block over 50 ms). The worker's code is a string (the app is bundled: no
 * file to point a worker at) that loads better-sqlite3 from where this module resolves it. It sees
 * what is committed, as the store's own connection does between two statements; a change committed
 * meanwhile reaches the index as before (CustomerService's missedByLoad).
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true, ...(workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {}) });
const statements = new Map();
parentPort.on('message', ({ id, sql, parameters }) => {
  if (id === undefined) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    parentPort.postMessage({ id, rows: statement.all(...parameters) });
  } catch (err) {
    parentPort.postMessage({ id, error: { message: String((err && err.message) || err), code: err && err.code } });
  }
});
`;

type Reply = { id: number; rows?: unknown[]; error?: { message: string; code?: string } };
type Waiting = { resolve: (rows: unknown[]) => void; reject: (err: Error) => void };

/** A worker thread with a read-only connection to the store's file; closed when its reads are done. */
export class ReaderThread {
  private next = 1;
  private readonly waiting = new Map<number, Waiting>();
  private readonly exited: Promise<void>;
  private closed = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', ({ id, rows, error }: Reply) => {
      const w = this.waiting.get(id);
      this.waiting.delete(id);
      if (error) w?.reject(Object.assign(new Error(error.message), { code: error.code }));
      else w?.resolve(rows ?? []);
    });
    this.exited = new Promise((resolve) => {
      const fail = (err: Error) => {
        this.closed = true;
        for (const w of this.waiting.values()) w.reject(err);
        this.waiting.clear();
      };
      worker.once('error', fail);
      worker.once('exit', () => {
        fail(new Error('the reader thread has stopped'));
        resolve();
      });
    });
  }

  /** A reader of `file`, or null where no worker thread can start (the caller reads on its own connection). */
  static open(file: string, nativeBinding?: string): ReaderThread | null {
    try {
      const module = createRequire(import.meta.url).resolve('better-sqlite3');
      return new ReaderThread(new Worker(WORKER, { eval: true, workerData: { file, module, nativeBinding } }));
    } catch {
      return null;
    }
  }

  /** The query's rows, read in the worker. */
  all<R>(query: CompiledQuery<R>): Promise<R[]> {
    if (this.closed) return Promise.reject(new Error('the reader thread has stopped'));
    const id = this.next++;
    return new Promise<R[]>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      this.worker.postMessage({ id, sql: query.sql, parameters: query.parameters });
    });
  }

  /**
   * Closes the connection once the reads already asked for are answered (the index's load asks one
   * at a time), and ends the thread; later reads are refused. The store's own connection may close
   * once it has: no reader is left in its WAL.
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.worker.postMessage({});
    }
    return this.exited;
  }
}

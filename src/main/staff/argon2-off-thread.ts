import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/*
 * argon2id off the main thread. hash-wasm computes on the calling thread: a sign-in's check held
 * the event loop ~50 ms on a quiet machine and 400–500 ms on a loaded one (the longest block while
 * opening a store of 100,000 customers, index build included). One worker thread runs the hashes
 * in order; its code is a string (the app is bundled: no file to point a worker at) that loads
 * hash-wasm from where this module resolves it. Should the worker not start, hashes run here as before.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { argon2id, argon2Verify } = require(workerData.module);
parentPort.on('message', async ({ id, op, args }) => {
  try {
    const value = op === 'hash' ? await argon2id({ ...args, salt: new Uint8Array(args.salt) }) : await argon2Verify(args);
    parentPort.postMessage({ id, value });
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) });
  }
});
`;

type Job = { resolve: (v: string | boolean) => void; reject: (e: Error) => void };
/**
 * An idle worker is stopped after this long: its isolate and hash-wasm's memory (~60 MB, which
 * WebAssembly never gives back) are not kept for the next sign-in, minutes away; starting one again
 * takes a few tens of milliseconds, off the main thread.
 */
const IDLE_STOP_MS = 5000;
export type Argon2Op = { op: 'hash'; args: Record<string, unknown> & { salt: Uint8Array } } | { op: 'verify'; args: { password: string; hash: string } };

/** A lazily started worker, unref'd (it never keeps the process alive), or null where none can start. */
export class Argon2Worker {
  private worker: Worker | null = null;
  private broken = false;
  private next = 1;
  private readonly jobs = new Map<number, Job>();
  private idle: NodeJS.Timeout | null = null;

  constructor(private readonly idleStopMs = IDLE_STOP_MS) {}

  /** Whether a worker is up now (tests: an idle one is stopped). */
  get running(): boolean {
    return this.worker !== null;
  }

  /** The job's answer from the worker, or null when the worker cannot run it (run it here instead). */
  run(job: Argon2Op): Promise<string | boolean> | null {
    const worker = this.started();
    if (!worker) return null;
    const id = this.next++;
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      worker.postMessage({ id, op: job.op, args: job.op === 'hash' ? { ...job.args, salt: Array.from(job.args.salt) } : job.args });
    });
  }

  private started(): Worker | null {
    if (this.worker || this.broken) return this.worker;
    try {
      const module = createRequire(import.meta.url).resolve('hash-wasm');
      const worker = new Worker(WORKER, { eval: true, workerData: { module } });
      worker.unref();
      worker.on('message', ({ id, value, error }: { id: number; value?: string | boolean; error?: string }) => {
        const job = this.jobs.get(id);
        this.jobs.delete(id);
        if (error !== undefined) job?.reject(new Error(error));
        else job?.resolve(value as string | boolean);
        if (this.jobs.size === 0) this.stopWhenIdle(worker);
      });
      const fail = (err: unknown) => {
        // A worker stopped for being idle is no failure: the next job starts another.
        if (this.worker !== worker) return;
        this.broken = true;
        this.worker = null;
        for (const job of this.jobs.values()) job.reject(err instanceof Error ? err : new Error('argon2 worker stopped'));
        this.jobs.clear();
      };
      worker.on('error', fail);
      worker.on('exit', () => fail(new Error('argon2 worker stopped')));
      this.worker = worker;
    } catch {
      this.broken = true;
    }
    return this.worker;
  }

  private stopWhenIdle(worker: Worker): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      this.idle = null;
      if (this.worker !== worker || this.jobs.size > 0) return;
      this.worker = null;
      void worker.terminate();
    }, this.idleStopMs);
    this.idle.unref();
  }
}

import { randomBytes } from 'node:crypto';
import { argon2Verify, argon2id } from 'hash-wasm';
import { AppError } from '../../shared/errors';
import { RECOVERY_ALPHABET, RECOVERY_LENGTH } from '../../shared/staff/recovery-code';
import { Argon2Worker } from './argon2-off-thread';

/*
 * Passwords and PINs are stored as argon2id hashes (seed 004), with OWASP's minimum parameters:
 * 19 MiB of memory, 2 passes, 1 lane. hash-wasm is WebAssembly, so the same code runs in Node and in
 * Electron without a native build.
 */
const PARAMS = { memorySize: 19_456, iterations: 2, parallelism: 1, hashLength: 32, outputType: 'encoded' } as const;

export interface SecretHasherOptions {
  /** Hashes run at once. The WebAssembly runs on the calling thread, so more than 1 buys nothing. */
  concurrency?: number;
  /** Hashes that may wait behind the running ones; past that a call is refused at once. */
  maxWaiting?: number;
}

/**
 * Every argon2 hash and verification of the app, through one small bounded queue.
 *
 * hash-wasm computes on the main thread: one hash holds the event loop for ~50 ms, and a burst of
 * 1000 parallel checks once held the browser host for two minutes. So hashes run one at a time, the
 * event loop gets a turn between two of them (setImmediate, not a promise chain, which would keep
 * I/O waiting), and past `maxWaiting` a call is refused at once with `auth.busy` rather than queued:
 * a queue that grows without bound is the same stall, only later.
 */
export class SecretHasher {
  /** What ran (tests and diagnostics count the checks a burst really cost). */
  readonly counts = { hashed: 0, verified: 0, refused: 0 };
  private readonly concurrency: number;
  private readonly maxWaiting: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  // How long one hash takes here, to tell a refused caller when to come back.
  private averageMs = 100;
  private decoy: Promise<string> | null = null;
  // The hashes run in a worker thread where one starts (argon2-off-thread.ts), else here.
  private readonly offThread = new Argon2Worker();

  constructor(opts: SecretHasherOptions = {}) {
    this.concurrency = opts.concurrency ?? 1;
    this.maxWaiting = opts.maxWaiting ?? 15;
  }

  hash(secret: string): Promise<string> {
    return this.run(async () => {
      const args = { ...PARAMS, password: secret, salt: randomBytes(16) };
      const hash = ((await this.offThread.run({ op: 'hash', args })) as string | null) ?? (await argon2id(args));
      this.counts.hashed++;
      return hash;
    });
  }

  verify(hash: string, secret: string): Promise<boolean> {
    return this.run(async () => {
      this.counts.verified++;
      try {
        const args = { password: secret, hash };
        const offThread = this.offThread.run({ op: 'verify', args });
        return offThread ? ((await offThread) as boolean) : await argon2Verify(args);
      } catch {
        return false;
      }
    });
  }

  /** A hash to verify against when the account does not exist, so timing does not tell. */
  decoyHash(): Promise<string> {
    this.decoy ??= this.hash(randomBytes(16).toString('hex')).catch((err: unknown) => {
      this.decoy = null; // refused while busy: the next sign-in makes it
      throw err;
    });
    return this.decoy;
  }

  /** Takes a place synchronously (so a burst sees the queue fill as it arrives) or refuses. */
  private run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency && this.waiting.length >= this.maxWaiting) {
      this.counts.refused++;
      const seconds = Math.max(1, Math.ceil(((this.waiting.length + this.running) * this.averageMs) / 1000));
      return Promise.reject(
        new AppError('auth.busy', `OptiCounter is busy checking passwords: try again in ${seconds} s`, undefined, { retryAfterSeconds: seconds }),
      );
    }
    const start = this.running < this.concurrency ? Promise.resolve() : new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.running < this.concurrency) this.running++;
    return start.then(async () => {
      const began = performance.now();
      try {
        return await job();
      } finally {
        this.averageMs = 0.8 * this.averageMs + 0.2 * (performance.now() - began);
        const next = this.waiting.shift();
        // The place passes to the next one; it starts after the event loop has had a turn.
        if (next) setImmediate(next);
        else this.running--;
      }
    });
  }
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A new recovery code, unformatted (shared/staff/recovery-code.ts): 20 symbols of 32, 100 random bits. */
export function newRecoveryCode(): string {
  // 256 is a multiple of 32: each byte's low 5 bits are uniform.
  return [...randomBytes(RECOVERY_LENGTH)].map((b) => RECOVERY_ALPHABET[b & 31]).join('');
}

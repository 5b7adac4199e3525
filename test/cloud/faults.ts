import { z } from 'zod';
import { mulberry32 } from '../helpers/prng';

/*
 * Fault injection: what a flaky store internet and an overloaded cloud do to a client. Before the
 * handler: a burst of 429s, latency, 5xx without doing the work. After the handler has committed:
 * the socket dropped with no response, or the body cut in half — the two cases where the client
 * cannot know whether its write happened. Random choices come from a seeded PRNG, so a failing sync
 * test replays the same faults.
 */

export interface Faults {
  latencyMs: number | [min: number, max: number];
  errorRate: number;
  resetAfterCommitRate: number;
  truncateRate: number;
  tooManyRequests: { count: number; retryAfterSeconds: number } | null;
  /**
   * A rule of the cloud's the app does not know: a POST/PUT whose body contains `contains` gets a
   * 400 with `message` (the client must park that one change and go on with the rest).
   */
  refuse: { contains: string; message: string } | null;
  /** Limits the rate-based faults (errorRate, resetAfterCommitRate, truncateRate) to `"METHOD /path"` prefixes. */
  only?: string[];
}

export interface FaultController {
  set(f: Partial<Faults>): void;
  reset(): void;
  get(): Faults;
}

const NO_FAULTS: Faults = { latencyMs: 0, errorRate: 0, resetAfterCommitRate: 0, truncateRate: 0, tooManyRequests: null, refuse: null };

const rate = z.number().min(0).max(1);
/** What `POST /__control/faults` accepts. */
export const FaultsPatch = z
  .object({
    latencyMs: z.union([z.number().min(0), z.tuple([z.number().min(0), z.number().min(0)])]),
    errorRate: rate,
    resetAfterCommitRate: rate,
    truncateRate: rate,
    tooManyRequests: z.object({ count: z.number().int().min(0), retryAfterSeconds: z.number().int().min(0) }).nullable(),
    refuse: z.object({ contains: z.string().min(1), message: z.string().min(1) }).nullable(),
    only: z.array(z.string()).optional(),
  })
  .partial();

export type Before = { kind: 'tooMany'; retryAfterSeconds: number } | { kind: 'error'; status: number } | { kind: 'delay'; ms: number };
export type After = 'reset' | 'truncate' | null;

export class FaultInjector implements FaultController {
  private faults: Faults = structuredClone(NO_FAULTS);
  private readonly random: () => number;

  constructor(seed = 1) {
    this.random = mulberry32(seed);
  }

  set(f: Partial<Faults>): void {
    this.faults = { ...this.faults, ...structuredClone(f) };
  }

  reset(): void {
    this.faults = structuredClone(NO_FAULTS);
  }

  get(): Faults {
    return structuredClone(this.faults);
  }

  /** The message of a `refuse` rule this request's body meets, if any. */
  refuses(method: string, body: Buffer | 'tooLarge'): string | null {
    const rule = this.faults.refuse;
    if (!rule || (method !== 'POST' && method !== 'PUT') || body === 'tooLarge') return null;
    return body.includes(rule.contains) ? rule.message : null;
  }

  /** The faults that come before the handler, in order: the 429 burst, latency, then a 5xx. */
  before(method: string, path: string): Before[] {
    const out: Before[] = [];
    const burst = this.faults.tooManyRequests;
    if (burst && burst.count > 0) {
      burst.count--;
      if (burst.count === 0) this.faults.tooManyRequests = null;
      return [{ kind: 'tooMany', retryAfterSeconds: burst.retryAfterSeconds }];
    }
    const latency = this.faults.latencyMs;
    const ms = Array.isArray(latency) ? latency[0] + this.random() * (latency[1] - latency[0]) : latency;
    if (ms > 0) out.push({ kind: 'delay', ms });
    if (this.applies(method, path) && this.hit(this.faults.errorRate)) {
      out.push({ kind: 'error', status: [500, 502, 503][Math.floor(this.random() * 3)]! });
    }
    return out;
  }

  /** What happens to the reply once the handler has done (and committed) its work. */
  after(method: string, path: string): After {
    if (!this.applies(method, path)) return null;
    if (this.hit(this.faults.resetAfterCommitRate)) return 'reset';
    if (this.hit(this.faults.truncateRate)) return 'truncate';
    return null;
  }

  private applies(method: string, path: string): boolean {
    const only = this.faults.only;
    return !only || only.some((prefix) => `${method} ${path}`.startsWith(prefix));
  }

  /** Draws only when the rate is set, so turning one fault on does not shift another's sequence. */
  private hit(probability: number): boolean {
    return probability > 0 && this.random() < probability;
  }
}


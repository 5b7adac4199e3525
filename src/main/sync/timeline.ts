/*
 * The time the sync waits on: the client's rate-limit window, Retry-After pauses, the backoff and the
 * engine's own timer. In the app it is real time. A first sync under the cloud's 100 requests a
 * minute takes real minutes per 100 customers, so long tests run this timeline and the test cloud's
 * rate limiter on one time-scaled clock: the rule (100 per minute, sliding) stays exactly the same,
 * only a minute passes faster. Durations are what both sides compare, so they need no shared epoch,
 * and they are measured on the monotonic clock: a wall clock set back must not stall the sync.
 */

/** The longest wait one timer holds (Node fires a longer one after 1 ms); longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function timerAfter(ms: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout;
  const arm = (left: number) => {
    timer = setTimeout(() => (left > MAX_TIMER_MS ? arm(left - MAX_TIMER_MS) : fn()), Math.min(Math.max(0, left), MAX_TIMER_MS));
    timer.unref();
  };
  arm(ms);
  return () => clearTimeout(timer);
}
export interface Timeline {
  /** Milliseconds on this timeline. */
  now(): number;
  /** Runs `fn` once `ms` of this timeline have passed (never keeping the process alive); answers a cancel. */
  after(ms: number, fn: () => void): () => void;
}

export const realTimeline: Timeline = {
  now: () => performance.now(),
  after: timerAfter,
};

/** A timeline `factor` times faster than real time (tests and the test/demo host only). */
export function scaledTimeline(factor: number): Timeline {
  if (!(factor > 0)) throw new Error(`A time scale must be a positive number (got ${factor})`);
  if (factor === 1) return realTimeline;
  const origin = performance.now();
  return {
    now: () => origin + (performance.now() - origin) * factor,
    after: (ms, fn) => timerAfter(ms / factor, fn),
  };
}

/** Waits `ms` of the timeline; rejects with the signal's reason if it is aborted first. */
export function sleep(timeline: Timeline, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      cancel();
      reject(signal!.reason as Error);
    };
    const cancel = timeline.after(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/*
 * The time the sync waits on: the client's rate-limit window, Retry-After pauses, the backoff and the
 * engine's own timer. In the app it is real time. A first sync under the cloud's 100 requests a
 * minute takes real minutes per 100 customers, so long tests run this timeline and the test cloud's
 * rate limiter on one time-scaled clock: the rule (100 per minute, sliding) stays exactly the same,
 * only a minute passes faster. Durations are what both sides compare, so they need no shared epoch.
 */
export interface Timeline {
  /** Milliseconds on this timeline. */
  now(): number;
  /** Runs `fn` once `ms` of this timeline have passed (never keeping the process alive); answers a cancel. */
  after(ms: number, fn: () => void): () => void;
}

export const realTimeline: Timeline = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** A timeline `factor` times faster than real time (tests and the test/demo host only). */
export function scaledTimeline(factor: number): Timeline {
  if (!(factor > 0)) throw new Error(`A time scale must be a positive number (got ${factor})`);
  if (factor === 1) return realTimeline;
  const origin = Date.now();
  return {
    now: () => origin + (Date.now() - origin) * factor,
    after(ms, fn) {
      const timer = setTimeout(fn, Math.max(0, ms) / factor);
      timer.unref();
      return () => clearTimeout(timer);
    },
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

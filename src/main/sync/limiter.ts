import { type Timeline, realTimeline, sleep } from './timeline';

/** The cloud counts requests over the last minute (seed 002: a sliding window). */
export const WINDOW_MS = 60_000;

/**
 * Keeps this PC under the cloud's rate limit (seed 002: 100 requests a minute by default) with the
 * cloud's own rule: at most N requests in any 60 s, counted over a sliding window. (A token bucket
 * holding a minute's worth lets 100 go at once and then one more every 0.6 s: 101 within a minute,
 * and the cloud answers 429.) The cloud counts a request when it arrives, which is after we send it
 * and before its answer is back, so a request holds its slot from when it is sent until its answer
 * is back, and for a minute from then: whatever the network's delays, the cloud never sees more than
 * N in its window. A 429 from the cloud (another PC of the store on the same account) holds every
 * request back until its Retry-After. 0 turns the limiter off (a local cloud without a limit).
 */
export class RateLimiter {
  /** When the answers of recent requests came back, oldest first. */
  private readonly answered: number[] = [];
  private inFlight = 0;
  private pausedUntil = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private wake: (() => void) | null = null;

  constructor(
    private readonly perMinute: number,
    private readonly timeline: Timeline = realTimeline,
  ) {}

  /**
   * Resolves when one more request may go out, with the function to call once its answer is back
   * (or it failed). Callers are served in order; `signal` gives up waiting.
   */
  take(signal?: AbortSignal): Promise<() => void> {
    if (this.perMinute <= 0) return Promise.resolve(() => undefined);
    const turn = this.queue.then(() => this.wait(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** How long requests are still held back by the cloud's last Retry-After (ms; 0 when not). */
  pausedFor(): number {
    return Math.max(0, this.pausedUntil - this.timeline.now());
  }

  /** The cloud said 429: nothing goes out for `ms`. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.timeline.now() + ms);
  }

  private async wait(signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.timeline.now();
      while (this.answered.length > 0 && this.answered[0]! <= now - WINDOW_MS) this.answered.shift();
      if (now < this.pausedUntil) {
        await sleep(this.timeline, this.pausedUntil - now, signal);
      } else if (this.inFlight + this.answered.length < this.perMinute) {
        this.inFlight++;
        return this.releaser();
      } else if (this.answered.length > 0) {
        await sleep(this.timeline, this.answered[0]! + WINDOW_MS - now, signal);
      } else {
        // Every slot is a request still on the wire: the next answer starts a slot's last minute.
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    }
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.answered.push(this.timeline.now());
      this.wake?.();
      this.wake = null;
    };
  }
}

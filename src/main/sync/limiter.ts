/**
 * Keeps this PC under the cloud's rate limit (seed 002: 100 requests a minute by default): a token
 * bucket holding a minute's worth, refilled continuously. 0 turns it off (a local test cloud).
 */
export class RateLimiter {
  private tokens: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly perMinute: number) {
    this.tokens = perMinute;
  }

  /** Resolves when one more request may go out; callers are served in order. */
  take(): Promise<void> {
    if (this.perMinute <= 0) return Promise.resolve();
    const turn = this.queue.then(() => this.wait());
    this.queue = turn;
    return turn;
  }

  private async wait(): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.last) * this.perMinute) / 60_000);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute)));
    }
  }
}

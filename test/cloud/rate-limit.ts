/*
 * Seed 002's rate limit: N requests per minute per caller (a user, or an IP where there is no user
 * yet), over a sliding window so a burst straddling a minute boundary is still caught. A refused
 * request does not count against the caller.
 */
export const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly perWindow: number,
    private readonly now: () => Date,
  ) {}

  /** null when allowed (and counted); otherwise the seconds until the oldest request leaves the window. */
  take(caller: string): number | null {
    const t = this.now().getTime();
    const recent = (this.seen.get(caller) ?? []).filter((at) => at > t - WINDOW_MS);
    if (recent.length >= this.perWindow) {
      this.seen.set(caller, recent);
      return Math.max(1, Math.ceil((recent[0]! + WINDOW_MS - t) / 1000));
    }
    recent.push(t);
    this.seen.set(caller, recent);
    return null;
  }
}

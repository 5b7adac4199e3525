import type { Clock } from '../clock';

/**
 * Counts failed sign-in attempts per key (an account, or an account's PIN) in a sliding window:
 * past `max` failures within `windowMs`, further attempts wait until the oldest failure ages out.
 */
export class AttemptLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly max = 5,
    private readonly windowMs = 60_000,
  ) {}

  /** Milliseconds to wait before the next attempt, or 0. */
  waitFor(key: string): number {
    const now = this.clock.now().getTime();
    const recent = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    this.failures.set(key, recent);
    if (recent.length < this.max) return 0;
    return (recent[0] as number) + this.windowMs - now;
  }

  fail(key: string): void {
    const list = this.failures.get(key) ?? [];
    list.push(this.clock.now().getTime());
    this.failures.set(key, list);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }
}

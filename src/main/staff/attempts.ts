import type { Clock } from '../clock';

/** One reserved check: settle it once its outcome is known. */
export interface AttemptSlot {
  /** The secret was wrong: the slot stays, counting against the key for the window. */
  failed(): void;
  /** The secret was right: the slot is given back (earlier failures still count). */
  succeeded(): void;
  /** No check happened (e.g. the hashing queue was full): the slot is given back. */
  cancelled(): void;
}

export type Reservation = { slot: AttemptSlot; waitMs: 0 } | { slot: null; waitMs: number };

const SWEEP_ABOVE_KEYS = 1000;

interface Entry {
  /** When it failed; for a check still running, when it started. */
  at: number;
  running: boolean;
}

/**
 * Limits the checks of a secret per key (an account, or an account's PIN): at most `max` in a
 * sliding window of `windowMs`, counting both failures and checks still running.
 *
 * A slot is taken synchronously, before any await and so before the argon2 check starts: a burst of
 * parallel attempts arriving in one tick sees the slots fill as it arrives, and at most `max` of them
 * are ever checked. (Counting only on failure, after the check, let 999 of 1000 parallel PIN guesses
 * through.) A running check never ages out, however long it waits for the hashing queue.
 *
 * A success gives back only its own slot and does not wipe earlier failures: otherwise the real
 * user's sign-in would hand an attacker guessing in parallel a fresh set of tries.
 */
export class AttemptLimiter {
  private readonly entries = new Map<string, Entry[]>();

  constructor(
    private readonly clock: Clock,
    private readonly max = 5,
    private readonly windowMs = 60_000,
  ) {}

  reserve(key: string): Reservation {
    const now = this.clock.now().getTime();
    if (this.entries.size > SWEEP_ABOVE_KEYS) this.sweep(now);
    const live = (this.entries.get(key) ?? []).filter((e) => e.running || now - e.at < this.windowMs);
    if (live.length >= this.max) {
      this.entries.set(key, live);
      return { slot: null, waitMs: this.waitFor(live, now) };
    }
    const entry: Entry = { at: now, running: true };
    live.push(entry);
    this.entries.set(key, live);
    let settled = false;
    const settle = (keep: boolean) => {
      if (settled) return;
      settled = true;
      entry.running = false;
      entry.at = this.clock.now().getTime();
      if (keep) return;
      const list = this.entries.get(key);
      const rest = list?.filter((e) => e !== entry) ?? [];
      if (rest.length > 0) this.entries.set(key, rest);
      else this.entries.delete(key);
    };
    return {
      waitMs: 0,
      slot: { failed: () => settle(true), succeeded: () => settle(false), cancelled: () => settle(false) },
    };
  }

  /** Drops keys whose failures have all aged out (a spray of made-up usernames leaves many). */
  private sweep(now: number) {
    for (const [key, list] of this.entries) {
      if (list.every((e) => !e.running && now - e.at >= this.windowMs)) this.entries.delete(key);
    }
  }

  /** When the oldest failure ages out; with only running checks, a full window (if they all fail). */
  private waitFor(live: Entry[], now: number): number {
    const failures = live.filter((e) => !e.running).map((e) => e.at);
    if (failures.length === 0) return this.windowMs;
    return Math.max(1, Math.min(...failures) + this.windowMs - now);
  }
}

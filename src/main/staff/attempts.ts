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

/** Where the failures still in the window are kept across restarts (attempts-file.ts): by key, when each failed. */
export interface KeptFailures {
  load(): Map<string, number[]>;
  /** Done before the failure is answered, so no one sees "wrong" for a failure a restart would forget. */
  save(failures: Map<string, number[]>): void;
}

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
 *
 * With `kept`, failures outlive the app: relaunching it gave 5 more tries each time (review 27).
 * One limiter serves the app's life, so a restore does not start it over either.
 */
export class AttemptLimiter {
  private readonly entries = new Map<string, Entry[]>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly kept: KeptFailures | null;

  constructor(
    private readonly clock: Clock,
    o: { max?: number; windowMs?: number; kept?: KeptFailures } = {},
  ) {
    this.max = o.max ?? 5;
    this.windowMs = o.windowMs ?? 60_000;
    this.kept = o.kept ?? null;
    const now = clock.now().getTime();
    for (const [key, times] of this.kept?.load() ?? []) {
      // A time ahead of now (the clock was set back since) is kept: reserve() counts it from now.
      const live = times.filter((at) => now - at < this.windowMs);
      if (live.length > 0) this.entries.set(key, live.map((at) => ({ at, running: false })));
    }
  }

  reserve(key: string): Reservation {
    const now = this.clock.now().getTime();
    if (this.entries.size > SWEEP_ABOVE_KEYS) this.sweep(now);
    const live = (this.entries.get(key) ?? []).filter((e) => e.running || now - e.at < this.windowMs);
    // The clock was set back since these failed: they count from now, a full window, not until the clock gets back there.
    for (const e of live) if (!e.running && e.at > now) e.at = now;
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
      if (keep) {
        this.keepFailures(entry.at);
        return;
      }
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

  private keepFailures(now: number) {
    if (!this.kept) return;
    const failures = new Map<string, number[]>();
    for (const [key, list] of this.entries) {
      const times = list.filter((e) => !e.running && now - e.at < this.windowMs).map((e) => e.at);
      if (times.length > 0) failures.set(key, times);
    }
    this.kept.save(failures);
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

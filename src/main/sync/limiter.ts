import { type Timeline, realTimeline, sleep } from './timeline';

/** The cloud counts requests over the last minute (seed 002: a sliding window). */
export const WINDOW_MS = 60_000;
/**
 * What a 429 leaves of this PC's share, and its floor; how fast the share grows back per minute:
 * slowly while 429s are recent (the PCs sharing the account would find the limit again at once),
 * faster once none has come for a while (the others have gone quiet).
 */
const CUT = 0.5;
const MIN_SHARE = 2;
const GROWTH_PER_MINUTE = 1.05;
const QUIET_GROWTH_PER_MINUTE = 1.25;
const QUIET_AFTER_MS = 5 * WINDOW_MS;
/**
 * Requests on the wire at once. Under 100 a minute a few are plenty (even at a second's latency); more
 * only meet a full window together, every one of them refused.
 */
const MAX_IN_FLIGHT = 4;
/**
 * The part of the minute only a customer being opened may take: staff who open several back to back
 * find a slot at once (3 kept free, the 4th and 5th waited for the oldest request to age out, and
 * a 10,000-customer store's 100 summary pages took every slot of a first sync's first minute).
 */
const RESERVED_PART = 0.1;

/** What the lanes other than `priority` may send of a minute's `allowance`. */
export function unreservedOf(allowance: number): number {
  return allowance - Math.floor(allowance * RESERVED_PART);
}

/**
 * Whose turn: `normal` (pushes, list pages) in order; `background` (details a first sync fetches
 * ahead of need) in order, at the minute's pace; both leave the reserved part of the minute free for
 * `priority` (a customer being opened whose detail is missing), which goes ahead of both queues.
 */
export type Lane = 'normal' | 'background' | 'priority';

/**
 * Keeps this PC under the cloud's rate limit (seed 002: 100 requests a minute by default) with the
 * cloud's own rule: at most N requests in any 60 s, counted over a sliding window. (A token bucket
 * holding a minute's worth lets 100 go at once and then one more every 0.6 s: 101 within a minute,
 * and the cloud answers 429.) The cloud counts a request when it arrives, which is after we send it
 * and before its answer is back, so a request holds its slot from when it is sent until its answer
 * is back, and for a minute from then: whatever the network's delays, the cloud never sees more than
 * N in its window. A 429 from the cloud (another PC of the store on the same account) holds every
 * request back until its Retry-After. 0 turns the limiter off (a local cloud without a limit).
 *
 * The store's PCs sign in as one user and share its budget, and each sees only its own requests:
 * a 429 is how it learns the others are there. So a 429 halves this PC's share of the minute, and
 * while none come the share creeps back up to the whole limit; after a 429, one request probes at
 * a time, and a PC keeps few on the wire (they would all meet a full window together). Waiting out
 * Retry-After alone, every PC rushed back at once and about half of all requests were refused.
 */
export class RateLimiter {
  /** When the answers of recent requests came back, oldest first. */
  private readonly answered: number[] = [];
  private inFlight = 0;
  private pausedUntil = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private wakers: (() => void)[] = [];
  /** This PC's share of the account's minute (requests), and when it last changed. */
  private share: number;
  private sharedAt: number;
  private refusedAt = Number.NEGATIVE_INFINITY;
  /** Until when the cloud's minute may hold this PC's requests from before this limiter (timeline ms). */
  private readonly ownEarlierUntil: number;
  private readonly answeredHook: (() => void) | undefined;
  /** Requests of the priority lane waiting for a slot: the background lets them go first. */
  private priorityWaiting = 0;
  /** When the background last sent (timeline ms). */
  private backgroundAt = Number.NEGATIVE_INFINITY;
  /** Requests on the wire at once: one after a 429, one more for each that gets through. */
  private inFlightCap = MAX_IN_FLIGHT;

  /**
   * `ownEarlierRequestsFor`: how long the cloud's minute may still hold this PC's requests sent
   * before this limiter (a restart; default a whole minute); `answered`: told as each request's
   * answer comes back (account-limiters.ts keeps the time across restarts).
   */
  constructor(
    private perMinute: number,
    private readonly timeline: Timeline = realTimeline,
    o: { ownEarlierRequestsFor?: number; answered?: () => void } = {},
  ) {
    this.share = perMinute;
    this.sharedAt = timeline.now();
    this.ownEarlierUntil = this.sharedAt + (o.ownEarlierRequestsFor ?? WINDOW_MS);
    this.answeredHook = o.answered;
  }

  /**
   * Resolves when one more request may go out, with the function to call once its answer is back
   * (or it failed) — with the Retry-After (ms) when the answer was a 429. Callers are served in
   * order; `signal` gives up waiting, and so does a turn that would wait out a Retry-After longer
   * than `maxPauseMs` (it rejects with LongPause: a round cut short by one leaves no request queued
   * to go out when it ends).
   */
  take(signal?: AbortSignal, maxPauseMs = Infinity, lane: Lane = 'normal'): Promise<Release> {
    if (this.perMinute <= 0) return Promise.resolve(() => undefined);
    if (lane === 'priority') return this.wait(signal, maxPauseMs, lane);
    const turn = this.queue.then(() => this.wait(signal, maxPauseMs, lane));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * The owner set another limit for the account: the requests in the window still count, and the
   * share keeps its part of the limit (a new limiter sent into a full window; review 17).
   */
  setPerMinute(perMinute: number): void {
    if (perMinute === this.perMinute) return;
    const now = this.timeline.now();
    const part = this.perMinute > 0 ? Math.min(1, this.currentShare(now) / this.perMinute) : 1;
    this.perMinute = perMinute;
    this.share = Math.max(Math.min(MIN_SHARE, perMinute), perMinute * part);
    this.sharedAt = now;
    for (const wake of this.wakers.splice(0)) wake();
  }

  /** How long requests are still held back by the cloud's last Retry-After (ms; 0 when not). */
  pausedFor(): number {
    return Math.max(0, this.pausedUntil - this.timeline.now());
  }

  /**
   * The cloud said 429: nothing goes out for `ms`, this PC's share is halved — once per pause: the
   * requests already on the wire meet the same full window, not a new sign — and one request at a
   * time probes the cloud until one gets through (several at once would all be refused together).
   */
  private refused(ms: number): void {
    const now = this.timeline.now();
    // A full window frees within a minute; a longer Retry-After is the cloud shedding load, not
    // the store's other PCs: wait as told, but it says nothing about this PC's share. Nor do the
    // 429s while the window may hold this PC's own requests from before it started again (halving on
    // each probe, such a PC crawled at the floor; review 13).
    if (now >= this.pausedUntil && ms <= WINDOW_MS && now >= this.ownEarlierUntil) {
      // The floor never above the limit itself (at 1 a minute, a floor of 2 sent twice the limit; review 19).
      this.share = Math.max(Math.min(MIN_SHARE, this.perMinute), this.currentShare(now) * CUT);
      this.sharedAt = now;
    }
    this.refusedAt = now;
    this.inFlightCap = 1;
    // Not before the cloud says, nor before this PC's pace at its new share (probes do not crowd the slot that frees).
    this.pausedUntil = Math.max(this.pausedUntil, now + Math.max(ms, WINDOW_MS / this.share));
  }

  /** Requests this PC may have in the sliding minute now (the limit, or less after 429s). */
  allowance(): number {
    return this.perMinute <= 0 ? Infinity : Math.floor(this.currentShare(this.timeline.now()));
  }

  private currentShare(now: number): number {
    if (this.share < this.perMinute) {
      const growth = now - this.refusedAt < QUIET_AFTER_MS ? GROWTH_PER_MINUTE : QUIET_GROWTH_PER_MINUTE;
      this.share = Math.min(this.perMinute, this.share * growth ** ((now - this.sharedAt) / WINDOW_MS));
    }
    this.sharedAt = now;
    return this.share;
  }

  private async wait(signal: AbortSignal | undefined, maxPauseMs: number, lane: Lane): Promise<Release> {
    if (lane === 'priority') this.priorityWaiting++;
    try {
      return await this.waitInLane(signal, maxPauseMs, lane);
    } finally {
      if (lane === 'priority') {
        this.priorityWaiting--;
        // The background held back for it goes on (also when it gave up waiting, nothing else on the wire).
        for (const wake of this.wakers.splice(0)) wake();
      }
    }
  }

  private async waitInLane(signal: AbortSignal | undefined, maxPauseMs: number, lane: Lane): Promise<Release> {
    for (;;) {
      const allowance = this.allowance();
      const limit = lane === 'priority' ? allowance : unreservedOf(allowance);
      signal?.throwIfAborted();
      const now = this.timeline.now();
      while (this.answered.length > 0 && this.answered[0]! <= now - WINDOW_MS) this.answered.shift();
      // The background goes at the minute's pace, not in a burst that fills it at once: slots then free
      // all the time, and a customer being opened (`priority`, whom it lets go first) takes the next one.
      const paced = lane === 'background' ? this.backgroundAt + WINDOW_MS / Math.max(1, limit) : now;
      if (now < this.pausedUntil) {
        if (this.pausedUntil - now > maxPauseMs) throw new LongPause(this.pausedUntil - now);
        await sleep(this.timeline, this.pausedUntil - now, signal);
      } else if (this.inFlight >= this.inFlightCap && lane !== 'priority') {
        await this.nextAnswer();
      } else if (lane === 'background' && this.priorityWaiting > 0) {
        await this.nextAnswer();
      } else if (now < paced) {
        await sleep(this.timeline, paced - now, signal);
      } else if (this.inFlight + this.answered.length < limit) {
        this.inFlight++;
        if (lane === 'background') this.backgroundAt = now;
        return this.releaser();
      } else if (this.answered.length > 0) {
        await sleep(this.timeline, this.answered[0]! + WINDOW_MS - now, signal);
      } else {
        // Every slot is a request still on the wire: the next answer starts a slot's last minute.
        await this.nextAnswer();
      }
    }
  }

  private nextAnswer(): Promise<void> {
    return new Promise<void>((resolve) => this.wakers.push(resolve));
  }

  private releaser(): Release {
    let released = false;
    return (refusedForMs) => {
      if (released) return;
      released = true;
      this.inFlight--;
      this.answered.push(this.timeline.now());
      this.answeredHook?.();
      if (refusedForMs === undefined) this.inFlightCap = Math.min(MAX_IN_FLIGHT, this.inFlightCap + 1);
      else this.refused(refusedForMs);
      for (const wake of this.wakers.splice(0)) wake();
    };
  }
}

/** Called once a request's answer is back (or it failed); with the Retry-After (ms) of a 429. */
export type Release = (refusedForMs?: number) => void;

/** The cloud's Retry-After outlasts what the caller would wait for. */
export class LongPause extends Error {
  constructor(readonly ms: number) {
    super(`Paused for ${Math.round(ms / 1000)} s by the cloud`);
  }
}

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from '../private-files';
import { RateLimiter, WINDOW_MS } from './limiter';
import type { Timeline } from './timeline';

/** When this PC last sent to each cloud account (ms since the epoch), in the data folder. */
export const SENT_FILE_NAME = 'sync-sent.json';
/** The file is written at most this often per account: its time is at most this far behind. */
const WRITE_EVERY_MS = 1000;

export interface CloudAccount {
  baseUrl: string;
  email: string;
  requestsPerMinute: number;
}

/**
 * This PC's rate limiters, one per cloud account (address and user) for the app's life, restores
 * included: the cloud counts the user's requests over the last minute, whichever client sent them.
 * Made afresh at each configure, sync off/on or restore, a limiter forgot the requests still in the
 * window and sent into a full one (reviews 16, 17).
 *
 * And when each account was last sent to, kept across restarts. A PC started again within a minute
 * of its last request finds that minute still holding its own requests: its limiter does not take
 * those 429s for other PCs' (halving on each, it crawled at the floor; review 13). A PC that has not
 * sent for a minute takes every 429 as theirs from the first: five PCs joining a store at once each
 * ignored them for a minute and refused 6–10% of all requests (review 17; target under 5%).
 */
export class AccountLimiters {
  private readonly limiters = new Map<string, RateLimiter>();
  private readonly sent: Record<string, number>;
  /** false: no data folder, or its file unreadable: each account is taken as sent to just before the start. */
  private readonly known: boolean;

  constructor(
    private readonly dataDir: string | null,
    private readonly timeline: Timeline,
    private readonly now: () => number = Date.now,
  ) {
    const read = dataDir === null ? null : readSent(join(dataDir, SENT_FILE_NAME));
    this.sent = read ?? {};
    this.known = read !== null;
  }

  for(account: CloudAccount): RateLimiter {
    const key = JSON.stringify([account.baseUrl, account.email.trim().toLowerCase()]);
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new RateLimiter(account.requestsPerMinute, this.timeline, { ownEarlierRequestsFor: this.ownEarlierRequestsFor(key), answered: () => this.mark(key) });
      this.limiters.set(key, limiter);
    }
    limiter.setPerMinute(account.requestsPerMinute);
    return limiter;
  }

  /**
   * How long the cloud's minute may still hold this PC's requests to the account from before it
   * started (ms). Real time: on a scaled test timeline it only lasts longer than needed.
   */
  private ownEarlierRequestsFor(key: string): number {
    const last = this.known ? this.sent[key] : this.now();
    if (last === undefined) return 0;
    return Math.min(WINDOW_MS + WRITE_EVERY_MS, Math.max(0, last + WRITE_EVERY_MS + WINDOW_MS - this.now()));
  }

  private mark(key: string): void {
    if (this.dataDir === null) return;
    const now = this.now();
    if (now - (this.sent[key] ?? Number.NEGATIVE_INFINITY) < WRITE_EVERY_MS) return;
    this.sent[key] = now;
    try {
      writeFileSync(join(this.dataDir, SENT_FILE_NAME), JSON.stringify(this.sent), { mode: PRIVATE_FILE_MODE });
    } catch {
      // Not written (a full disk): a start within the minute may then halve on its own requests' 429s.
    }
  }
}

/** The file's times by account: {} when there is none (a new PC, or none since this version), null when unreadable. */
function readSent(file: string): Record<string, number> | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? {} : null;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const ok = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((t) => typeof t === 'number' && Number.isFinite(t));
    return ok ? (parsed as Record<string, number>) : null;
  } catch {
    return null;
  }
}

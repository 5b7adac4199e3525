import { lstatSync, readFileSync, writeFileSync } from 'node:fs';
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
 * And when each account was last sent to within the last minute, kept across restarts. A PC started again within a minute
 * of its last request finds that minute still holding its own requests: its limiter does not take
 * those 429s for other PCs' (halving on each, it crawled at the floor; review 13). A PC that has not
 * sent for a minute takes every 429 as theirs from the first: five PCs joining a store at once each
 * ignored them for a minute and refused 6–10% of all requests (review 17; target under 5%).
 */
export class AccountLimiters {
  private readonly limiters = new Map<string, RateLimiter>();
  private readonly sent: Record<string, number>;
  /** false: its file unknown (unreadable, or none in a folder that has a store): each account is taken as sent to just before the start. */
  private readonly known: boolean;

  /**
   * `newFolder`: the data folder has no store yet (a new install), so no file means it never sent.
   * In a folder that has one, no file may also be the first start of this version, maybe within a
   * minute of sending (an update installed mid-sync; review 18): taken as just sent.
   */
  constructor(
    private readonly dataDir: string,
    private readonly timeline: Timeline,
    o: { newFolder?: boolean } = {},
  ) {
    const read = readSent(join(dataDir, SENT_FILE_NAME), o.newFolder ?? false);
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
   * started (ms). Real time (Date.now, as the cloud's minute): on a scaled test timeline it only lasts longer than needed.
   */
  private ownEarlierRequestsFor(key: string): number {
    const now = Date.now();
    const last = this.known ? this.sent[key] : now;
    if (last === undefined) return 0;
    return Math.min(WINDOW_MS + WRITE_EVERY_MS, Math.max(0, last + WRITE_EVERY_MS + WINDOW_MS - now));
  }

  private mark(key: string): void {
    const now = Date.now();
    const last = this.sent[key];
    // A time ahead of now (the clock was set back) is written over, not kept until the clock passes it (review 18).
    if (last !== undefined && last <= now && now - last < WRITE_EVERY_MS) return;
    this.sent[key] = now;
    // Only the last minute matters: an account not sent to since is as one never sent to (the file stays small).
    for (const [account, at] of Object.entries(this.sent)) if (at < now - WINDOW_MS - WRITE_EVERY_MS) delete this.sent[account];
    try {
      // Not through whatever stands at its name (a FIFO would hold the write): a plain file or none.
      const file = join(this.dataDir, SENT_FILE_NAME);
      if (!(lstatSync(file, { throwIfNoEntry: false })?.isFile() ?? true)) return;
      writeFileSync(file, JSON.stringify(this.sent), { mode: PRIVATE_FILE_MODE });
    } catch {
      // Not written (a full disk): a start within the minute may then halve on its own requests' 429s.
    }
  }
}

/** A file larger than this was not written by the app (a few accounts of the last minute): not read. */
const MAX_FILE_BYTES = 64 * 1024;

/** The file's times by account: {} when there is none in a new folder, null when unknown (none in an older folder, unreadable). */
function readSent(file: string, newFolder: boolean): Record<string, number> | null {
  let text: string;
  try {
    // Only a plain file is read, and no more than the app writes: a FIFO there held the start forever,
    // a link to /dev/zero filled the memory (review 19). A file larger than that is not the app's.
    const stat = lstatSync(file);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return null;
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' && newFolder ? {} : null;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const ok = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((t) => typeof t === 'number' && Number.isFinite(t));
    return ok ? (parsed as Record<string, number>) : null;
  } catch {
    return null;
  }
}

/*
 * Waiting after a failure: exponential backoff with full jitter (a random wait between 0 and the
 * exponential ceiling, capped), so that many counters coming back online do not hit the cloud in
 * step. A server's Retry-After is a floor, never shortened by the jitter.
 */
export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 5 * 60_000;

export function backoffDelay(failures: number, random: () => number, retryAfterMs: number | null = null): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(failures, 20));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === null ? jittered : Math.max(retryAfterMs, jittered);
}

/** The longest Retry-After honoured: a cloud asking for days is broken, and this PC keeps trying hourly. */
export const RETRY_AFTER_CAP_MS = 60 * 60_000;

/**
 * Retry-After as delay-seconds (digits only: `0x3c` and `1e9` are not) or an HTTP date (RFC 9110),
 * in ms from now, at most RETRY_AFTER_CAP_MS; null when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now: Date): number | null {
  const text = header?.trim() ?? '';
  if (text === '') return null;
  if (/^\d+$/.test(text)) return Math.min(RETRY_AFTER_CAP_MS, Number(text) * 1000);
  // A date needs a letter (a weekday or month name): Date.parse reads "-5" as a year.
  const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? null : Math.min(RETRY_AFTER_CAP_MS, Math.max(0, at - now.getTime()));
}

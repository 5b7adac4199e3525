/** A fresh install runs as a full trial for this long, so `npm start` is useful at once. */
export const TRIAL_DAYS = 14;
const DAY_MS = 86_400_000;

export interface TrialInput {
  /** When the trial started (the first start, or the earliest trace of use found in the store). */
  startedAt: Date;
  now: Date;
  /** The latest time this install has seen; the trial's clock never runs backwards past it. */
  lastSeenAt: Date | null;
}

export interface Trial {
  daysLeft: number;
  over: boolean;
  endsAt: Date;
}

/**
 * Days left of the trial. Time is read as the later of the clock and the last time seen, so turning
 * the clock back never gives days back; a start in the future (an edited row) gives no more than
 * the full trial.
 */
export function trialStatus({ startedAt, now, lastSeenAt }: TrialInput): Trial {
  const endsAt = new Date(startedAt.getTime() + TRIAL_DAYS * DAY_MS);
  const effectiveNow = Math.max(now.getTime(), lastSeenAt?.getTime() ?? -Infinity);
  const left = Math.ceil((endsAt.getTime() - effectiveNow) / DAY_MS);
  const daysLeft = Math.min(TRIAL_DAYS, Math.max(0, left));
  return { daysLeft, over: effectiveNow >= endsAt.getTime(), endsAt };
}

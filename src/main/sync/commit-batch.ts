import { withSavepoint } from '../db/savepoint';
import type { Unit } from '../unit-of-work';

export type Work = (unit: Unit) => Promise<void>;
interface Queued {
  work: Work;
  /** What to write instead when `work` fails (e.g. park the entry with the reason). */
  fallback: (err: unknown) => Work;
}

/**
 * Commits the results of many pushes in one transaction rather than one each: on a counter PC a
 * durable commit costs milliseconds, and a 10,000-customer first sync would spend most of its time
 * (and keep staff saves waiting) on them. Losing an uncommitted batch in a crash is safe: a create
 * that reached the cloud is found again by its email, an update is merged again.
 * Each result runs in its own savepoint: one that fails is undone alone and its fallback written.
 * A result never waits more than `maxDelayMs` for its batch to fill: when requests slow down (the
 * cloud's rate limit, a Retry-After pause), what came back is committed anyway.
 */
export class CommitBatch {
  private queue: Queued[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    /** Opens the batch's one transaction (a unit of work applying the cloud's answers). */
    private readonly open: (work: Work) => Promise<void>,
    private readonly size = 25,
    private readonly maxDelayMs = 250,
  ) {}

  add(work: Work, fallback: (err: unknown) => Work): void {
    this.queue.push({ work, fallback });
    if (this.queue.length >= this.size) void this.flush().catch(() => undefined);
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush().catch(() => undefined), this.maxDelayMs);
      this.timer.unref();
    }
  }

  /** Commits what is queued; resolves once everything added so far is committed. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue.splice(0);
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      await this.open(async (unit) => {
        for (const { work, fallback } of batch) {
          try {
            await withSavepoint(unit.trx, () => work(unit));
          } catch (err) {
            await fallback(err)(unit);
          }
        }
      });
    });
    return this.flushing;
  }
}

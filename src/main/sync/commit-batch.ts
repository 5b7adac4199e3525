import type { Kysely, Transaction } from 'kysely';
import { withSavepoint } from '../db/savepoint';
import type { Database } from '../db/schema';

export type Work = (trx: Transaction<Database>) => Promise<void>;
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
 */
export class CommitBatch {
  private queue: Queued[] = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly size = 25,
  ) {}

  add(work: Work, fallback: (err: unknown) => Work): void {
    this.queue.push({ work, fallback });
    if (this.queue.length >= this.size) void this.flush().catch(() => undefined);
  }

  /** Commits what is queued; resolves once everything added so far is committed. */
  flush(): Promise<void> {
    const batch = this.queue.splice(0);
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      await this.db.transaction().execute(async (trx) => {
        for (const { work, fallback } of batch) {
          try {
            await withSavepoint(trx, () => work(trx));
          } catch (err) {
            await fallback(err)(trx);
          }
        }
      });
    });
    return this.flushing;
  }
}

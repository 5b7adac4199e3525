import type { Reply } from './http';
import type { Db } from './store';

/*
 * The optional `Idempotency-Key` extension on `POST /customer`: the first successful create under a
 * key is stored (in the same transaction as the customer), and a retry with the same key in the same
 * store gets that stored reply instead of a second customer.
 */
export class IdempotencyKeys {
  constructor(private readonly db: Db) {}

  find(storeId: string, key: string): Reply | null {
    const row = this.db.prepare('SELECT status, body FROM idempotency_keys WHERE store_id = ? AND key = ?').get(storeId, key) as
      | { status: number; body: string }
      | undefined;
    return row ? { status: row.status, body: JSON.parse(row.body) as unknown } : null;
  }

  save(storeId: string, key: string, reply: Reply): void {
    this.db
      .prepare('INSERT INTO idempotency_keys (store_id, key, status, body) VALUES (?, ?, ?, ?)')
      .run(storeId, key, reply.status, JSON.stringify(reply.body));
  }
}

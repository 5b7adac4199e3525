import { type Transaction, sql } from 'kysely';
import type { Database } from './schema';

let counter = 0;

/**
 * Runs `fn` inside a savepoint of the caller's transaction: if it throws, only its own writes are
 * undone and the transaction goes on (sync commits many customers' results in one transaction,
 * and one bad result must not take the others with it).
 */
export async function withSavepoint<T>(trx: Transaction<Database>, fn: () => Promise<T>): Promise<T> {
  const name = sql.raw(`sp_${++counter}`);
  await sql`savepoint ${name}`.execute(trx);
  try {
    const out = await fn();
    await sql`release ${name}`.execute(trx);
    return out;
  } catch (err) {
    await sql`rollback to ${name}`.execute(trx);
    await sql`release ${name}`.execute(trx);
    throw err;
  }
}

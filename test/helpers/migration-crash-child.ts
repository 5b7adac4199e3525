/*
 * `node --import tsx test/helpers/migration-crash-child.ts <dataDir> <name>`: opens the store with the
 * app's migrations and kills itself with SIGKILL right after migration <name> ran, before its
 * transaction commits, as a power cut or `kill -9` would (no finally blocks, no exit handlers). Used by
 * test/integration/migrations.test.ts.
 */
import { openDatabase } from '../../src/main/db/database';
import { migrations } from '../../src/main/db/migrations';

const [dataDir, name] = process.argv.slice(2) as [string, string];
const dying = migrations.map((m) =>
  m.name === name
    ? {
        name: m.name,
        up: async (db: Parameters<typeof m.up>[0]) => {
          await m.up(db);
          process.kill(process.pid, 'SIGKILL');
        },
      }
    : m,
);
await openDatabase({ dataDir, clock: { now: () => new Date() }, migrations: dying });
// Reaching here means the migration never ran: the test sees a normal exit and fails.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TABLES_FILE, tableTypesSource } from '../../scripts/db-types';

describe('db/tables.generated.ts', () => {
  it('is what the migrations make, read back from a freshly migrated database', async () => {
    const committed = readFileSync(TABLES_FILE, 'utf8').replace(/\r\n/g, '\n'); // a Windows checkout's line ends
    expect(committed, 'src/main/db/tables.generated.ts is stale: run npm run db:types').toBe(await tableTypesSource());
  });
});

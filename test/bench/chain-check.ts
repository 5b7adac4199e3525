/*
 * The audit chain's check at start (audit/chain.ts), in a process of its own as at a counter switched
 * on in the morning: run in the benchmark's process, after the seed and the searches had been through
 * its heap, the longest wait measured that process's garbage collection (50–71 ms at 1,000,000
 * customers) and not the check's own pages (28 ms alone). The opening (opening.ts) measures it again
 * beside the index's build, as the app runs them.
 * argv: data folder. Prints the figures as JSON.
 */
import { verifyAuditChainInBackground } from '../../src/main/audit/chain';
import { openDatabase } from '../../src/main/db/database';
import { watchBlocks } from './blocks';

const store = await openDatabase({ dataDir: process.argv[2] as string, clock: { now: () => new Date() } });
try {
  const blocks = watchBlocks();
  const t = performance.now();
  const report = await verifyAuditChainInBackground(store.sqlite, () => new Date());
  const ms = performance.now() - t;
  console.log(JSON.stringify({ ms, longest: blocks.stop(), rows: report.rows, intact: report.intact }));
} finally {
  await store.db.destroy();
}

/*
 * A new counter PC joining a store (issue 14 item 1), against the test cloud in its own process
 * with its DEFAULT rate limit (100 requests a minute per user, sliding) and the app's own limiter at
 * its default: BENCH_FIRSTSYNC_CUSTOMERS customers (default 2,000) put straight into the cloud's
 * store, then the PC connects. Prints the time until every customer is findable by name (from the
 * list's summaries: 100 a request) and until every detail is here (one request each: the limit's
 * floor is a minute per 100). Real time by default; BENCH_FIRSTSYNC_TIME_SCALE=N runs the app's sync
 * timeline and the cloud's limiter N times faster (the same rule per scaled minute) and prints the
 * details' time scaled beside the real one (findability is judged in real time: the limit does not
 * bind it). Figures are printed, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Core } from '../../src/main/core';
import { Customers as CloudCustomers } from '../cloud/customers';
import type { CustomerCreate } from '../cloud/customer-input';
import { openStore } from '../cloud/store';
import { STORE } from '../helpers/sync';
import { generateCustomers } from './people';
import { type Report, configure, ownerCore, startCloud, waitFor } from './sync';

const COUNT = Number(process.env.BENCH_FIRSTSYNC_CUSTOMERS ?? 2_000);
const SCALE = Number(process.env.BENCH_FIRSTSYNC_TIME_SCALE ?? 1);
const PER_MINUTE = 100;

/** The store's customers, written into the cloud's own file (no requests), one second apart. */
function seedCloud(dir: string): void {
  const db = openStore(dir);
  const base = Date.now() - COUNT * 1_000;
  let i = 0;
  const customers = new CloudCustomers(db, () => new Date(base + i * 1_000));
  const people = generateCustomers(COUNT);
  db.transaction(() => {
    for (i = 0; i < COUNT; i++) customers.create(STORE.storeId, people[i] as unknown as CustomerCreate, []);
  })();
  db.close();
}

async function total(core: Core): Promise<number> {
  return (await core.call('customers.list', { limit: 1 })).pagination.total;
}

export async function firstSyncBenchmark(report: Report): Promise<void> {
  const dirs = { cloud: mkdtempSync(join(tmpdir(), 'opticounter-bench-fs-cloud-')), pc: mkdtempSync(join(tmpdir(), 'opticounter-bench-fs-pc-')) };
  seedCloud(dirs.cloud);
  const cloud = await startCloud({ limited: true, scale: SCALE, dataDir: dirs.cloud });
  const pc = await ownerCore(dirs.pc, SCALE);
  try {
    const started = performance.now();
    await configure(pc.core, cloud);
    while ((await total(pc.core)) < COUNT) await sleep(50);
    const findable = performance.now() - started;
    const mid = await pc.core.call('sync.status', {});
    await waitFor(pc.core, (s) => s.firstSync === null && s.state === 'idle', 500);
    const complete = performance.now() - started;
    const scaled = (ms: number) => (SCALE === 1 ? `${(ms / 1000).toFixed(1)} s` : `${((ms * SCALE) / 1000).toFixed(1)} scaled s (${(ms / 1000).toFixed(1)} s real, ×${SCALE})`);
    const pages = Math.ceil(COUNT / 100);
    // The target: 10,000 customers findable within 2 minutes (100 list pages); here pages/100 of that.
    const findableTarget = Math.max(10_000, (120_000 * pages) / 100);
    // Judged in real time: its list requests are a fraction of the first minute's budget, so the limit
    // does not bind; the rest is this PC's work (making the customers), which a faster clock would count N times.
    report(`first sync, ${COUNT} customers: all findable by name`, `${(findable / 1000).toFixed(1)} s real`, `< ${(findableTarget / 1000).toFixed(0)} s (${pages} list requests)`, findable < findableTarget);
    report('  … progress shown then', mid.firstSync ? `${mid.firstSync.complete} of ${mid.firstSync.total} complete, ${mid.firstSync.secondsLeft ?? '?'} s left` : 'none', '', null);
    const floor = ((COUNT + pages) / PER_MINUTE) * 60_000;
    report(`first sync, ${COUNT} customers: all details here`, scaled(complete), `>= ${(floor / 60_000).toFixed(1)} min (the limit's floor), near it`, complete * SCALE < floor * 1.3);
  } finally {
    await pc.close();
    await cloud.close();
    rmSync(dirs.cloud, { recursive: true, force: true });
    rmSync(dirs.pc, { recursive: true, force: true });
  }
}

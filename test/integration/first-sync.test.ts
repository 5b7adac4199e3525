import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src/main/core';
import { type Timeline, scaledTimeline } from '../../src/main/sync/timeline';
import type { CloudServer } from '../cloud/server';
import { Customers as CloudCustomers } from '../cloud/customers';
import type { CustomerCreate } from '../cloud/customer-input';
import { openStore } from '../cloud/store';
import { memoryLogger, openTestCore, tempDir } from '../helpers/core';
import { STORE, cloudWithStore, connect } from '../helpers/sync';

/*
 * A new counter PC joining a store (issue 14 item 1), against the test cloud with its DEFAULT rate
 * limit on (100 requests a minute per user, sliding). Both the app's sync timeline and the cloud's
 * limiter run on one clock 60 times faster: the rule is unchanged, a minute just passes in a second.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const detailGets = (cloud: CloudServer) => cloud.requestLog().filter((r) => r.method === 'GET' && /^\/customer\/[^/]+$/.test(r.path));

/** A cloud already holding `n` customers, written straight into its store one second apart (the newest last). */
async function seededCloud(n: number, timeline: Timeline) {
  const { dir, remove } = tempDir('opticounter-cloud-');
  cleanups.push(remove);
  const db = openStore(dir);
  let i = 0;
  const base = Date.now() - 3_600_000;
  const seed = new CloudCustomers(db, () => new Date(base + i * 1_000));
  for (i = 0; i < n; i++) {
    const nth = String(i).padStart(5, '0');
    seed.create(STORE.storeId, { customerData: { firstName: 'Seed', lastName: `Zz${nth}`, email: `seed-${i}@example.com`, phoneNumber: `06${10_000_000 + i}`, dateOfBirth: '1980-01-01T00:00:00.000Z', sex: 'female' } } as CustomerCreate, []);
  }
  db.close();
  const cloud = await cloudWithStore({ dataDir: dir, rateLimitClock: () => new Date(timeline.now()) });
  cleanups.push(() => cloud.close());
  return cloud;
}

async function newPc(cloud: CloudServer, timeline: Timeline, automatic = false) {
  const t = await openTestCore({ log: memoryLogger(), core: { syncTimeoutMs: 3_000, syncAutomatic: automatic, syncTimeline: timeline } });
  cleanups.push(t.close);
  await connect(t.core, cloud);
  return t;
}

async function total(core: Core, q: { search?: string } = {}) {
  return (await core.call('customers.list', { ...q, limit: 1 })).pagination.total;
}

describe('a new PC joining a store, the cloud’s default rate limit on', () => {
  it('gets all of a 300-customer store: the first sync finishes (it once livelocked on 429s)', async () => {
    const timeline = scaledTimeline(60);
    const cloud = await seededCloud(300, timeline);
    const { core } = await newPc(cloud, timeline);
    const started = timeline.now();
    const status = await core.call('sync.now', {});
    expect(status).toMatchObject({ state: 'idle', lastError: null });
    expect(await total(core)).toBe(300);
    const detail = await core.call('customers.get', { id: (await core.call('customers.list', { search: 'Zz00123', limit: 1 })).data[0]!.id });
    expect(detail.localData).toMatchObject({ lastName: 'Zz00123', phoneNumber: '0610000123', sex: 'female' });
    const fetched = detailGets(cloud).filter((r) => r.status === 200).map((r) => r.path);
    expect(new Set(fetched).size, 'a customer fetched twice').toBe(fetched.length);
    console.log(`[first-sync] 300 customers at 100/min (×60): ${((timeline.now() - started) / 60_000).toFixed(1)} scaled min, ${cloud.requestLog().filter((r) => r.status === 429).length} 429s`);
  }, 60_000);
});

/*
 * The sync engine against the test cloud with its default rate limit on (100 requests a minute per
 * user, sliding window) and the app's own limiter at its default, no faults:
 * - in real time, a new PC's first sync of a 1,000-customer store (BENCH_SYNC_FIRST customers): the
 *   limit allows it in 10 minutes at best, and this says how long it really took;
 * - the initial push of 10,000 customers (BENCH_SYNC_CUSTOMERS), the initial pull of the same into an
 *   empty store, and how long a save takes while a 10,000-customer push runs, on a clock
 *   BENCH_SYNC_TIME_SCALE times faster (default 20) for the app's sync timeline and the cloud's
 *   limiter alike: the limit is the same per (scaled) minute, so the figures say whether the engine
 *   uses what the limit allows, without waiting 100 minutes per phase.
 * The cloud runs in its own process by default (a real one is a network away and does not share the
 * app's event loop); BENCH_CLOUD=inprocess runs it in this process, as the integration tests do.
 * Figures are printed, never asserted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Core, openCore } from '../../src/main/core';
import type { Logger } from '../../src/main/log';
import { CustomerCreateInput } from '../../src/shared/customers/schema';
import type { SyncStatus } from '../../src/shared/sync/schema';
import { unreservedOf } from '../../src/main/sync/limiter';
import { scaledTimeline } from '../../src/main/sync/timeline';
import { STORE, cloudWithStore } from '../helpers/sync';
import { mulberry32 } from '../helpers/prng';
import { generateCustomers } from './people';

export type Report = (what: string, value: string, target: string, ok: boolean | null) => void;

const COUNT = Number(process.env.BENCH_SYNC_CUSTOMERS ?? 10_000);
const FIRST_SYNC = Number(process.env.BENCH_SYNC_FIRST ?? 1_000);
const TIME_SCALE = Number(process.env.BENCH_SYNC_TIME_SCALE ?? 20);
/** The cloud's default: 100 requests a minute per user. */
const PER_MINUTE = 100;
const SAVES = 200;
const PHASE_TIMEOUT_MS = 30 * 60_000;
const OWNER = { username: 'bench', displayName: 'Bench', password: 'bench-password-1' };
const quiet: Logger = { info() {}, warn: (m) => console.error(`[sync warn] ${m}`), error: (m, e) => console.error(m, e) };

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
};

interface BenchCloud {
  url: string;
  count(): Promise<number>;
  /** CPU time the cloud has used so far (ms); null when it shares this process. */
  cpuMs(): Promise<number | null>;
  close(): Promise<void>;
}

interface CloudSetup {
  /** false: no rate limit (setting a store up only). */
  limited: boolean;
  scale: number;
  dataDir?: string;
}

async function inProcessCloud(o: CloudSetup): Promise<BenchCloud> {
  const timeline = scaledTimeline(o.scale);
  const cloud = await cloudWithStore({ dataDir: o.dataDir, rateLimitPerMinute: o.limited ? undefined : null, rateLimitClock: () => new Date(timeline.now()) });
  return { url: cloud.url, count: async () => cloud.customers(STORE.storeId).length, cpuMs: async () => null, close: () => cloud.close() };
}

async function childCloud(o: CloudSetup): Promise<BenchCloud> {
  const args = ['--rate-limit', o.limited ? 'default' : 'off', '--time-scale', String(o.scale), ...(o.dataDir ? ['--data-dir', o.dataDir] : [])];
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'cloud-process.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`cloud process exited with ${code}`)));
  });
  const ask = <T>(question: object, key: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (m: Record<string, T>) => resolve(m[key] as T));
      child.send(question);
    });
  return {
    url,
    count: () => ask<number>({ count: true }, 'count'),
    cpuMs: () => ask<number>({ cpu: true }, 'cpuMs'),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export const startCloud = (o: CloudSetup) => (process.env.BENCH_CLOUD === 'inprocess' ? inProcessCloud(o) : childCloud(o));

/** A core on `dir` with its owner signed in: `call`/`handle` act as that owner. */
export async function ownerCore(dir: string, scale: number): Promise<{ core: Core; close: () => Promise<void> }> {
  const raw = await openCore({ dataDir: dir, appVersion: 'bench', log: quiet, syncTimeoutMs: 60_000, syncTimeline: scaledTimeline(scale) });
  const { sessionToken } = await raw.call('auth.setupOwner', OWNER);
  const origin = { sessionToken };
  const core: Core = { ...raw, handle: (c, i, o) => raw.handle(c, i, o ?? origin), call: (c, i, o) => raw.call(c, i, o ?? origin) };
  return { core, close: () => raw.close() };
}

async function seedLocally(core: Core, count: number): Promise<void> {
  const parsed = generateCustomers(count).map((c) => CustomerCreateInput.parse(c));
  await core.customers.createMany(parsed, { staffId: null, username: 'bench' });
}

/** The app's default client limit unless told (0: off, for setting a store up through a cloud without one). */
export function configure(core: Core, cloud: BenchCloud, requestsPerMinute?: number): Promise<SyncStatus> {
  return core.call('sync.configure', { baseUrl: cloud.url, storeId: STORE.storeId, email: STORE.email, password: STORE.password, requestsPerMinute });
}

/** Resolves once `done(status)` holds, checked on every engine change and every `pollMs`. */
export async function waitFor(core: Core, done: (s: SyncStatus) => boolean | Promise<boolean>, pollMs = 100): Promise<SyncStatus> {
  const started = performance.now();
  for (;;) {
    const status = await core.call('sync.status', {});
    if (status.parked > 0 || status.state === 'error') throw new Error(`sync stopped: ${status.state}, ${status.parked} parked, ${status.lastError ?? ''}`);
    if (await done(status)) return status;
    if (performance.now() - started > PHASE_TIMEOUT_MS) throw new Error(`sync did not finish in ${PHASE_TIMEOUT_MS / 1000} s (${status.pending} pending)`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, pollMs);
      const off = core.sync.onChange(finish);
      function finish() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Where a phase's time goes, for a missed target: the engine's cloud requests by kind with their
 * mean time to headers (wrapping the global fetch the client uses), this thread's event-loop
 * utilisation, and the CPU time this process and the cloud's used per customer (less sensitive to
 * other work on the machine than wall-clock rates).
 */
async function watch(cloud: BenchCloud) {
  const original = globalThis.fetch;
  const byKind = new Map<string, { n: number; ms: number }>();
  globalThis.fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const kind = `${init?.method ?? 'GET'} ${url.pathname.replace(/\/customer\/[^/]+$/, '/customer/:id')}`;
    const t = performance.now();
    try {
      return await original(input, init);
    } finally {
      const k = byKind.get(kind) ?? { n: 0, ms: 0 };
      k.n++;
      k.ms += performance.now() - t;
      byKind.set(kind, k);
    }
  };
  const elu = performance.eventLoopUtilization();
  const cpu0 = cpuMs();
  const cloudCpu0 = await cloud.cpuMs();
  return {
    async stop(report: Report, customers: number) {
      globalThis.fetch = original;
      const used = performance.eventLoopUtilization(elu).utilization;
      const cpu = (cpuMs() - cpu0) / customers;
      const cloudCpu1 = await cloud.cpuMs();
      for (const [kind, v] of [...byKind.entries()].sort((a, b) => b[1].n - a[1].n)) {
        report(`  … ${kind}`, `${v.n} requests, mean ${(v.ms / v.n).toFixed(1)} ms to headers`, '', null);
      }
      report('  … this process: event loop busy / CPU per customer', `${(used * 100).toFixed(0)}% / ${cpu.toFixed(2)} ms`, '', null);
      if (cloudCpu0 !== null && cloudCpu1 !== null) report('  … the cloud process: CPU per customer', `${((cloudCpu1 - cloudCpu0) / customers).toFixed(2)} ms`, '', null);
    },
  };
}

/** Customers per (scaled) minute against what the limit allows: the engine should use nearly all of it. */
/**
 * Against what the limiter lets pushes and list pages take: the limit less the tenth kept for
 * customers being opened (limiter.ts, since issue 14 item 1). The target was 90% of the whole limit
 * before that tenth was kept, the very ceiling since: a push of 10,000 reached 89.9 a minute.
 */
function reportRate(report: Report, what: string, customers: number, realMs: number): void {
  const perMinute = customers / (((realMs / 1000) * TIME_SCALE) / 60);
  const ceiling = unreservedOf(PER_MINUTE);
  const floor = ceiling * 0.98;
  report(
    what,
    `${perMinute.toFixed(1)} customers/min (${(realMs / 1000).toFixed(1)} s real, ${((realMs * TIME_SCALE) / 60_000).toFixed(1)} scaled min)`,
    `>= ${floor.toFixed(1)}/min (98% of the ${ceiling} of limit ${PER_MINUTE} not kept for customers opened)`,
    perMinute >= floor,
  );
}

/**
 * Real time, the cloud's default limit: a store of FIRST_SYNC customers (put there through a cloud
 * without a limit, then the cloud started again on the same data with it) joined by a new PC.
 */
async function firstSyncRealTime(report: Report, dirs: { cloud: string; seeder: string; pc: string }): Promise<void> {
  let cloud = await startCloud({ limited: false, scale: 1, dataDir: dirs.cloud });
  const seeder = await ownerCore(dirs.seeder, 1);
  try {
    await seedLocally(seeder.core, FIRST_SYNC);
    await configure(seeder.core, cloud, 0);
    await waitFor(seeder.core, (s) => s.pending === 0);
  } finally {
    await seeder.close();
    await cloud.close();
  }
  cloud = await startCloud({ limited: true, scale: 1, dataDir: dirs.cloud });
  const { core, close } = await ownerCore(dirs.pc, 1);
  try {
    const localTotal = async () => (await core.call('customers.list', { limit: 1 })).pagination.total;
    const watching = await watch(cloud);
    let slowedDown = 0;
    const off = core.sync.onChange(() => void core.call('sync.status', {}).then((s) => s.state === 'rateLimited' && slowedDown++));
    const t = performance.now();
    await configure(core, cloud);
    await waitFor(core, async () => (await localTotal()) >= FIRST_SYNC, 1_000);
    const ms = performance.now() - t;
    off();
    // A detail request per customer, a list request per 100: the last minute's worth goes out as soon
    // as the window lets it, so the limit allows it in (requests / 100 - 1) minutes at best.
    const requests = FIRST_SYNC + Math.ceil(FIRST_SYNC / 100);
    const floorMs = Math.floor((requests - 1) / PER_MINUTE) * 60_000;
    report(
      `sync: first sync of a ${FIRST_SYNC}-customer store, real time, 100 requests/min (sliding)`,
      `${(ms / 60_000).toFixed(1)} min (${(ms / 1000).toFixed(0)} s)`,
      `<= ${((floorMs + 60_000) / 60_000).toFixed(0)} min (the limit allows ${(floorMs / 60_000).toFixed(0)}+)`,
      ms <= floorMs + 60_000,
    );
    report('  … customers here after it / times the cloud asked us to slow down', `${await localTotal()} / ${slowedDown}`, String(FIRST_SYNC), (await localTotal()) === FIRST_SYNC);
    await watching.stop(report, FIRST_SYNC);
  } finally {
    await close();
    await cloud.close();
  }
}

async function initialPush(report: Report, cloud: BenchCloud, dir: string): Promise<void> {
  const { core, close } = await ownerCore(dir, TIME_SCALE);
  try {
    await seedLocally(core, COUNT);
    const watching = await watch(cloud);
    const t = performance.now();
    await configure(core, cloud);
    await waitFor(core, (s) => s.pending === 0);
    reportRate(report, `sync: initial push of ${COUNT} customers (×${TIME_SCALE} clock)`, COUNT, performance.now() - t);
    const held = await cloud.count();
    report('  … customers the cloud holds after it', String(held), String(COUNT), held === COUNT);
    await watching.stop(report, COUNT);
  } finally {
    await close();
  }
}

async function initialPull(report: Report, cloud: BenchCloud, dir: string): Promise<void> {
  const { core, close } = await ownerCore(dir, TIME_SCALE);
  try {
    const localTotal = async () => (await core.call('customers.list', { limit: 1 })).pagination.total;
    const watching = await watch(cloud);
    const t = performance.now();
    await configure(core, cloud);
    await waitFor(core, async () => (await localTotal()) >= COUNT, 50);
    reportRate(report, `sync: initial pull of ${COUNT} customers into an empty store (×${TIME_SCALE} clock)`, COUNT, performance.now() - t);
    const total = await localTotal();
    report('  … customers here after it', String(total), String(COUNT), total === COUNT);
    await watching.stop(report, COUNT);
  } finally {
    await close();
  }
}

async function saveDuringPush(report: Report, cloud: BenchCloud, dir: string): Promise<void> {
  const { core, close } = await ownerCore(dir, TIME_SCALE);
  try {
    await seedLocally(core, COUNT);
    const ids = (await core.call('customers.list', { limit: 100 })).data.map((c) => c.id);
    await configure(core, cloud);
    const before = await waitFor(core, (s) => s.pending < COUNT, 20); // the push is under way
    const rand = mulberry32(7);
    const times: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < SAVES; i++) {
      await sleep(Math.floor(rand() * 20));
      const t = performance.now();
      const res =
        i % 2 === 0
          ? await core.handle('customers.create', {
              customerData: { firstName: 'Sample', lastName: `Save ${i}`, email: `save-${i}@bench.test`, phoneNumber: '+212 600 000 000', dateOfBirth: '1990-01-01', sex: 'female' },
            })
          : await core.handle('customers.update', { id: ids[Math.floor(rand() * ids.length)], customerData: { phoneNumber: `+212 6${String(i).padStart(8, '0')}` } });
      times.push(performance.now() - t);
      if (!res.ok) throw new Error(res.error.message);
    }
    const sampledMs = performance.now() - t0;
    const after = await core.call('sync.status', {});
    const p95 = percentile(times, 95);
    report(`sync: a save while a ${COUNT}-customer push runs (p95 of ${SAVES})`, `${p95.toFixed(2)} ms`, '< 20 ms', p95 < 20);
    report('  … p50 / max', `${percentile(times, 50).toFixed(2)} ms / ${Math.max(...times).toFixed(2)} ms`, '', null);
    report(
      '  … push still running through the sampling',
      `pending ${before.pending} → ${after.pending} over ${(sampledMs / 1000).toFixed(1)} s`,
      'pending > 0 at the end',
      after.pending > 0,
    );
  } finally {
    await close();
  }
}

export async function syncBenchmarks(report: Report): Promise<void> {
  const dirs = [0, 1, 2, 3, 4, 5].map(() => mkdtempSync(join(tmpdir(), 'opticounter-bench-sync-')));
  if (FIRST_SYNC > 0) await firstSyncRealTime(report, { cloud: dirs[3]!, seeder: dirs[4]!, pc: dirs[5]! });
  let cloud = await startCloud({ limited: true, scale: TIME_SCALE });
  try {
    await initialPush(report, cloud, dirs[0] as string);
    await initialPull(report, cloud, dirs[1] as string);
    await cloud.close();
    cloud = await startCloud({ limited: true, scale: TIME_SCALE }); // an empty cloud, so the push is all creates again
    await saveDuringPush(report, cloud, dirs[2] as string);
  } finally {
    await cloud.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

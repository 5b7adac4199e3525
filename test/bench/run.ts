/*
 * `npm run bench`: the spine's speed and memory targets, measured on 100,000 generated customers in
 * a real SQLite file through the same core the app runs, then the sync engine's (sync.ts).
 * `npm run bench -- sync` runs only the sync part, `npm run bench -- spine` only the rest,
 * `npm run bench -- import` only the import of 100,000 rows (import.ts).
 * Figures are printed, never asserted.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAuditChainInBackground } from '../../src/main/audit/chain';
import { openCore } from '../../src/main/core';
import { openDatabase } from '../../src/main/db/database';
import type { Logger } from '../../src/main/log';
import { SESSION_HEADER } from '../../src/shared/contract';
import { CustomerCreateInput } from '../../src/shared/customers/schema';
import { QUERIES, generateCustomers } from './people';
import { syncBenchmarks } from './sync';
import { importBenchmark } from './import';
import { firstSyncBenchmark } from './first-sync';

const COUNT = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const OWNER = { username: 'bench', displayName: 'Bench', password: 'bench-password-1' };
const RUNS_PER_QUERY = 20;
const quiet: Logger = { info() {}, warn() {}, error: (m, e) => console.error(m, e) };

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number;
};
const rows: string[][] = [];
const report_ = (what: string, value: string, target: string, ok: boolean | null) => report(what, value, target, ok);
function report(what: string, value: string, target: string, ok: boolean | null) {
  rows.push([what, value, target, ok === null ? '' : ok ? 'met' : 'MISSED']);
}

async function seed(dir: string) {
  const core = await openCore({ dataDir: dir, appVersion: 'bench', log: quiet });
  const raw = generateCustomers(COUNT);
  let t = performance.now();
  const parsed = raw.map((c) => CustomerCreateInput.parse(c));
  const parseMs = performance.now() - t;
  t = performance.now();
  await core.customers.createMany(parsed, { staffId: null, username: 'bench' });
  const insertMs = performance.now() - t;
  await core.close();
  const rate = COUNT / (insertMs / 1000);
  report(`seed ${COUNT} customers in one transaction`, `${rate.toFixed(0)} customers/s`, '>= 20000/s', rate >= 20_000);
  report('  … counting zod validation of each too', `${(COUNT / ((insertMs + parseMs) / 1000)).toFixed(0)} customers/s`, '', null);
}

async function searches(dir: string) {
  let t = performance.now();
  const opened = await openCore({ dataDir: dir, appVersion: 'bench', log: quiet });
  const { sessionToken } = await opened.call('auth.setupOwner', OWNER);
  const origin = { sessionToken };
  const core = { ...opened, handle: (c: string, i: unknown) => opened.handle(c, i, origin) };
  await core.handle('customers.list', {}); // waits for the start-up index build
  report(`open the store and build the search index (${COUNT})`, `${(performance.now() - t).toFixed(0)} ms`, '', null);

  for (const [kind, queries] of Object.entries(QUERIES)) {
    const times: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < RUNS_PER_QUERY; r++) {
      for (const search of queries) {
        t = performance.now();
        const used = process.cpuUsage();
        const res = await core.handle('customers.list', { search });
        times.push(performance.now() - t);
        const { user, system } = process.cpuUsage(used);
        cpu.push((user + system) / 1000);
        if (!res.ok) throw new Error(res.error.message);
      }
    }
    const p95 = percentile(times, 95);
    report(`customers.list search, ${kind} (p95 of ${times.length})`, `${p95.toFixed(2)} ms`, '< 10 ms', p95 < 10);
    // On a machine shared with other work, wall time counts the waits for a core; CPU time does not.
    report('  … its CPU time (p95)', `${percentile(cpu, 95).toFixed(2)} ms`, '', null);
  }

  const plain: number[] = [];
  for (let i = 0; i < 200; i++) {
    t = performance.now();
    await core.handle('customers.list', { page: 1 + (i % 50) });
    plain.push(performance.now() - t);
  }
  const p95 = percentile(plain, 95);
  report('customers.list plain page (p95 of 200)', `${p95.toFixed(2)} ms`, '< 5 ms', p95 < 5);

  // The first search after a save rebuilds the joined text of its sort order once.
  const id = (await core.call('customers.list', { limit: 1 }, origin)).data[0]?.id as string;
  await core.call('customers.update', { id, customerData: { phoneNumber: '+212 600 000 000' } }, origin);
  t = performance.now();
  await core.handle('customers.list', { search: 'hass' });
  report('first search after a save', `${(performance.now() - t).toFixed(2)} ms`, '', null);
  await opened.close();
}

/**
 * The audit chain's check at start (audit/chain.ts) over the seed's audit rows (one per customer):
 * the whole pass, and the longest the event loop is held by one page of it.
 */
async function auditChain(dir: string) {
  const store = await openDatabase({ dataDir: dir, clock: { now: () => new Date() } });
  try {
    let longest = 0;
    let last = performance.now();
    const probe = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 1);
    const t = performance.now();
    const report = await verifyAuditChainInBackground(store.sqlite, () => new Date());
    const ms = performance.now() - t;
    clearInterval(probe);
    report_(`verify the audit hash chain at start (${report.rows} rows, ${report.intact ? 'intact' : 'BROKEN'})`, `${ms.toFixed(0)} ms`, '< 1000 ms, in the background', ms < 1000 && report.intact);
    report_('  … longest the event loop waits for it', `${longest.toFixed(0)} ms`, '< 50 ms', longest < 50);
  } finally {
    await store.db.destroy();
  }
}

/** The browser host as its own process: 1,000 searches over HTTP, then its resident memory. */
async function hostMemory(dir: string) {
  const token = 'bench-token';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/browser-host.ts', '--port', '0', '--data-dir', dir], {
    env: { ...process.env, OPTICOUNTER_HOST_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (\S+)/.exec(out);
        if (m) resolve(m[1] as string);
      });
      child.on('exit', (code) => reject(new Error(`host exited with ${code}`)));
    });
    const signIn = await fetch(`${url}/api/auth.login`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ username: OWNER.username, password: OWNER.password }),
    });
    const session = ((await signIn.json()) as { data: { sessionToken: string } }).data.sessionToken;
    const all = Object.values(QUERIES).flat();
    const times: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t = performance.now();
      const res = await fetch(`${url}/api/customers.list`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, [SESSION_HEADER]: session },
        body: JSON.stringify({ search: all[i % all.length] }),
      });
      await res.json();
      times.push(performance.now() - t);
    }
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
    report('search over the host’s HTTP, all kinds (p95 of 1000)', `${percentile(times, 95).toFixed(2)} ms`, '', null);
    report('host process RSS after 1000 searches', `${rssMb.toFixed(0)} MB`, '< 300 MB', rssMb < 300);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const parts = process.argv.slice(2);
if (parts.some((p) => p !== 'spine' && p !== 'sync' && p !== 'import' && p !== 'firstsync')) throw new Error(`usage: npm run bench [-- spine|sync|import|firstsync]; not ${parts.join(' ')}`);
const run = (part: string) => parts.length === 0 || parts.includes(part);

if (run('spine')) {
  const dir = mkdtempSync(join(tmpdir(), 'opticounter-bench-'));
  try {
    await seed(dir);
    await searches(dir);
    await auditChain(dir);
    if (process.platform === 'linux') await hostMemory(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (run('sync')) await syncBenchmarks(report);
if (run('import')) await importBenchmark(report);
if (run('firstsync')) await firstSyncBenchmark(report);

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] as string).length)));
console.log(`OptiCounter benchmark — ${run('spine') ? `${COUNT} customers, ` : ''}node ${process.versions.node}`);
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd());

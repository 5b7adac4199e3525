/*
 * `npm run bench -- import`: 100,000 rows of a previous system's CSV (French headers, semicolons,
 * day-first dates, a prescription on every other row) imported through the browser host in its own
 * process, as the owner would from the mapping screen. Prints rows/s and the wall time against the
 * target (< 60 s), the host process's peak RSS (< 300 MB, from /proc: Linux), how long the host
 * took to answer a call made every 50 ms during the import (its longest event-loop block, seen from
 * outside) and a search typed at the counter meanwhile. Figures are printed, never asserted.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SESSION_HEADER } from '../../src/shared/contract';
import { startBenchHost } from './host';
import { generateCustomers } from './people';
import type { Report } from './sync';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const TOKEN = 'bench-import-token';

function frenchCsv(count: number): Buffer {
  const lines = ['Nom;Prénom;Date de naissance;Tél;Email;Sexe;Ville;Date examen;Sph OD;Cyl OD;Axe OD;Sph OG;Cyl OG;Axe OG;Add OD;Add OG'];
  for (const [i, c] of generateCustomers(count, 7).entries()) {
    const d = c.customerData;
    const [y, m, day] = String(d.dateOfBirth).split('-');
    const rx = i % 2 === 0 ? `12/03/2024;-1,25;-0,50;90;-1,00;-0,75;85;+2,00;+2,00` : ';;;;;;;;';
    lines.push([d.lastName, d.firstName, `${day}/${m}/${y}`, d.phoneNumber, d.email, d.sex === 'female' ? 'F' : 'M', 'Casablanca', rx].join(';'));
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? 0;
const procStatus = (pid: number, field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

export async function importBenchmark(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'opticounter-bench-import-'));
  // BENCH_IMPORT_NODE_FLAGS, e.g. --max-old-space-size=256: how the host fares with its heap capped.
  const flags = (process.env.BENCH_IMPORT_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
  const { child, url, how } = await startBenchHost(dir, TOKEN, flags);
  try {
    let session = '';
    const call = async <T>(channel: string, input: unknown): Promise<T> => {
      const res = await fetch(`${url}/api/${channel}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, [SESSION_HEADER]: session }, body: JSON.stringify(input) });
      const body = (await res.json()) as { ok: boolean; data: T; error?: unknown };
      if (!body.ok) throw new Error(`${channel}: ${JSON.stringify(body.error)}`);
      return body.data;
    };
    session = (await call<{ sessionToken: string }>('auth.setupOwner', { username: 'bench', displayName: 'Bench', password: 'bench-password-1' })).sessionToken;
    const file = { fileName: 'ancien-logiciel.csv', bytes: frenchCsv(ROWS).toString('base64') };
    const pid = child.pid as number;
    report(`import: ${ROWS} rows through the browser host (${how})`, `${(file.bytes.length / 1024 / 1024).toFixed(1)} MB of base64; host RSS ${procStatus(pid, 'VmRSS').toFixed(0)} MB before`, '', null);

    let t = performance.now();
    const preview = await call<{ mapping: Record<string, string | null> }>('import.preview', file);
    report('  preview (every row checked, duplicates looked up)', `${((performance.now() - t) / 1000).toFixed(1)} s; host peak RSS so far ${procStatus(pid, 'VmHWM').toFixed(0)} MB, now ${procStatus(pid, 'VmRSS').toFixed(0)} MB`, '', null);

    // While the import runs: a cheap call every 50 ms (how long the host keeps a caller waiting) and a search every 200 ms.
    let importing = true;
    const waits: number[] = [];
    const waitsAt: number[] = [];
    const searches: number[] = [];
    const poll = async (every: number, what: () => Promise<unknown>, into: number[], at?: number[]) => {
      while (importing) {
        const s = performance.now();
        await what();
        into.push(performance.now() - s);
        at?.push((s - t) / 1000);
        await new Promise((r) => setTimeout(r, every));
      }
    };
    t = performance.now();
    // Where the host's memory grows: its RSS while rows are written, and once they all are (the search index hears of them).
    const rss = { writing: 0, indexing: 0 };
    const sample = async () => {
      const p = await call<{ done: number; total: number }>('import.progress', { runId: 'bench' }).catch(() => null);
      const now = procStatus(pid, 'VmRSS');
      if (p && p.done < p.total) rss.writing = Math.max(rss.writing, now);
      else if (p) rss.indexing = Math.max(rss.indexing, now);
    };
    const polling = Promise.all([poll(50, () => call('app.info', {}), waits, waitsAt), poll(200, () => call('customers.list', { search: 'dupont mar' }), searches), poll(100, sample, [])]);
    const result = await call<{ batchId: string; imported: number; prescriptions: number }>('import.run', { ...file, mapping: preview.mapping, onDuplicate: 'skip', runId: 'bench' });
    const seconds = (performance.now() - t) / 1000;
    importing = false;
    await polling;

    report(`import ${ROWS} rows (${result.imported} customers, ${result.prescriptions} prescriptions)`, `${(ROWS / seconds).toFixed(0)} rows/s, ${seconds.toFixed(1)} s`, '< 60 s', seconds < 60);
    const peak = procStatus(pid, 'VmHWM');
    report('  host peak RSS (preview and import)', `${peak.toFixed(0)} MB`, '< 300 MB', peak < 300);
    report('  … host RSS seen while rows were written / once all were (index)', `${rss.writing.toFixed(0)} MB / ${rss.indexing.toFixed(0)} MB`, '', null);
    const longest = waits.indexOf(Math.max(...waits));
    report(`  longest wait for a call during the import (${waits.length} calls)`, `${waits[longest]!.toFixed(0)} ms, asked at ${waitsAt[longest]!.toFixed(1)} s (p50 ${percentile(waits, 50).toFixed(0)} ms)`, '', null);
    report(`  a search during the import (${searches.length} searches)`, `p50 ${percentile(searches, 50).toFixed(0)} ms, max ${Math.max(...searches).toFixed(0)} ms`, '', null);
    const found = await call<{ pagination: { total: number } }>('customers.list', { search: 'dupont' });
    report('  imported customers found by search right after', `${found.pagination.total} "dupont"`, '', null);
    t = performance.now();
    const undone = await call<{ removed: number }>('import.undo', { batchId: result.batchId });
    report(`  undo the batch (${undone.removed} removed)`, `${((performance.now() - t) / 1000).toFixed(1)} s`, '', null);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

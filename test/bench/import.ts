/*
 * `npm run bench -- import`: 100,000 rows of a previous system's CSV (French headers, semicolons,
 * day-first dates, a prescription on every other row) imported through the channels, as the owner
 * would from the mapping screen. Prints rows/s and the wall time against the target (< 60 s), the
 * process's peak RSS (< 300 MB), the longest event-loop block while it runs, and how long a search
 * typed at the counter meanwhile takes. Figures are printed, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { openCore } from '../../src/main/core';
import type { Logger } from '../../src/main/log';
import { generateCustomers } from './people';
import type { Report } from './sync';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const quiet: Logger = { info() {}, warn() {}, error: (m, e) => console.error(m, e) };

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

export async function importBenchmark(report: Report): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'opticounter-bench-import-'));
  const core = await openCore({ dataDir: dir, appVersion: 'bench', log: quiet, syncAutomatic: false });
  try {
    const { sessionToken } = await core.call('auth.setupOwner', { username: 'bench', displayName: 'Bench', password: 'bench-password-1' });
    const origin = { sessionToken };
    const file = { fileName: 'ancien-logiciel.csv', bytes: frenchCsv(ROWS).toString('base64') };
    report(`import: the file (${ROWS} rows)`, `${(file.bytes.length / 1024 / 1024).toFixed(1)} MB of base64`, '', null);

    let t = performance.now();
    const preview = await core.call('import.preview', file, origin);
    report('  preview (every row checked, duplicates looked up)', `${((performance.now() - t) / 1000).toFixed(1)} s`, '', null);

    // A search typed at the counter every 100 ms while the import runs, and the event loop's blocks.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const searches: number[] = [];
    let importing = true;
    const searching = (async () => {
      while (importing) {
        const s = performance.now();
        await core.call('customers.list', { search: 'dupont mar' }, origin);
        searches.push(performance.now() - s);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    loop.enable();
    t = performance.now();
    const result = await core.call('import.run', { ...file, mapping: preview.mapping, onDuplicate: 'skip' }, origin);
    const seconds = (performance.now() - t) / 1000;
    importing = false;
    loop.disable();
    await searching;

    const rate = ROWS / seconds;
    report(`import ${ROWS} rows (${result.imported} customers, ${result.prescriptions} prescriptions)`, `${rate.toFixed(0)} rows/s, ${seconds.toFixed(1)} s`, '< 60 s', seconds < 60);
    const peakMb = process.resourceUsage().maxRSS / 1024;
    report('  peak RSS of the process (file, preview and import)', `${peakMb.toFixed(0)} MB`, '< 300 MB', peakMb < 300);
    report('  longest event-loop block during the import', `${(loop.max / 1e6).toFixed(0)} ms`, '', null);
    report(`  a search during the import (${searches.length} searches)`, `p50 ${percentile(searches, 50).toFixed(0)} ms, max ${Math.max(...searches).toFixed(0)} ms`, '', null);
    const found = await core.call('customers.list', { search: 'dupont' }, origin);
    report('  imported customers found by search right after', `${found.pagination.total} "dupont"`, '', null);
    t = performance.now();
    const undone = await core.call('import.undo', { batchId: result.batchId }, origin);
    report(`  undo the batch (${undone.removed} removed)`, `${((performance.now() - t) / 1000).toFixed(1)} s`, '', null);
  } finally {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

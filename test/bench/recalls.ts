/**
 * The recall list over 100,000 customers (issue 13 item 4: "answered fast"): `npx tsx test/bench/recalls.ts`.
 * Customers and their prescriptions are written straight into a migrated store (the channels' speed
 * is not what is measured), then the list is asked as the Recalls screen asks it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/main/db/database';
import { queryRecalls } from '../../src/main/recalls/query';
import { defaultRecallSettings } from '../../src/shared/recalls/schema';

const COUNT = Number(process.env.RECALL_BENCH_COUNT ?? 100_000);
const TARGET_MS = 1_000;
const dir = mkdtempSync(join(tmpdir(), 'recall-bench-'));
const store = await openDatabase({ dataDir: dir, clock: { now: () => new Date() } });
try {
  const now = new Date().toISOString();
  const day = (i: number) => new Date(Date.UTC(2021, 0, 1) + (i % 1900) * 86_400_000).toISOString().slice(0, 10);
  const addCustomer = store.sqlite.prepare(
    `insert into customers (id, local_data_id, first_name, last_name, email, email_key, phone_number, date_of_birth, sex, search_text, created_at, updated_at, marketing_consent_at)
     values (?, ?, ?, ?, ?, ?, '+33 6 12 34 56 78', ?, 'female', '', ?, ?, ?)`,
  );
  const addRx = store.sqlite.prepare(`insert into prescriptions (id, customer_id, version, exam_date, rx, created_at, created_by) values (?, ?, ?, ?, ?, ?, 'bench')`);
  const addOutcome = store.sqlite.prepare(`insert into recall_outcomes (id, customer_id, outcome, date, note, recorded_at, recorded_by) values (?, ?, ?, ?, '', ?, 'bench')`);
  store.sqlite.transaction(() => {
    for (let i = 0; i < COUNT; i++) {
      const id = `c${i}`;
      addCustomer.run(id, id, `First${i}`, `Last${i}`, `p${i}@example.com`, `p${i}@example.com`, `19${40 + (i % 70)}-0${1 + (i % 9)}-1${i % 10}`, now, now, i % 3 ? now : null);
      // Nine in ten have an exam, a third two; a tenth has had a call.
      if (i % 10 === 0) continue;
      addRx.run(`${id}-1`, id, 1, day(i * 7), JSON.stringify({ kind: i % 4 ? 'spectacles' : 'contacts', examDate: day(i * 7) }), now);
      if (i % 3 === 0) addRx.run(`${id}-2`, id, 2, day(i * 11), JSON.stringify({ kind: 'spectacles', examDate: day(i * 11) }), now);
      if (i % 10 === 1) addOutcome.run(`${id}-o`, id, i % 20 === 1 ? 'booked' : 'called', '2026-01-05', now);
    }
  })();
  store.sqlite.pragma('optimize');
  const today = new Date().toISOString().slice(0, 10);
  for (const status of ['due', 'overdue', 'all'] as const) {
    for (const consentOnly of [false, true]) {
      const started = performance.now();
      const { total } = await queryRecalls(store.db, defaultRecallSettings, today, { status, consentOnly, limit: 500, offset: 0 });
      const ms = performance.now() - started;
      // The load average says how shared the machine was: the figures are for this PC at this moment.
      console.log(`recalls.list ${status}${consentOnly ? ' consentOnly' : ''} over ${COUNT} customers: ${ms.toFixed(0)} ms (${total} listed; target < ${TARGET_MS} ms; load ${loadavg()[0]!.toFixed(1)}) ${ms < TARGET_MS ? 'ok' : 'SLOW'}`);
    }
  }
} finally {
  await store.db.destroy();
  rmSync(dir, { recursive: true, force: true });
}

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE } from '../../src/main/backup/folder';
import type { Core } from '../../src/main/core';
import { DB_FILE_NAME } from '../../src/main/db/database';
import type { ErrorShape } from '../../src/shared/errors';
import { OWNER, openTestCore, person } from '../helpers/core';
import { type HostCommand, bundledHostCommand } from '../helpers/host-bundle';
import { HostProcess } from '../helpers/host-process';

/*
 * Writes under maintenance: eight writers create customers as fast as the store answers while the
 * owner takes a backup or restores one. Every create answered `ok` is a promise to a customer at the
 * counter; afterwards it must be in the live store or, for a restore, in the safety backup taken of
 * the state it replaced. A write refused during a restore says so (`store.restoring`, 503, try
 * again), never fails silently. Stores are read back through read-only SQLite handles.
 */

const WRITERS = 8;

interface WriteLog {
  acked: { id: string; at: number }[];
  refused: ErrorShape[];
}

/**
 * Eight writers creating customers until `stop()`; a writer whose session ended (a restore signs
 * everyone out) signs in again and goes on, as staff at the counter would.
 */
function startWriters(core: Core, firstSession: string) {
  const log: WriteLog = { acked: [], refused: [] };
  let stopped = false;
  let seq = 0;
  let session = firstSession;
  let signingIn: Promise<void> | null = null;
  const signInAgain = () =>
    (signingIn ??= core
      .call('auth.login', { username: OWNER.username, password: OWNER.password })
      .then((s) => {
        session = s.sessionToken;
      })
      .catch(() => sleep(10))
      .finally(() => {
        signingIn = null;
      }));
  const done = Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      while (!stopped) {
        // Calls arrive as separate events (IPC, HTTP); without this yield, a store that answers
        // from synchronous SQLite would keep the loop in microtasks and starve every timer.
        await new Promise((resolve) => setImmediate(resolve));
        const i = seq++;
        const input = person(`Writer${w}`, `Number${i}`, { email: `w${w}.n${i}@example.com` });
        const res = await core.handle('customers.create', input, { sessionToken: session });
        if (res.ok) {
          log.acked.push({ id: (res.data as { customer: { id: string } }).customer.id, at: performance.now() });
        } else {
          log.refused.push(res.error);
          if (res.error.code === 'auth.required') await signInAgain();
          else await sleep(5);
        }
      }
    }),
  );
  return {
    log,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

function idsIn(file: string): Set<string> {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return new Set((db.prepare('select id from customers').all() as { id: string }[]).map((r) => r.id));
  } finally {
    db.close();
  }
}

function integrity(file: string): string {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** Waits for `done` (polled), at most 20 s: long enough on a loaded 2-core machine, bounded anyway. */
async function until(done: () => boolean): Promise<void> {
  const deadline = performance.now() + 20_000;
  while (!done() && performance.now() < deadline) await sleep(50);
}

function backupDb(dataDir: string, name: string): string {
  return join(dataDir, 'backups', name, DB_FILE_NAME);
}

describe('backup.restore under eight concurrent writers', () => {
  it(
    'keeps every acknowledged write (live store or safety backup) and refuses the others with store.restoring 503',
    async () => {
      const t = await openTestCore();
      let closed = false;
      try {
        for (let i = 0; i < 20; i++) await t.core.call('customers.create', person('Before', `Backup${i}`));
        const older = await t.core.call('backup.create', {});

        const writers = startWriters(t.raw, t.ownerToken);
        await until(() => writers.log.acked.length > 20); // writes flowing at full speed
        const ackedBeforeRestore = writers.log.acked.length;
        const restored = await t.core.handle('backup.restore', { name: older.name });
        const restoreDoneAt = performance.now();
        // And again after it, on the restored store (the writers sign in again first: a loaded machine takes a while).
        await until(() => writers.log.acked.filter((a) => a.at > restoreDoneAt).length > 20);
        await writers.stop();
        await t.raw.close();
        closed = true;

        expect(restored, 'backup.restore').toMatchObject({ ok: true });
        const safety = (restored as { ok: true; data: { safetyBackup: string } }).data.safetyBackup;
        const { acked, refused } = writers.log;
        // The test means something only if writes were acknowledged on both sides of the restore.
        expect(ackedBeforeRestore).toBeGreaterThan(0);
        expect(acked.filter((a) => a.at > restoreDoneAt).length).toBeGreaterThan(0);

        const live = idsIn(join(t.dir, DB_FILE_NAME));
        const kept = idsIn(backupDb(t.dir, safety));
        const lost = acked.filter((a) => !live.has(a.id) && !kept.has(a.id));
        expect.soft(lost.length, `${lost.length} of ${acked.length} acknowledged customers are in neither the live store nor the safety backup`).toBe(0);

        const codes = [...new Set(refused.map((e) => `${e.code} ${e.status}`))].sort();
        expect.soft(codes.filter((c) => c !== 'store.restoring 503' && c !== 'auth.required 401'), 'refusals other than store.restoring (503) and auth.required (after the restore)').toEqual([]);
        // Writers never pause, so a restore that holds new calls off while it works is seen refusing some.
        expect.soft(codes, 'writes refused while the restore held new calls off').toContain('store.restoring 503');
        for (const e of refused.filter((r) => r.code === 'store.restoring')) expect.soft(e.message).toMatch(/again|retry/i);

        expect(integrity(join(t.dir, DB_FILE_NAME))).toBe('ok');
        expect(integrity(backupDb(t.dir, safety))).toBe('ok');
      } finally {
        if (!closed) await t.raw.close();
        await t.close().catch(() => undefined);
      }
    },
    60_000,
  );
});

describe('backup.create under eight concurrent writers', () => {
  it(
    'answers every write, and the copy is one consistent moment: integrity ok, manifest true, every earlier write in it, every customer with its audit row',
    async () => {
      const t = await openTestCore();
      let closed = false;
      try {
        const writers = startWriters(t.raw, t.ownerToken);
        await sleep(200);
        const ackedBefore = writers.log.acked.map((a) => a.id);
        const backup = await t.core.handle('backup.create', {});
        await sleep(200);
        await writers.stop();
        await t.raw.close();
        closed = true;

        expect(backup).toMatchObject({ ok: true });
        const name = (backup as { ok: true; data: { name: string } }).data.name;
        const { acked, refused } = writers.log;
        expect(refused.map((e) => `${e.code}: ${e.message}`), 'writes refused while a backup was taken').toEqual([]);
        expect(acked.length).toBeGreaterThan(ackedBefore.length);

        const live = idsIn(join(t.dir, DB_FILE_NAME));
        expect(acked.filter((a) => !live.has(a.id)).length, 'acknowledged writes missing from the live store').toBe(0);

        const file = backupDb(t.dir, name);
        expect(integrity(file)).toBe('ok');
        const copied = idsIn(file);
        expect(ackedBefore.filter((id) => !copied.has(id)), 'writes acknowledged before backup.create was called, missing from it').toEqual([]);

        const manifest = JSON.parse(readFileSync(join(t.dir, 'backups', name, MANIFEST_FILE), 'utf8')) as {
          db: { sha256: string };
          counts: Record<string, number>;
        };
        expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(manifest.db.sha256);
        const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
        try {
          expect(Number(db.prepare('select count(*) from customers').pluck().get())).toBe(manifest.counts.customers);
          expect(Number(db.prepare('select count(*) from audit_log').pluck().get())).toBe(manifest.counts.auditEntries);
          // A customer and its audit row commit together: a copy holding one without the other is torn.
          const orphans = db
            .prepare(`select count(*) from customers c where not exists (select 1 from audit_log a where a.entity = 'customer' and a.entity_id = c.id and a.action = 'create')`)
            .pluck()
            .get();
          expect(Number(orphans), 'customers in the backup without their create audit row').toBe(0);
        } finally {
          db.close();
        }
      } finally {
        if (!closed) await t.raw.close();
        await t.close().catch(() => undefined);
      }
    },
    60_000,
  );
});

describe('kill -9 during a restore (browser host)', () => {
  let command: HostCommand;
  let dataDir: string;

  beforeAll(async () => {
    command = await bundledHostCommand();
    dataDir = mkdtempSync(join(tmpdir(), 'opticounter-adv-kill-'));
  }, 60_000);
  afterAll(() => {
    command?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function ids(host: HostProcess): Promise<string[]> {
    const list = await host.call('customers.list', { limit: 100 });
    return list.data.map((c) => c.id).sort();
  }

  it(
    'opens afterwards on the old store or the restored one, never a mix, integrity ok',
    async () => {
      let host = await HostProcess.start(command, dataDir);
      await host.signIn();
      for (let i = 0; i < 5; i++) await host.call('customers.create', person('Kept', `InBackup${i}`));
      const backup = await host.call('backup.create', {});
      const inBackup = await ids(host);

      // Kill points spread over the restore: before, during and after the safety backup and the swap.
      for (const [round, delayMs] of [0, 3, 8, 15, 25, 40, 70, 120].entries()) {
        await host.call('customers.create', person('Added', `Round${round}`));
        const before = await ids(host);
        const restoring = host.post('backup.restore', { name: backup.name }).catch(() => null);
        await sleep(delayMs);
        await host.kill9();
        await restoring;

        host = await HostProcess.start(command, dataDir);
        await host.signIn();
        const after = await ids(host);
        expect([before, inBackup], `round ${round} (kill after ${delayMs} ms): the store holds neither the old nor the restored set`).toContainEqual(after);
        const check = await host.post('app.info', {});
        expect(check.body.ok).toBe(true);
      }
      await host.stop();
      expect(integrity(join(dataDir, DB_FILE_NAME))).toBe('ok');
    },
    180_000,
  );
});

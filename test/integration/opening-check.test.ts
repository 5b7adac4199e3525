import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type Core, openCore } from '../../src/main/core';
import { type CheckLauncher, type RunningCheck, nodeCheckLauncher } from '../../src/main/backup/check-process';
import { DB_FILE_NAME } from '../../src/main/db/database';
import { makeLegacyStore } from '../helpers/legacy-store';
import { generateCustomers } from '../bench/people';
import { CustomerCreateInput } from '../../src/shared/customers/schema';
import { STORE, cloudWithStore, connect } from '../helpers/sync';
import { OWNER, ahmed, layla, memoryLogger, openTestCore, person, tempDirs } from '../helpers/core';

/*
 * Issue 14, item 3, on a cold disk: the start's integrity check reads the whole file (36–73 s at
 * 1,000,000 customers on a cold cache). It runs beside the opening now: searches answer meanwhile,
 * and nothing is written to the store until it has passed.
 */

const dirs = tempDirs();
const closing: Core[] = [];
afterEach(async () => {
  await Promise.allSettled(closing.splice(0).map((c) => c.close()));
  dirs.removeAll();
});

/** A check the test lets go of when it says: the real check's process, started once released. */
function heldCheck(): { checkLauncher: CheckLauncher; release(): void; started: Promise<void> } {
  let release!: () => void;
  let started!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const startedP = new Promise<void>((r) => (started = r));
  return {
    checkLauncher: (job) => {
      started();
      let real: RunningCheck | null = null;
      let stopped = false;
      return {
        answer: released.then(() => (stopped ? null : (real = nodeCheckLauncher(job)).answer)),
        stop: () => {
          stopped = true;
          real?.stop();
        },
      };
    },
    release,
    started: startedP,
  };
}

/** A core on `dir` whose start check is held (see heldCheck), closed after the test, and the owner's session on it. */
async function openHeld(dir: string) {
  const held = heldCheck();
  const core = await openCore({ dataDir: dir, appVersion: 'x', log: memoryLogger(), checkLauncher: held.checkLauncher });
  closing.push(core);
  const { sessionToken } = await core.call('auth.login', { username: OWNER.username, password: OWNER.password });
  return { held, core, sessionToken };
}

async function storeWith(customers: unknown[]): Promise<string> {
  const dir = dirs.make();
  const t = await openTestCore({ dataDir: dir });
  for (const c of customers) await t.core.call('customers.create', c);
  await t.core.call('backup.create', {});
  await t.raw.close();
  return dir;
}

/** A leaf page of `table` turned to noise; by default one neither the opening, a search nor a new customer reads: found by the check alone. */
function damageUnreadPage(dir: string, table = 'recall_outcomes'): string {
  const file = join(dir, DB_FILE_NAME);
  const db = new BetterSqlite3(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const { pageno } = db.prepare("select pageno from dbstat where name = ? and pagetype = 'leaf' order by pageno desc limit 1").get(table) as { pageno: number };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const bytes = readFileSync(file);
  bytes.fill(0x5a, (pageno - 1) * pageSize, pageno * pageSize);
  writeFileSync(file, bytes);
  return file;
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const walBytes = (file: string) => {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
};
/** A write a crash left in `file`'s -wal only: the writer killed before any checkpoint. */
function leaveCrashWrite(file: string): void {
  const writer = `
    const db = new (require('better-sqlite3'))(${JSON.stringify(file)});
    db.pragma('wal_autocheckpoint = 0');
    db.prepare("insert into settings (key, value, updated_at) values ('crash.left', '1', '2026-01-01')").run();
    process.kill(process.pid, 'SIGKILL');`;
  expect(spawnSync(process.execPath, ['-e', writer], { encoding: 'utf8' }).signal).toBe('SIGKILL');
  expect(walBytes(file)).toBeGreaterThan(0);
}
/** Whether `pid` still runs: a zombie (ended, not yet reaped by whoever took it in) does not. */
const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};
const pending = async (p: Promise<unknown>, ms = 300) => (await Promise.race([p.then(() => 'settled', () => 'settled'), delay(ms).then(() => 'pending')])) === 'pending';

describe('the start-up integrity check beside the opening', () => {
  it('lets staff sign in and search while it runs; a save waits for it, then is kept', async () => {
    const dir = await storeWith([layla]);
    const held = heldCheck();
    const core = await openCore({ dataDir: dir, appVersion: 'x', log: memoryLogger(), checkLauncher: held.checkLauncher });
    closing.push(core);
    await held.started;
    const { sessionToken } = await core.call('auth.login', { username: OWNER.username, password: OWNER.password });
    const found = await core.call('customers.list', { search: 'hass' }, { sessionToken });
    expect(found.data.map((c) => c.name)).toEqual(['Layla Hassan']);

    const saving = core.call('customers.create', ahmed, { sessionToken });
    expect(await pending(saving)).toBe(true);
    // Nothing reached the file meanwhile, not even the WAL.
    const look = new BetterSqlite3(join(dir, DB_FILE_NAME), { readonly: true });
    expect(look.prepare('select count(*) as n from customers').get()).toEqual({ n: 1 });
    look.close();
    expect(await pending(core.checked)).toBe(true);

    held.release();
    await core.checked;
    const saved = await saving;
    const after = await core.call('customers.list', {}, { sessionToken });
    expect(after.data.map((c) => c.id)).toContain(saved.customer.id);
    expect(after.pagination.total).toBe(2);
  });

  it('a store found damaged after it opened: `checked` says so with the backup to restore, every write is refused, the file is left as it was', async () => {
    const dir = await storeWith([layla, ahmed, ...Array.from({ length: 40 }, (_, i) => person(`Name${i}`, `Family${i}`))]);
    const file = damageUnreadPage(dir);
    const before = sha(file);

    const { held, core, sessionToken } = await openHeld(dir);
    expect((await core.call('customers.list', { search: 'benali' }, { sessionToken })).pagination.total).toBe(1);
    const saving = core.handle('customers.create', person('Nadia', 'Amrani'), { sessionToken });
    const checked = core.checked.catch((e: unknown) => e);
    held.release();

    const err = await checked;
    expect(err).toMatchObject({ code: 'db.corrupt', details: { problems: expect.arrayContaining([expect.any(String)]), latestGoodBackup: { customers: 42 } } });
    expect(await saving).toMatchObject({ ok: false, error: { code: 'db.corrupt' } });
    expect(await core.handle('customers.create', person('Omar', 'Tazi'), { sessionToken })).toMatchObject({ ok: false, error: { code: 'db.corrupt' } });
    await core.close();
    expect(sha(file)).toBe(before);
    expect(walBytes(file)).toBe(0);
  });

  it('the browser host stops on a store its check finds damaged, saying which backup to restore, the file left as it was', async () => {
    const dir = await storeWith([layla]);
    const file = damageUnreadPage(dir);
    const before = sha(file);
    const host = spawn(process.execPath, ['--import', 'tsx', 'src/main/browser-host.ts', '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    host.stderr.on('data', (d: Buffer) => (err += d.toString()));
    expect(await new Promise<number | null>((r) => host.on('exit', r))).toBe(1);
    expect(err).toContain('The database failed its integrity check; restore a backup. Start again with --restore-latest-backup to restore the backup of');
    expect(sha(file)).toBe(before);
    expect(walBytes(file)).toBe(0);
  }, 30_000);

  // Review 22 (F1): the host's signal handlers came after the opening; a store the opening waits on the check for (not in WAL, or to migrate) died of the signal, its check process left running.
  it('the browser host told to stop while its opening waits for the check exits cleanly, the check process ended', async () => {
    const dir = await storeWith([layla]);
    const seed = await openTestCore({ dataDir: dir });
    await seed.core.customers.createMany(generateCustomers(30_000, 8).map((c) => CustomerCreateInput.parse(c)), { staffId: null, username: 'owner' });
    await seed.raw.close();
    const db = new BetterSqlite3(join(dir, DB_FILE_NAME));
    db.pragma('journal_mode = DELETE'); // a store the opening changes to WAL: it waits for the check first
    db.close();
    const host = spawn(process.execPath, ['--import', 'tsx', 'src/main/browser-host.ts', '--port', '0', '--data-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => host.on('exit', (code, signal) => r({ code, signal })));
    // The host's child processes running the check's script (tsx has one of its own: esbuild).
    const children = () => {
      try {
        const pids = readFileSync(`/proc/${host.pid}/task/${host.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
        return pids.filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('quick_check'));
      } catch {
        return [];
      }
    };
    await expect.poll(children, { interval: 2, timeout: 20_000 }).not.toEqual([]);
    const [check] = children();
    host.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    await expect.poll(() => alive(check!)).toBe(false);
  }, 60_000);

  it('a restore asked for while it runs waits for it, then restores', async () => {
    const dir = await storeWith([layla]);
    const { held, core, sessionToken } = await openHeld(dir);
    const [backup] = await core.call('backup.list', {}, { sessionToken });
    const restoring = core.call('backup.restore', { name: backup!.name }, { sessionToken });
    expect(await pending(restoring)).toBe(true);
    expect((await core.call('backup.list', {}, { sessionToken })).map((b) => b.kind)).not.toContain('pre-restore');
    held.release();
    expect(await restoring).toMatchObject({ restoredFrom: backup!.name });
  });

  // Review 20 (F7): both passed the "already restoring" test before either set it, and each waited for the other for good.
  it('two restores asked for at once while it runs: the second is refused at once, the first restores', async () => {
    const dir = await storeWith([layla]);
    const { held, core, sessionToken } = await openHeld(dir);
    const [backup] = await core.call('backup.list', {}, { sessionToken });
    const first = core.handle('backup.restore', { name: backup!.name }, { sessionToken });
    const second = core.handle('backup.restore', { name: backup!.name }, { sessionToken });
    expect(await second).toMatchObject({ ok: false, error: { code: 'store.restoring' } });
    held.release();
    expect(await first).toMatchObject({ ok: true, data: { restoredFrom: backup!.name } });
    const again = await core.call('auth.login', { username: OWNER.username, password: OWNER.password });
    expect((await core.call('customers.list', {}, { sessionToken: again.sessionToken })).pagination.total).toBe(1);
  });

  // Review 20 (F1): the copy, the lineage and the pruning ran before the wait: a damaged copy was kept, the oldest good one pruned.
  it('"Sync now" asked while it runs waits for it, then sends what was pending (it answered "idle" with the change still pending)', async () => {
    const cloud = await cloudWithStore();
    try {
      const dir = dirs.make();
      // Nothing sent by itself: the change is still pending when the app is closed.
      const t = await openTestCore({ dataDir: dir, core: { syncAutomatic: false } });
      await connect(t.core, cloud);
      await t.core.call('customers.create', layla);
      expect((await t.core.call('sync.status', {})).pending).toBe(1);
      await t.raw.close();

      const { held, core, sessionToken } = await openHeld(dir);
      await held.started;
      const syncing = core.call('sync.now', {}, { sessionToken });
      expect(await pending(syncing)).toBe(true);
      held.release();
      expect(await syncing).toMatchObject({ state: 'idle', pending: 0 });
      expect(cloud.customers(STORE.storeId).map((c) => c.localData.email)).toEqual([layla.customerData.email]);
    } finally {
      await cloud.close();
    }
  });

  it('a backup asked for while it runs waits for it: on a damaged store none is made and none pruned', async () => {
    const dir = await storeWith([layla]);
    const file = damageUnreadPage(dir);
    const backupsBefore = readdirSync(join(dir, 'backups')).sort();
    const { held, core, sessionToken } = await openHeld(dir);
    const making = core.handle('backup.create', {}, { sessionToken });
    expect(await pending(making)).toBe(true);
    expect(readdirSync(join(dir, 'backups')).sort()).toEqual(backupsBefore);
    core.checked.catch(() => undefined);
    held.release();
    expect(await making).toMatchObject({ ok: false, error: { code: 'db.corrupt' } });
    expect(readdirSync(join(dir, 'backups')).sort()).toEqual(backupsBefore);
    await core.close();
    expect(sha(file)).not.toBe('');
  });

  // Review 20 (F6): SQLite folds the -wal into the file and deletes it when the last connection closes, whatever the app skips.
  it('a damaged store left with a -wal by a crash: the file and the -wal are as found after the check failed and the app closed', async () => {
    const dir = await storeWith([layla]);
    const file = damageUnreadPage(dir);
    leaveCrashWrite(file);
    const [before, walBefore] = [sha(file), sha(`${file}-wal`)];
    const core = await openCore({ dataDir: dir, appVersion: 'x', log: memoryLogger() }).catch((e: unknown) => e);
    if (!(core instanceof Error)) {
      await (core as Core).checked.catch(() => undefined);
      await (core as Core).close();
    }
    expect([sha(file), sha(`${file}-wal`)]).toEqual([before, walBefore]);
  });

  // Review 20 (F2): the close waited for the audit chain's check and the licence, both waiting for the start's check.
  it('the app closes at once while it runs, nothing waiting on it', async () => {
    const dir = await storeWith([layla]);
    const held = heldCheck();
    const core = await openCore({ dataDir: dir, appVersion: 'x', log: memoryLogger(), checkLauncher: held.checkLauncher });
    await held.started;
    await core.call('auth.login', { username: OWNER.username, password: OWNER.password });
    // Resolves without the check ever being let go (it would time out if the close waited for it).
    await core.close();
    held.release();
  });

  // Review 21 (G1): in a worker thread the check could not be stopped inside SQLite; a quit waited for it to end (a minute on a cold disk) and Node aborted on a damaged store.
  it('a check stuck reading (a cold disk) is ended when the app closes: the close does not wait for it, the save waiting on it is refused, the store is left as found', async () => {
    const dir = await storeWith([layla]);
    const file = join(dir, DB_FILE_NAME);
    // The check's process, stuck as in a read that never ends: it names itself, then blocks.
    const stuck = join(dirs.make(), 'stuck.cjs');
    writeFileSync(stuck, "require('node:fs').writeFileSync(__filename + '.pid', String(process.pid)); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);");
    const core = await openCore({ dataDir: dir, appVersion: 'x', log: memoryLogger(), checkLauncher: (job) => nodeCheckLauncher({ ...job, module: stuck }) });
    const checked = core.checked.catch((e: unknown) => e);
    const { sessionToken } = await core.call('auth.login', { username: OWNER.username, password: OWNER.password });
    const saving = core.handle('customers.create', ahmed, { sessionToken });
    await expect.poll(() => existsSync(`${stuck}.pid`)).toBe(true);
    const pid = Number(readFileSync(`${stuck}.pid`, 'utf8'));
    const before = sha(file);

    // Resolves without the check ever ending (it would time out if the close waited for it).
    await core.close();
    expect(await checked).toMatchObject({ code: 'app.closing' });
    expect(await saving).toMatchObject({ ok: false, error: { code: 'app.closing' } });
    await expect.poll(() => alive(pid)).toBe(false);
    expect(sha(file)).toBe(before);
    const look = new BetterSqlite3(file, { readonly: true });
    expect(look.prepare('select count(*) as n from customers').get()).toEqual({ n: 1 });
    look.close();
  });

  // Review 20 (F5): a second close (SIGTERM during the host's own close) returned before the first had finished.
  it('a second close waits for the first', async () => {
    const dir = await storeWith([layla]);
    const core = await openCore({ dataDir: dir, appVersion: 'x', log: memoryLogger() });
    let first = false;
    void core.close().then(() => (first = true));
    await core.close();
    expect(first).toBe(true);
  });

  // Review 20 (F3): a read meeting a damaged page answered "Something went wrong; the change was not saved".
  it('a read that meets a damaged page while it runs says the database is damaged', async () => {
    const dir = await storeWith(Array.from({ length: 200 }, (_, i) => person(`Name${i}`, `Family${i}`)));
    damageUnreadPage(dir, 'customers');
    const held = heldCheck();
    const core = await openCore({ dataDir: dir, appVersion: 'x', log: memoryLogger(), checkLauncher: held.checkLauncher });
    closing.push(core);
    core.checked.catch(() => undefined);
    const { sessionToken } = await core.call('auth.login', { username: OWNER.username, password: OWNER.password });
    const found = await core.handle('customers.list', { search: 'family' }, { sessionToken });
    expect(found).toMatchObject({ ok: false, error: { code: 'db.corrupt', message: expect.stringMatching(/damaged/) } });
    held.release();
  });

  it('a store whose opening fails and whose check finds it damaged is refused at once, as before', async () => {
    const dir = await storeWith([layla]);
    writeFileSync(join(dir, DB_FILE_NAME), Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0x5a)]));
    const err = await openCore({ dataDir: dir, appVersion: 'x', log: memoryLogger() }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'db.corrupt', details: { latestGoodBackup: { customers: 1 } } });
  });

  // Review 23 (F6): the opening's failure path closed the connection read-write, folding the unchecked -wal into the file.
  describe('a store to migrate, left with a -wal by a crash, is left as found', () => {
    async function crashedLegacyStore() {
      const dir = dirs.make();
      const file = await makeLegacyStore(dir); // an older version's store, in WAL: the opening migrates it, so it waits for the check
      leaveCrashWrite(file);
      return { dir, file, before: [sha(file), sha(`${file}-wal`)] };
    }

    it('when the opening is abandoned while its check runs', async () => {
      const { dir, file, before } = await crashedLegacyStore();
      const held = heldCheck();
      const abandon = new AbortController();
      const opening = openCore({ dataDir: dir, appVersion: 'x', log: memoryLogger(), checkLauncher: held.checkLauncher, abandon: abandon.signal });
      await held.started;
      abandon.abort(); // the host's SIGTERM while the opening waits for the check
      await expect(opening).rejects.toMatchObject({ code: 'app.closing' });
      expect([sha(file), sha(`${file}-wal`)]).toEqual(before);
    });

    it('when its check finds it damaged', async () => {
      const { dir, file, before } = await crashedLegacyStore();
      const damaged = { checks: [{ quick_check: '*** in database main *** Tree 12 page 34: btreeInitPage() returns error code 11' }], orphans: [] };
      const opening = openCore({ dataDir: dir, appVersion: 'x', log: memoryLogger(), checkLauncher: () => ({ answer: Promise.resolve(damaged), stop: () => undefined }) });
      await expect(opening).rejects.toMatchObject({ code: 'db.corrupt' });
      expect([sha(file), sha(`${file}-wal`)]).toEqual(before);
    });
  });

  // Review 23 (F1): a stop before the check began (the opening still reading the schema) ran a whole check that nothing could stop.
  it('an opening abandoned before its check began ends at once, starting no check', async () => {
    const dir = await storeWith([layla]);
    const db = new BetterSqlite3(join(dir, DB_FILE_NAME));
    db.pragma('journal_mode = DELETE'); // not in WAL: the opening waits for its check
    db.close();
    let launches = 0;
    const abandon = new AbortController();
    const opening = openCore({
      dataDir: dir, appVersion: 'x', log: memoryLogger(), abandon: abandon.signal,
      checkLauncher: () => (launches++, { answer: new Promise(() => undefined), stop: () => undefined }),
    });
    abandon.abort(); // while openDatabase reads the file's schema
    expect(await pending(opening, 3000)).toBe(false);
    await expect(opening).rejects.toMatchObject({ code: 'app.closing' });
    expect(launches).toBe(0);
  });

  // Review 23 (P1): marking a crashed import interrupted is a write, and the opening waited for the whole check before it.
  it('a store left by a crash during an import opens while its check runs; the batch is marked interrupted once it has passed', async () => {
    const dir = await storeWith([layla]);
    const db = new BetterSqlite3(join(dir, DB_FILE_NAME));
    db.prepare("insert into import_batches (id, file_name, started_at, by_username, status) values ('b1', 'clients.csv', '2026-01-15T10:00:00.000Z', 'owner', 'running')").run();
    db.close();
    const held = heldCheck();
    const opening = openCore({ dataDir: dir, appVersion: 'x', log: memoryLogger(), checkLauncher: held.checkLauncher });
    opening.then((c) => closing.push(c), () => undefined);
    await held.started;
    expect(await pending(opening, 3000)).toBe(false);
    const core = await opening;
    const { sessionToken } = await core.call('auth.login', { username: OWNER.username, password: OWNER.password });
    const undoing = core.handle('import.undo', { batchId: 'b1' }, { sessionToken });
    held.release();
    await core.checked;
    // The undo waited for the batch to be marked: it undoes the interrupted import, not refuses a running one.
    expect(await undoing).toMatchObject({ ok: true });
    expect((await core.call('import.batches', {}, { sessionToken }))[0]).toMatchObject({ batchId: 'b1', status: 'undone' });
  });

  it('a store that needs its migrations waits for the check before anything is changed', async () => {
    const dir = dirs.make();
    const file = await makeLegacyStore(dir); // as an older version left it: the opening would migrate it
    const before = sha(file);
    const held = heldCheck();
    const opening = openCore({ dataDir: dir, appVersion: 'x', log: memoryLogger(), checkLauncher: held.checkLauncher });
    await held.started;
    expect(await pending(opening)).toBe(true);
    expect(sha(file)).toBe(before);
    expect(walBytes(file)).toBe(0);
    held.release();
    const core = await opening;
    closing.push(core);
    await core.checked;
    expect(await core.call('auth.status', {})).toMatchObject({ ownerExists: false });
  });
});

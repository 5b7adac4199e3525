import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type CheckLauncher, answerFrom, checkOpenStore, databaseFileProblemsApart, nodeCheckLauncher } from '../../src/main/backup/check-process';
import { databaseFileProblems } from '../../src/main/backup/service';
import { DB_FILE_NAME } from '../../src/main/db/database';
import { tempDir } from '../helpers/core';

describe('the start-up integrity check, in a process of its own', () => {
  it('finds a sound file sound and a missing one nothing to check, in a child process', async () => {
    const { dir, remove } = tempDir();
    onTestFinished(remove);
    expect(await databaseFileProblemsApart(dir)).toEqual([]);
    const db = new BetterSqlite3(join(dir, DB_FILE_NAME));
    db.exec('create table parent (id integer primary key); create table child (id integer primary key, p integer references parent(id)); insert into parent values (1); insert into child values (1, 1);');
    db.close();
    expect(await databaseFileProblemsApart(dir)).toEqual([]);
    // The process ran (null would mean it could not start and the check ran in this one).
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    expect(await nodeCheckLauncher({ file: join(dir, DB_FILE_NAME), module }).answer).toEqual({ checks: [{ quick_check: 'ok' }], orphans: [] });
  });

  it("the desktop app's utility process program (shell/check-entry.ts) answers as Node's child process does", async () => {
    const { dir, remove } = tempDir();
    onTestFinished(remove);
    const file = join(dir, DB_FILE_NAME);
    new BetterSqlite3(file).exec('create table t (id integer primary key)').close();
    const job = { file, module: createRequire(import.meta.url).resolve('better-sqlite3') };
    // Node's fork stands in for Electron's utilityProcess.fork (no Electron binary here): both start the entry with the job as its argument.
    const child = fork('src/main/shell/check-entry.ts', [JSON.stringify(job)], { execArgv: ['--import', 'tsx'], stdio: 'ignore' });
    expect(await answerFrom(child, 'close')).toEqual({ checks: [{ quick_check: 'ok' }], orphans: [] });
  });

  it('reports what the check on the main thread reports: orphan rows, a damaged file', async () => {
    const { dir, remove } = tempDir();
    onTestFinished(remove);
    const db = new BetterSqlite3(join(dir, DB_FILE_NAME));
    db.pragma('foreign_keys = OFF'); // an orphan as a file written without the check would hold
    db.exec('create table parent (id integer primary key); create table child (id integer primary key, p integer references parent(id)); insert into child values (1, 7);');
    db.close();
    const orphans = await databaseFileProblemsApart(dir);
    expect(orphans).toEqual(['child row 1 refers to a missing parent row']);
    expect(orphans).toEqual(databaseFileProblems(dir));

    writeFileSync(join(dir, DB_FILE_NAME), Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0x5a)]));
    const damaged = await databaseFileProblemsApart(dir);
    expect(damaged.length).toBeGreaterThan(0);
    expect(damaged).toEqual(databaseFileProblems(dir));
  });

  it('the quick check at start still finds a page of the file overwritten in the middle', async () => {
    const { dir, remove } = tempDir();
    onTestFinished(remove);
    const file = join(dir, DB_FILE_NAME);
    const db = new BetterSqlite3(file);
    db.exec('create table t (id integer primary key, name text); create index t_name on t(name);');
    const insert = db.prepare('insert into t (name) values (?)');
    for (let i = 0; i < 5000; i++) insert.run(`customer ${i} ${'x'.repeat(40)}`);
    db.close();
    const bytes = readFileSync(file);
    // Page 10 of 4096 bytes, deep in the table's tree, turned to noise.
    bytes.fill(0x5a, 9 * 4096, 10 * 4096);
    writeFileSync(file, bytes);
    const problems = await databaseFileProblemsApart(dir);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems).toEqual(databaseFileProblems(dir));
  });
});

/** A store of a few hundred rows; `damaged`: a page in its middle turned to noise. */
function storeFile(damaged: boolean): string {
  const { dir, remove } = tempDir();
  onTestFinished(remove);
  const file = join(dir, DB_FILE_NAME);
  const db = new BetterSqlite3(file);
  db.exec('create table t (id integer primary key, name text); create index t_name on t(name);');
  const insert = db.prepare('insert into t (name) values (?)');
  for (let i = 0; i < 2000; i++) insert.run(`customer ${i} ${'x'.repeat(40)}`);
  db.close();
  if (damaged) {
    const bytes = readFileSync(file);
    bytes.fill(0x5a, 9 * 4096, 10 * 4096);
    writeFileSync(file, bytes);
  }
  return file;
}

/** checkOpenStore's problems with `launch`, on `file` open as the app holds it. */
async function openStoreProblems(file: string, launch: CheckLauncher): Promise<string[]> {
  const sqlite = new BetterSqlite3(file, { readonly: true });
  try {
    return await checkOpenStore(file, sqlite, { launch }).problems;
  } finally {
    sqlite.close();
  }
}

// Review 22 (F3, F5, F6): a killed process made the check run in the app (24 s blocked on a cold disk); an empty answer passed a damaged store; a launcher that threw stopped the opening.
describe('the check when its process fails', () => {
  it('a check process killed from outside is started again, not run in the app', async () => {
    const file = storeFile(false);
    const scripts = tempDir();
    onTestFinished(scripts.remove);
    const stuck = join(scripts.dir, 'stuck.cjs');
    writeFileSync(stuck, "require('node:fs').writeFileSync(__filename + '.pid', String(process.pid)); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);");
    const launched: string[] = [];
    const launch: CheckLauncher = (job) => {
      launched.push(launched.length === 0 ? 'stuck' : 'real');
      return nodeCheckLauncher(launched.length === 1 ? { ...job, module: stuck } : job);
    };
    const problems = openStoreProblems(file, launch);
    await expect.poll(() => existsSync(`${stuck}.pid`)).toBe(true);
    process.kill(Number(readFileSync(`${stuck}.pid`, 'utf8')), 'SIGKILL');
    expect(await problems).toEqual([]);
    expect(launched).toEqual(['stuck', 'real']);
  });

  it('an answer that is not one (no rows, the wrong shape) is never a pass: asked again, then checked in the app', async () => {
    const file = storeFile(true);
    for (const wrong of [{ checks: [], orphans: [] }, {}, 'ok']) {
      let launches = 0;
      const answering: CheckLauncher = () => {
        launches++;
        const child = { once: (event: string, listener: (m?: unknown) => void) => (event === 'message' ? setImmediate(() => listener(wrong)) : undefined), kill: () => true };
        return { answer: answerFrom(child, 'exit'), stop: () => undefined };
      };
      const problems = await openStoreProblems(file, answering);
      expect(problems.length, JSON.stringify(wrong)).toBeGreaterThan(0);
      expect(launches).toBe(3);
    }
  });

  it('a launcher that throws: the check runs in the app, and still finds the damage', async () => {
    const throwing: CheckLauncher = () => {
      throw new Error('fork failed');
    };
    expect(await openStoreProblems(storeFile(false), throwing)).toEqual([]);
    expect((await openStoreProblems(storeFile(true), throwing)).length).toBeGreaterThan(0);
  });

  // Review 23 (F3), review 24 (F1): a process that could not load SQLite answered its error as the store's problem: a sound store refused as damaged.
  // better-sqlite3 loads its native binding in the Database constructor, not at require().
  it('a process that cannot load SQLite (a binding for another ABI, a packaging slip): the check runs in the app, a sound store found sound', async () => {
    const scripts = tempDir();
    onTestFinished(scripts.remove);
    const bogus = join(scripts.dir, 'better_sqlite3.node');
    writeFileSync(bogus, Buffer.alloc(4096, 0x7f)); // not a loadable shared object: dlopen fails as for another ABI
    const throwing = join(scripts.dir, 'broken-module.cjs');
    writeFileSync(throwing, "throw Object.assign(new Error('Cannot find module bindings'), { code: 'MODULE_NOT_FOUND' });");
    for (const broken of [{ nativeBinding: bogus }, { module: throwing }]) {
      let launches = 0;
      const launch: CheckLauncher = (job) => (launches++, nodeCheckLauncher({ ...job, ...broken }));
      expect(await openStoreProblems(storeFile(false), launch), JSON.stringify(broken)).toEqual([]);
      expect((await openStoreProblems(storeFile(true), launch)).length).toBeGreaterThan(0);
      expect(launches).toBe(2); // once a store: started again, it would fail the same way
    }
  });
});

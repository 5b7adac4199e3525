import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir, unlockDataDir } from '../../src/main/data-dir-lock';

/* Other processes take the lock as the app and the browser host do: lockDataDir at start. */

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  unlockDataDir();
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'opticounter-lock-'));
  dirs.push(d);
  return d;
};

const HOLDER = `import { lockDataDir } from ${JSON.stringify(join(process.cwd(), 'src/main/data-dir-lock.ts'))};
try { lockDataDir(process.env.LOCK_DIR); console.log('locked'); setInterval(() => {}, 1000); }
catch (err) { console.log(err.code); process.exit(1); }`;

/** A process that tries to take `d`: answers 'locked' (and holds it until killed) or the error's code. */
function holder(d: string): { child: ChildProcess; answer: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', HOLDER], { env: { ...process.env, LOCK_DIR: d }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const answer = new Promise<string>((resolve) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', () => resolve(out.trim()));
  });
  return { child, answer };
}

describe('lockDataDir', () => {
  it('refuses a directory another process holds, and takes it once that process is killed (kill -9: no stale lock)', async () => {
    const d = dir();
    const other = holder(d);
    expect(await other.answer).toBe('locked');
    expect(() => lockDataDir(d)).toThrow(expect.objectContaining({ code: 'dataDir.inUse', message: `Another OptiCounter has ${d} open: close it first` }));
    const gone = new Promise((r) => other.child.on('exit', r));
    other.child.kill('SIGKILL');
    await gone;
    lockDataDir(d);
    // Held here now: another process is refused.
    expect(await holder(d).answer).toBe('dataDir.inUse');
  });

  it('makes a lock file a tool wrote over again, and says which file to remove when it cannot be opened', async () => {
    const d = dir();
    writeFileSync(join(d, 'opticounter.lock'), 'not a database at all, but long enough for SQLite to read its header');
    lockDataDir(d);
    expect(await holder(d).answer).toBe('dataDir.inUse');
    unlockDataDir();
    const e = dir();
    mkdirSync(join(e, 'opticounter.lock'));
    expect(() => lockDataDir(e)).toThrow(expect.objectContaining({ code: 'dataDir.lockUnusable', message: expect.stringContaining(`${join(e, 'opticounter.lock')} cannot be used as OptiCounter's lock`) }));
  });

  it('lets exactly one of several processes started at once have the directory', async () => {
    for (let round = 0; round < 3; round++) {
      const d = dir();
      const answers = await Promise.all([holder(d), holder(d), holder(d)].map((h) => h.answer));
      expect(answers.sort()).toEqual(['dataDir.inUse', 'dataDir.inUse', 'locked']);
      for (const c of children.splice(0)) c.kill('SIGKILL');
    }
  });
});

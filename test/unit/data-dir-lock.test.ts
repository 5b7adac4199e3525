import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDataDir } from '../../src/main/host/data-dir-lock';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'opticounter-lock-'));
  dirs.push(d);
  return d;
};

describe('lockDataDir', () => {
  it('refuses a directory a live process holds, naming it', () => {
    const d = dir();
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(join(d, LOCK_FILE), String(other.pid));
      expect(() => lockDataDir(d)).toThrow(expect.objectContaining({ code: 'host.dataDirInUse', message: `Another OptiCounter (process ${other.pid}) has ${d} open: close it first` }));
      expect(readFileSync(join(d, LOCK_FILE), 'utf8')).toBe(String(other.pid));
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a lock a process killed left behind, and gives it back', () => {
    const d = dir();
    const gone = spawnSync('true').pid;
    writeFileSync(join(d, LOCK_FILE), String(gone));
    const release = lockDataDir(d);
    expect(readFileSync(join(d, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    release();
    expect(() => readFileSync(join(d, LOCK_FILE))).toThrow();
    // Free again: taken at once.
    lockDataDir(d)();
  });
});

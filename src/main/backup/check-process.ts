import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants, setPriority } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import { DB_FILE_NAME } from '../db/database';
import { type IntegrityRow, type OrphanRow, type SqliteOptions, databaseFileProblems, integrityProblems, problemsOf } from './integrity';
import { CHECK_SCRIPT } from './check-script';

/*
 * databaseFileProblems() in a process of its own: its `PRAGMA quick_check` reads the whole file
 * (~0.12 s at 100,000 customers, ~1.5 s at 1,000,000 warm, 36–73 s on a cold disk), so run in the
 * app it held the event loop. It ran in a worker thread, which nothing can stop inside SQLite: a
 * quit waited for the check to end, and Node aborted on a damaged store (review 21). A process is
 * killed at once, and runs below the app's priority, so on a 2-core counter PC the app's own work
 * comes first (it shared the cores with the worker: 44–99 ms blocks on a cold disk). The lines are
 * made here, by the same rule as in the app. Should the process not start, the check runs in the
 * app as before: slower to open, never skipped.
 */

/** The check program's answer: the two pragmas' rows, or the error that stopped them. */
export type CheckAnswer = { checks: IntegrityRow[]; orphans: OrphanRow[] } | { error: string };

/** What the check program is given: the file, where better-sqlite3 is, and its binding when not Node's. */
export interface CheckJob {
  file: string;
  module: string;
  nativeBinding?: string;
}

/** A check under way: its answer (null when its process could not run) and how to end it. */
export interface RunningCheck {
  answer: Promise<CheckAnswer | null>;
  stop(): void;
}

/** Starts CHECK_SCRIPT on a job: Node's child process by default, Electron's utility process in the desktop app (shell/check-launcher.ts). */
export type CheckLauncher = (job: CheckJob) => RunningCheck;

/** A started check's process, as Node's child process and Electron's utility process both are. */
interface CheckProcess {
  once(event: 'message', listener: (message: CheckAnswer) => void): unknown;
  once(event: string, listener: () => void): unknown;
  kill(): boolean;
}

/** The answer `child` sends, or null once it has `ended` without one; `child` is ended once it answered. */
export function answerFrom(child: CheckProcess, ended: string): Promise<CheckAnswer | null> {
  return new Promise((resolve) => {
    child.once('message', (message: CheckAnswer) => {
      resolve(message);
      child.kill();
    });
    child.once('error', () => resolve(null));
    child.once(ended, () => resolve(null));
  });
}

/** Below normal priority: the app, where staff wait, gets the CPU first. Not allowed (some platforms), it runs as it is. */
export function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // the check is no less right at normal priority
  }
}

/** Node's launcher: `node -e CHECK_SCRIPT`, also ended when this process exits. */
export const nodeCheckLauncher: CheckLauncher = (job) => {
  let child: ChildProcess;
  try {
    // Not NODE_OPTIONS: a loader this process runs under (tsx in tests) only slows the check's start.
    child = spawn(process.execPath, ['-e', CHECK_SCRIPT, JSON.stringify(job)], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: { ...process.env, NODE_OPTIONS: '' } });
  } catch {
    return { answer: Promise.resolve(null), stop: () => undefined };
  }
  lowerPriority(child.pid);
  const stop = () => void child.kill('SIGKILL');
  process.once('exit', stop);
  // 'close', not 'exit': it comes after the IPC channel has delivered the answer.
  const answer = answerFrom(child, 'close');
  void answer.then(() => process.off('exit', stop));
  return { answer, stop };
};

/** The desktop app has no Node to start (Electron's runAsNode fuse is off): without its launcher the check runs in the app. */
const defaultLauncher: CheckLauncher = process.versions.electron ? () => ({ answer: Promise.resolve(null), stop: () => undefined }) : nodeCheckLauncher;

function jobOf(file: string, opts: SqliteOptions): CheckJob {
  return { file, module: createRequire(import.meta.url).resolve('better-sqlite3'), nativeBinding: opts.nativeBinding };
}

/** databaseFileProblems() of the store in `dataDir` (a store refused before its check began), in the check's process. */
export async function databaseFileProblemsApart(dataDir: string, opts: SqliteOptions = {}, launch: CheckLauncher = defaultLauncher): Promise<string[]> {
  const file = join(dataDir, DB_FILE_NAME);
  if (!existsSync(file)) return [];
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f));
  let answer: CheckAnswer | null;
  try {
    answer = await launch(jobOf(file, opts)).answer;
  } finally {
    for (const f of sidecars) rmSync(f, { force: true });
  }
  if (answer === null) return databaseFileProblems(dataDir, opts);
  return 'error' in answer ? [answer.error] : problemsOf(answer.checks, answer.orphans);
}

/**
 * The same check of the store `sqlite` has open, run beside the rest of the opening (issue 14: on a
 * cold disk the read took 36–73 s at 1,000,000 customers, and nothing answered meanwhile). The -wal
 * and -shm files are that connection's: the check's reader never removes them. Should its process
 * not start, the check runs on `sqlite` itself. `stop` ends it (the app is closing): its problems
 * then reject with app.closing, and the store was never found sound.
 */
export function checkOpenStore(file: string, sqlite: BetterSqlite3.Database, opts: SqliteOptions & { launch?: CheckLauncher } = {}): { problems: Promise<string[]>; stop(): void } {
  const running = (opts.launch ?? defaultLauncher)(jobOf(file, opts));
  let stopped!: () => void;
  const stopping = new Promise<'stopped'>((resolve) => (stopped = () => resolve('stopped')));
  const problems = Promise.race([running.answer, stopping]).then((answer) => {
    if (answer === 'stopped') throw new AppError('app.closing', 'OptiCounter closed before the database check ended');
    if (answer === null) return integrityProblems(sqlite, 'quick');
    return 'error' in answer ? [answer.error] : problemsOf(answer.checks, answer.orphans);
  });
  return {
    problems,
    stop: () => {
      stopped();
      running.stop();
    },
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getPriority, setPriority } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import { DB_FILE_NAME } from '../db/database';
import { IntegrityRow, OrphanRow, type SqliteOptions, databaseFileProblems, integrityProblems, problemsOf } from './integrity';
import { CHECK_SCRIPT } from './check-script';

/*
 * databaseFileProblems() in a process of its own: its `PRAGMA quick_check` reads the whole file
 * (~0.12 s at 100,000 customers, ~1.5 s at 1,000,000 warm, 20–73 s on a cold disk), so run in the
 * app it held the event loop. It ran in a worker thread, which nothing can stop inside SQLite: a
 * quit waited for the check to end, and Node aborted on a damaged store (review 21). A process is
 * killed at once, and runs ten steps below the app's priority. The lines are made here, by the same
 * rule as in the app. A process that goes without answering (killed from outside) is started again;
 * should none start or answer, the check runs in the app: slower to open, never skipped.
 */

/**
 * The check program's answer: the two pragmas' rows, or the error that stopped them; `unavailable`
 * when it could not load SQLite (says nothing of the store: the app checks it). quick_check always
 * answers at least one row ("ok" when sound): an answer without is no answer, never a pass.
 */
const CheckAnswer = z.union([
  z.object({ checks: z.array(IntegrityRow).min(1), orphans: z.array(OrphanRow) }),
  z.object({ error: z.string() }),
  z.object({ unavailable: z.string() }),
]);
export type CheckAnswer = z.infer<typeof CheckAnswer>;
/** An answer about the store. */
type Verdict = Exclude<CheckAnswer, { unavailable: string }>;

/** What the check program is given: the file, where better-sqlite3 is, and its binding when not Node's. */
export interface CheckJob {
  file: string;
  module: string;
  nativeBinding?: string;
}

/**
 * How a check ended: its answer; `ended` when its process went (or said something else) without
 * answering, killed from outside, say; null when it could not start at all.
 */
export type CheckOutcome = CheckAnswer | 'ended' | null;

/** A check under way: how it ends, and how to end it. */
export interface RunningCheck {
  answer: Promise<CheckOutcome>;
  stop(): void;
}

/** Starts CHECK_SCRIPT on a job: Node's child process by default, Electron's utility process in the desktop app (shell/check-launcher.ts). */
export type CheckLauncher = (job: CheckJob) => RunningCheck;

/** A started check's process, as Node's child process and Electron's utility process both are. */
interface CheckProcess {
  once(event: 'message', listener: (message: unknown) => void): unknown;
  once(event: string, listener: () => void): unknown;
  kill(): boolean;
}

/** How `child` ends: its answer (it is then ended), `ended` once it has `ended` without one, null when it could not start. */
export function answerFrom(child: CheckProcess, ended: string): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    child.once('message', (message: unknown) => {
      const answer = CheckAnswer.safeParse(message);
      resolve(answer.success ? answer.data : 'ended');
      child.kill();
    });
    child.once('error', () => resolve(null));
    child.once(ended, () => resolve('ended'));
  });
}

/** Ten steps below this process (the app, where staff wait, gets the CPU first), at most the lowest. Not allowed (some platforms), it runs as it is. */
export function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, Math.min(19, getPriority() + 10));
  } catch {
    // the check is no less right at the app's priority
  }
}

const notStarted: RunningCheck = { answer: Promise.resolve(null), stop: () => undefined };

/** Node's launcher: `node -e CHECK_SCRIPT`, also ended when this process exits. */
export const nodeCheckLauncher: CheckLauncher = (job) => {
  let child: ChildProcess;
  try {
    // Not NODE_OPTIONS: a loader this process runs under (tsx in tests) only slows the check's start.
    child = spawn(process.execPath, ['-e', CHECK_SCRIPT, JSON.stringify(job)], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: { ...process.env, NODE_OPTIONS: '' } });
  } catch {
    return notStarted;
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
const defaultLauncher: CheckLauncher = process.versions.electron ? () => notStarted : nodeCheckLauncher;

function jobOf(file: string, opts: SqliteOptions): CheckJob {
  return { file, module: createRequire(import.meta.url).resolve('better-sqlite3'), nativeBinding: opts.nativeBinding };
}

/** Launches in a row before the check is run in the app: a check process killed from outside is started again, not run here (20–70 s on a cold disk). */
const LAUNCHES = 3;

/**
 * The check run in its process until it answers, or `stopped`; null when no process could answer
 * (the caller then runs it in the app, slower, never skipped).
 */
function runApart(launch: CheckLauncher, job: CheckJob): { answer: Promise<Verdict | 'stopped' | null>; stop(): void } {
  let stopped!: () => void;
  const stopping = new Promise<'stopped'>((resolve) => (stopped = () => resolve('stopped')));
  let current: RunningCheck = notStarted;
  const answer = (async () => {
    for (let launched = 0; launched < LAUNCHES; launched++) {
      try {
        current = launch(job);
      } catch {
        return null;
      }
      const outcome = await Promise.race([current.answer, stopping]);
      // Started again, a process that could not load SQLite would fail the same way.
      if (outcome !== null && typeof outcome === 'object' && 'unavailable' in outcome) return null;
      if (outcome !== 'ended') return outcome;
    }
    return null;
  })();
  return {
    answer,
    stop: () => {
      stopped();
      current.stop();
    },
  };
}

const problemsFrom = (answer: Verdict) => ('error' in answer ? [answer.error] : problemsOf(answer.checks, answer.orphans));

/**
 * databaseFileProblems() of the store in `dataDir` (a store refused before its check began), in the
 * check's process. `abandon` (the app told to stop) ends it: it then rejects with app.closing.
 */
export async function databaseFileProblemsApart(dataDir: string, opts: SqliteOptions = {}, launch: CheckLauncher = defaultLauncher, abandon?: AbortSignal): Promise<string[]> {
  const file = join(dataDir, DB_FILE_NAME);
  if (!existsSync(file)) return [];
  if (abandon?.aborted) throw closedBeforeChecked();
  const sidecars = [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f));
  const run = runApart(launch, jobOf(file, opts));
  abandon?.addEventListener('abort', run.stop, { once: true });
  let answer: Verdict | 'stopped' | null;
  try {
    answer = await run.answer;
  } finally {
    abandon?.removeEventListener('abort', run.stop);
    for (const f of sidecars) rmSync(f, { force: true });
  }
  if (answer === 'stopped') throw closedBeforeChecked();
  return answer === null ? databaseFileProblems(dataDir, opts) : problemsFrom(answer);
}

const closedBeforeChecked = () => new AppError('app.closing', 'OptiCounter closed before the database check ended');

/**
 * The same check of the store `sqlite` has open, run beside the rest of the opening (issue 14: on a
 * cold disk the read took 36–73 s at 1,000,000 customers, and nothing answered meanwhile). The -wal
 * and -shm files are that connection's: the check's reader never removes them. Should no process
 * answer, the check runs on `sqlite` itself. `stop` ends it (the app is closing): its problems then
 * reject with app.closing, and the store was never found sound.
 */
export function checkOpenStore(file: string, sqlite: BetterSqlite3.Database, opts: SqliteOptions & { launch?: CheckLauncher } = {}): { problems: Promise<string[]>; stop(): void } {
  const run = runApart(opts.launch ?? defaultLauncher, jobOf(file, opts));
  const problems = run.answer.then((answer) => {
    if (answer === 'stopped') throw closedBeforeChecked();
    return answer === null ? integrityProblems(sqlite, 'quick') : problemsFrom(answer);
  });
  return { problems, stop: run.stop };
}

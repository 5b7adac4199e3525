import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { AppError } from '../shared/errors';
import { type Channel, type ChannelOutput } from '../shared/contract';
import type { Envelope } from '../shared/errors';
import type { FolderPicker, Printer } from './app/handlers';
import { assemble } from './assembly';
import { type Actor, SYSTEM_ACTOR } from './audit/log';
import { latestGoodBackup, recoverInterruptedRestore } from './backup/service';
import { type CheckLauncher, checkOpenStore, databaseFileProblemsApart } from './backup/check-process';
import { type Clock, systemClock } from './clock';
import type { CustomerService } from './customers/service';
import { DB_FILE_NAME, openDatabase } from './db/database';
import { type CallOrigin, call } from './dispatch';
import { LicenceClient } from './licence/client';
import { type MachineIdentity, readMachineIdentity } from './licence/machine';
import { type TrustedKey, trustedKeys } from './licence/verify';
import { type Logger, consoleLogger } from './log';
import { PurgeLedger } from './privacy/ledger';
import { tightenDataDir } from './private-files';
import { RunningStore, reanchorRestored } from './running-store';
import { keyFileSecretBox, type SecretBox } from './secrets';
import { AttemptLimiter } from './staff/attempts';
import { attemptsFile } from './staff/attempts-file';
import { SecretHasher } from './staff/secrets';
import { AccountLimiters } from './sync/account-limiters';
import type { SyncEngine } from './sync/engine';
import { type Timeline, realTimeline } from './sync/timeline';
import { UpdateService, type UpdaterAdapter } from './update/service';

export { restoreLatestGood } from './running-store';

export interface CoreOptions {
  dataDir: string;
  appVersion: string;
  clock?: Clock;
  log?: Logger;
  /** better-sqlite3 built for Electron's ABI, when running inside Electron. */
  nativeBinding?: string;
  /** The desktop app's auto-updater (shell/updater.ts); without one, update.status answers `unsupported`. */
  updater?: UpdaterAdapter;
  /** The desktop app's printer (shell/print.ts); without one, app.printToPdf tells the page to use the browser's print. */
  printer?: Printer;
  /** The desktop app's folder dialog (shell/folder-picker.ts); without one, app.pickFolder lets the page ask for a path. */
  folderPicker?: FolderPicker;
  /** Seals the cloud password at rest: safeStorage in the desktop app; default a key file in dataDir. */
  secrets?: SecretBox;
  /** How long the sync waits for one cloud request (tests shorten it). */
  syncTimeoutMs?: number;
  /** false: sync rounds run only on `sync.now` (tests staging both sides of a merge). Default true. */
  syncAutomatic?: boolean;
  /** What sync's rate limiter and timers wait on (sync/timeline.ts); tests of long syncs scale it. Default real time. */
  syncTimeline?: Timeline;
  /**
   * The public keys licences may be signed with (SPKI PEM, by key id). The desktop app passes the
   * compiled-in ones (licence/keys.ts), the development host those plus its --trust-licence-key files,
   * tests their own. None: no licence verifies (the trial still runs).
   */
  trustedLicenceKeys?: TrustedKey[];
  /** This PC's licence machine id; tests pass one to be "another PC". Default: licence/machine.ts. */
  machineId?: string;
  /** The licence server's fetch (tests). */
  licenceFetch?: typeof fetch;
  /** The argon2 queue for passwords and PINs (tests pass one to count the checks a burst runs). */
  secretHasher?: SecretHasher;
  /**
   * Starts the start's integrity check in a process of its own: Electron's utility process in the
   * desktop app (shell/check-launcher.ts); Node's child process by default. Tests hold it, to see
   * what answers meanwhile.
   */
  checkLauncher?: CheckLauncher;
  /**
   * Aborted while openCore has not answered yet (a quit during the start): the start's check is
   * ended, and an opening that waits for it rejects with app.closing. Once open, close() does that.
   */
  abandon?: AbortSignal;
}

/** The app without any transport: what Electron IPC, the browser host and tests all wrap. */
export interface Core {
  dataDir: string;
  /** Runs a channel for a caller; never throws. */
  handle(channel: string, rawInput: unknown, origin?: CallOrigin): Promise<Envelope<unknown>>;
  /** Typed direct call for tests and tooling; throws AppError. */
  call<C extends Channel>(channel: C, input: unknown, origin?: CallOrigin): Promise<ChannelOutput<C>>;
  customers: CustomerService;
  /** The sync engine of the open store (tests wait on it; the shell forwards its changes). */
  sync: SyncEngine;
  /**
   * Told when the sync status may have changed (the engine's state or progress, a change queued);
   * outlives a restore's reassembly. The shell and the browser host forward it to the page.
   */
  onSyncChange(listener: () => void): () => void;
  /** Told when a running import's progress changed; the shell and the browser host forward it to the page. */
  onImportProgress(listener: () => void): () => void;
  /**
   * The start's integrity check, which runs beside the opening (searches answer meanwhile, writes
   * wait for it). Rejects with db.corrupt (its problems, the latest good backup) when the store
   * failed it: every write has been refused and nothing written; the shell closes the core and
   * offers the backup, as when openCore itself rejects with db.corrupt. Closed before the check
   * ended, it rejects with app.closing (the check is stopped, not waited for).
   */
  checked: Promise<void>;
  close(): Promise<void>;
}

const DAILY_BACKUP_CHECK_MS = 15 * 60_000;

/**
 * The composition root: checks the data dir, builds what outlives a restore, and opens the store
 * (assembly.ts wires every channel to its service; running-store.ts swaps it on a restore).
 */
export async function openCore(opts: CoreOptions): Promise<Core> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? consoleLogger;
  const secrets = opts.secrets ?? keyFileSecretBox(opts.dataDir);
  const newFolder = !existsSync(join(opts.dataDir, DB_FILE_NAME));
  prepareDataDir(opts, secrets, log);
  const sqliteOpts = { nativeBinding: opts.nativeBinding };
  const refuse = (problems: string[]): never => {
    throw new AppError('db.corrupt', 'The database failed its integrity check; restore a backup', undefined, {
      problems: problems.slice(0, 20),
      latestGoodBackup: latestGoodBackup(opts.dataDir, sqliteOpts),
    });
  };
  const startCheck = firstOpeningCheck(opts, refuse);
  opts.abandon?.addEventListener('abort', () => startCheck.stop(), { once: true });

  // Outlives a restore's reassembly: a downloaded update stays ready whatever data is open.
  const updates = new UpdateService({
    updater: opts.updater ?? null,
    clock,
    log,
    // Looked for licensed or not (security fixes reach every install); read at call time, once the store is open.
    cloudBaseUrl: () => running.app.licence.cloudBaseUrl(),
  });
  // An unreadable OS install id does not stop the app: reading and the trial work without it.
  const machine: MachineIdentity = opts.machineId ? { id: opts.machineId, problem: null } : readMachineIdentity();
  if (machine.problem) log.warn(`licence: ${machine.problem}`);
  const syncListeners = new Set<() => void>();
  const importListeners = new Set<() => void>();
  const shared = {
    dataDir: opts.dataDir,
    appVersion: opts.appVersion,
    clock,
    log,
    nativeBinding: opts.nativeBinding,
    secrets,
    updates,
    printer: opts.printer ?? null,
    folderPicker: opts.folderPicker ?? null,
    licenceKeys: trustedKeys(opts.trustedLicenceKeys ?? []),
    machine,
    licenceClient: new LicenceClient(opts.licenceFetch),
    secretHasher: opts.secretHasher ?? new SecretHasher(),
    signInAttempts: new AttemptLimiter(clock, { kept: attemptsFile(opts.dataDir, secrets, log) }),
    purgeLedger: new PurgeLedger(opts.dataDir),
    sync: {
      timeoutMs: opts.syncTimeoutMs,
      automatic: opts.syncAutomatic,
      timeline: opts.syncTimeline,
      limiters: new AccountLimiters(opts.dataDir, opts.syncTimeline ?? realTimeline, { newFolder }),
      changed: () => {
        for (const listener of syncListeners) listener();
      },
    },
    restore: (name: string, actor: Actor) => running.restore(name, actor),
    importProgressed: () => {
      for (const listener of importListeners) listener();
    },
  };
  const running: RunningStore = await RunningStore.open({
    dataDir: opts.dataDir,
    secrets,
    log,
    nativeBinding: opts.nativeBinding,
    open: async () =>
      assemble(await openDatabase({ dataDir: opts.dataDir, clock, nativeBinding: opts.nativeBinding, check: newFolder || startCheck.checked ? undefined : startCheck.check }), shared),
  }).catch(async (err: unknown) => {
    // A store refused before its check began (not a database, a hot journal beside it) is checked now:
    // damaged, it is refused as such, with the backup to restore.
    const problems = startCheck.checked ? await startCheck.checked.then(() => []) : await databaseFileProblemsApart(opts.dataDir, sqliteOpts, opts.checkLauncher, opts.abandon);
    if (problems.length > 0) refuse(problems);
    throw err;
  });
  // The first store's `ready`: its check passed, then its audit trail's (which the writes wait for too).
  const startChecked = running.app.ready;
  startChecked.catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'db.corrupt') log.error('the database failed its integrity check after it opened: nothing more is written to it', err);
  });

  const dailyBackup = setInterval(() => {
    if (!running.idle || !running.app.backups.dailyDue()) return;
    running.app.makeBackup('daily', SYSTEM_ACTOR).catch((err: unknown) => log.error('daily backup failed', err));
  }, DAILY_BACKUP_CHECK_MS);
  dailyBackup.unref();
  updates.start();

  const dispatch = (channel: string, rawInput: unknown, origin?: CallOrigin) => running.dispatch(channel, rawInput, origin);
  let closing: Promise<void> | null = null;
  return {
    dataDir: opts.dataDir,
    get customers() {
      return running.app.customers;
    },
    get sync() {
      return running.app.sync;
    },
    onSyncChange(listener) {
      syncListeners.add(listener);
      return () => syncListeners.delete(listener);
    },
    onImportProgress(listener) {
      importListeners.add(listener);
      return () => importListeners.delete(listener);
    },
    handle: dispatch,
    call: (channel, input, origin) => call(dispatch, channel, input, origin),
    checked: startChecked,
    // A second close (a signal during the first) waits for the first, not returns before it is done.
    close: () =>
      (closing ??= (async () => {
        clearInterval(dailyBackup);
        // A check still running is ended, not waited for (it may read for a minute on a cold disk): the store was not found sound, so it is closed as found.
        startCheck.stop();
        // Refuses new calls at once (before any await), then lets the ones under way finish.
        const stopping = running.close();
        await updates.stop();
        await stopping;
      })()),
  };
}

/**
 * The start's integrity check, of the first opening's store only (a restored one was checked before
 * it was put in place): `check` starts it for openDatabase; `checked` rejects with db.corrupt when
 * it finds problems; `stop` ends it.
 */
function firstOpeningCheck(opts: CoreOptions, refuse: (problems: string[]) => never) {
  let abandoned = false;
  const state = {
    checked: null as Promise<void> | null,
    stop: (): void => {
      abandoned = true;
    },
    check: (sqlite: BetterSqlite3.Database) => {
      if (abandoned) return Promise.reject(new AppError('app.closing', 'OptiCounter closed before the database check began'));
      const run = checkOpenStore(join(opts.dataDir, DB_FILE_NAME), sqlite, { nativeBinding: opts.nativeBinding, launch: opts.checkLauncher });
      state.stop = run.stop;
      state.checked = run.problems.then((problems) => (problems.length > 0 ? refuse(problems) : undefined));
      return state.checked;
    },
  };
  return state;
}

/**
 * Before anything opens the store: a data dir from versions before private modes is tightened, and
 * a restore a crash cut after its commit is finished (the audit anchor follows the restored store).
 */
function prepareDataDir(opts: CoreOptions, secrets: SecretBox, log: Logger): void {
  const loose = tightenDataDir(opts.dataDir);
  if (loose.length > 0) log.warn(`${loose.length} file(s) in the data folder could not be made private to this user`);
  const recovered = recoverInterruptedRestore(opts.dataDir);
  if (recovered) reanchorRestored(opts.dataDir, secrets, recovered, opts.nativeBinding);
}

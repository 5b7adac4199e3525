import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Channel, type ChannelOutput, needsLicence } from '../shared/contract';
import { AppError, type Envelope } from '../shared/errors';
import { ContentStore } from './attachments/file-store';
import { AttachmentService } from './attachments/service';
import { authorizeAuditList } from './audit/access';
import { type AuditHead, BACKUP_HEAD_VOUCHED, anchorRestored, vouchedHead } from './audit/anchor';
import { verifyAuditChainInBackground } from './audit/chain';
import { type Actor, SYSTEM_ACTOR, trailMissingError } from './audit/log';
import { openAuditTrail } from './audit/open';
import { STORE_GUARD_ENTITY, STORE_GUARD_ENTITY_ID } from './audit/triggers';
import { findBackup } from './backup/folder';
import { BackupService, databaseFileProblems, latestGoodBackup, recoverInterruptedRestore, restoreFiles, verifyBackup } from './backup/service';
import { appendToLineage } from './backup/lineage';
import type { RestoreStep } from './backup/restore';
import { type Clock, systemClock } from './clock';
import { CustomerService } from './customers/service';
import { DB_FILE_NAME, type OpenedDatabase, openDatabase } from './db/database';
import { type CallOrigin, type Dispatch, type Handlers, call, createDispatch, signedInOf } from './dispatch';
import { LicenceClient } from './licence/client';
import { type MachineIdentity, readMachineIdentity } from './licence/machine';
import { LicenceService } from './licence/service';
import { type TrustedKey, trustedKeys } from './licence/verify';
import { type Logger, consoleLogger } from './log';
import { PrescriptionService } from './prescriptions/service';
import { PurgeLedger } from './privacy/ledger';
import { PrivacyService } from './privacy/service';
import { privateDir, tightenDataDir } from './private-files';
import { SecretHasher } from './staff/secrets';
import { StaffService } from './staff/service';
import { keyFileSecretBox, type SecretBox } from './secrets';
import { LocalApply } from './sync/apply';
import { Conflicts } from './sync/conflicts';
import { SyncEngine } from './sync/engine';
import { Links } from './sync/links';
import { RefusedCustomers } from './sync/refused';
import { Outbox } from './sync/outbox';
import { SyncService } from './sync/service';
import type { Timeline } from './sync/timeline';
import { UnitOfWork } from './unit-of-work';
import { UpdateService, type UpdaterAdapter } from './update/service';

export interface CoreOptions {
  dataDir: string;
  appVersion: string;
  clock?: Clock;
  log?: Logger;
  /** better-sqlite3 built for Electron's ABI, when running inside Electron. */
  nativeBinding?: string;
  /** The desktop app's auto-updater (shell/updater.ts); without one, update.status answers `unsupported`. */
  updater?: UpdaterAdapter;
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
  close(): Promise<void>;
}

const DAILY_BACKUP_CHECK_MS = 15 * 60_000;
/** What a call refused during a restore is told to wait before trying again (a restore takes seconds). */
const RESTORE_RETRY_MS = 2000;

/**
 * The composition root: checks and opens the store and wires every channel to its service. A
 * restore swaps the whole assembly for one opened on the restored files.
 */
export async function openCore(opts: CoreOptions): Promise<Core> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? consoleLogger;
  const sqliteOpts = { nativeBinding: opts.nativeBinding };

  // Data dirs from versions before private modes are tightened before anything reads them.
  const loose = tightenDataDir(opts.dataDir);
  if (loose.length > 0) log.warn(`${loose.length} file(s) in the data folder could not be made private to this user`);
  const secrets = opts.secrets ?? keyFileSecretBox(opts.dataDir);
  // A restore a crash cut after its commit is finished here: the audit anchor follows the restored store.
  const recovered = recoverInterruptedRestore(opts.dataDir);
  if (recovered) reanchorRestored(opts.dataDir, secrets, recovered, opts.nativeBinding);
  const problems = databaseFileProblems(opts.dataDir, sqliteOpts);
  if (problems.length > 0) {
    // The shell offers the latest good backup rather than crashing (see restoreLatestGood).
    throw new AppError('db.corrupt', 'The database failed its integrity check; restore a backup', undefined, {
      problems: problems.slice(0, 20),
      latestGoodBackup: latestGoodBackup(opts.dataDir, sqliteOpts),
    });
  }

  // Outlives a restore's reassembly: a downloaded update stays ready whatever data is open.
  const updates = new UpdateService({
    updater: opts.updater ?? null,
    clock,
    log,
    // Looked for licensed or not (security fixes reach every install); `app` is the current
    // assembly (read at call time, after it exists: the updater starts below it).
    cloudBaseUrl: () => app.licence.cloudBaseUrl,
  });
  const licenceKeys = trustedKeys(opts.trustedLicenceKeys ?? []);
  // An unreadable OS install id does not stop the app: reading and the trial work without it.
  const machine: MachineIdentity = opts.machineId ? { id: opts.machineId, problem: null } : readMachineIdentity();
  if (machine.problem) log.warn(`licence: ${machine.problem}`);
  const licenceClient = new LicenceClient(opts.licenceFetch);
  const secretHasher = opts.secretHasher ?? new SecretHasher();
  const syncListeners = new Set<() => void>();
  const syncChanged = () => {
    for (const listener of syncListeners) listener();
  };
  const purgeLedger = new PurgeLedger(opts.dataDir);
  let app = await assemble(await openDatabase({ dataDir: opts.dataDir, clock, ...sqliteOpts }));
  let closed = false;
  let restoring = false;
  const inFlight = new Set<Promise<unknown>>();

  async function assemble(store: OpenedDatabase) {
    const { audit, anchor, trailPresent } = openAuditTrail({ db: store.db, sqlite: store.sqlite, dataDir: opts.dataDir, secrets, clock, log });
    const outbox = new Outbox(store.db, store.sqlite, clock);
    const writes = new UnitOfWork(store.db, audit, outbox, log);
    const staff = new StaffService(store.db, clock, writes, secretHasher);
    const prescriptions = new PrescriptionService(store.db, clock, writes);
    const customers = new CustomerService(store.db, store.sqlite, clock, prescriptions, writes);
    const files = new ContentStore(join(opts.dataDir, 'attachments'));
    const attachments = new AttachmentService(store.db, files, clock, writes);
    const backups = new BackupService({ sqlite: store.sqlite, dataDir: opts.dataDir, clock, ...sqliteOpts });
    // The live trail vouches for each backup's head as it is made: a restore then anchors to what the
    // trail remembers, not to the backup's own (unsealed) manifest (audit/anchor.ts, vouchedHead).
    const makeBackup = async (kind: 'manual' | 'daily', actor: Actor) => {
      const made = await backups.create(kind);
      // Without its trail (dropped outside the app) a backup is still made: it may be what saves the data.
      if (!trailPresent) return made;
      const head = findBackup(opts.dataDir, made.name).manifest?.auditHead;
      await writes.run(actor, async ({ record }) =>
        record(
          head
            ? { entity: STORE_GUARD_ENTITY, entityId: STORE_GUARD_ENTITY_ID, action: BACKUP_HEAD_VOUCHED, after: { backup: made.name, head } }
            : { entity: 'backup', entityId: made.name, action: 'create' },
        ),
      );
      return made;
    };
    const privacy = new PrivacyService(store.db, files, prescriptions, clock, audit, purgeLedger, writes);
    // openDatabase's copy before migrating is a state the store descends from (backup/lineage.ts).
    if (store.preMigrationBackup) appendToLineage(opts.dataDir, basename(store.preMigrationBackup));
    // Before anything reads, indexes or syncs the store: whoever was purged is erased again, whatever
    // brought them back (a restore, restoreLatestGood, a crash between the ledger and the commit).
    await privacy.reapplyLedger(customers);
    // Build the search index now rather than on the first keystroke at the counter.
    const warming = customers.warmUp().catch((err: unknown) => log.error('search index warm-up failed', err));
    const licence = new LicenceService({ db: store.db, clock, writes, log, keys: licenceKeys, machine, appVersion: opts.appVersion, client: licenceClient, dataDir: opts.dataDir, secrets });
    licence.startBackground();
    const links = new Links(store.db);
    const conflicts = new Conflicts(store.db);
    const refused = new RefusedCustomers(store.db);
    const engine = new SyncEngine({
      db: store.db,
      outbox,
      links,
      conflicts,
      refused,
      local: new LocalApply(customers, writes, log),
      files,
      clock,
      log,
      openPassword: (sealed) => secrets.open(sealed),
      timeoutMs: opts.syncTimeoutMs,
      automatic: opts.syncAutomatic,
      timeline: opts.syncTimeline,
    });
    const sync = new SyncService({ db: store.db, engine, outbox, links, conflicts, refused, customers, writes, secrets, clock });
    engine.onChange(syncChanged);
    outbox.onRecord(syncChanged);
    let storeClosed = false;
    const syncStarting = engine.start().catch((err: unknown) => log.error('sync could not start', err));

    // The audit chain, checked once per opening (a restore opens again) without holding the start
    // up; rows the app adds after are sealed by it. A break is reported (History, the log), never a
    // reason to refuse the store.
    const auditChain = verifyAuditChainInBackground(store.sqlite, () => clock.now()).then((report) => {
      const first = report.breaks[0];
      if (first) log.warn(`audit trail: the hash chain breaks ${report.breakCount} time(s), first at row ${first.id} (${first.problem}, ${first.at ?? 'time unknown'})`);
      return report;
    });
    // A check that fails (the store closed under it, a read error) is logged and said to whoever asks, never an unhandled rejection.
    auditChain.catch((err: unknown) => log.error('audit trail: its check failed', err));

    const handlers: Handlers = {
      'app.info': () => ({ version: opts.appVersion, dataDir: opts.dataDir, schemaVersion: store.schemaVersion }),
      // Only the desktop shell can print to a PDF file; it takes this answer over (shell/print.ts).
      'app.printToPdf': () => ({ handled: false, savedTo: null }),
      'auth.status': async (_, ctx) => ({
        ownerExists: await staff.ownerExists(),
        signedIn: ctx.signedIn !== null,
        locked: ctx.signedIn?.session.locked ?? false,
        autoLockMinutes: await staff.getAutoLockMinutes(),
      }),
      'auth.setupOwner': (input) => staff.setupOwner(input),
      'auth.login': (input) => staff.login(input),
      'auth.logout': (_, ctx) => staff.logout(signedInOf(ctx).session.token),
      'auth.me': (_, ctx) => staff.me(signedInOf(ctx)),
      'auth.lock': (_, ctx) => staff.lock(signedInOf(ctx)),
      'auth.unlock': ({ pin }, ctx) => staff.unlock(signedInOf(ctx), pin),
      'staff.list': () => staff.list(),
      'staff.create': (input, ctx) => staff.create(input, ctx.actor),
      'staff.update': (input, ctx) => staff.update(input, ctx.actor),
      'staff.disable': ({ id }, ctx) => staff.disable(id, ctx.actor),
      'staff.resetPassword': ({ id, password }, ctx) => staff.resetPassword(id, password, ctx.actor),
      'settings.setAutoLock': ({ minutes }, ctx) => staff.setAutoLockMinutes(minutes, ctx.actor),
      // The rule and the query read the same parsed filter (audit/access.ts).
      'audit.list': (input, ctx) => audit.list(authorizeAuditList(signedInOf(ctx).staff.role, input)),
      'audit.chain': () => auditChain,
      'backup.create': (_, ctx) => makeBackup('manual', ctx.actor),
      'backup.list': () => backups.list(),
      'backup.restore': ({ name }, ctx) => restore(name, ctx.actor),
      'customers.create': (input, ctx) => customers.create(input, ctx.actor),
      'customers.get': ({ id }) => customers.get(id),
      'customers.list': (input) => customers.list(input),
      'customers.update': (input, ctx) => customers.update(input, ctx.actor),
      'customers.delete': ({ id }, ctx) => customers.delete(id, ctx.actor),
      'customers.bulkDelete': ({ ids }, ctx) => customers.bulkDelete(ids, ctx.actor),
      'customers.export': ({ id }, ctx) => privacy.export(id, ctx.actor),
      'customers.purge': ({ id }, ctx) => privacy.purge(id, ctx.actor),
      'prescriptions.check': ({ rx, customerId }) => prescriptions.check(rx, customerId),
      'prescriptions.create': ({ customerId, rx }, ctx) => prescriptions.create(customerId, rx, ctx.actor),
      'prescriptions.correct': ({ id, rx }, ctx) => prescriptions.correct(id, rx, ctx.actor),
      'prescriptions.list': ({ customerId }) => prescriptions.list(customerId),
      'attachments.add': (input, ctx) => attachments.add(input, ctx.actor),
      'attachments.list': ({ customerId }) => attachments.list(customerId),
      'attachments.remove': ({ id }, ctx) => attachments.remove(id, ctx.actor),
      'attachments.read': ({ id }) => attachments.read(id),
      'update.status': ({ busy }) => updates.status(busy),
      'update.restart': () => updates.restart(),
      'licence.status': () => licence.status(),
      'licence.configure': (input, ctx) => licence.configure(input, ctx.actor),
      'licence.activate': (input, ctx) => licence.activate(input, ctx.actor),
      'licence.deactivate': (_, ctx) => licence.deactivate(ctx.actor),
      'licence.refresh': (_, ctx) => licence.refresh(ctx.actor),
      'licence.requestCode': () => licence.requestCode(),
      'licence.importFile': ({ contents }, ctx) => licence.importFile(contents, ctx.actor),
      'sync.configure': (input, ctx) => sync.configure(input, ctx.actor),
      'sync.status': () => sync.status(),
      'sync.now': () => sync.now(),
      'sync.conflicts': ({ customerId }) => sync.conflicts(customerId),
      'sync.resolve': ({ id, keep }, ctx) => sync.resolve(id, keep, ctx.actor),
      'sync.retryParked': ({ id }, ctx) => sync.retryParked(id, ctx.actor),
    };
    const dispatch = createDispatch(handlers, {
      clock,
      log,
      resolveSession: (token) => staff.resolve(token),
      touch: (signedIn) => staff.sessions.touch(signedIn.session),
      // Without its audit table no change can be recorded: refused plainly before the licence check (which reads the trail).
      requireLicence: (channel) => (!trailPresent && needsLicence(channel) ? Promise.reject(trailMissingError()) : licence.require(channel)),
    });

    return {
      store,
      writes,
      makeBackup,
      customers,
      backups,
      licence,
      sync: engine,
      dispatch,
      /** Stops every writer that is not a call (sync rounds, licence refresh, a queued backup) and waits for them. */
      async quiesce() {
        await syncStarting;
        await Promise.allSettled([warming, auditChain, backups.idle(), licence.stop(), engine.stop()]);
      },
      async close() {
        if (storeClosed) return; // a failed restore reopens after having closed
        storeClosed = true;
        await this.quiesce();
        anchor.stop();
        // Folds the WAL back into the main file so a copied data dir is one complete file.
        store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
        await store.db.destroy();
      },
    };
  }

  /**
   * Restores a backup under a running app. The order is what keeps every acknowledged write: new
   * calls are held off first (store.restoring, with a retry hint), the calls under way finish, the
   * background writers (sync, licence refresh, the daily backup) stop; only then is the safety
   * backup taken, so it holds every write that was ever answered ok. Then the files are swapped
   * (restoreFiles journals the swap: a crash leaves the old store or the new one, never half) and
   * the store reopened. Sessions do not survive it: the restored data may not even have the same staff.
   */
  async function restore(name: string, actor: Actor) {
    if (restoring) throw restoringError();
    // Checked before anyone is held off: an unknown or damaged backup changes nothing.
    verifyBackup(opts.dataDir, name, sqliteOpts);
    restoring = true;
    try {
      await drain(1); // everything but this call
      await app.quiesce();
      let safety;
      try {
        safety = await app.backups.create('pre-restore', { spare: [name] });
      } catch (err) {
        // Nothing was swapped: the same store opens again, its background work restarted.
        await reopen();
        throw err;
      }
      try {
        const vouched = vouchedHead(app.store.sqlite, name);
        await app.close();
        restoreFiles(opts.dataDir, name, { ...sqliteOpts, onStep: reanchorAt('db-swapped', opts.dataDir, secrets, name, opts.nativeBinding, vouched) });
      } finally {
        await reopen();
      }
      await recordRestore(name, safety.name, actor);
      return { message: 'Backup restored; OptiCounter reopened on it. Please sign in again.', restoredFrom: name, safetyBackup: safety.name };
    } finally {
      restoring = false;
    }
  }

  /** The restored store's own trail says it was restored, from what and by whom (after the reopen: its anchor is in place). */
  async function recordRestore(name: string, safetyBackup: string, actor: Actor) {
    try {
      await app.writes.run(actor, async ({ record }) => record({ entity: 'backup', entityId: name, action: 'restore', after: { restoredFrom: name, safetyBackup } }));
    } catch (err) {
      // A backup whose trail was dropped is still restored (it may hold the only copy of the data): said, not refused.
      if (!(err instanceof AppError && err.code === 'audit.trailMissing')) throw err;
      log.warn(`restored ${name}, whose audit trail is missing: the restore could not be recorded in it`);
    }
  }

  async function reopen() {
    await app.close();
    app = await assemble(await openDatabase({ dataDir: opts.dataDir, clock, ...sqliteOpts }));
  }

  function restoringError() {
    return new AppError('store.restoring', 'A backup is being restored: nothing was saved. Try again in a few seconds.', undefined, { retryAfterMs: RESTORE_RETRY_MS });
  }

  async function drain(leave: number) {
    while (inFlight.size > leave) await Promise.race([...inFlight].map((p) => p.catch(() => undefined)));
  }

  const dailyBackup = setInterval(() => {
    if (closed || restoring || !app.backups.dailyDue()) return;
    app.makeBackup('daily', SYSTEM_ACTOR).catch((err: unknown) => log.error('daily backup failed', err));
  }, DAILY_BACKUP_CHECK_MS);
  dailyBackup.unref();
  updates.start();

  // Calls under way when the app closes finish first; later ones are refused, not half-run.
  const dispatch: Dispatch = (channel, rawInput, origin) => {
    if (closed) return Promise.resolve({ ok: false, error: new AppError('app.closing', 'OptiCounter is closing').toShape() });
    if (restoring) return Promise.resolve({ ok: false, error: restoringError().toShape() });
    const running = app.dispatch(channel, rawInput, origin);
    inFlight.add(running);
    void running.finally(() => inFlight.delete(running));
    return running;
  };

  return {
    dataDir: opts.dataDir,
    get customers() {
      return app.customers;
    },
    get sync() {
      return app.sync;
    },
    onSyncChange(listener) {
      syncListeners.add(listener);
      return () => syncListeners.delete(listener);
    },
    handle: dispatch,
    call: (channel, input, origin) => call(dispatch, channel, input, origin),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(dailyBackup);
      await updates.stop();
      await drain(0);
      await app.close();
    },
  };
}

/** After a failed integrity check: puts the latest good backup in place; then open the core again. */
export function restoreLatestGood(dataDir: string, nativeBinding?: string, secrets: SecretBox = keyFileSecretBox(dataDir)): string | null {
  const good = latestGoodBackup(dataDir, { nativeBinding });
  if (!good) return null;
  // The damaged file is kept aside, not lost: someone may still want to recover from it.
  const damaged = join(dataDir, DB_FILE_NAME);
  if (existsSync(damaged)) {
    mkdirSync(join(dataDir, 'backups'), privateDir);
    copyFileSync(damaged, join(dataDir, 'backups', `damaged-${new Date().toISOString().replace(/[:.]/g, '-')}.sqlite3`));
  }
  restoreFiles(dataDir, good.name, { nativeBinding, onStep: reanchorAt('db-swapped', dataDir, secrets, good.name, nativeBinding) });
  return good.name;
}

/**
 * The audit anchor (audit/anchor.ts) follows a restored store: re-anchored from the head the
 * backup recorded, once its database is in place and before the restore's journal is removed (a
 * crash in between is finished, and re-anchored, at the next start).
 */
function reanchorRestored(dataDir: string, secrets: SecretBox, name: string, nativeBinding?: string, vouched?: AuditHead): void {
  let head = vouched;
  try {
    head ??= findBackup(dataDir, name).manifest?.auditHead;
  } catch {
    head = undefined; // deleted since: the restored file's own head
  }
  anchorRestored(dataDir, secrets, head, join(dataDir, DB_FILE_NAME), nativeBinding);
}

function reanchorAt(at: RestoreStep, dataDir: string, secrets: SecretBox, name: string, nativeBinding?: string, vouched?: AuditHead) {
  return (step: RestoreStep) => {
    if (step === at) reanchorRestored(dataDir, secrets, name, nativeBinding, vouched);
  };
}

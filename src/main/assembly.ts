import { basename, join } from 'node:path';
import { AppError } from '../shared/errors';
import type { AuditChainReport } from '../shared/audit/schema';
import { type ChannelOutput, needsLicence } from '../shared/contract';
import { appHandlers, type FolderPicker, type Printer } from './app/handlers';
import { ContentStore } from './attachments/file-store';
import { attachmentHandlers } from './attachments/handlers';
import { AttachmentService } from './attachments/service';
import { BACKUP_HEAD_VOUCHED } from './audit/anchor';
import { verifyAuditChainInBackground } from './audit/chain';
import { auditHandlers } from './audit/handlers';
import { type Actor, trailMissingError } from './audit/log';
import { openAuditTrail } from './audit/open';
import { STORE_GUARD_ENTITY, STORE_GUARD_ENTITY_ID } from './audit/triggers';
import { findBackup } from './backup/folder';
import { backupHandlers } from './backup/handlers';
import { appendToLineage } from './backup/lineage';
import { BackupService } from './backup/service';
import type { Clock } from './clock';
import { customerExportHandlers, customerHandlers, mergeHandlers } from './customers/handlers';
import { CustomerListExport } from './customers/export-list';
import { importHandlers } from './import/handlers';
import { ImportService } from './import/service';
import { MergeService } from './customers/merge';
import { CustomerService } from './customers/service';
import { type OpenedDatabase, closeAsFound } from './db/database';
import { ReaderThread } from './db/reader-thread';
import { openScratchDatabase } from './db/scratch';
import { type Dispatch, type Handlers, createDispatch } from './dispatch';
import type { LicenceClient } from './licence/client';
import { licenceHandlers } from './licence/handlers';
import type { MachineIdentity } from './licence/machine';
import { LicenceService } from './licence/service';
import type { TrustedKeys } from './licence/verify';
import type { Logger } from './log';
import { prescriptionHandlers } from './prescriptions/handlers';
import { PrescriptionService } from './prescriptions/service';
import { privacyHandlers } from './privacy/handlers';
import { recallHandlers } from './recalls/handlers';
import { RecallService } from './recalls/service';
import type { PurgeLedger } from './privacy/ledger';
import { PrivacyService } from './privacy/service';
import type { SecretBox } from './secrets';
import { staffHandlers } from './staff/handlers';
import type { AttemptLimiter } from './staff/attempts';
import type { SecretHasher } from './staff/secrets';
import { StaffService } from './staff/service';
import { storeProfileHandlers } from './store-profile/handlers';
import { StoreProfileService } from './store-profile/service';
import type { AccountLimiters } from './sync/account-limiters';
import { LocalApply } from './sync/apply';
import { Conflicts } from './sync/conflicts';
import { SyncEngine } from './sync/engine';
import { syncHandlers } from './sync/handlers';
import { Links } from './sync/links';
import { Outbox } from './sync/outbox';
import { RefusedCustomers } from './sync/refused';
import { SyncService } from './sync/service';
import type { Timeline } from './sync/timeline';
import { updateHandlers } from './update/handlers';
import type { UpdateService } from './update/service';
import { UnitOfWork } from './unit-of-work';
import { nextTurnAhead } from './turns';

/** What outlives a restore's reassembly, shared by every assembly of the running app. */
export interface Shared {
  dataDir: string;
  appVersion: string;
  clock: Clock;
  log: Logger;
  nativeBinding?: string;
  secrets: SecretBox;
  updates: UpdateService;
  printer: Printer | null;
  folderPicker: FolderPicker | null;
  licenceKeys: TrustedKeys;
  machine: MachineIdentity;
  licenceClient: LicenceClient;
  secretHasher: SecretHasher;
  signInAttempts: AttemptLimiter;
  purgeLedger: PurgeLedger;
  /** `limiters`: sync's rate limiters by cloud account, which the cloud's minute outlives a restore for. */
  sync: { timeoutMs?: number; automatic?: boolean; timeline?: Timeline; limiters: AccountLimiters; changed(): void };
  /** Told when an import's progress changed (the page is sent an 'import.progress' event). */
  importProgressed?: () => void;
  /** Restores a backup under the running app (running-store.ts). */
  restore(name: string, actor: Actor): Promise<ChannelOutput<'backup.restore'>>;
}

export type Assembly = Awaited<ReturnType<typeof assemble>>;

/**
 * Builds the search index now rather than on the first keystroke at the counter, and says in the log
 * when it is ready: until then searches are answered from the store (cold-search.ts), more slowly.
 */
function warmSearch(customers: CustomerService, log: Logger): Promise<void> {
  const since = performance.now();
  return customers
    .warmUp()
    .then(() => log.info(`search index ready in ${Math.round(performance.now() - since)} ms`))
    .catch((err: unknown) => {
      if (!(err instanceof AppError && err.code === 'app.closing')) log.error('search index warm-up failed', err);
    });
}

/**
 * One opened store with its services and the channels wired to them. A restore replaces the whole
 * assembly with one opened on the restored files.
 */
export async function assemble(store: OpenedDatabase, s: Shared) {
  const { clock, log, dataDir } = s;
  // Writes wait for `ready`: the start's integrity check, then the trail's own (searches answer meanwhile).
  const { audit, anchor, trailPresent, ready } = openAuditTrail({ db: store.db, sqlite: store.sqlite, dataDir, secrets: s.secrets, clock, log, writable: store.writable });
  await nextTurnAhead(); // between the opening's steps (as in openDatabase): in one turn, ~85 ms held
  const outbox = new Outbox(store.db, store.sqlite, clock);
  const writes = new UnitOfWork(store.db, audit, outbox, log, ready);
  const staff = new StaffService(store.db, clock, writes, s.secretHasher, s.signInAttempts);
  const prescriptions = new PrescriptionService(store.db, clock, writes);
  const storeProfile = new StoreProfileService(store.db, clock, writes);
  const storeCountry = async () => (await storeProfile.get()).country;
  const customers = new CustomerService(store.db, store.sqlite, clock, prescriptions, writes, storeCountry, () => ReaderThread.open(store.file, s.nativeBinding));
  const files = new ContentStore(join(dataDir, 'attachments'));
  const attachments = new AttachmentService(store.db, files, clock, writes);
  const backups = new BackupService({ sqlite: store.sqlite, dataDir, clock, nativeBinding: s.nativeBinding });
  const makeBackup = backupMaker({ backups, writes, ready, trailPresent, dataDir });
  const privacy = new PrivacyService(store.db, files, prescriptions, clock, audit, s.purgeLedger, writes);
  // openDatabase's copy before migrating is a state the store descends from (backup/lineage.ts).
  if (store.preMigrationBackup) appendToLineage(dataDir, basename(store.preMigrationBackup));
  // Before anything reads, indexes or syncs the store: whoever was purged is erased again, whatever
  // brought them back (a restore, restoreLatestGood, a crash between the ledger and the commit).
  await privacy.reapplyLedger(customers);
  const warming = warmSearch(customers, log);
  const licence = new LicenceService({ db: store.db, clock, writes, log, keys: s.licenceKeys, machine: s.machine, appVersion: s.appVersion, client: s.licenceClient, dataDir, secrets: s.secrets, writable: ready });
  // The background's writes wait for the start's check: started after it, a close meanwhile has nothing to wait for.
  let closing = false;
  const stopping = new AbortController(); // the app closing: background reads end between pages
  ready.then(() => closing || licence.startBackground(), () => undefined);
  const links = new Links(store.db);
  const merges = new MergeService(store.db, clock, writes, customers, links, storeCountry);
  const conflicts = new Conflicts(store.db);
  const refused = new RefusedCustomers(store.db);
  const engine = new SyncEngine({
    db: store.db, outbox, links, conflicts, refused, files, clock, log,
    local: new LocalApply(customers, writes, log),
    openPassword: (sealed) => s.secrets.open(sealed),
    timeoutMs: s.sync.timeoutMs,
    automatic: s.sync.automatic,
    timeline: s.sync.timeline,
    limiters: s.sync.limiters,
    writable: ready,
  });
  const sync = new SyncService({ db: store.db, engine, outbox, links, conflicts, refused, customers, writes, secrets: s.secrets, clock });
  engine.onChange(s.sync.changed);
  outbox.onRecord(s.sync.changed);
  let storeClosed = false;
  const syncStarting = engine.start().catch((err: unknown) => log.error('sync could not start', err));
  const auditChain = checkAuditChain(store, ready, () => !closing, stopping.signal, clock, log);
  const imports = new ImportService({ db: store.db, sqlite: store.sqlite, clock, log, writes, customers, prescriptions, country: storeCountry, progressed: () => s.importProgressed?.(), openScratch: () => openScratchDatabase(s.nativeBinding) });
  // A batch a crash cut short is marked interrupted (it can then be undone), once writes may go.
  const marking = trailPresent ? imports.markInterruptedLater() : undefined;
  marking?.catch((err: unknown) => {
    if (!(err instanceof AppError && ['app.closing', 'db.corrupt'].includes(err.code))) log.error('an interrupted import could not be marked', err);
  });

  const handlers: Handlers = {
    ...appHandlers({ appVersion: s.appVersion, dataDir, schemaVersion: store.schemaVersion, printer: s.printer, folderPicker: s.folderPicker }),
    ...staffHandlers(staff),
    ...storeProfileHandlers(storeProfile),
    ...auditHandlers(audit, auditChain),
    ...backupHandlers({ backups, makeBackup, restore: s.restore, writes }),
    ...customerHandlers(customers, (id, waitMs) => engine.detailsNow(id, waitMs)),
    ...mergeHandlers(merges),
    ...privacyHandlers(privacy),
    ...customerExportHandlers(new CustomerListExport(store.db, customers, writes, clock)),
    ...prescriptionHandlers(prescriptions),
    ...attachmentHandlers(attachments),
    ...updateHandlers(s.updates),
    ...licenceHandlers(licence),
    ...syncHandlers(sync),
    ...importHandlers(imports),
    ...recallHandlers(new RecallService(store.db, clock, writes)),
  };
  const dispatch: Dispatch = createDispatch(handlers, {
    clock,
    log,
    resolveSession: (token) => staff.resolve(token),
    touch: (signedIn) => staff.sessions.touch(signedIn.session),
    // Without its audit table no change can be recorded: refused plainly before the licence check (which reads the trail).
    requireLicence: (channel) => (!trailPresent && needsLicence(channel) ? Promise.reject(trailMissingError()) : licence.require(channel)),
  });

  let writable = false; // the start's check passed: else the store is closed as found
  ready.then(() => (writable = true), () => undefined);
  return {
    store,
    ready,
    writes,
    makeBackup,
    customers,
    backups,
    licence,
    sync: engine,
    dispatch,
    /**
     * Stops every writer that is not a call (sync rounds, licence refresh, a queued backup) and waits
     * for them. `closing` (not a restore, whose calls under way finish first): the background's
     * reads too (the index's load, the audit chain's check), between two of their pages.
     */
    async quiesce({ closing: appClosing = false } = {}) {
      closing = true;
      if (appClosing) stopping.abort(closingError());
      const indexing = appClosing ? customers.stopIndexing() : undefined;
      await syncStarting;
      // The audit chain's check is waited for once it may have begun: before the start's check has passed, it never will.
      await Promise.allSettled([warming, indexing, marking, ...(writable ? [auditChain] : []), backups.idle(), licence.stop(), engine.stop()]);
    },
    async close() {
      if (storeClosed) return; // a failed restore reopens after having closed
      storeClosed = true;
      await this.quiesce({ closing: true });
      anchor.stop();
      if (!writable) return closeAsFound(store, s.nativeBinding);
      // Folds the WAL back into the main file so a copied data dir is one complete file.
      store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      await store.db.destroy();
    },
  };
}

/**
 * Makes a backup and records it. The live trail vouches for each backup's head as it is made: a
 * restore then anchors to what the trail remembers, not to the backup's own (unsealed) manifest
 * (audit/anchor.ts, vouchedHead).
 */
const closingError = () => new AppError('app.closing', 'OptiCounter is closing');

function backupMaker(o: { backups: BackupService; writes: UnitOfWork; ready: Promise<void>; trailPresent: boolean; dataDir: string }) {
  return async (kind: 'manual' | 'daily', actor: Actor) => {
    await o.ready; // a store its start's check then finds damaged is not copied, nor an older backup pruned for it (review 20)
    const made = await o.backups.create(kind);
    // Without its trail (dropped outside the app) a backup is still made: it may be what saves the data.
    if (!o.trailPresent) return made;
    const head = findBackup(o.dataDir, made.name).manifest?.auditHead;
    await o.writes.run(actor, async ({ record }) =>
      record(
        head
          ? { entity: STORE_GUARD_ENTITY, entityId: STORE_GUARD_ENTITY_ID, action: BACKUP_HEAD_VOUCHED, after: { backup: made.name, head } }
          : { entity: 'backup', entityId: made.name, action: 'create' },
      ),
    );
    return made;
  };
}

/**
 * The audit chain, checked once per opening (a restore opens again) without holding the start up;
 * rows the app adds after are sealed by it. A break is reported (History, the log), never a reason
 * to refuse the store.
 */
function checkAuditChain(store: OpenedDatabase, ready: Promise<void>, open: () => boolean, stop: AbortSignal, clock: Clock, log: Logger): Promise<AuditChainReport> {
  // Once the trail was settled (openAuditTrail): what that recorded on it is part of the chain checked.
  const report = ready.then(() => (open() ? verifyAuditChainInBackground(store.sqlite, () => clock.now(), stop) : Promise.reject(closingError()))).then((r) => {
    const first = r.breaks[0];
    // Said when intact too: the start-up's last background work is over (the benchmarks wait for it).
    if (r.intact) log.info(`audit trail: hash chain intact (${r.rows} rows)`);
    if (first) log.warn(`audit trail: the hash chain breaks ${r.breakCount} time(s), first at row ${first.id} (${first.problem}, ${first.at ?? 'time unknown'})`);
    return r;
  });
  // A check that fails (the store closed under it, a read error) is logged and said to whoever asks, never an unhandled rejection.
  report.catch((err: unknown) => (err instanceof AppError && err.code === 'app.closing') || log.error('audit trail: its check failed', err));
  return report;
}

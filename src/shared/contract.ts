import { z } from 'zod';
import * as A from './attachments/schema';
import * as B from './backup/schema';
import { AuditChainReport } from './audit/schema';
import * as C from './customers/schema';
import * as CX from './customers/export-list';
import * as IM from './import/schema';
import * as L from './licence/schema';
import * as SY from './sync/schema';
import * as P from './prescriptions/schema';
import * as PV from './privacy/schema';
import * as S from './staff/schema';
import * as SP from './store-profile/schema';
import * as U from './update/schema';
import type { Envelope } from './errors';

const NoInput = z.strictObject({}).prefault({});

export const AppInfo = z.object({ version: z.string(), dataDir: z.string(), schemaVersion: z.number().int() });

/**
 * Who may call a channel, enforced by dispatch for every transport (not just hidden in the UI):
 * `public` needs no session, `locked` a session even if the screen is locked (such calls never keep a
 * session from auto-locking), `staff` any signed-in and unlocked member, `owner` an owner.
 */
export type Access = 'public' | 'locked' | 'staff' | 'owner';

/**
 * What a call does to the data the store keeps. `read` makes no change of its own: it reads, or
 * starts work whose changes are recorded where they are made (a sync round applies the cloud's
 * changes, each audited as the sync's).
 * `write` changes it and needs a licence (or the trial): refused with `licence.required` otherwise.
 * `write-free` changes it but always works, because the app never holds a store's data hostage and
 * security never waits for a licence: erasing a person, backups and restores, the first owner, the
 * licence itself, disabling an account or resetting its password, sync settings and settling sync work.
 * Every write goes through the unit of work and is audited.
 */
export type ChannelKind = 'read' | 'write' | 'write-free';

/** One channel, declared once: what it takes and answers, who may call it, what it does. */
export interface ChannelSpec {
  input: z.ZodType;
  output: z.ZodType;
  access: Access;
  kind: ChannelKind;
  /** Leaves an entry in the audit trail (every write does; a few reads do, such as a person's export). */
  audited?: true;
}

/**
 * The one IPC contract. Electron IPC, the browser host's `POST /api/<channel>`, the renderer (which
 * disables a write while the licence is read-only) and direct calls in tests all read it; dispatch
 * enforces its access and kind. A channel without its handler (core.ts composes the domains'
 * handlers.ts) does not compile.
 */
export const contract = {
  'app.info': { input: NoInput, output: AppInfo, access: 'public', kind: 'read' },
  /** Prints the page to a PDF file (desktop app); `handled: false` tells the page to use the browser's print. */
  'app.printToPdf': { input: NoInput, output: z.object({ handled: z.boolean(), savedTo: z.string().nullable() }), access: 'staff', kind: 'read' },
  /** A folder the owner picks in the desktop's own dialog (a USB stick); `handled: false`: no dialog here, the page asks for the path. */
  'app.pickFolder': { input: NoInput, output: z.object({ handled: z.boolean(), folder: z.string().nullable() }), access: 'owner', kind: 'read' },
  'auth.status': { input: NoInput, output: S.AuthStatus, access: 'public', kind: 'read' },
  'auth.setupOwner': { input: S.SetupOwnerInput, output: S.SetupOwnerOutput, access: 'public', kind: 'write-free', audited: true },
  'auth.login': { input: S.LoginInput, output: S.Session, access: 'public', kind: 'read' },
  'auth.logout': { input: NoInput, output: z.object({ message: z.string() }), access: 'locked', kind: 'read' },
  'auth.me': { input: NoInput, output: S.Me, access: 'locked', kind: 'read' },
  'auth.lock': { input: NoInput, output: S.Me, access: 'locked', kind: 'read' },
  'auth.unlock': { input: S.UnlockInput, output: S.Me, access: 'locked', kind: 'read' },
  /** A forgotten owner password: the recovery code sets a new one, and is replaced by a new code (shown once). */
  'auth.recover': { input: S.RecoverInput, output: S.RecoverOutput, access: 'public', kind: 'write-free', audited: true },
  /** The signed-in owner's new recovery code (the old one stops working); asks for their password. */
  'auth.newRecoveryCode': { input: S.NewRecoveryCodeInput, output: S.RecoveryCode, access: 'owner', kind: 'write-free', audited: true },
  /** The colleagues who can take over a locked screen with their PIN. */
  'auth.lockTiles': { input: NoInput, output: z.array(S.LockTile), access: 'locked', kind: 'read' },
  /** A colleague's PIN on the lock screen: the current session ends, theirs begins. */
  'auth.switchUser': { input: S.SwitchUserInput, output: S.Session, access: 'locked', kind: 'read' },
  'staff.list': { input: NoInput, output: z.array(S.Staff), access: 'owner', kind: 'read' },
  'staff.create': { input: S.StaffCreateInput, output: S.Staff, access: 'owner', kind: 'write', audited: true },
  'staff.update': { input: S.StaffUpdateInput, output: S.Staff, access: 'owner', kind: 'write', audited: true },
  'staff.disable': { input: S.StaffIdInput, output: S.Staff, access: 'owner', kind: 'write-free', audited: true },
  'staff.resetPassword': { input: S.StaffResetPasswordInput, output: S.Staff, access: 'owner', kind: 'write-free', audited: true },
  'settings.setAutoLock': { input: S.AutoLockInput, output: z.object({ autoLockMinutes: z.number() }), access: 'owner', kind: 'write-free', audited: true },
  /** The store's letterhead and prescription defaults: every signed-in role prints cards, so reads it. */
  'settings.getStore': { input: NoInput, output: SP.StoreProfile, access: 'staff', kind: 'read' },
  'settings.setStore': { input: SP.StoreProfileInput, output: SP.StoreProfile, access: 'owner', kind: 'write', audited: true },
  'audit.list': { input: S.AuditListInput, output: z.array(S.AuditEntry), access: 'staff', kind: 'read' },
  /** Whoever sees a history is told when the trail under it was tampered with. */
  'audit.chain': { input: NoInput, output: AuditChainReport, access: 'staff', kind: 'read' },
  'backup.create': { input: B.BackupCreateInput, output: B.BackupInfo, access: 'owner', kind: 'write-free', audited: true },
  'backup.list': { input: NoInput, output: B.BackupListOutput, access: 'owner', kind: 'read' },
  'backup.location': { input: NoInput, output: B.BackupLocation, access: 'owner', kind: 'read' },
  /** Copies a backup into a folder on this computer (a USB stick): never over a copy already there; the copy is checked. */
  'backup.copyTo': { input: B.BackupCopyToInput, output: B.BackupCopyToOutput, access: 'owner', kind: 'write-free', audited: true },
  'backup.restore': { input: B.BackupRestoreInput, output: B.BackupRestoreOutput, access: 'owner', kind: 'write-free', audited: true },
  'customers.create': { input: C.CustomerCreateInput, output: C.CustomerCreateOutput, access: 'staff', kind: 'write', audited: true },
  'customers.get': { input: C.CustomerIdInput, output: C.CustomerDetail, access: 'staff', kind: 'read' },
  'customers.list': { input: C.CustomerListInput, output: C.CustomerListOutput, access: 'staff', kind: 'read' },
  'customers.duplicates': { input: C.CustomerDuplicatesInput, output: C.CustomerDuplicatesOutput, access: 'staff', kind: 'read' },
  'customers.update': { input: C.CustomerUpdateInput, output: C.CustomerCreateOutput, access: 'staff', kind: 'write', audited: true },
  /** Erasing a person (delete, then purge) is their right, and it must not wait for a licence. */
  'customers.delete': { input: C.CustomerIdInput, output: C.CustomerDeleteOutput, access: 'owner', kind: 'write-free', audited: true },
  /** A store-wide clean-up rather than one person's erasure: it waits for a licence like other writes. */
  'customers.bulkDelete': { input: C.CustomerBulkDeleteInput, output: C.CustomerBulkDeleteOutput, access: 'owner', kind: 'write', audited: true },
  /** Everything about a person (owner): audited, as is the purge that erases it for good. */
  'customers.export': { input: PV.CustomerExportInput, output: PV.CustomerExportOutput, access: 'owner', kind: 'read', audited: true },
  /** The customer list (a search or all) as CSV or .xlsx (owner): a bulk export of personal data, so audited. */
  'customers.exportList': { input: CX.CustomerExportListInput, output: CX.CustomerExportListOutput, access: 'owner', kind: 'read', audited: true },
  'customers.purge': { input: PV.CustomerPurgeInput, output: PV.CustomerPurgeOutput, access: 'owner', kind: 'write-free', audited: true },
  'prescriptions.check': { input: P.RxCheckInput, output: P.RxCheck, access: 'staff', kind: 'read' },
  'prescriptions.create': { input: P.PrescriptionCreateInput, output: P.PrescriptionVersion, access: 'staff', kind: 'write', audited: true },
  'prescriptions.correct': { input: P.PrescriptionCorrectInput, output: P.PrescriptionVersion, access: 'staff', kind: 'write', audited: true },
  'prescriptions.list': { input: P.PrescriptionListInput, output: P.PrescriptionList, access: 'staff', kind: 'read' },
  'attachments.add': { input: A.AttachmentAddInput, output: A.Attachment, access: 'staff', kind: 'write', audited: true },
  'attachments.list': { input: A.AttachmentListInput, output: z.array(A.Attachment), access: 'staff', kind: 'read' },
  /** Removing a document is the owner's (issue 12 item 11): staff who attached the wrong file change its type or ask. */
  'attachments.remove': { input: A.AttachmentIdInput, output: A.AttachmentRemoveOutput, access: 'owner', kind: 'write', audited: true },
  /** A document's type (prescription, ID card, other), changed after it was added; synced like the document. */
  'attachments.setType': { input: A.AttachmentSetTypeInput, output: A.Attachment, access: 'staff', kind: 'write', audited: true },
  'attachments.read': { input: A.AttachmentIdInput, output: A.AttachmentReadOutput, access: 'staff', kind: 'read' },
  /**
   * The licence of this install: trial, active, or why not. The activation screen comes before any
   * sign-in (even before the owner exists, on a copied store), so activating is public.
   */
  'licence.status': { input: NoInput, output: L.LicenceStatus, access: 'public', kind: 'read' },
  /** The licence server (defaults to the store's cloud) and the store id it knows this install by. */
  'licence.configure': { input: L.LicenceConfigureInput, output: L.LicenceStatus, access: 'owner', kind: 'write-free', audited: true },
  'licence.activate': { input: L.LicenceActivateInput, output: L.LicenceStatus, access: 'public', kind: 'write-free', audited: true },
  /** Frees this PC's seat (moving to a new PC) and forgets the licence here. */
  'licence.deactivate': { input: NoInput, output: L.LicenceStatus, access: 'owner', kind: 'write-free', audited: true },
  /** What the background refresh does, on demand; picks up a revocation. */
  'licence.refresh': { input: NoInput, output: L.LicenceStatus, access: 'public', kind: 'write-free', audited: true },
  /** Offline activation: the code to give the vendor (machine id, app version, store id; no key). */
  'licence.requestCode': { input: NoInput, output: L.LicenceRequestCode, access: 'public', kind: 'read' },
  /** Offline activation: the `{license, signature, kid}` JSON text the vendor sent. */
  'licence.importFile': { input: L.LicenceImportInput, output: L.LicenceStatus, access: 'public', kind: 'write-free', audited: true },
  /**
   * Auto-update (desktop app): what the updater is doing; `busy` reports whether staff are serving
   * someone. Polled each minute by the signed-in window, lock screen included.
   */
  'update.status': { input: U.UpdateStatusInput, output: U.UpdateStatus, access: 'locked', kind: 'read' },
  /** Quits and installs the downloaded update: only on staff's click. */
  'update.restart': { input: NoInput, output: U.UpdateRestartOutput, access: 'staff', kind: 'read' },
  /** The store's cloud (owner); the credentials are checked when the cloud can be reached. */
  'sync.configure': { input: SY.SyncConfigureInput, output: SY.SyncStatus, access: 'owner', kind: 'write-free', audited: true },
  /** Turns sync off (nothing sent or pulled, changes keep queueing) or on again; kept across restarts. */
  'sync.setEnabled': { input: SY.SyncSetEnabledInput, output: SY.SyncStatus, access: 'owner', kind: 'write-free', audited: true },
  'sync.status': { input: NoInput, output: SY.SyncStatus, access: 'locked', kind: 'read' },
  /** Syncs at once (even during a backoff) and answers when that round is over. */
  'sync.now': { input: NoInput, output: SY.SyncStatus, access: 'staff', kind: 'read' },
  /** Open conflicts and parked changes, all or one customer's. */
  'sync.conflicts': { input: SY.SyncConflictsInput, output: SY.SyncConflictsOutput, access: 'staff', kind: 'read' },
  /** Keeping one side of a conflict settles data already written: never refused for want of a licence. */
  'sync.resolve': { input: SY.SyncResolveInput, output: z.object({ message: z.string(), customerId: z.string() }), access: 'staff', kind: 'write-free', audited: true },
  /** Puts parked changes (all, or one) back in the queue after the cause was fixed. */
  'sync.retryParked': { input: SY.SyncRetryParkedInput, output: SY.SyncStatus, access: 'staff', kind: 'write-free', audited: true },
  /** Import (issue 13 item 1): a previous system's CSV or .xlsx read, its columns guessed, its rows checked as the form checks them. */
  'import.preview': { input: IM.ImportPreviewInput, output: IM.ImportPreview, access: 'owner', kind: 'read' },
  /** Imports the file as one batch (audited once, with its counts); answers when it is over or cancelled. */
  'import.run': { input: IM.ImportRunInput, output: IM.ImportRunOutput, access: 'owner', kind: 'write', audited: true },
  /** Removes a batch's customers and gives merged ones their values back; what was changed since is kept. */
  'import.undo': { input: IM.ImportUndoInput, output: IM.ImportUndoOutput, access: 'owner', kind: 'write', audited: true },
  /** Asks a running import to stop: the run removes what it wrote and records the cancellation itself. */
  'import.cancel': { input: IM.ImportCancelInput, output: IM.ImportCancelOutput, access: 'owner', kind: 'read' },
  'import.progress': { input: IM.ImportProgressInput, output: IM.ImportProgress, access: 'owner', kind: 'read' },
  /** Past batches, newest first (the undo list). */
  'import.batches': { input: NoInput, output: z.array(IM.ImportBatch), access: 'owner', kind: 'read' },
} as const satisfies Record<`${string}.${string}`, ChannelSpec>;

export type Contract = typeof contract;
export type Channel = keyof Contract;
/** What a caller sends (before defaults and trimming). */
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
/** What the handler receives, parsed. */
export type ParsedInput<C extends Channel> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<Contract[C]['output']>;

export const channels = Object.keys(contract) as Channel[];

/** Whether the channel changes what the store keeps (and so goes through the unit of work). */
export function isWrite(channel: Channel): boolean {
  return contract[channel].kind !== 'read';
}

/** Whether the channel is refused while the install has no licence (read-only mode). */
export function needsLicence(channel: Channel): boolean {
  return contract[channel].kind === 'write';
}

/** The browser host's header carrying a call's signed-in session (Electron keeps it in main). */
export const SESSION_HEADER = 'x-opticounter-session';

export function isChannel(name: string): name is Channel {
  return Object.hasOwn(contract, name);
}

type GroupOf<C extends string> = C extends `${infer G}.${string}` ? G : never;
type MethodOf<C extends string, G extends string> = C extends `${G}.${infer M}` ? M : never;

/** `window.api` as the preload exposes it: `api.customers.create(input)`; never throws across IPC. */
export type Api = {
  [G in GroupOf<Channel>]: {
    [C in Channel as MethodOf<C, G>]: (input: ChannelInput<C>) => Promise<Envelope<ChannelOutput<C>>>;
  };
};

/** Splits `customers.create` into the `window.api` path; the preload builds the object from it. */
export function apiPath(channel: Channel): [group: string, method: string] {
  const dot = channel.indexOf('.');
  return [channel.slice(0, dot), channel.slice(dot + 1)];
}

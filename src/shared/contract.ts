import { z } from 'zod';
import * as A from './attachments/schema';
import * as B from './backup/schema';
import { AuditChainReport } from './audit/schema';
import * as C from './customers/schema';
import * as L from './licence/schema';
import * as SY from './sync/schema';
import * as P from './prescriptions/schema';
import * as PV from './privacy/schema';
import * as S from './staff/schema';
import * as U from './update/schema';
import type { Envelope } from './errors';

const NoInput = z.strictObject({}).prefault({});

export const AppInfo = z.object({ version: z.string(), dataDir: z.string(), schemaVersion: z.number().int() });

/**
 * The one IPC contract: channel name -> zod input + zod output. Electron IPC, the browser host's
 * `POST /api/<channel>` and direct calls in tests all go through it.
 */
export const contract = {
  'app.info': { input: NoInput, output: AppInfo },
  /** Prints the page to a PDF file (desktop app); `handled: false` tells the page to use the browser's print. */
  'app.printToPdf': { input: NoInput, output: z.object({ handled: z.boolean(), savedTo: z.string().nullable() }) },
  'auth.status': { input: NoInput, output: S.AuthStatus },
  'auth.setupOwner': { input: S.SetupOwnerInput, output: S.Session },
  'auth.login': { input: S.LoginInput, output: S.Session },
  'auth.logout': { input: NoInput, output: z.object({ message: z.string() }) },
  'auth.me': { input: NoInput, output: S.Me },
  'auth.lock': { input: NoInput, output: S.Me },
  'auth.unlock': { input: S.UnlockInput, output: S.Me },
  'staff.list': { input: NoInput, output: z.array(S.Staff) },
  'staff.create': { input: S.StaffCreateInput, output: S.Staff },
  'staff.update': { input: S.StaffUpdateInput, output: S.Staff },
  'staff.disable': { input: S.StaffIdInput, output: S.Staff },
  'staff.resetPassword': { input: S.StaffResetPasswordInput, output: S.Staff },
  'settings.setAutoLock': { input: S.AutoLockInput, output: z.object({ autoLockMinutes: z.number() }) },
  'audit.list': { input: S.AuditListInput, output: z.array(S.AuditEntry) },
  'audit.chain': { input: NoInput, output: AuditChainReport },
  'backup.create': { input: B.BackupCreateInput, output: B.BackupInfo },
  'backup.list': { input: NoInput, output: B.BackupListOutput },
  'backup.restore': { input: B.BackupRestoreInput, output: B.BackupRestoreOutput },
  'customers.create': { input: C.CustomerCreateInput, output: C.CustomerCreateOutput },
  'customers.get': { input: C.CustomerIdInput, output: C.CustomerDetail },
  'customers.list': { input: C.CustomerListInput, output: C.CustomerListOutput },
  'customers.update': { input: C.CustomerUpdateInput, output: C.CustomerCreateOutput },
  'customers.delete': { input: C.CustomerIdInput, output: C.CustomerDeleteOutput },
  'customers.bulkDelete': { input: C.CustomerBulkDeleteInput, output: C.CustomerBulkDeleteOutput },
  'customers.export': { input: PV.CustomerExportInput, output: PV.CustomerExportOutput },
  'customers.purge': { input: PV.CustomerPurgeInput, output: PV.CustomerPurgeOutput },
  'prescriptions.check': { input: P.RxCheckInput, output: P.RxCheck },
  'prescriptions.transpose': { input: P.TransposeInput, output: P.TransposeOutput },
  'prescriptions.create': { input: P.PrescriptionCreateInput, output: P.PrescriptionVersion },
  'prescriptions.correct': { input: P.PrescriptionCorrectInput, output: P.PrescriptionVersion },
  'prescriptions.list': { input: P.PrescriptionListInput, output: P.PrescriptionList },
  'attachments.add': { input: A.AttachmentAddInput, output: A.Attachment },
  'attachments.list': { input: A.AttachmentListInput, output: z.array(A.Attachment) },
  'attachments.remove': { input: A.AttachmentIdInput, output: A.AttachmentRemoveOutput },
  'attachments.read': { input: A.AttachmentIdInput, output: A.AttachmentReadOutput },
  /** The licence of this install: trial, active, or why not (the activation screen comes first then). */
  'licence.status': { input: NoInput, output: L.LicenceStatus },
  /** The licence server (defaults to the store's cloud) and the store id it knows this install by. */
  'licence.configure': { input: L.LicenceConfigureInput, output: L.LicenceStatus },
  'licence.activate': { input: L.LicenceActivateInput, output: L.LicenceStatus },
  /** Frees this PC's seat (moving to a new PC) and forgets the licence here. */
  'licence.deactivate': { input: NoInput, output: L.LicenceStatus },
  /** What the background refresh does, on demand; picks up a revocation. */
  'licence.refresh': { input: NoInput, output: L.LicenceStatus },
  /** Offline activation: the code to give the vendor (machine id, app version, store id; no key). */
  'licence.requestCode': { input: NoInput, output: L.LicenceRequestCode },
  /** Offline activation: the `{license, signature, kid}` JSON text the vendor sent. */
  'licence.importFile': { input: L.LicenceImportInput, output: L.LicenceStatus },
  /** Auto-update (desktop app): what the updater is doing; `busy` reports whether staff are serving someone. */
  'update.status': { input: U.UpdateStatusInput, output: U.UpdateStatus },
  /** Quits and installs the downloaded update: only on staff's click. */
  'update.restart': { input: NoInput, output: U.UpdateRestartOutput },
  /** The store's cloud (owner); the credentials are checked when the cloud can be reached. */
  'sync.configure': { input: SY.SyncConfigureInput, output: SY.SyncStatus },
  'sync.status': { input: NoInput, output: SY.SyncStatus },
  /** Syncs at once (even during a backoff) and answers when that round is over. */
  'sync.now': { input: NoInput, output: SY.SyncStatus },
  /** Open conflicts and parked changes, all or one customer's. */
  'sync.conflicts': { input: SY.SyncConflictsInput, output: SY.SyncConflictsOutput },
  'sync.resolve': { input: SY.SyncResolveInput, output: z.object({ message: z.string(), customerId: z.string() }) },
  /** Puts parked changes (all, or one) back in the queue after the cause was fixed. */
  'sync.retryParked': { input: SY.SyncRetryParkedInput, output: SY.SyncStatus },
} as const satisfies Record<`${string}.${string}`, { input: z.ZodType; output: z.ZodType }>;

export type Contract = typeof contract;
export type Channel = keyof Contract;
/** What a caller sends (before defaults and trimming). */
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
/** What the handler receives, parsed. */
export type ParsedInput<C extends Channel> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<Contract[C]['output']>;

export const channels = Object.keys(contract) as Channel[];

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

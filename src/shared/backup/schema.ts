import { z } from 'zod';
import { AuditChainReport } from '../audit/schema';

/** What made a backup: staff asked, the daily timer, a restore (the state it replaced), a migration. */
export const backupKinds = ['manual', 'daily', 'pre-restore', 'pre-migration'] as const;
export const BackupKind = z.enum(backupKinds);
export type BackupKind = z.infer<typeof BackupKind>;
/** The kinds BackupService.create makes; pre-migration copies are made by openDatabase. */
export type CreatedBackupKind = Exclude<BackupKind, 'pre-migration'>;

export const BackupInfo = z.object({
  /** The backup's folder (or file, for a pre-migration copy) under `<dataDir>/backups`. */
  name: z.string(),
  kind: BackupKind,
  createdAt: z.string(),
  /** The database copy plus the attachment files (counted in full even when hard-linked). */
  sizeBytes: z.number().int(),
  /** How many attachment files the backup holds (0 for a pre-migration copy: database only). */
  attachments: z.number().int(),
  /** The audit trail's hash chain in this backup, when it was checked (a new backup, a restore's check). */
  auditTrail: AuditChainReport.optional(),
  /** The customers it holds, deleted ones left out; null when not recorded (a pre-migration copy). */
  customers: z.number().int().nullable(),
});
export type BackupInfo = z.infer<typeof BackupInfo>;

// ---- channels ----

export const BackupCreateInput = z.strictObject({});
export const BackupListOutput = z.array(BackupInfo);
export const BackupRestoreInput = z.strictObject({
  // Only its length is checked here; the service answers backup.notFound for anything that is not
  // the name of a backup (path characters included), the same answer whatever the reason.
  name: z.string({ error: 'name is required' }).trim().min(1, 'name is required').max(200, 'name is too long'),
});
/** Where the backups are kept (`<dataDir>/backups`), for the owner to find them. */
export const BackupLocation = z.object({ folder: z.string() });

export const BackupCopyToInput = z.strictObject({
  name: z.string({ error: 'name is required' }).trim().min(1, 'name is required').max(200, 'name is too long'),
  /** A folder on this computer (a USB stick's), as a full path: a relative one would land anywhere. */
  folder: z
    .string({ error: 'The folder is required' })
    .trim()
    .min(1, 'The folder is required')
    .max(4096, 'The folder path is too long')
    .refine((v) => v.startsWith('/') || /^[A-Za-z]:[\\/]/.test(v) || v.startsWith('\\\\'), 'Give the full path of the folder (e.g. /media/usb or E:\\)'),
});
export const BackupCopyToOutput = z.object({ name: z.string(), copiedTo: z.string(), files: z.number().int() });

export const BackupRestoreOutput = z.object({
  message: z.string(),
  /** The backup now in use. */
  restoredFrom: z.string(),
  /** The backup of the state just replaced, to undo the restore with. */
  safetyBackup: z.string(),
});

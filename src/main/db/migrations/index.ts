import type { Migration } from '../migrate';
import customers from './0001_customers';
import prescriptionsAndAttachments from './0002_prescriptions_and_attachments';
import staffAuditSettings from './0003_staff_audit_settings';
import sync from './0004_sync';
import auditChain from './0005_audit_chain';
import syncRefused from './0006_sync_refused';
import singleVersionRecord from './0007_single_version_record';
import walkIns from './0008_walk_ins';
import recoveryCode from './0009_recovery_code';
import imports from './0010_imports';
import customerMerges from './0011_customer_merges';
import recalls from './0012_recalls';
import firstSyncAndGroups from './0013_first_sync_and_groups';
import outboxWaitingAndCreationOrder from './0014_outbox_waiting_and_creation_order';
import importUndoMarks from './0015_import_undo_marks';
import statusCounts from './0016_status_counts';

/*
 * Every migration, in order: version n is the n-th (PRAGMA user_version says which ran, db/migrate.ts).
 * Imported, not looked for on disk, so they are compiled into the bundle. A landed migration is never
 * edited: add a file with the next number and append it here.
 */
export const migrations: readonly Migration[] = [
  customers,
  prescriptionsAndAttachments,
  staffAuditSettings,
  sync,
  auditChain,
  syncRefused,
  singleVersionRecord,
  walkIns,
  recoveryCode,
  imports,
  customerMerges,
  recalls,
  firstSyncAndGroups,
  outboxWaitingAndCreationOrder,
  importUndoMarks,
  statusCounts,
];

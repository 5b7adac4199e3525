import type { Channel } from '../../shared/contract';

/**
 * Which channels need a licence (or the trial): `write` ones are refused with `licence.required` when
 * the install is not licensed; `read` ones always work, because the app never holds a store's data
 * hostage — reading, searching, exporting, erasing a person, backups and restores, signing in, the
 * licence itself.
 * A channel missing here does not compile: each new one is a decision.
 *
 * Staff accounts: creating and editing one is a write, but disabling one or resetting its password
 * stays allowed, like the auto-lock setting — security must not wait for a licence. Sync moves data
 * that was already written (or is the cloud's), so it is never the place a write is refused.
 */
export type LicenceNeed = 'read' | 'write';

export const licenceGate: Record<Channel, LicenceNeed> = {
  'app.info': 'read',
  'app.printToPdf': 'read',
  'auth.status': 'read',
  'auth.setupOwner': 'read',
  'auth.login': 'read',
  'auth.logout': 'read',
  'auth.me': 'read',
  'auth.lock': 'read',
  'auth.unlock': 'read',
  'staff.list': 'read',
  'staff.create': 'write',
  'staff.update': 'write',
  'staff.disable': 'read',
  'staff.resetPassword': 'read',
  'settings.setAutoLock': 'read',
  'audit.list': 'read',
  'audit.chain': 'read',
  'backup.create': 'read',
  'backup.list': 'read',
  'backup.restore': 'read',
  'customers.create': 'write',
  'customers.get': 'read',
  'customers.list': 'read',
  'customers.update': 'write',
  // Erasing a person (delete, then purge) is their right, and it must not wait for a licence.
  'customers.delete': 'read',
  'customers.bulkDelete': 'write',
  'customers.export': 'read',
  'customers.purge': 'read',
  'prescriptions.check': 'read',
  'prescriptions.transpose': 'read',
  'prescriptions.create': 'write',
  'prescriptions.correct': 'write',
  'prescriptions.list': 'read',
  'attachments.add': 'write',
  'attachments.list': 'read',
  'attachments.remove': 'write',
  'attachments.read': 'read',
  'licence.status': 'read',
  'licence.configure': 'read',
  'licence.activate': 'read',
  'licence.deactivate': 'read',
  'licence.refresh': 'read',
  'licence.requestCode': 'read',
  'licence.importFile': 'read',
  'update.status': 'read',
  'update.restart': 'read',
  'sync.configure': 'read',
  'sync.status': 'read',
  'sync.now': 'read',
  'sync.conflicts': 'read',
  // Keeping one side of a conflict is settling data already written, not new work.
  'sync.resolve': 'read',
  'sync.retryParked': 'read',
};

export function needsLicence(channel: Channel): boolean {
  return licenceGate[channel] === 'write';
}

import type { Channel } from '../shared/contract';

/**
 * Who may call each channel, enforced by dispatch for every transport (not just hidden in the UI):
 * `public` needs no session, `locked` a session even if the screen is locked, `staff` any signed-in
 * and unlocked member, `owner` an owner. A channel missing here does not compile.
 */
export type Access = 'public' | 'locked' | 'staff' | 'owner';

export const access: Record<Channel, Access> = {
  'app.info': 'public',
  'app.printToPdf': 'staff',
  'auth.status': 'public',
  'auth.setupOwner': 'public',
  'auth.login': 'public',
  'auth.logout': 'locked',
  'auth.me': 'locked',
  'auth.lock': 'locked',
  'auth.unlock': 'locked',
  'staff.list': 'owner',
  'staff.create': 'owner',
  'staff.update': 'owner',
  'staff.disable': 'owner',
  'staff.resetPassword': 'owner',
  'settings.setAutoLock': 'owner',
  'audit.list': 'staff',
  // Whoever sees a history is told when the trail under it was tampered with.
  'audit.chain': 'staff',
  'backup.create': 'owner',
  'backup.list': 'owner',
  'backup.restore': 'owner',
  'customers.create': 'staff',
  'customers.get': 'staff',
  'customers.list': 'staff',
  'customers.update': 'staff',
  'customers.delete': 'owner',
  'customers.bulkDelete': 'owner',
  // The export holds everything about a person; purge erases it for good.
  'customers.export': 'owner',
  'customers.purge': 'owner',
  'prescriptions.check': 'staff',
  'prescriptions.transpose': 'staff',
  'prescriptions.create': 'staff',
  'prescriptions.correct': 'staff',
  'prescriptions.list': 'staff',
  'attachments.add': 'staff',
  'attachments.list': 'staff',
  'attachments.remove': 'staff',
  'attachments.read': 'staff',
  // The activation screen comes before any sign-in (even before the owner exists, on a copied store).
  'licence.status': 'public',
  'licence.activate': 'public',
  'licence.refresh': 'public',
  'licence.requestCode': 'public',
  'licence.importFile': 'public',
  'licence.configure': 'owner',
  'licence.deactivate': 'owner',
  // Polled each minute by the signed-in window, lock screen included ('locked' calls never keep a
  // session from auto-locking); installing needs an unlocked member.
  'update.status': 'locked',
  'update.restart': 'staff',
  // Sync settings are the owner's; seeing and settling sync work is everyone's at the counter.
  'sync.configure': 'owner',
  'sync.status': 'locked',
  'sync.now': 'staff',
  'sync.conflicts': 'staff',
  'sync.resolve': 'staff',
  'sync.retryParked': 'staff',
};

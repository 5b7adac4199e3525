import type { BackupInfo } from '../../shared/backup/schema';
import type { ChannelOutput } from '../../shared/contract';
import type { Actor } from '../audit/log';
import type { GroupChannels, HandlersOf } from '../handlers';
import type { BackupService } from './service';

export interface BackupHandlerDeps {
  backups: BackupService;
  /** A backup the live audit trail vouches for (assembly.ts). */
  makeBackup(kind: 'manual', actor: Actor): Promise<BackupInfo>;
  /** Restores under the running app (running-store.ts). */
  restore(name: string, actor: Actor): Promise<ChannelOutput<'backup.restore'>>;
}

export function backupHandlers(d: BackupHandlerDeps): HandlersOf<GroupChannels<'backup'>> {
  return {
    'backup.create': (_, ctx) => d.makeBackup('manual', ctx.actor),
    'backup.list': () => d.backups.list(),
    'backup.restore': async ({ name }, ctx) => {
      const out = await d.restore(name, ctx.actor);
      // Sessions do not survive a restore: the restored data may not even have the same staff.
      ctx.setSession(null);
      return out;
    },
  };
}

import type { BackupInfo } from '../../shared/backup/schema';
import type { ChannelOutput } from '../../shared/contract';
import type { Actor } from '../audit/log';
import type { GroupChannels, HandlersOf } from '../handlers';
import type { UnitOfWork } from '../unit-of-work';
import { rm } from 'node:fs/promises';
import type { BackupService } from './service';

export interface BackupHandlerDeps {
  backups: BackupService;
  /** A backup the live audit trail vouches for (assembly.ts). */
  makeBackup(kind: 'manual', actor: Actor): Promise<BackupInfo>;
  /** Restores under the running app (running-store.ts). */
  restore(name: string, actor: Actor): Promise<ChannelOutput<'backup.restore'>>;
  writes: UnitOfWork;
}

export function backupHandlers(d: BackupHandlerDeps): HandlersOf<GroupChannels<'backup'>> {
  return {
    'backup.create': (_, ctx) => d.makeBackup('manual', ctx.actor),
    'backup.list': () => d.backups.list(),
    'backup.location': () => ({ folder: d.backups.folder }),
    'backup.copyTo': async ({ name, folder }, ctx) => {
      const out = await d.backups.copyTo(name, folder);
      // The copy is done outside the transaction (seconds on a stick); a copy the trail cannot record is not left there.
      await d.writes.run(ctx.actor, async ({ record }) => record({ entity: 'backup', entityId: name, action: 'copy', after: { copiedTo: out.copiedTo } })).catch(async (err: unknown) => {
        await rm(out.copiedTo, { recursive: true, force: true }).catch(() => undefined);
        throw err;
      });
      return { name, ...out };
    },
    'backup.restore': async ({ name }, ctx) => {
      const out = await d.restore(name, ctx.actor);
      // Sessions do not survive a restore: the restored data may not even have the same staff.
      ctx.setSession(null);
      return out;
    },
  };
}

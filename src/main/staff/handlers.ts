import { type HandlersOf, type GroupChannels } from '../handlers';
import { signedInOf } from '../dispatch';
import type { StaffService } from './service';

export function staffHandlers(staff: StaffService): HandlersOf<GroupChannels<'auth' | 'staff'> | 'settings.setAutoLock'> {
  return {
    'auth.status': async (_, ctx) => ({
      ownerExists: await staff.ownerExists(),
      signedIn: ctx.signedIn !== null,
      locked: ctx.signedIn?.session.locked ?? false,
      autoLockMinutes: await staff.getAutoLockMinutes(),
    }),
    'auth.setupOwner': async (input, ctx) => {
      const session = await staff.setupOwner(input);
      ctx.setSession(session.sessionToken);
      return session;
    },
    'auth.login': async (input, ctx) => {
      const session = await staff.login(input);
      ctx.setSession(session.sessionToken);
      return session;
    },
    'auth.logout': async (_, ctx) => {
      const out = await staff.logout(signedInOf(ctx).session.token);
      ctx.setSession(null);
      return out;
    },
    'auth.me': (_, ctx) => staff.me(signedInOf(ctx)),
    'auth.lock': (_, ctx) => staff.lock(signedInOf(ctx)),
    'auth.unlock': ({ pin }, ctx) => staff.unlock(signedInOf(ctx), pin),
    'auth.recover': async (input, ctx) => {
      const session = await staff.recover(input);
      ctx.setSession(session.sessionToken);
      return session;
    },
    'auth.newRecoveryCode': ({ password }, ctx) => staff.newRecoveryCode(signedInOf(ctx), password, ctx.actor),
    'auth.lockTiles': () => staff.lockTiles(),
    'auth.switchUser': async (input, ctx) => {
      const session = await staff.switchUser(signedInOf(ctx), input);
      ctx.setSession(session.sessionToken);
      return session;
    },
    'staff.list': () => staff.list(),
    'staff.create': (input, ctx) => staff.create(input, ctx.actor),
    'staff.update': (input, ctx) => staff.update(input, ctx.actor),
    'staff.disable': ({ id }, ctx) => staff.disable(id, ctx.actor),
    'staff.resetPassword': ({ id, password }, ctx) => staff.resetPassword(id, password, ctx.actor),
    'settings.setAutoLock': ({ minutes }, ctx) => staff.setAutoLockMinutes(minutes, ctx.actor),
  };
}

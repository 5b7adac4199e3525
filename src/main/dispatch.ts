import { type Access, type Channel, type ChannelOutput, type ParsedInput, contract, isChannel } from '../shared/contract';
import { z } from 'zod';
import { AppError, type Effects, type Envelope, validationError } from '../shared/errors';
import { ILL_FORMED_TEXT_MESSAGE, illFormedTextPaths } from '../shared/well-formed-text';
import type { Actor } from './audit/log';
import type { Clock } from './clock';
import type { Logger } from './log';
import type { SignedIn } from './staff/service';

/** What a handler knows about the call besides its input. */
export interface CallContext {
  clock: Clock;
  /** The caller's session token as the transport carried it. */
  sessionToken: string | null;
  /** The signed-in staff member, when there is one (always, past the access check, except public channels). */
  signedIn: SignedIn | null;
  /** Who is acting, for createdBy and the audit trail. */
  actor: Actor;
  /** The desktop window the call came from, opaque to the core (the shell's printer port prints it). */
  window: unknown;
  /** Tells the transport the caller's session from now on: a token after a sign-in, null once it ended. */
  setSession(token: string | null): void;
}

/** What a transport knows of a call: the session token it carried (header, or the window's), and its window. */
export interface CallOrigin {
  sessionToken?: string | null;
  window?: unknown;
}

export type Handlers = {
  [C in Channel]: (input: ParsedInput<C>, ctx: CallContext) => ChannelOutput<C> | Promise<ChannelOutput<C>>;
};

export type Dispatch = (channel: string, rawInput: unknown, origin?: CallOrigin) => Promise<Envelope<unknown>>;

export interface DispatchDeps {
  clock: Clock;
  log: Logger;
  resolveSession(token: string | null): Promise<SignedIn | null>;
  touch(signedIn: SignedIn): void;
  /** The licence gate (the contract's `write` kind): throws `licence.required` for a change while not licensed. */
  requireLicence?(channel: Channel): Promise<void> | void;
}

const SYSTEM: Actor = { staffId: null, username: 'counter' };

/**
 * The one place every call goes through, whatever carried it: the channel is looked up, the
 * caller's access checked, the input parsed with the contract's zod schema, the handler run, and any
 * failure turned into an error shape.
 */
export function createDispatch(handlers: Handlers, deps: DispatchDeps): Dispatch {
  return async (channel, rawInput, origin = {}) => {
    const effects: Effects = {};
    const sessionToken = origin.sessionToken ?? null;
    try {
      if (!isChannel(channel)) throw new AppError('channel.unknown', `Unknown channel "${channel}"`);
      const signedIn = await deps.resolveSession(sessionToken);
      // A token that no longer opens a session (expired, signed out elsewhere, a restore) is dropped by the transport.
      if (sessionToken !== null && !signedIn) effects.session = null;
      checkAccess(contract[channel].access, signedIn, deps);
      await deps.requireLicence?.(channel);
      const parsed = contract[channel].input.safeParse(rawInput ?? {});
      const illFormed = illFormedTextPaths(rawInput).map((path): z.core.$ZodIssue => ({ code: 'custom', path, message: ILL_FORMED_TEXT_MESSAGE, input: undefined, params: { code: 'text.illFormed' } }));
      if (illFormed.length > 0) throw validationError(new z.ZodError([...illFormed, ...(parsed.success ? [] : parsed.error.issues)]));
      if (!parsed.success) throw validationError(parsed.error);
      const ctx: CallContext = {
        clock: deps.clock,
        sessionToken,
        signedIn,
        actor: signedIn ? { staffId: signedIn.staff.id, username: signedIn.staff.username } : SYSTEM,
        window: origin.window,
        setSession: (token) => {
          effects.session = token;
        },
      };
      const handler = handlers[channel] as (input: unknown, ctx: CallContext) => unknown;
      return withEffects({ ok: true, data: await handler(parsed.data, ctx) }, effects);
    } catch (err) {
      if (err instanceof AppError) return withEffects(failure(err), effects);
      // Never echo internals (SQL, paths) to the screen; the log has the detail, without the input.
      deps.log.error(`channel ${channel} failed`, err);
      // A page SQLite found damaged (a read too, while the start's check still runs): said as such, not "try again" (review 20).
      if (err instanceof Error && 'code' in err && /^SQLITE_(CORRUPT|NOTADB)/.test(String(err.code))) return withEffects(failure(damaged()), effects);
      return withEffects(failure(new AppError('internal', 'Something went wrong; the change was not saved. Please try again.')), effects);
    }
  };
}

function damaged(): AppError {
  return new AppError('db.corrupt', 'Part of the database is damaged and could not be read; nothing was changed. Restart OptiCounter to have it checked and offered a backup to restore.');
}

function checkAccess(rule: Access, signedIn: SignedIn | null, deps: DispatchDeps): void {
  if (rule === 'public') return;
  if (!signedIn) throw new AppError('auth.required', 'Sign in first');
  if (signedIn.session.locked && rule !== 'locked') throw new AppError('auth.locked', 'The screen is locked: unlock it with your PIN');
  if (rule === 'owner' && signedIn.staff.role !== 'owner') throw new AppError('auth.forbidden', 'Only an owner can do this');
  if (rule !== 'locked') deps.touch(signedIn);
}

function withEffects<T>(envelope: Envelope<T>, effects: Effects): Envelope<T> {
  return effects.session === undefined ? envelope : { ...envelope, effects };
}

/** The signed-in staff member of a call that passed the access check. */
export function signedInOf(ctx: CallContext): SignedIn {
  if (!ctx.signedIn) throw new AppError('auth.required', 'Sign in first');
  return ctx.signedIn;
}

function failure(err: AppError): Envelope<never> {
  return { ok: false, error: err.toShape() };
}

/** Calls a channel directly (tests, tooling) with the contract's types; throws AppError on failure. */
export async function call<C extends Channel>(dispatch: Dispatch, channel: C, input: unknown, origin?: CallOrigin): Promise<ChannelOutput<C>> {
  const res = await dispatch(channel, input, origin);
  if (!res.ok) throw AppError.fromShape(res.error);
  return res.data as ChannelOutput<C>;
}

import { type Channel, type ChannelOutput, type ParsedInput, contract, isChannel } from '../shared/contract';
import { AppError, type Envelope, validationError } from '../shared/errors';
import type { Clock } from './clock';
import type { Logger } from './log';

/** What a handler knows about the call besides its input. Signed-in staff join it later. */
export interface CallContext {
  clock: Clock;
}

export type Handlers = {
  [C in Channel]: (input: ParsedInput<C>, ctx: CallContext) => ChannelOutput<C> | Promise<ChannelOutput<C>>;
};

export type Dispatch = (channel: string, rawInput: unknown, ctx: CallContext) => Promise<Envelope<unknown>>;

/**
 * The one place every call goes through, whatever carried it: the channel is looked up, the input
 * parsed with the contract's zod schema, the handler run, and any failure turned into an error shape.
 */
export function createDispatch(handlers: Handlers, log: Logger): Dispatch {
  return async (channel, rawInput, ctx) => {
    if (!isChannel(channel)) {
      return failure(new AppError('channel.unknown', `Unknown channel "${channel}"`));
    }
    const parsed = contract[channel].input.safeParse(rawInput ?? {});
    if (!parsed.success) return failure(validationError(parsed.error));
    try {
      const handler = handlers[channel] as (input: unknown, ctx: CallContext) => unknown;
      return { ok: true, data: await handler(parsed.data, ctx) };
    } catch (err) {
      if (err instanceof AppError) return failure(err);
      // Never echo internals (SQL, paths) to the screen; the log has the detail, without the input.
      log.error(`channel ${channel} failed`, err);
      return failure(new AppError('internal', 'Something went wrong; the change was not saved. Please try again.'));
    }
  };
}

function failure(err: AppError): Envelope<never> {
  return { ok: false, error: err.toShape() };
}

/** Calls a channel directly (tests, tooling) with the contract's types; throws AppError on failure. */
export async function call<C extends Channel>(
  dispatch: Dispatch,
  channel: C,
  input: unknown,
  ctx: CallContext,
): Promise<ChannelOutput<C>> {
  const res = await dispatch(channel, input, ctx);
  if (!res.ok) throw AppError.fromShape(res.error);
  return res.data as ChannelOutput<C>;
}

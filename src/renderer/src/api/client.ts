import type { Api, Channel, ChannelInput, ChannelOutput } from '../../../shared/contract';
import { apiPath } from '../../../shared/contract';
import { AppError, type Envelope } from '../../../shared/errors';

/** One call over whatever carries it: Electron IPC (window.api) or the browser host's HTTP. */
export type Transport = <C extends Channel>(channel: C, input: ChannelInput<C>) => Promise<Envelope<ChannelOutput<C>>>;

export function ipcTransport(api: Api): Transport {
  return (channel, input) => {
    const [group, method] = apiPath(channel);
    const fn = (api as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>)[group]?.[method];
    if (!fn) throw new Error(`window.api has no ${channel}`);
    return fn(input) as Promise<Envelope<ChannelOutput<typeof channel>>>;
  };
}

export function httpTransport(baseUrl: string, token: string): Transport {
  return async (channel, input) => {
    const res = await fetch(`${baseUrl}/api/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(input ?? {}),
    });
    return (await res.json()) as Envelope<ChannelOutput<typeof channel>>;
  };
}

/** The typed client the screens use: resolves with the channel's output or throws an AppError. */
export function createClient(transport: Transport) {
  return async function call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
    const envelope = await transport(channel, input);
    if (envelope.ok) return envelope.data;
    throw AppError.fromShape(envelope.error);
  };
}
export type Call = ReturnType<typeof createClient>;

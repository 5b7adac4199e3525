import type { Api, Channel, ChannelInput, ChannelOutput } from '../../../shared/contract';
import { apiPath } from '../../../shared/contract';
import { AppError, type Effects, type Envelope } from '../../../shared/errors';
import { SESSION_HEADER, type SessionStore } from './session';

/** One call over whatever carries it: Electron IPC (window.api) or the browser host's HTTP. */
export type Transport = <C extends Channel>(channel: C, input: ChannelInput<C>) => Promise<Envelope<ChannelOutput<C>>>;

/** Electron: the window's session is kept by main, so the page sends nothing besides the input. */
export function ipcTransport(api: Api): Transport {
  return (channel, input) => {
    const [group, method] = apiPath(channel);
    const fn = (api as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>)[group]?.[method];
    if (!fn) throw new Error(`window.api has no ${channel}`);
    return fn(input) as Promise<Envelope<ChannelOutput<typeof channel>>>;
  };
}

/**
 * The browser host: every call carries the host token (which admits the page) and, once signed in,
 * the session token (which says who is at the counter). The transport applies the session effects of
 * the answers, the way Electron's main does for a window.
 */
export function httpTransport(baseUrl: string, token: string, session: SessionStore): Transport {
  return async (channel, input) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const sessionToken = session.get();
    if (sessionToken) headers[SESSION_HEADER] = sessionToken;
    const res = await fetch(`${baseUrl}/api/${channel}`, { method: 'POST', headers, body: JSON.stringify(input ?? {}) });
    const envelope = (await res.json()) as Envelope<ChannelOutput<typeof channel>>;
    applySession(session, envelope.effects, sessionToken);
    return envelope;
  };
}

function applySession(session: SessionStore, effects: Effects | undefined, sent: string | null) {
  const next = effects?.session;
  if (typeof next === 'string') session.set(next);
  // Only the token the call carried is dropped: a sign-in that answered meanwhile keeps its new one.
  else if (next === null && sent !== null && session.get() === sent) session.set(null);
}

export type ClientOptions = {
  /** Told of every error answer, e.g. to show the lock screen on `auth.locked`. */
  onError?: (error: AppError, channel: Channel) => void;
};

/** The typed client the screens use: resolves with the channel's output or throws an AppError. */
export function createClient(transport: Transport, options: ClientOptions = {}) {
  return async function call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
    const envelope = await transport(channel, input);
    if (envelope.ok) return envelope.data;
    const error = AppError.fromShape(envelope.error);
    options.onError?.(error, channel);
    throw error;
  };
}
export type Call = ReturnType<typeof createClient>;

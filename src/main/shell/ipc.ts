import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { type Channel, channels } from '../../shared/contract';
import { AppError, type Envelope } from '../../shared/errors';
import type { Core } from '../core';

/**
 * Whether an IPC call comes from the app's own top-level page. An iframe, or a page the window was
 * somehow navigated to, must not reach the core.
 */
export function isTrustedFrame(frame: Pick<WebFrameMain, 'url' | 'parent'> | null, rendererUrl: string): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    const from = new URL(frame.url);
    const app = new URL(rendererUrl);
    // Scheme and host (with port) compared one by one: URL.origin is "null" for every custom scheme
    // in Node, so comparing origins would let any app:, foo: or file: page through alike. The
    // installed app is app://opticounter (app-protocol.ts); only a development build uses the dev server.
    return app.protocol !== 'file:' && from.protocol === app.protocol && from.host === app.host && app.host !== '';
  } catch {
    return false;
  }
}

/**
 * In Electron the session belongs to the window: main keeps each window's session token (from the
 * effects of its calls) and passes it with the window's calls, so the page never has to hold it.
 */
export class WindowSessions {
  private readonly tokens = new Map<number, string>();

  tokenOf(windowId: number): string | null {
    return this.tokens.get(windowId) ?? null;
  }

  /**
   * Applies a call's effects to the window (`sent`: the token the call carried), and answers the page
   * without them or the token.
   */
  apply(windowId: number, result: Envelope<unknown>, sent: string | null): Envelope<unknown> {
    const { effects, ...answer } = result;
    const token = effects?.session;
    if (token === undefined) return answer;
    if (token === null) {
      // Only the token the call carried ends: a sign-in that answered meanwhile keeps its new one.
      if (sent !== null && this.tokens.get(windowId) === sent) this.tokens.delete(windowId);
      return answer;
    }
    this.tokens.set(windowId, token);
    // Main holds the window's session; the page never needs (so never gets) its token.
    return answer.ok ? { ...answer, data: withoutValue(answer.data, token) } : answer;
  }

  forget(windowId: number): void {
    this.tokens.delete(windowId);
  }
}

/** `data` with every string equal to `secret` blanked, wherever the answer carries it. */
function withoutValue(data: unknown, secret: string): unknown {
  if (data === secret) return '';
  if (Array.isArray(data)) return data.map((item) => withoutValue(item, secret));
  if (data && typeof data === 'object') return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, withoutValue(v, secret)]));
  return data;
}

/** The one way a channel is exposed over IPC: sender checked, window's session attached, effects applied. */
export function registerHandler(
  ipcMain: Pick<IpcMain, 'handle'>,
  channel: Channel,
  core: Pick<Core, 'handle'>,
  sessions: WindowSessions,
  rendererUrl: string,
): void {
  ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown): Promise<Envelope<unknown>> => {
    if (!isTrustedFrame(event.senderFrame, rendererUrl)) {
      return { ok: false, error: new AppError('ipc.forbiddenSender', 'This call did not come from the OptiCounter window').toShape() };
    }
    const windowId = event.sender.id;
    const sessionToken = sessions.tokenOf(windowId);
    // The window goes along, opaque to the core, for ports that act on it (the printer).
    const result = await core.handle(channel, input, { sessionToken, window: event.sender });
    return sessions.apply(windowId, result, sessionToken);
  });
}

export function registerAllHandlers(ipcMain: Pick<IpcMain, 'handle'>, core: Pick<Core, 'handle'>, sessions: WindowSessions, rendererUrl: string): void {
  for (const channel of channels) registerHandler(ipcMain, channel, core, sessions, rendererUrl);
}

import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { type Channel, channels } from '../../shared/contract';
import { AppError, type Envelope } from '../../shared/errors';
import type { Core } from '../core';
import { printToPdf } from './print';

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
 * In Electron the session belongs to the window: main keeps each window's session token (from its
 * sign-in) and passes it with the window's calls, so the page never has to hold it.
 */
export class WindowSessions {
  private readonly tokens = new Map<number, string>();

  tokenOf(windowId: number): string | null {
    return this.tokens.get(windowId) ?? null;
  }

  /** Notes sign-ins and sign-outs as the window's calls return. */
  observe(windowId: number, channel: Channel, result: Envelope<unknown>): void {
    if (!result.ok) return;
    if (channel === 'auth.login' || channel === 'auth.setupOwner') {
      this.tokens.set(windowId, (result.data as { sessionToken: string }).sessionToken);
    } else if (channel === 'auth.logout') {
      this.tokens.delete(windowId);
    }
  }

  forget(windowId: number): void {
    this.tokens.delete(windowId);
  }
}

/** The one way a channel is exposed over IPC: sender checked, window's session attached, envelope back. */
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
    const result = await core.handle(channel, input, { sessionToken: sessions.tokenOf(windowId) });
    sessions.observe(windowId, channel, result);
    // The core has checked the caller may print; printing itself needs the window.
    if (channel === 'app.printToPdf' && result.ok) return { ok: true, data: await printToPdf(event.sender) };
    // Main holds the window's session; the page never needs (so never gets) its token.
    if ((channel === 'auth.login' || channel === 'auth.setupOwner') && result.ok) {
      return { ok: true, data: { ...(result.data as object), sessionToken: '' } };
    }
    return result;
  });
}

export function registerAllHandlers(ipcMain: Pick<IpcMain, 'handle'>, core: Pick<Core, 'handle'>, sessions: WindowSessions, rendererUrl: string): void {
  for (const channel of channels) registerHandler(ipcMain, channel, core, sessions, rendererUrl);
}

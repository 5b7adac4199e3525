import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { type Channel, channels } from '../../shared/contract';
import { AppError, type Envelope } from '../../shared/errors';
import type { CallContext, Dispatch } from '../dispatch';

/**
 * Whether an IPC call comes from the app's own top-level page. An iframe, or a page the window was
 * somehow navigated to, must not reach the core.
 */
export function isTrustedFrame(frame: Pick<WebFrameMain, 'url' | 'parent'> | null, rendererUrl: string): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    const from = new URL(frame.url);
    const app = new URL(rendererUrl);
    // file: URLs have no origin; compare the file path instead.
    return app.protocol === 'file:' ? from.protocol === 'file:' && from.pathname === app.pathname : from.origin === app.origin;
  } catch {
    return false;
  }
}

/** The one way a channel is exposed over IPC: sender checked, input parsed, result as an envelope. */
export function registerHandler(
  ipcMain: Pick<IpcMain, 'handle'>,
  channel: Channel,
  dispatch: Dispatch,
  ctx: () => CallContext,
  rendererUrl: string,
): void {
  ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown): Promise<Envelope<unknown>> => {
    if (!isTrustedFrame(event.senderFrame, rendererUrl)) {
      return { ok: false, error: new AppError('ipc.forbiddenSender', 'This call did not come from the OptiCounter window').toShape() };
    }
    return dispatch(channel, input, ctx());
  });
}

export function registerAllHandlers(ipcMain: Pick<IpcMain, 'handle'>, dispatch: Dispatch, ctx: () => CallContext, rendererUrl: string): void {
  for (const channel of channels) registerHandler(ipcMain, channel, dispatch, ctx, rendererUrl);
}

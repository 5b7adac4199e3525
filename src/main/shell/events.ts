import type { WebContents } from 'electron';
import { APP_EVENT_CHANNEL } from '../../shared/events';
import type { Core } from '../core';
import { watchSyncStatus } from '../events';

/**
 * Forwards the core's events to the app's windows (the preload's `window.appEvents` hands them to
 * the page). Windows are looked up at each event: one opened later gets them too.
 */
export function forwardAppEvents(core: Pick<Core, 'onSyncChange'>, windows: () => Pick<WebContents, 'send' | 'isDestroyed'>[]): () => void {
  return watchSyncStatus(core, (event) => {
    for (const contents of windows()) if (!contents.isDestroyed()) contents.send(APP_EVENT_CHANNEL, event);
  });
}

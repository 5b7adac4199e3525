import type { WebContents } from 'electron';
import { APP_EVENT_CHANNEL, type AppEvent } from '../../shared/events';
import type { Core } from '../core';
import { watchImportProgress, watchSyncStatus } from '../events';

/**
 * Forwards the core's events to the app's windows (the preload's `window.appEvents` hands them to
 * the page). Windows are looked up at each event: one opened later gets them too.
 */
export function forwardAppEvents(core: Pick<Core, 'onSyncChange' | 'onImportProgress'>, windows: () => Pick<WebContents, 'send' | 'isDestroyed'>[]): () => void {
  const send = (event: AppEvent) => {
    for (const contents of windows()) if (!contents.isDestroyed()) contents.send(APP_EVENT_CHANNEL, event);
  };
  const stopSync = watchSyncStatus(core, send);
  const stopImport = watchImportProgress(core, send);
  return () => {
    stopSync();
    stopImport();
  };
}

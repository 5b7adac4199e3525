import type { AppEvent } from '../shared/events';
import type { Core } from './core';

/** Progress during a push changes the status many times a second: the page hears of it this often at most. */
export const SYNC_EVENT_INTERVAL_MS = 250;

/**
 * Calls `send` with a `sync.status` event after the sync status may have changed, at most once per
 * interval (the last change always gets one). Always on a later tick: a change is noted inside the
 * write's transaction, and the page must read the committed state. Returns the unsubscribe function.
 */
export function watchSyncStatus(core: Pick<Core, 'onSyncChange'>, send: (event: AppEvent) => void, intervalMs = SYNC_EVENT_INTERVAL_MS): () => void {
  let timer: NodeJS.Timeout | null = null;
  let lastSent = Number.NEGATIVE_INFINITY;
  const flush = () => {
    timer = null;
    lastSent = Date.now();
    send({ type: 'sync.status' });
  };
  const unsubscribe = core.onSyncChange(() => {
    if (timer) return;
    timer = setTimeout(flush, Math.max(0, lastSent + intervalMs - Date.now()));
    timer.unref?.();
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    timer = null;
  };
}

/** A running import's progress: the page hears of it this often at most (a chunk takes a few ms). */
export const IMPORT_EVENT_INTERVAL_MS = 200;

/** Calls `send` with an `import.progress` event after an import's progress changed, throttled as watchSyncStatus is. */
export function watchImportProgress(core: Pick<Core, 'onImportProgress'>, send: (event: AppEvent) => void, intervalMs = IMPORT_EVENT_INTERVAL_MS): () => void {
  return watchSyncStatus({ onSyncChange: (listener) => core.onImportProgress(listener) }, () => send({ type: 'import.progress' }), intervalMs);
}

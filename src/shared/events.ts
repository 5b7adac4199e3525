import { z } from 'zod';

/*
 * Events main pushes to the page. They carry no data, only "this changed: ask again", so nothing
 * is sent that the page's session could not read through its own calls.
 */

/** Electron: the IPC channel main sends events on (webContents.send). */
export const APP_EVENT_CHANNEL = 'opticounter:event';
/** The browser host: Server-Sent Events on `GET /api/events` (same bearer token as the API). */
export const APP_EVENTS_PATH = '/api/events';

export const AppEvent = z.object({ type: z.enum(['sync.status', 'import.progress']) });
export type AppEvent = z.infer<typeof AppEvent>;

/** What the preload exposes as `window.appEvents`; the page parses each event with AppEvent. */
export interface AppEventBridge {
  /** Returns the function that stops the subscription. */
  subscribe(listener: (event: unknown) => void): () => void;
}

import type { Api } from '../shared/contract';
import type { AppEventBridge } from '../shared/events';

declare global {
  interface Window {
    /** Present in Electron only (exposed by the preload); the browser host uses HTTP instead. */
    api?: Api;
    /** Main's events, in Electron only; the browser host sends them as Server-Sent Events. */
    appEvents?: AppEventBridge;
  }
}

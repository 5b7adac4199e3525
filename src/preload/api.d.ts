import type { Api } from '../shared/contract';

declare global {
  interface Window {
    /** Present in Electron only (exposed by the preload); the browser host uses HTTP instead. */
    api?: Api;
  }
}

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { apiPath, channels } from '../shared/contract';
import { APP_EVENT_CHANNEL, type AppEventBridge } from '../shared/events';

/*
 * window.api is generated from the contract: one function per channel, each an ipcRenderer.invoke
 * of that channel. Beside it, window.appEvents subscribes to main's events (the page parses them).
 * Nothing else of Electron or Node reaches the page.
 */
const api: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
for (const channel of channels) {
  const [group, method] = apiPath(channel);
  (api[group] ??= {})[method] = (input: unknown) => ipcRenderer.invoke(channel, input);
}
contextBridge.exposeInMainWorld('api', api);

const appEvents: AppEventBridge = {
  subscribe(listener) {
    // The IPC event object (sender, ports) stays here: the page gets the payload only.
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(APP_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(APP_EVENT_CHANNEL, forward);
    };
  },
};
contextBridge.exposeInMainWorld('appEvents', appEvents);

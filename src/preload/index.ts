import { contextBridge, ipcRenderer } from 'electron';
import { apiPath, channels } from '../shared/contract';

/*
 * window.api is generated from the contract: one function per channel, each an ipcRenderer.invoke
 * of that channel. Nothing else of Electron or Node reaches the page.
 */
const api: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
for (const channel of channels) {
  const [group, method] = apiPath(channel);
  (api[group] ??= {})[method] = (input: unknown) => ipcRenderer.invoke(channel, input);
}
contextBridge.exposeInMainWorld('api', api);

import { BrowserWindow, type WebContents, dialog } from 'electron';
import type { FolderPicker } from '../app/handlers';

/** The core's folder port (app/handlers.ts): the system's folder dialog, over the calling window. */
export const electronFolderPicker: FolderPicker = { pickFolder: (window) => pickFolder(window as WebContents) };

async function pickFolder(contents: WebContents): Promise<string | null> {
  const owner = BrowserWindow.fromWebContents(contents);
  // createDirectory: macOS offers "New Folder" only when asked; the owner may want one on the stick.
  const options = { title: 'Choose where to copy the backup', properties: ['openDirectory' as const, 'createDirectory' as const] };
  const choice = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
  return choice.canceled ? null : (choice.filePaths[0] ?? null);
}

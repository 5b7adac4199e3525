import type { HandlersOf } from '../handlers';

/** Prints the calling window to a PDF file; the desktop shell supplies it (shell/print.ts), like the updater. */
export interface Printer {
  printToPdf(window: unknown): Promise<{ savedTo: string | null }>;
}

/** Asks the owner for a folder (the desktop shell's dialog, shell/folder-picker.ts); null: cancelled. */
export interface FolderPicker {
  pickFolder(window: unknown): Promise<string | null>;
}

export interface AppHandlerDeps {
  appVersion: string;
  dataDir: string;
  schemaVersion: number;
  printer: Printer | null;
  folderPicker: FolderPicker | null;
}

export function appHandlers(d: AppHandlerDeps): HandlersOf<'app.info' | 'app.printToPdf' | 'app.pickFolder'> {
  return {
    'app.info': () => ({ version: d.appVersion, dataDir: d.dataDir, schemaVersion: d.schemaVersion }),
    // Without a printer (the browser host) or a window to print, the page uses the browser's own print.
    // Without a dialog (the browser host), the page lets the owner type or paste the folder's path.
    'app.pickFolder': async (_, ctx) => (d.folderPicker && ctx.window !== undefined ? { handled: true, folder: await d.folderPicker.pickFolder(ctx.window) } : { handled: false, folder: null }),
    'app.printToPdf': async (_, ctx) => (d.printer && ctx.window !== undefined ? { handled: true, ...(await d.printer.printToPdf(ctx.window)) } : { handled: false, savedTo: null }),
  };
}

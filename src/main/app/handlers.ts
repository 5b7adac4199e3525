import type { HandlersOf } from '../handlers';

/** Prints the calling window to a PDF file; the desktop shell supplies it (shell/print.ts), like the updater. */
export interface Printer {
  printToPdf(window: unknown): Promise<{ savedTo: string | null }>;
}

export interface AppHandlerDeps {
  appVersion: string;
  dataDir: string;
  schemaVersion: number;
  printer: Printer | null;
}

export function appHandlers(d: AppHandlerDeps): HandlersOf<'app.info' | 'app.printToPdf'> {
  return {
    'app.info': () => ({ version: d.appVersion, dataDir: d.dataDir, schemaVersion: d.schemaVersion }),
    // Without a printer (the browser host) or a window to print, the page uses the browser's own print.
    'app.printToPdf': async (_, ctx) => (d.printer && ctx.window !== undefined ? { handled: true, ...(await d.printer.printToPdf(ctx.window)) } : { handled: false, savedTo: null }),
  };
}

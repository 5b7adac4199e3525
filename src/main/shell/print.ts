import { writeFile } from 'node:fs/promises';
import { BrowserWindow, type WebContents, dialog } from 'electron';
import type { Printer } from '../app/handlers';

/** The core's printer port (app/handlers.ts): the window is the calling window's WebContents (shell/ipc.ts). */
export const electronPrinter: Printer = { printToPdf: (window) => printToPdf(window as WebContents) };

/** Prints the window's page (its print stylesheet shows only the card) to a PDF the user saves. */
async function printToPdf(contents: WebContents): Promise<{ savedTo: string | null }> {
  const owner = BrowserWindow.fromWebContents(contents);
  const options = { title: 'Save the prescription card', defaultPath: 'prescription.pdf', filters: [{ name: 'PDF', extensions: ['pdf'] }] };
  const choice = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
  if (choice.canceled || !choice.filePath) return { savedTo: null };
  const pdf = await contents.printToPDF({ pageSize: 'A4', printBackground: true });
  await writeFile(choice.filePath, pdf);
  return { savedTo: choice.filePath };
}

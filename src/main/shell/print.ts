import { writeFile } from 'node:fs/promises';
import { BrowserWindow, type WebContents, dialog } from 'electron';

/** Prints the window's page (its print stylesheet shows only the card) to a PDF the user saves. */
export async function printToPdf(contents: WebContents): Promise<{ handled: true; savedTo: string | null }> {
  const owner = BrowserWindow.fromWebContents(contents);
  const options = { title: 'Save the prescription card', defaultPath: 'prescription.pdf', filters: [{ name: 'PDF', extensions: ['pdf'] }] };
  const choice = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
  if (choice.canceled || !choice.filePath) return { handled: true, savedTo: null };
  const pdf = await contents.printToPDF({ pageSize: 'A4', printBackground: true });
  await writeFile(choice.filePath, pdf);
  return { handled: true, savedTo: choice.filePath };
}

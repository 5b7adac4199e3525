import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu: what a counter PC needs (edit shortcuts work in every field because the
 * Edit roles exist; close, minimise, quit) and nothing that opens the app's insides. Reload and
 * DevTools only in a development build.
 */
export function applicationMenuTemplate(opts: { packaged: boolean; platform: NodeJS.Platform; appName: string }): MenuItemConstructorOptions[] {
  const mac = opts.platform === 'darwin';
  const menu: MenuItemConstructorOptions[] = [];
  if (mac) {
    menu.push({
      label: opts.appName,
      submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    });
  } else {
    menu.push({ label: 'File', submenu: [{ role: 'quit' }] });
  }
  menu.push({
    label: 'Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  });
  if (!opts.packaged) {
    menu.push({ label: 'View', submenu: [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }] });
  }
  menu.push({ role: 'windowMenu' });
  return menu;
}

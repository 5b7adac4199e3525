import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * better-sqlite3 is built for Node (tests, the browser host). `npm start` builds a copy for
 * Electron's ABI into .electron-native/; a packaged app has its node_modules rebuilt by
 * electron-builder and needs no override.
 */
export function electronNativeBinding(appRoot: string, packaged: boolean): string | undefined {
  if (packaged) return undefined;
  const file = join(appRoot, '.electron-native', 'better_sqlite3.node');
  return existsSync(file) ? file : undefined;
}

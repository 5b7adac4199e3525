import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'OptiCounter';

/**
 * The per-user data directory, the same one Electron's app.getPath('userData') gives, so the
 * browser host and the desktop app open the same embedded database by default.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}

import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundled } from './bundle';

/*
 * The browser host (src/main/browser-host.ts) bundled once, for the vitest suites that start it many
 * times (they run before `electron-vite build`; the e2e tests start the build's own).
 *
 * `node --import tsx` took 1.6 s to start on a quiet 2-core machine and 3–5 s on a busy one, most of
 * it transforming the sources and loading kysely's hundreds of ES modules; the bundle (bundle.ts)
 * starts in 0.5–0.7 s.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface HostCommand {
  /** Node's arguments before the host's own. */
  args: string[];
  /** Removes what building it left behind. */
  dispose(): void;
}

/**
 * Bundles the host into a temp dir laid out like the repo: it finds package.json and `resources`
 * relative to itself (linked, not copied), and resolves better-sqlite3 and the argon2 worker's module
 * from the linked node_modules.
 */
export async function bundledHostCommand(): Promise<HostCommand> {
  const dir = mkdtempSync(join(tmpdir(), 'opticounter-host-bundle-'));
  const out = join(dir, 'src/main/browser-host.mjs');
  mkdirSync(join(dir, 'src/main'), { recursive: true });
  try {
    await bundled(join(repoRoot, 'src/main/browser-host.ts'), out);
    copyFileSync(join(repoRoot, 'package.json'), join(dir, 'package.json'));
    for (const linked of ['node_modules', 'resources']) symlinkSync(join(repoRoot, linked), join(dir, linked), 'dir');
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { args: [out], dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
